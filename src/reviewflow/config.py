"""Load the review protocol (config/review.yaml) and check it against its JSON Schema before any stage runs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from reviewflow.errors import InputError
from reviewflow.paths import SCHEMA_DIR


def load_config(path: Path) -> dict[str, Any]:
    """Parsed and validated config; an invalid one stops with the offending key path and the rule it breaks."""
    try:
        config = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise InputError("config file not found", file=path) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError(
            f"not valid YAML: {getattr(exc, 'problem', exc)}",
            file=path,
            line=mark.line + 1 if mark else None,
        ) from exc
    schema = json.loads((SCHEMA_DIR / "review.schema.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(config), key=lambda e: list(map(str, e.absolute_path)))
    if errors:
        first = errors[0]
        key = ".".join(str(p) for p in first.absolute_path) or "(top level)"
        raise InputError(
            first.message,
            file=path,
            field=key,
            hint=f"{len(errors)} problem(s) in all; the schema is src/reviewflow/schemas/review.schema.json",
        )
    return config


def database_order(config: dict[str, Any]) -> list[str]:
    """Database ids in the configured priority order."""
    return list(config["databases"])

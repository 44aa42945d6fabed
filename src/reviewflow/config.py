"""Load the review protocol (config/review.yaml) and check it against its JSON Schema before any stage runs.

The protocol is data: it is read with the project's safe YAML loader (no templating, no object tags, no duplicate
keys), by every stage and by the Snakefile itself, so Snakemake never parses or evaluates it on its own.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import jsonschema

from reviewflow.errors import InputError
from reviewflow.extraction.form import form_from_config
from reviewflow.paths import SCHEMA_DIR
from reviewflow.riskofbias.settings import rob_settings
from reviewflow.safe_yaml import load_yaml_file


def load_config(path: Path) -> dict[str, Any]:
    """Parsed and validated config; an invalid one stops with the offending key path and the rule it breaks."""
    config = load_yaml_file(path)
    if not isinstance(config, dict):
        raise InputError("the config must be a YAML mapping of settings", file=path, line=1,
                         expected="keys such as title, databases, eligibility, screening")
    schema = json.loads((SCHEMA_DIR / "review.schema.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(config), key=lambda e: list(map(str, e.absolute_path)))
    if errors:
        first = errors[0]
        key = config_path(first.absolute_path) or "(top level)"
        raise InputError(
            first.message,
            file=path,
            field=key,
            hint=f"{len(errors)} problem(s) in all; the schema is src/reviewflow/schemas/review.schema.json",
        )
    form_from_config(config, source=path)  # the extraction form: what its JSON Schema cannot check
    rob_settings(config, source=path)  # risk-of-bias tools: designs known to the form, one tool per design
    return config


def config_path(parts: Iterable[str | int]) -> str:
    """A key path as people read it: ``extraction.fields[3].min``."""
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def database_order(config: dict[str, Any]) -> list[str]:
    """Database ids in the configured priority order."""
    return list(config["databases"])

"""The generated ``_variables.yml`` the ``var`` shortcodes read, with each value written as the prose shows it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml

from reviewflow.errors import InputError


class _YamlFloat(float):
    """A float that remembers its YAML spelling, so ``1.50`` is rendered as ``1.50`` and not ``1.5``."""

    text: str

    def __new__(cls, value: float, text: str) -> _YamlFloat:
        obj = super().__new__(cls, value)
        obj.text = text
        return obj


class _VariablesLoader(yaml.SafeLoader):
    """Safe loader whose floats keep their source spelling."""


def _construct_float(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> float:
    return _YamlFloat(loader.construct_yaml_float(node), node.value)


_VariablesLoader.add_constructor("tag:yaml.org,2002:float", _construct_float)


def load_variables(path: Path) -> dict:
    """Read the generated ``_variables.yml`` (nested YAML) that the ``var`` shortcodes look values up in."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("variables file not found", file=path,
                         hint="it is generated from results/numbers.json; run the numbers step") from None
    try:
        data = yaml.load(text, Loader=_VariablesLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError(f"not valid YAML: {getattr(exc, 'problem', None) or exc}", file=path,
                         line=mark.line + 1 if mark is not None else None) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise InputError("variables file must be a mapping of names to values", file=path,
                         expected="nested YAML mapping, e.g. 'prisma: {included: 35}'")
    return data


def flatten_names(variables: dict, prefix: str = "") -> list[str]:
    names: list[str] = []
    for key, value in variables.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            names.extend(flatten_names(value, name + "."))
        else:
            names.append(name)
    return names


def lookup(variables: dict, name: str) -> tuple[bool, Any]:
    """Dotted lookup in the nested mapping; a flat key containing dots is accepted too."""
    node: Any = variables
    for part in name.split("."):
        if isinstance(node, dict) and part in node:
            node = node[part]
        else:
            break
    else:
        return True, node
    if name in variables:
        return True, variables[name]
    return False, None


def format_value(value: Any) -> str | None:
    """Text of a scalar variable; None for values that cannot stand in prose (groups, nulls)."""
    if value is None or isinstance(value, dict | list):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, _YamlFloat):
        return value.text
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)

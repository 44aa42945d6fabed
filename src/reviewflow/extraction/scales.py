"""Scales: a number is only meaningful with the scale it is measured on, and only within that scale's range.

A category field may declare, for each code, a label and the range of a number on that scale
(``values: {nrs: {label: "NRS 0-10", min: 0, max: 10}}``; a plain ``code: label`` has no range). A number field
names such a field with ``scale: <field>``; each row's code then says which range its number must lie in
(extraction/checks.py applies it). This module reads the config side and checks it, with config paths.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reviewflow.errors import InputError

if TYPE_CHECKING:
    from reviewflow.extraction.form import Field

Range = tuple[float | None, float | None]


def value_labels(values: Mapping[str, Any]) -> dict[str, str]:
    """Code -> label, whether a value is written ``code: label`` or ``code: {label: ..., min: ..., max: ...}``."""
    return {str(code): str(value["label"] if isinstance(value, Mapping) else value)
            for code, value in values.items()}


def value_ranges(values: Mapping[str, Any], path: str, source: str | Path | None) -> dict[str, Range]:
    """Code -> (min, max) for the codes that declare a range; min above max is refused."""
    ranges: dict[str, Range] = {}
    for code, value in values.items():
        if not isinstance(value, Mapping) or ("min" not in value and "max" not in value):
            continue
        low, high = value.get("min"), value.get("max")
        if low is not None and high is not None and low > high:
            raise InputError(f"min {low} is above max {high}", file=source, field=f"{path}.{code}.min",
                             expected="min <= max")
        ranges[str(code)] = (low, high)
    return ranges


def check_scales(fields: Mapping[str, Field], source: str | Path | None) -> None:
    """Each ``scale`` is given on a number field and names a category field of the form."""
    for field in fields.values():
        if field.scale is None:
            continue
        path = f"{field.path}.scale"
        if field.type not in ("integer", "number"):
            raise InputError(f"scale given for a field of type {field.type}", file=source, field=path,
                             expected="scale only for types integer and number")
        named = fields.get(field.scale)
        if named is None or named.type != "category":
            raise InputError(f"scale names {field.scale!r}, not a category field", file=source, field=path,
                             expected="the name of a category field of extraction.fields whose values declare "
                                      "their range, e.g. {nrs: {label: 'NRS 0-10', min: 0, max: 10}}")


def scale_text(code: str, label: str, bounds: Range) -> str:
    """'from 0 to 10 on NRS 0-10' for a number on the scale ``code``."""
    low, high = bounds
    if low is not None and high is not None:
        span = f"from {_number(low)} to {_number(high)}"
    elif low is not None:
        span = f"at least {_number(low)}"
    else:
        span = f"at most {_number(high)}"
    return f"{span} on {label} (scale {code})"


def _number(value: float | None) -> str:
    return f"{value:g}"

"""The grouped synthesis a review may declare under ``extraction.synthesis``, checked.

A narrative review's results read group by group (by condition, by setting, by intervention): one category field
of the form says which group each study is in, and the tables, numbers and figures of the synthesis follow its
codes, in config order and with their labels. The JSON Schema checks the section's shape; this module checks
what it cannot (the fields named exist and are of the right type, the grouping field is required so the groups
add up to the included studies, names do not clash), each error naming its config path.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reviewflow.errors import InputError

if TYPE_CHECKING:
    from reviewflow.extraction.form import Change, Field

TABLE_PREFIX = "synthesis_"
"""Each group's table is results/tables/synthesis_<code>.md."""
RESERVED_FIGURES = ("prisma_flow", "design_breakdown", "reproduction")
FIELD_FIGURE_PREFIX = "field_"
"""Figure names another part of the figures stage writes: a synthesis figure may not take them."""
FIGURE_TYPES = ("crosstab", "change")


@dataclass(frozen=True)
class SynthesisFigure:
    """A figure of the grouped synthesis: a cross-tabulation of two category fields, or a before/after chart."""

    name: str
    type: str
    rows: str | None = None
    columns: str | None = None
    change: str | None = None
    scale: str | None = None


@dataclass(frozen=True)
class Synthesis:
    """Which field groups the studies, what each group's table shows, and the synthesis figures."""

    group_by: str
    groups: dict[str, str]
    columns: tuple[str, ...]
    caption: str
    study_heading: str
    design: bool
    figures: tuple[SynthesisFigure, ...]

    def table_name(self, code: str) -> str:
        return TABLE_PREFIX + code

    @property
    def table_names(self) -> list[str]:
        """One table per group, in the order of the grouping field's codes."""
        return [self.table_name(code) for code in self.groups]

    def table_label(self, code: str) -> str:
        return "tbl-" + self.table_name(code).replace("_", "-")


def _fail(message: str, path: str, source: str | Path | None, expected: str) -> InputError:
    return InputError(message, file=source, field=path, expected=expected)


def _counted_field(name: str, path: str, fields: dict[str, Field], source: str | Path | None) -> Field:
    field = fields.get(name)
    if field is None:
        raise _fail(f"unknown field {name!r}", path, source, "the name of a category field of extraction.fields")
    if field.type not in ("category", "yes_no"):
        raise _fail(f"{name!r} is a field of type {field.type}, not a category", path, source,
                    "the name of a category (or yes_no) field of extraction.fields")
    return field


def _group_field(name: str, fields: dict[str, Field], reserved_code: str, source: str | Path | None) -> Field:
    path = "extraction.synthesis.group_by"
    field = _counted_field(name, path, fields, source)
    if field.type != "category":
        raise _fail(f"{name!r} is a field of type {field.type}, not a category", path, source,
                    "the name of a category field of extraction.fields (its codes are the groups)")
    if not field.required:
        raise _fail(f"group field {name!r} is not required", path, source,
                    f"required: true on {field.path}, so every study is in a group and the groups add up to the "
                    "included studies")
    if reserved_code in field.values:
        raise _fail(f"group code {reserved_code!r} is reserved", f"{field.path}.values.{reserved_code}", source,
                    "another code (a draft counts works awaiting extraction under this one)")
    return field


def _figure(name: str, raw: dict[str, Any], fields: dict[str, Field], changes: tuple[Change, ...],
            source: str | Path | None) -> SynthesisFigure:
    path = f"extraction.synthesis.figures.{name}"
    if name in RESERVED_FIGURES or name.startswith(FIELD_FIGURE_PREFIX):
        raise _fail(f"figure name {name!r} cannot be used", path, source,
                    f"a name other than {', '.join(RESERVED_FIGURES)} and not starting with {FIELD_FIGURE_PREFIX}")
    if raw["type"] == "crosstab":
        rows = _counted_field(raw["rows"], f"{path}.rows", fields, source).name
        columns = _counted_field(raw["columns"], f"{path}.columns", fields, source).name
        if rows == columns:
            raise _fail(f"rows and columns both name {rows!r}", f"{path}.columns", source,
                        "two different category fields")
        return SynthesisFigure(name=name, type="crosstab", rows=rows, columns=columns)
    change = raw["change"]
    if change not in {c.name for c in changes}:
        raise _fail(f"unknown change {change!r}", f"{path}.change", source,
                    "the name of a before/after pair of extraction.changes")
    scale = raw.get("scale")
    if scale is not None and (scale not in fields or fields[scale].type not in ("text", "category")):
        raise _fail(f"scale names {scale!r}, not a text or category field", f"{path}.scale", source,
                    "the text field saying on which scale each study measured")
    return SynthesisFigure(name=name, type="change", change=change, scale=scale)


def synthesis_from_config(extraction: dict[str, Any], fields: dict[str, Field], changes: tuple[Change, ...],
                          table_names: list[str], reserved_code: str,
                          source: str | Path | None = None) -> Synthesis | None:
    """The checked ``extraction.synthesis`` section, or None when the review declares no grouped synthesis.
    ``table_names`` are the form's other tables (a group's table may not take one of their names)."""
    raw = extraction.get("synthesis")
    if raw is None:
        return None
    group = _group_field(raw["group_by"], fields, reserved_code, source)
    for position, name in enumerate(raw["columns"]):
        if name not in fields:
            raise _fail(f"unknown field {name!r}", f"extraction.synthesis.columns[{position}]", source,
                        "the name of a field of extraction.fields")
    for code in group.values:
        if TABLE_PREFIX + code in table_names:
            raise _fail(f"the table of group {code!r} would be {TABLE_PREFIX + code!r}, a table already declared",
                        f"extraction.tables.{TABLE_PREFIX + code}", source, "another table name")
    figures = tuple(_figure(name, spec, fields, changes, source) for name, spec in raw.get("figures", {}).items())
    return Synthesis(
        group_by=group.name, groups=dict(group.values), columns=tuple(raw["columns"]),
        caption=raw.get("caption", "{group}: included studies. NR: not reported."),
        study_heading=raw.get("study_heading", "Study"), design=bool(raw.get("design", False)), figures=figures,
    )

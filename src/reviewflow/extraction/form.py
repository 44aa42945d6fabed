"""The extraction form: which columns the extraction sheet has, of what type, and how they are reported.

A review declares its form under ``extraction`` in config/review.yaml (``fields``, and optionally ``changes``,
``tables``, ``topic``, ``rules`` and a grouped ``synthesis``). The JSON Schema checks the shape of that section;
this module checks what a schema cannot (duplicate names, unknown designs, ``min`` above ``max``, columns naming
fields that do not exist; scales in extraction/scales.py, cross-field rules in extraction/rules.py, the grouped
synthesis in extraction/grouping.py) and turns it into a ``Form`` the extraction, synthesis and report stages
share, so no stage names a review's fields. Every problem names its config path (``extraction.fields[3].min``),
as config errors do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reviewflow.errors import InputError
from reviewflow.extraction.rules import Rule, rules_from_config
from reviewflow.extraction.scales import check_scales, value_labels, value_ranges

if TYPE_CHECKING:
    from reviewflow.extraction.grouping import Synthesis

FIXED = ("work_id", "design")
"""Columns every review's extraction sheet has, before the form's own fields."""
RESERVED = (*FIXED, "study_label", "report_of", "report_work_ids")
"""Names no field may take: the fixed columns, and those extraction/labels.py and extraction/reports.py use."""

TYPES = ("integer", "number", "text", "category", "yes_no", "duration", "date")
NUMERIC = ("integer", "number", "duration")
COUNTED = ("category", "yes_no")
UNITS = ("days", "weeks", "months", "years")
NOT_REPORTED = "not_reported"
"""The count of studies leaving a category or yes/no field empty (``field.<name>.not_reported``)."""
AWAITING_GROUP = "awaiting_extraction"
"""The design group a draft gives included works not extracted yet; no configured group may use the code."""
BUILTIN_TABLES = ("included_studies", "designs", "exclusions")
OTHER_STAGE_TABLES = ("search_report",)
"""Tables in results/tables/ that another stage writes (the PRISMA-S search report): no form table may take
their names, and the tables stage leaves them in place."""

_IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Field:
    """One column of the extraction sheet as the config declares it."""

    name: str
    label: str
    description: str
    type: str
    values: dict[str, str]
    unit: str | None
    required: bool
    required_for: tuple[str, ...]
    min: float | None
    max: float | None
    summary: bool
    figure: bool
    path: str
    ranges: dict[str, tuple[float | None, float | None]] = dataclass_field(default_factory=dict)
    """Category codes that are scales: code -> (min, max) of a number measured on that scale."""
    scale: str | None = None
    """The category field naming the scale this number is measured on, row by row."""

    @property
    def numeric(self) -> bool:
        return self.type in NUMERIC

    @property
    def codes(self) -> dict[str, str]:
        """Code -> label of a category or yes/no field."""
        return self.values if self.type == "category" else {"yes": "Yes", "no": "No"}

    @property
    def heading(self) -> str:
        """The column heading of a report table: the label, with the unit of a duration."""
        return f"{self.label} ({self.unit})" if self.unit else self.label


@dataclass(frozen=True)
class Change:
    """A before/after pair of numeric fields whose difference the synthesis summarises."""

    name: str
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class Table:
    """A report table of the included studies: which designs, which fields, under which caption."""

    name: str
    label: str
    caption: str
    columns: tuple[str, ...]
    designs: tuple[str, ...]
    study_heading: str


@dataclass(frozen=True)
class Form:
    """The whole extraction section of the config, checked."""

    fields: tuple[Field, ...]
    designs: dict[str, str]
    design_groups: dict[str, dict[str, Any]]
    changes: tuple[Change, ...]
    tables: tuple[Table, ...]
    topic: str | None
    rules: tuple[Rule, ...] = ()
    synthesis: Synthesis | None = None

    @property
    def columns(self) -> list[str]:
        """The extraction sheet's columns, in order."""
        return [*FIXED, *(f.name for f in self.fields)]

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)

    @property
    def extra_tables(self) -> tuple[Table, ...]:
        return tuple(t for t in self.tables if t.name != "included_studies")

    @property
    def included_table(self) -> Table:
        return next(t for t in self.tables if t.name == "included_studies")


def _fail(message: str, path: str, source: str | Path | None, expected: str | None = None) -> InputError:
    return InputError(message, file=source, field=path, expected=expected)


def _field(index: int, raw: dict[str, Any], designs: dict[str, str], source: str | Path | None) -> Field:
    path = f"extraction.fields[{index}]"
    name, kind = raw["name"], raw["type"]
    if not _IDENTIFIER.match(name):
        raise _fail(f"field name {name!r} is not an identifier", f"{path}.name", source,
                    "lower-case letters, digits and underscores, starting with a letter")
    if name in RESERVED:
        raise _fail(f"field name {name!r} is a fixed column", f"{path}.name", source,
                    f"a name other than {', '.join(RESERVED)} (every sheet or studies table has these)")
    values = raw.get("values")
    if kind == "category":
        if not values:
            raise _fail(f"category field {name!r} has no values", f"{path}.values", source,
                        "a mapping of codes to labels, e.g. {yes: Yes, no: No}")
        for code in values:
            if not _IDENTIFIER.match(str(code)) or code == NOT_REPORTED:
                raise _fail(f"category code {code!r} cannot be used", f"{path}.values.{code}", source,
                            f"lower-case letters, digits and underscores, and not {NOT_REPORTED!r}")
    elif values is not None:
        raise _fail(f"values given for a field of type {kind}", f"{path}.values", source,
                    "values only for type category")
    unit = raw.get("unit")
    if kind == "duration" and unit is None:
        raise _fail(f"duration field {name!r} has no unit", f"{path}.unit", source, f"one of {', '.join(UNITS)}")
    if kind != "duration" and unit is not None:
        raise _fail(f"unit given for a field of type {kind}", f"{path}.unit", source,
                    "unit only for type duration")
    for bound in ("min", "max"):
        if bound in raw and kind not in NUMERIC:
            raise _fail(f"{bound} given for a field of type {kind}", f"{path}.{bound}", source,
                        f"{bound} only for types {', '.join(NUMERIC)}")
        if bound in raw and kind == "integer" and raw[bound] != int(raw[bound]):
            raise _fail(f"{bound} {raw[bound]!r} of an integer field is not whole", f"{path}.{bound}", source,
                        "a whole number")
    if "min" in raw and "max" in raw and raw["min"] > raw["max"]:
        raise _fail(f"min {raw['min']} is above max {raw['max']}", f"{path}.min", source, "min <= max")
    required_for = tuple(raw.get("required_for", ()))
    if raw.get("required") and required_for:
        raise _fail("both required and required_for given", f"{path}.required_for", source,
                    "required: true (every study) or required_for: [designs], not both")
    for position, design in enumerate(required_for):
        if design not in designs:
            raise _fail(f"unknown design {design!r}", f"{path}.required_for[{position}]", source,
                        f"one of {', '.join(designs)} (extraction.designs)")
    summary, figure = bool(raw.get("summary")), bool(raw.get("figure"))
    if summary and kind not in NUMERIC + COUNTED:
        raise _fail(f"summary asked for a field of type {kind}", f"{path}.summary", source,
                    f"summary only for types {', '.join(NUMERIC + COUNTED)}")
    if figure and kind not in COUNTED:
        raise _fail(f"figure asked for a field of type {kind}", f"{path}.figure", source,
                    f"figure only for types {', '.join(COUNTED)}")
    return Field(
        name=name, label=raw.get("label", name), description=raw.get("description", ""), type=kind,
        values=value_labels(values or {}), unit=unit,
        required=bool(raw.get("required")), required_for=required_for,
        min=raw.get("min"), max=raw.get("max"), summary=summary, figure=figure, path=path,
        ranges=value_ranges(values or {}, f"{path}.values", source), scale=raw.get("scale"),
    )


def _check_groups(extraction: dict[str, Any], source: str | Path | None) -> None:
    designs = extraction["designs"]
    for code, group in extraction["design_groups"].items():
        path = f"extraction.design_groups.{code}"
        if code == AWAITING_GROUP:
            raise _fail(f"design group code {code!r} is reserved", path, source,
                        "another code (a draft counts works awaiting extraction under this one)")
        for position, design in enumerate(group["designs"]):
            if design not in designs:
                raise _fail(f"unknown design {design!r}", f"{path}.designs[{position}]", source,
                            f"one of {', '.join(designs)} (extraction.designs)")


def _changes(raw: list[dict[str, Any]], fields: dict[str, Field], source: str | Path | None) -> tuple[Change, ...]:
    changes, seen = [], set()
    for index, item in enumerate(raw):
        path = f"extraction.changes[{index}]"
        if item["name"] in seen:
            raise _fail(f"change {item['name']!r} declared twice", f"{path}.name", source, "unique names")
        seen.add(item["name"])
        for side in ("before", "after"):
            field = fields.get(item[side])
            if field is None or not field.numeric:
                raise _fail(f"{side} names {item[side]!r}, not a numeric field", f"{path}.{side}", source,
                            "the name of an integer, number or duration field of extraction.fields")
        if fields[item["before"]].unit != fields[item["after"]].unit:
            raise _fail("before and after are in different units", f"{path}.after", source,
                        f"a field in {fields[item['before']].unit or 'no unit'}, as before")
        changes.append(Change(item["name"], item.get("label", item["name"]), item["before"], item["after"]))
    return tuple(changes)


def _columns(raw: list[str], path: str, fields: dict[str, Field], source: str | Path | None) -> tuple[str, ...]:
    for position, name in enumerate(raw):
        if name not in fields:
            raise _fail(f"unknown field {name!r}", f"{path}[{position}]", source,
                        "the name of a field of extraction.fields")
    return tuple(raw)


def _tables(raw: dict[str, Any], fields: dict[str, Field], designs: dict[str, str],
            source: str | Path | None) -> tuple[Table, ...]:
    included = raw.get("included_studies", {})
    tables = [Table(
        name="included_studies", label="tbl-included",
        caption=included.get("caption", "Included studies, by design. NR: not reported."),
        columns=_columns(included.get("columns", []), "extraction.tables.included_studies.columns", fields,
                         source),
        designs=tuple(designs), study_heading=included.get("study_heading", "Study"),
    )]
    for name, table in raw.items():
        path = f"extraction.tables.{name}"
        if name == "included_studies":
            continue
        if name in BUILTIN_TABLES or name in OTHER_STAGE_TABLES or not _IDENTIFIER.match(name):
            raise _fail(f"table name {name!r} cannot be used", path, source,
                        f"an identifier other than {', '.join((*BUILTIN_TABLES[1:], *OTHER_STAGE_TABLES))}")
        for position, design in enumerate(table.get("designs", [])):
            if design not in designs:
                raise _fail(f"unknown design {design!r}", f"{path}.designs[{position}]", source,
                            f"one of {', '.join(designs)} (extraction.designs)")
        tables.append(Table(
            name=name, label="tbl-" + name.replace("_", "-"), caption=table["caption"],
            columns=_columns(table["columns"], f"{path}.columns", fields, source),
            designs=tuple(table.get("designs", designs)), study_heading=table.get("study_heading", "Study"),
        ))
    return tuple(tables)


def form_from_config(config: dict[str, Any], source: str | Path | None = None) -> Form:
    """The checked form of a config already valid against its JSON Schema; ``source`` names the config file in
    error messages."""
    extraction = config["extraction"]
    designs = extraction["designs"]
    _check_groups(extraction, source)
    fields: dict[str, Field] = {}
    for index, raw in enumerate(extraction.get("fields", [])):
        field = _field(index, raw, designs, source)
        if field.name in fields:
            raise _fail(f"field {field.name!r} declared twice", f"{field.path}.name", source, "unique field names")
        fields[field.name] = field
    topic = extraction.get("topic")
    if topic is not None and (topic not in fields or fields[topic].type not in ("text", "category")):
        raise _fail(f"topic names {topic!r}, not a text or category field", "extraction.topic", source,
                    "the name of a text or category field of extraction.fields")
    check_scales(fields, source)
    from reviewflow.extraction.grouping import synthesis_from_config  # it uses this module's Field and Change

    changes = _changes(extraction.get("changes", []), fields, source)
    tables = _tables(extraction.get("tables", {}), fields, designs, source)
    synthesis = synthesis_from_config(extraction, fields, changes, [t.name for t in tables], AWAITING_GROUP, source)
    return Form(
        fields=tuple(fields.values()), designs=dict(designs), design_groups=dict(extraction["design_groups"]),
        changes=changes, tables=tables, topic=topic, synthesis=synthesis,
        rules=rules_from_config(extraction.get("rules", []), fields, designs, source),
    )

"""Checks of an extraction row as a whole, beyond what each cell's type allows (that is the pandera schema's job).

A row's design must be configured, the fields required for it filled in, each number within the range of the
scale its row names, and the config's cross-field rules kept. Every broken check becomes a problem (file, line,
study, field, value, expected), so one build lists them all. A cell that does not read as its type is reported by
the schema; checks that need it are skipped rather than reported twice.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pandas as pd

from reviewflow.extraction.form import Form
from reviewflow.extraction.rules import DESIGN, comparable
from reviewflow.extraction.scales import scale_text
from reviewflow.extraction.values import expected, parse
from reviewflow.problems import Problem


def readable(form: Form, row: pd.Series) -> dict[str, str | None]:
    """The row's cells in normal form as rules compare them; None where a cell does not read as its type."""
    values: dict[str, str | None] = {DESIGN: str(row[DESIGN]).strip()}
    for field in form.fields:
        try:
            values[field.name] = comparable(field, parse(field, str(row[field.name])))
        except ValueError:
            values[field.name] = None
    return values


def safe_normalise(frame: pd.DataFrame, form: Form) -> pd.DataFrame:
    """The sheet in normal form where a cell reads as its type, as written where it does not (already reported):
    enough to carry rows over to new work ids and compare extractors before the build stops."""
    frame = frame.copy()
    for field in form.fields:
        normal = []
        for value in frame[field.name]:
            try:
                normal.append(parse(field, str(value)))
            except ValueError:
                normal.append(str(value))
        frame[field.name] = normal
    return frame


def row_problems(frame: pd.DataFrame, form: Form, file: str | Path) -> list[Problem]:
    """Every design, required-for, scale and rule problem of the sheet's rows (index = place in the file)."""
    problems: list[Problem] = []
    for index, row in frame.iterrows():
        line, study = int(index) + 2, str(row["work_id"])

        def add(field: str, value: object, wanted: str, line: int = line, study: str = study) -> None:
            problems.append(Problem(str(file), line, study, field, str(value), wanted))

        design = str(row[DESIGN]).strip()
        if design not in form.designs:
            add(DESIGN, row[DESIGN], f"one of {', '.join(form.designs)} (extraction.designs in the config)")
        values = readable(form, row)
        for field in form.fields:
            if design in field.required_for and not str(row[field.name]).strip():
                add(field.name, "", expected(field))
        problems.extend(_scale_problems(form, row, values, str(file), line, study))
        for rule in form.rules:
            value = values.get(rule.field)
            if rule.applies(values) and value is not None and not rule.kept(value):
                add(rule.field, row[rule.field], rule.expected())
    return problems


def _scale_problems(form: Form, row: pd.Series, values: dict[str, str | None], file: str, line: int,
                    study: str) -> list[Problem]:
    """A number given without its scale, or outside the range of the scale its row names."""
    problems = []
    for field in form.fields:
        value = values.get(field.name)
        if field.scale is None or not value:
            continue
        scale = form.field(field.scale)
        code = values.get(scale.name)
        if code == "":
            problems.append(Problem(file, line, study, scale.name, "", (
                f"the scale {field.name} is measured on, one of {', '.join(scale.values)} "
                f"(required when {field.name} is filled in)")))
            continue
        if code is None or code not in scale.ranges:
            continue
        low, high = scale.ranges[code]
        number = Decimal(value)
        if (low is not None and number < Decimal(str(low))) or (high is not None and number > Decimal(str(high))):
            problems.append(Problem(file, line, study, field.name, str(row[field.name]),
                                    f"{scale_text(code, scale.values[code], (low, high))}, as {scale.name} says"))
    return problems

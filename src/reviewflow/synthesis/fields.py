"""Numbers from the extraction form's fields: what the manuscript may quote about any review's extracted data.

Names are generic so no stage knows a review's fields: ``field.<name>.*`` for fields the form marks
``summary: true`` (studies reporting, total, median, min, max and per design group totals for numeric fields;
one count per code plus ``not_reported`` for category and yes/no fields) and ``change.<name>.*`` for the
before/after pairs declared under ``extraction.changes``. results/studies.csv holds normalised values
(extraction/values.py), so they are read here without parsing again.
"""

from __future__ import annotations

import statistics
from decimal import Decimal
from typing import Any

import pandas as pd

from reviewflow.extraction.form import NOT_REPORTED, Field, Form
from reviewflow.extraction.values import decimal_text


def one_decimal(value: Decimal) -> str:
    """A median or difference as the manuscript prints it: at most one decimal (18, 3.8)."""
    return decimal_text(value.quantize(Decimal("0.1")))


def _value(field: Field, value: Decimal) -> int | str:
    return int(value) if field.type == "integer" else decimal_text(value)


def _numeric(numbers: Any, studies: pd.DataFrame, field: Field, form: Form) -> None:
    name, what = f"field.{field.name}", field.description or field.label
    unit = f" ({field.unit})" if field.unit else ""
    reported = [Decimal(v) for v in studies[field.name] if v]
    numbers.add(f"{name}.studies_reporting", len(reported), f"Included studies reporting {what}")
    numbers.add(f"{name}.total", _value(field, sum(reported, Decimal(0))),
                f"Sum over the studies reporting it: {what}{unit}")
    numbers.add(f"{name}.median", one_decimal(statistics.median(reported)) if reported else "NA",
                f"Median over the studies reporting it: {what}{unit}")
    numbers.add(f"{name}.min", _value(field, min(reported)) if reported else "NA", f"Smallest value: {what}{unit}")
    numbers.add(f"{name}.max", _value(field, max(reported)) if reported else "NA", f"Largest value: {what}{unit}")
    if field.type != "integer":
        return
    for code, group in form.design_groups.items():
        members = studies.loc[studies["design"].isin(group["designs"]), field.name]
        numbers.add(f"{name}.group.{code}.total", sum(int(v) for v in members if v),
                    f"Sum over the {group['label'].lower()} reporting it: {what}")


def _counted(numbers: Any, studies: pd.DataFrame, field: Field) -> None:
    column = studies[field.name]
    for code, label in field.codes.items():
        numbers.add(f"field.{field.name}.{code}", int((column == code).sum()),
                    f"Included studies with {field.label}: {label}")
    numbers.add(f"field.{field.name}.{NOT_REPORTED}", int((column == "").sum()),
                f"Included studies not reporting {field.label}")


def _change(numbers: Any, studies: pd.DataFrame, change: Any, form: Form) -> None:
    before, after = studies[change.before], studies[change.after]
    paired = (before != "") & (after != "")
    diffs = [Decimal(a) - Decimal(b) for b, a in zip(before[paired], after[paired], strict=True)]
    unit = form.field(change.before).unit
    what = f"{change.label}{f' ({unit})' if unit else ''}"
    numbers.add(f"change.{change.name}.studies", len(diffs),
                f"Studies reporting both {change.before} and {change.after}: {change.label}")
    median = statistics.median(diffs) if diffs else None
    numbers.add(f"change.{change.name}.median", "NA" if median is None else one_decimal(median),
                f"Median change, {change.after} minus {change.before}: {what}")
    numbers.add(f"change.{change.name}.median_decrease", "NA" if median is None else one_decimal(-median),
                f"Median decrease, {change.before} minus {change.after}: {what}")


def add_field_numbers(numbers: Any, studies: pd.DataFrame, form: Form) -> None:
    """``field.*`` for summarised fields and ``change.*`` for declared before/after pairs."""
    for field in form.fields:
        if field.summary and field.numeric:
            _numeric(numbers, studies, field, form)
        elif field.summary:
            _counted(numbers, studies, field)
    for change in form.changes:
        _change(numbers, studies, change, form)

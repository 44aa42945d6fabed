"""The pandera schema of the extraction sheet, generated from the review's form.

Each field becomes a text column with checks built from its type (the cell parses), its bounds and whether it is
required, so ``reviewflow.tables.validate`` reports the first bad cell with file, line, record, field and, as
the column's description, what the field accepts. Values are normalised after validation (``normalise``); the
design vocabulary and ``required_for`` are checked by the extraction stage, which knows each row's design.
"""

from __future__ import annotations

from functools import partial

import pandas as pd
import pandera.pandas as pa

from reviewflow.extraction.form import Field, Form
from reviewflow.extraction.values import expected, in_range, parse, parses, range_text


def _field_checks(field: Field) -> list[pa.Check]:
    checks = [pa.Check(partial(parses, field), element_wise=True, name=field.type,
                       error=f"{field.type.replace('_', '/')} ({expected(field).split(',')[0]})")]
    if field.min is not None or field.max is not None:
        checks.append(pa.Check(partial(in_range, field), element_wise=True, name="range", error=range_text(field)))
    if field.required:
        checks.append(pa.Check(lambda s: s.str.strip() != "", name="required", error="required (not empty)"))
    return checks


def extraction_schema(form: Form) -> pa.DataFrameSchema:
    """One column per sheet column, nothing else (``strict``): a misspelt heading is an error, not data lost."""
    columns = {
        "work_id": pa.Column(str, pa.Check.str_matches(r"^W[0-9a-f]{12}$"),
                             description="the included work's id (W followed by 12 hex digits)"),
        "design": pa.Column(str, description="a design code listed under extraction.designs in the config"),
    }
    for field in form.fields:
        described = f"{expected(field)}: {field.description}" if field.description else expected(field)
        columns[field.name] = pa.Column(str, _field_checks(field), description=described)
    return pa.DataFrameSchema(columns, strict=True, unique=["work_id"], name="extraction")


def normalise(frame: pd.DataFrame, form: Form) -> pd.DataFrame:
    """The validated sheet with every field's cells in their normal form (6 months -> 6, YES -> yes)."""
    frame = frame.copy()
    for field in form.fields:
        frame[field.name] = [parse(field, value) for value in frame[field.name]]
    return frame

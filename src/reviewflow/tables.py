"""Reading and writing the project's CSV tables, checked against the pandera schemas in src/reviewflow/schemas/.

All tables are read as text (an empty cell is the empty string, never NaN) so nothing is silently coerced, and
written with sorted rows and ``\\n`` line endings so the same content always gives the same bytes. People open
these CSVs in spreadsheets, so a cell that would run as a formula is written with a leading apostrophe and read
back without it (reviewflow.formulas).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd
import pandera.errors
import pandera.pandas as pa
from pandera.io import pandas_io

from reviewflow.errors import InputError
from reviewflow.formulas import neutralise_frame, restore_frame
from reviewflow.paths import SCHEMA_DIR


def read_table(path: Path, *, required: Iterable[str] = (), columns: Iterable[str] | None = None) -> pd.DataFrame:
    """A CSV as text columns; missing required columns are reported by name before anything else runs.

    With ``columns``, only those columns (of the ones present) are read: a stage that needs a few columns of a
    large table (works.csv carries every abstract) does not parse and hold the rest.
    """
    wanted = None if columns is None else {*columns, *required}
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False, encoding="utf-8-sig",
                            usecols=None if wanted is None else (lambda name: str(name).strip() in wanted))
    except FileNotFoundError as exc:
        raise InputError("file not found", file=path) from exc
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise InputError(f"not a readable CSV file: {exc}", file=path) from exc
    except pd.errors.EmptyDataError as exc:
        raise InputError("file is empty", file=path, expected="a header row") from exc
    frame.columns = [str(c).strip() for c in frame.columns]
    restore_frame(frame)
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise InputError(
            f"missing column(s) {', '.join(missing)}",
            file=path,
            line=1,
            expected=f"a header with {', '.join(required)}",
        )
    return frame


def write_table(frame: pd.DataFrame, path: Path, *, sort_by: list[str] | None = None) -> None:
    """Write a CSV deterministically: rows sorted, ``\\n`` line endings, minimal quoting, no index; text that a
    spreadsheet would run as a formula gets a leading apostrophe (read_table takes it off)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if sort_by:
        frame = frame.sort_values(sort_by, kind="mergesort")
    neutralise_frame(frame).to_csv(path, index=False, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)


def write_json(data: Any, path: Path) -> None:
    """JSON with sorted keys and a final newline, so diffs show only real changes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")


def write_jsonl(rows: list[dict[str, Any]], path: Path) -> None:
    """One JSON object per line, keys sorted: the audit copy of every record's raw exported fields."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        for row in rows:
            handle.write(json.dumps(row, sort_keys=True, ensure_ascii=False) + "\n")


@cache
def load_schema(name: str) -> pa.DataFrameSchema:
    """The pandera schema ``src/reviewflow/schemas/<name>.yaml``."""
    return pandas_io.from_yaml(SCHEMA_DIR / f"{name}.yaml")


def validate(
    frame: pd.DataFrame,
    schema: str | pa.DataFrameSchema,
    *,
    file: Path,
    key_column: str | None = None,
) -> pd.DataFrame:
    """Validate with pandera; the first failure becomes one message naming file, line, column and the rule.

    Line numbers count the header as line 1, so they match what a spreadsheet or editor shows.
    """
    dataframe_schema = load_schema(schema) if isinstance(schema, str) else schema
    try:
        return dataframe_schema.validate(frame, lazy=True)
    except pandera.errors.SchemaErrors as exc:
        cases = exc.failure_cases
        total = len(cases)
        row = cases.iloc[0]
        index = row.get("index")
        line = int(index) + 2 if index is not None and pd.notna(index) else None
        column = row.get("column")
        check = str(row.get("check"))
        value = row.get("failure_case")
        record = None
        if key_column and line is not None and key_column in frame.columns:
            record = str(frame.loc[index, key_column])  # by label: a filtered frame keeps its file's rows
        column_schema = dataframe_schema.columns.get(column) if isinstance(column, str) else None
        described = column_schema.description if column_schema is not None else None
        raise InputError(
            f"value {value!r} fails {check}",
            file=file,
            line=line,
            record=record,
            field=str(column) if column is not None and pd.notna(column) else None,
            expected=described,
            hint=f"{total} problem(s) in this file" if total > 1 else None,
        ) from exc

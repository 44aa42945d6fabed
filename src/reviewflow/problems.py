"""Every problem in a sheet people filled in, collected into one table instead of stopping at the first.

An extractor who fixes one cell per build needs as many builds as there are mistakes; a table of all of them
(file, line, study, field, value, expected) is one round of corrections. Stages that check a hand-filled sheet
(extraction, risk of bias) add what they find to a ``Problems``, write it to a CSV in results/ (header only when
all is well, so a stale table never survives a fixed sheet) and then stop the build once, naming the table.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import astuple, dataclass
from pathlib import Path

import pandas as pd
import pandera.errors
import pandera.pandas as pa

from reviewflow.errors import InputError
from reviewflow.tables import write_table

COLUMNS = ["file", "line", "study", "field", "value", "expected"]
SHOWN = 5
"""How many problems the stopping message repeats; the table has them all."""
UNIQUENESS = ("field_uniqueness", "multiple_fields_uniqueness")
"""pandera's names for a value repeated in a column that must be unique (``unique=True`` or ``unique=[...]``)."""


@dataclass(frozen=True, order=True)
class Problem:
    """One wrong or missing cell: where it is (line counts the header as 1, as a spreadsheet shows it)."""

    file: str
    line: int | None
    study: str
    field: str
    value: str
    expected: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        study = f" study {self.study}" if self.study else ""
        return f"{where}{study} field '{self.field}' = {self.value!r}: expected {self.expected}"


class Problems:
    """The problems found so far, in the order of the file and line they concern (a file's problems without a
    line, such as a row it lacks, after those with one)."""

    def __init__(self) -> None:
        self._found: set[Problem] = set()

    def add(self, *, file: str | Path, line: int | None, study: str, field: str, value: object,
            expected: str) -> None:
        self._found.add(Problem(str(file), line, study, field, "" if value is None else str(value), expected))

    def extend(self, problems: Problems | list[Problem]) -> None:
        self._found.update(problems)

    def __iter__(self) -> Iterator[Problem]:
        # Within a file, problems at a line come first and those of the file as a whole (no line) after them.
        return iter(sorted(self._found, key=lambda p: (p.file, p.line is None, p.line or 0, p.study, p.field,
                                                        p.value, p.expected)))

    def __len__(self) -> int:
        return len(self._found)

    def frame(self) -> pd.DataFrame:
        rows = [astuple(p) for p in self]
        frame = pd.DataFrame(rows, columns=COLUMNS, dtype=object)
        frame["line"] = [("" if p.line is None else str(p.line)) for p in self]
        return frame.astype(str)

    def write(self, path: Path) -> None:
        """The table, sorted by file and line; a header alone means no problem."""
        write_table(self.frame(), path)

    def stop_if_any(self, table: Path, what: str) -> None:
        """One error for all of them, naming the table that lists each and repeating the first few."""
        if not self:
            return
        found = list(self)
        first = found[0]
        shown = "\n  ".join(str(p) for p in found[:SHOWN])
        more = f"\n  ... and {len(found) - SHOWN} more" if len(found) > SHOWN else ""
        raise InputError(
            f"{len(found)} problem(s) in {what}", file=first.file, line=first.line, record=first.study or None,
            field=first.field, expected=first.expected,
            hint=f"every problem is listed in {table} (file, line, study, field, value, expected):\n  "
                 f"{shown}{more}",
        )


def schema_problems(frame: pd.DataFrame, schema: pa.DataFrameSchema, *, file: str | Path,
                    study_column: str | None = None) -> list[Problem]:
    """Every failing cell pandera finds (lazy validation), as problems; the column's description is what was
    expected. Rows are located by the frame's index, which keeps each row's place in its file."""
    try:
        schema.validate(frame, lazy=True)
    except pandera.errors.SchemaErrors as exc:
        return _failure_problems(exc.failure_cases, frame, schema, str(file), study_column)
    return []


def _failure_problems(cases: pd.DataFrame, frame: pd.DataFrame, schema: pa.DataFrameSchema, file: str,
                      study_column: str | None) -> list[Problem]:
    problems = []
    for case in cases.itertuples(index=False):
        index = getattr(case, "index", None)
        located = index is not None and pd.notna(index) and index in frame.index
        column = case.column if isinstance(case.column, str) else ""
        study = str(frame.at[index, study_column]) if located and study_column in frame.columns else ""
        column_schema = schema.columns.get(column)
        described = column_schema.description if column_schema is not None and column_schema.description else ""
        if str(case.check) in UNIQUENESS:
            # The column's description says what a value looks like; this value is wrong only for being repeated.
            described = "a value no other row of the file has" + (f" ({described})" if described else "")
        problems.append(Problem(
            file, int(index) + 2 if located else None, study, column or "(table)",
            "" if case.failure_case is None or pd.isna(case.failure_case) else str(case.failure_case),
            described or str(case.check),
        ))
    return problems

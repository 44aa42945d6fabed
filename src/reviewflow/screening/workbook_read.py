"""Decision files as tables: a CSV as it stands, a filled screening workbook (XLSX) one table per sheet.

The decision reader (screening/decisions.py) checks every table the same way; this module only turns a workbook
into what a CSV gives: text columns, an empty cell as ``""``, the formula-neutralising apostrophe taken off, and
the frame's index set so that ``index + 2`` is the sheet's row number, as it is a CSV's line number. A sheet is
named in messages as ``file [sheet name]``. Hidden sheets (the workbook's drop-down lists) are not decisions.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

import pandas as pd
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from reviewflow.errors import InputError
from reviewflow.formulas import restore
from reviewflow.tables import read_table

SUFFIXES = (".csv", ".xlsx")


def decision_paths(folder: Path) -> list[Path]:
    """Every decision file under ``folder``, subfolders too; not the lock files Excel leaves (``~$name.xlsx``)."""
    return sorted(p for p in folder.rglob("*") if p.suffix.lower() in SUFFIXES and p.is_file()
                  and not p.name.startswith("~$"))


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a year or PMID a spreadsheet turned into a number
    return restore(str(value))


def read_workbook(path: Path, *, required: Iterable[str] = ()) -> list[tuple[str, pd.DataFrame]]:
    """(``file [sheet name]``, table) for each visible sheet with anything in it, in the workbook's order."""
    try:
        book = load_workbook(path, read_only=True, data_only=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise InputError(f"not a readable XLSX workbook: {exc}", file=path,
                         expected="a workbook saved by Excel or LibreOffice as .xlsx") from exc
    tables = []
    try:
        for sheet in book.worksheets:
            if sheet.sheet_state != "visible":
                continue
            rows = [[_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
            label = f"{path.as_posix()} [sheet {sheet.title}]"
            if not any(any(cell.strip() for cell in row) for row in rows[1:]):
                continue  # no rows under the header (a stage with nothing awaiting): nothing to read
            header = [cell.strip() for cell in rows[0]]
            missing = [c for c in required if c not in header]
            if missing:
                raise InputError(f"missing column(s) {', '.join(missing)}", file=label, line=1,
                                 expected=f"a header row with {', '.join(required)}")
            width = len(header)
            body = [(row + [""] * width)[:width] for row in rows[1:]]
            frame = pd.DataFrame(body, columns=header, dtype=object)
            frame = frame.loc[:, [bool(name) for name in header]]  # unnamed columns hold nothing we read
            tables.append((label, frame.astype(str)))
    finally:
        book.close()
    return tables


def decision_tables(paths: Iterable[Path], *, required: Iterable[str] = ()) -> Iterator[tuple[Path, pd.DataFrame]]:
    """(where, table) for each decision file, a workbook's sheets one by one. ``where`` is the file, or for a sheet
    a path-like label ``file [sheet name]`` that messages and the decisions' ``file`` column show."""
    required = list(required)
    for path in paths:
        if path.suffix.lower() == ".xlsx":
            for label, frame in read_workbook(path, required=required):
                yield Path(label), frame
        else:
            yield path, read_table(path, required=required)

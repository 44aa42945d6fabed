"""The rows of a screening workbook: the awaiting sheet the last build wrote, with each work's full author list."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from reviewflow.errors import InputError
from reviewflow.tables import read_table


def workbook_rows(awaiting: Path, works: Path) -> pd.DataFrame:
    """One row per (work, stage) awaiting a decision, with the workbook's display columns; the awaiting sheet
    shows the first author only, the workbook the whole list."""
    if not awaiting.is_file():
        raise InputError("file not found", file=awaiting, expected="the works awaiting a decision",
                         hint="run `reviewflow build` (make review) first: it lists them in this file")
    rows = read_table(awaiting, required=["work_id", "stage", "title"])
    if works.exists():
        authors = read_table(works, required=["work_id"], columns=["work_id", "authors"])
        if "authors" in authors.columns:
            rows = rows.merge(authors[["work_id", "authors"]], on="work_id", how="left")
    if "authors" not in rows.columns:
        rows["authors"] = rows.get("first_author", "")
    return rows.fillna("")

"""Extraction stage: the reviewers' extraction sheet is checked against the included works.

Every included work must have exactly one row and every row must belong to an included work; values are
checked by the pandera schema in schemas/extraction.yaml plus the design vocabulary of the config.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from reviewflow.errors import InputError
from reviewflow.tables import load_schema, read_table, validate

BIBLIOGRAPHIC = ["first_author", "authors", "year", "title", "journal", "journal_abbrev", "volume", "issue",
                 "pages", "doi", "pmid"]


def check_extraction(
    path: Path, screening: pd.DataFrame, works: pd.DataFrame, config: dict[str, Any]
) -> pd.DataFrame:
    """Checked extraction rows of the included studies, joined with their bibliographic fields."""
    schema = load_schema("extraction")
    frame = read_table(path, required=list(schema.columns))
    frame = validate(frame, schema, file=path, key_column="work_id")
    designs = config["extraction"]["designs"]
    for index, row in frame.iterrows():
        if row.design not in designs:
            raise InputError(
                f"unknown design {row.design!r}", file=path, line=int(index) + 2, record=row.work_id,
                field="design", expected=f"one of {', '.join(designs)} (extraction.designs in config/review.yaml)",
            )
    included = set(screening.loc[screening["final"] == "included", "work_id"])
    extra = frame[~frame["work_id"].isin(included)]
    if not extra.empty:
        index = extra.index[0]
        raise InputError(
            f"extraction row for a work that is not included ({len(extra)} such row(s))",
            file=path, line=int(index) + 2, record=extra.at[index, "work_id"], field="work_id",
            expected="rows only for works whose final status in results/screening.csv is 'included'",
        )
    missing = sorted(included - set(frame["work_id"]))
    if missing:
        shown = ", ".join(missing[:5]) + (" ..." if len(missing) > 5 else "")
        raise InputError(
            f"{len(missing)} included work(s) have no extraction row: {shown}",
            file=path, record=missing[0], field="work_id",
            expected="exactly one row per included work",
            hint="add a row for each listed work_id (titles are in results/works.csv)",
        )
    biblio = works.set_index("work_id")[BIBLIOGRAPHIC]
    joined = frame.join(biblio, on="work_id")
    return joined.sort_values("work_id", kind="mergesort").reset_index(drop=True)

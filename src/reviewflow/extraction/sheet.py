"""Extraction stage: the reviewers' extraction sheet is checked against the included works.

Every included work must have exactly one row and every row must belong to an included work; values are
checked by the pandera schema generated from the config's extraction form (extraction/schema.py), plus the design
vocabulary and the fields required for some designs, and written back normalised (extraction/values.py).
The sheet may be ``results/awaiting_extraction.csv`` saved back part-done: its orientation columns (first author,
year, title) are dropped, and a row with nothing filled in but its work id is "still awaiting", not an error.
In a draft build (``--draft``) included works without a row do not stop the build: they are left out of the
studies and listed in the awaiting sheet, and a missing sheet counts as an empty one.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pandas as pd

from reviewflow.errors import InputError
from reviewflow.extraction.dictionary import write_dictionary
from reviewflow.extraction.form import Form, form_from_config
from reviewflow.extraction.schema import extraction_schema, normalise
from reviewflow.extraction.values import expected
from reviewflow.screening.carry_over import IdChanges, carry_extraction_rows, stop_on_conflicts
from reviewflow.screening.sheets import EXTRACTION_DISPLAY, awaiting_extraction_sheet, blank_rows
from reviewflow.synthesis.draft import AWAITING_STATUS, refuse_draft_results
from reviewflow.tables import read_table, validate, write_table

log = logging.getLogger(__name__)

BIBLIOGRAPHIC = ["first_author", "authors", "year", "title", "journal", "journal_abbrev", "volume", "issue",
                 "pages", "doi", "pmid"]


def _write_awaiting(missing: list[str], works: pd.DataFrame, columns: list[str], awaiting_path: Path) -> None:
    """Rows to paste into the extraction sheet: work id filled in, title and year shown for orientation."""
    write_table(awaiting_extraction_sheet(missing, works, columns), awaiting_path, sort_by=["work_id"])


def _filled_rows(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """The rows someone has started to fill in, without the sheet's orientation columns; the index keeps each
    row's place in the file, for line numbers."""
    frame = frame.drop(columns=[c for c in EXTRACTION_DISPLAY if c not in columns and c in frame.columns])
    return frame[~blank_rows(frame, [c for c in columns if c != "work_id"])]


def _check_designs(frame: pd.DataFrame, form: Form, path: Path) -> None:
    """Each row's design is configured, and the fields required for that design are filled in."""
    designs = form.designs
    for index, row in frame.iterrows():
        if row.design not in designs:
            raise InputError(
                f"unknown design {row.design!r}", file=path, line=int(index) + 2, record=row.work_id,
                field="design", expected=f"one of {', '.join(designs)} (extraction.designs in the config)",
            )
        for field in form.fields:
            if row.design in field.required_for and not str(row[field.name]).strip():
                raise InputError(
                    f"{field.name} is empty in a study of design {row.design!r}", file=path,
                    line=int(index) + 2, record=row.work_id, field=field.name, expected=expected(field),
                )


def check_extraction(
    path: Path, screening: pd.DataFrame, works: pd.DataFrame, config: dict[str, Any], awaiting_path: Path,
    changes: IdChanges | None = None, conflicts_path: Path | None = None, draft: bool = False,
    screening_path: Path = Path("results/screening.csv"),
) -> pd.DataFrame:
    """Checked extraction rows of the included studies, joined with their bibliographic fields.

    ``awaiting_path`` receives a ready-to-fill row for each included work that has none (header only when
    every included work is extracted), as screening does for missing decisions. With ``draft`` those works are
    left out instead of stopping the build. Rows keyed on work ids the dedup stage merged or split (``changes``)
    are carried over where unambiguous; the rest are listed in ``conflicts_path`` and stop the stage.
    """
    form = form_from_config(config)
    schema = extraction_schema(form)
    columns = form.columns
    write_dictionary(form, awaiting_path.parent / "extraction_form.md")
    if not draft:
        refuse_draft_results(screening, screening_path)
    included = set(screening.loc[screening["final"] == "included", "work_id"])
    if changes is not None and conflicts_path is not None and not path.exists():
        stop_on_conflicts([], conflicts_path, "extraction")
    if draft and not path.exists():
        frame = pd.DataFrame({column: pd.Series(dtype=str) for column in columns})
    elif not path.exists():
        _write_awaiting(sorted(included), works, columns, awaiting_path)
        raise InputError(
            "extraction sheet not found", file=path,
            expected=f"a CSV with the columns {', '.join(columns)}",
            hint=f"a template with one row per included work was written to {awaiting_path}; fill it in and "
                 f"save it as {path}",
        )
    else:
        frame = _filled_rows(read_table(path, required=columns), columns)
    frame = validate(frame, schema, file=path, key_column="work_id")
    _check_designs(frame, form, path)
    frame = normalise(frame, form)
    if changes is not None and conflicts_path is not None:
        frame, conflicts = carry_extraction_rows(frame, changes, included, path)
        stop_on_conflicts(conflicts, conflicts_path, "extraction")
    if draft:
        # A row extracted ahead of a pending screening decision is kept for the final build, not an error; the
        # draft leaves it out until the work is included.
        pending = set(screening.loc[screening["final"].isin(AWAITING_STATUS.values()), "work_id"])
        ahead = frame["work_id"].isin(pending)
        if ahead.any():
            log.warning("draft: %d extraction row(s) of works still awaiting screening left out", int(ahead.sum()))
        frame = frame[~ahead]
    extra = frame[~frame["work_id"].isin(included)]
    if not extra.empty:
        index = extra.index[0]
        raise InputError(
            f"extraction row for a work that is not included ({len(extra)} such row(s))",
            file=path, line=int(index) + 2, record=extra.at[index, "work_id"], field="work_id",
            expected="rows only for works whose final status in results/screening.csv is 'included'",
        )
    missing = sorted(included - set(frame["work_id"]))
    _write_awaiting(missing, works, columns, awaiting_path)
    if missing and draft:
        log.warning("draft: %d included work(s) await extraction (listed in %s)", len(missing), awaiting_path)
    elif missing:
        shown = ", ".join(missing[:5]) + (" ..." if len(missing) > 5 else "")
        raise InputError(
            f"{len(missing)} included work(s) have no extraction row: {shown}",
            file=path, record=missing[0], field="work_id",
            expected="exactly one row per included work",
            hint=f"rows to fill in, with titles, are in {awaiting_path}",
        )
    biblio = works.set_index("work_id")[BIBLIOGRAPHIC]
    joined = frame.join(biblio, on="work_id")
    return joined.sort_values("work_id", kind="mergesort").reset_index(drop=True)

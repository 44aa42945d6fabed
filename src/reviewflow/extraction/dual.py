"""Two (or more) extractors: one sheet each, disagreements listed, and a consensus sheet that settles them.

Dual extraction catches the misread number a single extractor never sees, but only if disagreements are shown to
people and settled by them, never by whichever sheet was read last. As screening does (screening/agreement.py),
each extractor fills a sheet of their own, ``data/extraction/<extractor>.csv``, with the columns of the single
sheet; the extraction stage compares them study by study in normal form (6 months is 6; text regardless of case
and spacing) and lists every differing cell in ``results/extraction_conflicts.csv``. A row for the study in
``data/extraction/consensus.csv`` settles it: that row, all of it, is the study's data. A study only one extractor
has done is taken as they wrote it. The single sheet ``data/extraction/studies.csv`` stays the way of a review
extracted once; a folder holds one or the other.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from reviewflow.errors import InputError
from reviewflow.extraction.form import Form
from reviewflow.extraction.rules import comparable
from reviewflow.tables import write_table

CONSENSUS = "consensus"
"""The sheet (consensus.csv) whose row settles a study, whatever the extractors wrote."""
SINGLE = ""
"""The key of the single sheet among the sheets read."""
CONFLICT_COLUMNS = ["work_id", "field", "extractor", "value", "file", "line"]


def sheet_files(path: Path) -> dict[str, Path]:
    """The sheets to read: the single sheet (``{"": path}``, whether or not it exists yet), or, when its folder
    holds other CSV files instead, one per extractor by file name (``consensus`` among them)."""
    folder = path.parent
    others = sorted(p for p in folder.glob("*.csv") if p.name != path.name) if folder.is_dir() else []
    if not others:
        return {SINGLE: path}
    if path.exists():
        raise InputError(
            "both a single extraction sheet and per-extractor sheets", file=path,
            expected=f"either {path} alone (one extraction) or one sheet per extractor in {folder} "
                     f"(<extractor>.csv, with {CONSENSUS}.csv settling disagreements), not both",
            hint=f"the other CSV files there: {', '.join(p.name for p in others)}",
        )
    return {p.stem: p for p in others}


def merge_sheets(frames: dict[str, pd.DataFrame], files: dict[str, Path], form: Form
                 ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One row per study (the consensus row, or the extractors' common row) and the differing cells of the studies
    no consensus settles (columns ``CONFLICT_COLUMNS``, one row per study, field and extractor). ``frames`` are
    the sheets in normal form, indexed by their place in the file."""
    columns = form.columns
    fields = {f.name: f for f in form.fields}
    consensus = frames.get(CONSENSUS, pd.DataFrame(columns=columns))
    settled = set(consensus["work_id"])
    extractors = sorted(name for name in frames if name != CONSENSUS)
    merged: list[pd.Series] = [row for _, row in consensus.iterrows()]
    conflicts: list[dict[str, str]] = []
    works = sorted({w for name in extractors for w in frames[name]["work_id"]} - settled)
    for work in works:
        rows = [(name, index, row) for name in extractors
                for index, row in frames[name][frames[name]["work_id"] == work].iterrows()]
        differing = [column for column in columns[1:]
                     if len({comparable(fields.get(column), str(row[column]).strip()) for _, _, row in rows}) > 1]
        if not differing:
            merged.append(rows[0][2])
            continue
        conflicts += [{"work_id": work, "field": column, "extractor": name, "value": str(row[column]),
                       "file": str(files[name]), "line": str(int(index) + 2)}
                      for column in differing for name, index, row in rows]
    frame = pd.DataFrame(merged, columns=columns).reset_index(drop=True) if merged else \
        pd.DataFrame({column: pd.Series(dtype=str) for column in columns})
    return frame, pd.DataFrame(conflicts, columns=CONFLICT_COLUMNS, dtype=str)


def write_conflicts(conflicts: pd.DataFrame, path: Path) -> None:
    """The disagreements, header only when there are none (not a Snakemake output: a failed job's outputs are
    deleted, and this table matters most when the stage fails)."""
    write_table(conflicts[CONFLICT_COLUMNS], path, sort_by=["work_id", "field", "extractor"])


def stop_on_conflicts(conflicts: pd.DataFrame, path: Path, folder: Path) -> None:
    """One message for all disagreements: the first study's in full, the table listing all, how to settle."""
    if conflicts.empty:
        return
    first = conflicts.iloc[0]
    cells = conflicts[(conflicts["work_id"] == first.work_id) & (conflicts["field"] == first.field)]
    listing = ", ".join(f"{r.extractor}: {r.value!r}" for r in cells.itertuples())
    studies = conflicts["work_id"].nunique()
    raise InputError(
        f"extractors disagree on {studies} study(ies) (first: {first.field} {listing})",
        file=path, record=first.work_id, field=first.field,
        expected=f"the same value from every extractor, or a row for the study in {folder / (CONSENSUS + '.csv')}",
        hint=f"every differing cell is listed in {path}; after discussing them, put the agreed row (every column) "
             f"in {folder / (CONSENSUS + '.csv')} and run the build again (a draft build, `reviewflow build "
             "--draft`, leaves these studies out meanwhile)",
    )

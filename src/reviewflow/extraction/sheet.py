"""Extraction stage: the reviewers' extraction sheet(s) checked against the form and the included works.

Every cell is checked by the pandera schema generated from the config's extraction form (extraction/schema.py),
each row by extraction/checks.py (design, fields required for it, numbers within their scale, the config's
cross-field rules) and the sheet as a whole by extraction/coverage.py (every included work exactly once, no row for
another work). All problems go into one table, ``results/extraction_errors.csv`` (file, line, study, field, value,
expected; header only when all is well), and stop the stage once. With one sheet per extractor
(extraction/dual.py) the extractors' differing cells are listed in ``results/extraction_conflicts.csv`` and stop
the stage until a consensus row settles them. The sheet may be ``results/awaiting_extraction.csv`` saved back
part-done: its orientation columns (first author, year, title) are dropped, and a row with nothing filled in but
its work id is "still awaiting", not an error. In a draft build (``--draft``) included works without a row, or
with extractors still disagreeing, are left out of the studies instead of stopping the build, and a missing sheet
counts as an empty one.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pandas as pd

from reviewflow.errors import InputError
from reviewflow.extraction.checks import row_problems, safe_normalise
from reviewflow.extraction.coverage import extra_rows, missing_rows
from reviewflow.extraction.dictionary import write_dictionary
from reviewflow.extraction.dual import (
    CONFLICT_COLUMNS,
    SINGLE,
    merge_sheets,
    sheet_files,
    stop_on_conflicts,
    write_conflicts,
)
from reviewflow.extraction.form import form_from_config
from reviewflow.extraction.labels import drop_typed_labels, with_labels
from reviewflow.extraction.reports import REPORT_OF, attach_reports, keep_links, split_report_rows
from reviewflow.extraction.schema import extraction_schema
from reviewflow.problems import Problems, schema_problems
from reviewflow.screening import carry_over
from reviewflow.screening.carry_over import IdChanges, carry_extraction_rows
from reviewflow.screening.sheets import EXTRACTION_DISPLAY, awaiting_extraction_sheet, blank_rows
from reviewflow.synthesis.draft import AWAITING_STATUS, refuse_draft_results
from reviewflow.tables import read_table, write_table

log = logging.getLogger(__name__)

BIBLIOGRAPHIC = ["first_author", "authors", "year", "title", "journal", "journal_abbrev", "volume", "issue",
                 "pages", "doi", "pmid"]


def _write_awaiting(missing: list[str], works: pd.DataFrame, columns: list[str], awaiting_path: Path) -> None:
    """Rows to paste into the extraction sheet: work id filled in, title and year shown for orientation, and
    ``report_of`` for a work that turns out to be a further report of another study."""
    write_table(awaiting_extraction_sheet(missing, works, [*columns, REPORT_OF]), awaiting_path,
                sort_by=["work_id"])


def _filled_rows(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """The rows someone has started to fill in, without the sheet's orientation columns; the index keeps each
    row's place in the file, for line numbers."""
    frame = frame.drop(columns=[c for c in EXTRACTION_DISPLAY if c not in columns and c in frame.columns])
    return frame[~blank_rows(frame, [c for c in columns if c != "work_id"])]


def check_extraction(
    path: Path, screening: pd.DataFrame, works: pd.DataFrame, config: dict[str, Any], awaiting_path: Path,
    changes: IdChanges | None = None, conflicts_path: Path | None = None, draft: bool = False,
    screening_path: Path = Path("results/screening.csv"), errors_path: Path | None = None,
    disagreements_path: Path | None = None,
) -> pd.DataFrame:
    """Checked extraction rows of the included studies, joined with their bibliographic fields.

    ``path`` is the single sheet (data/extraction/studies.csv); when its folder holds per-extractor sheets instead,
    those are read. ``awaiting_path`` receives a ready-to-fill row for each included work that has none (header
    only when every included work is extracted); ``errors_path`` (default: extraction_errors.csv beside it) every
    problem and ``disagreements_path`` (default: extraction_conflicts.csv) the extractors' differing cells. With
    ``draft`` works without a row, or still disputed, are left out instead of stopping the build. Rows keyed on
    work ids the dedup stage merged or split (``changes``) are carried over where unambiguous; the rest are listed
    in ``conflicts_path`` and stop the stage.
    """
    form = form_from_config(config)
    schema = extraction_schema(form)
    columns = form.columns
    errors_path = errors_path or awaiting_path.parent / "extraction_errors.csv"
    disagreements_path = disagreements_path or awaiting_path.parent / "extraction_conflicts.csv"
    write_dictionary(form, awaiting_path.parent / "extraction_form.md")
    if not draft:
        refuse_draft_results(screening, screening_path)
    included = set(screening.loc[screening["final"] == "included", "work_id"])
    files = sheet_files(path)
    problems = Problems()
    frames: dict[str, pd.DataFrame] = {}
    linked: list[pd.DataFrame] = [pd.DataFrame({"work_id": pd.Series(dtype=str), REPORT_OF: pd.Series(dtype=str)})]
    for name, file in files.items():
        if name == SINGLE and not file.exists():
            if not draft:
                _stop_without_sheet(path, included, works, columns, awaiting_path, errors_path,
                                    disagreements_path, conflicts_path if changes is not None else None)
            frames[name] = pd.DataFrame({column: pd.Series(dtype=str) for column in columns})
            continue
        frame, links = split_report_rows(drop_typed_labels(read_table(file, required=columns), file), file, columns)
        linked.append(links)
        frame = _filled_rows(frame, columns)
        problems.extend(schema_problems(frame, schema, file=file, study_column="work_id"))
        problems.extend(row_problems(frame, form, file))
        frames[name] = safe_normalise(frame, form)
    id_conflicts: list[dict[str, str]] = []
    if changes is not None and conflicts_path is not None:
        for name in sorted(frames):
            frames[name], found = carry_extraction_rows(frames[name], changes, included, files[name])
            id_conflicts += found
        carry_over.write_conflicts(id_conflicts, conflicts_path, "extraction")
    if draft:
        frames = {name: _without_pending(frame, screening) for name, frame in frames.items()}
    retired = {work for conflict in id_conflicts for work in conflict["old_work_id"].split("; ")}
    problems.extend(extra_rows({files[name]: frame for name, frame in frames.items()}, included, retired))
    extracted = {work for frame in frames.values() for work in frame["work_id"]}
    # Every extractor may write the same further-report row; one copy of each link is the study's.
    links = pd.concat(linked).drop_duplicates(subset=["work_id", REPORT_OF])
    links = keep_links(links, extracted, included, files.get(SINGLE, path.parent), draft)
    missing = sorted(included - extracted - set(links["work_id"]))
    _write_awaiting(missing, works, columns, awaiting_path)
    if missing and not draft:
        problems.extend(missing_rows(missing, path if SINGLE in files else path.parent, awaiting_path))
    if SINGLE in files:
        frame, disagreements = frames[SINGLE], pd.DataFrame(columns=CONFLICT_COLUMNS)
    else:
        frame, disagreements = merge_sheets(frames, files, form)
    problems.write(errors_path)
    write_conflicts(disagreements, disagreements_path)
    problems.stop_if_any(errors_path, "the extraction sheet" if SINGLE in files else "the extraction sheets")
    if changes is not None and conflicts_path is not None:
        carry_over.stop_on_conflicts(id_conflicts, conflicts_path, "extraction")
    if not draft:
        stop_on_conflicts(disagreements, disagreements_path, path.parent)
    elif not disagreements.empty:
        log.warning("draft: %d study(ies) whose extractors disagree left out (listed in %s)",
                    disagreements["work_id"].nunique(), disagreements_path)
    if missing and draft:
        log.warning("draft: %d included work(s) await extraction (listed in %s)", len(missing), awaiting_path)
    biblio = works.set_index("work_id")[BIBLIOGRAPHIC]
    joined = attach_reports(with_labels(frame.join(biblio, on="work_id")), links)
    joined.insert(2, "report_work_ids", joined.pop("report_work_ids"))
    return joined.sort_values("work_id", kind="mergesort").reset_index(drop=True)


def _without_pending(frame: pd.DataFrame, screening: pd.DataFrame) -> pd.DataFrame:
    """A draft leaves out rows extracted ahead of a pending screening decision (kept for the final build, not an
    error) until the work is included."""
    pending = set(screening.loc[screening["final"].isin(AWAITING_STATUS.values()), "work_id"])
    ahead = frame["work_id"].isin(pending)
    if ahead.any():
        log.warning("draft: %d extraction row(s) of works still awaiting screening left out", int(ahead.sum()))
    return frame[~ahead]


def _stop_without_sheet(path: Path, included: set[str], works: pd.DataFrame, columns: list[str],
                        awaiting_path: Path, errors_path: Path, disagreements_path: Path,
                        conflicts_path: Path | None) -> None:
    """No sheet yet: the tables say nothing is wrong, the awaiting sheet lists every included work, and the stage
    stops naming the template to fill in."""
    Problems().write(errors_path)
    write_conflicts(pd.DataFrame(columns=CONFLICT_COLUMNS), disagreements_path)
    if conflicts_path is not None:
        carry_over.write_conflicts([], conflicts_path, "extraction")
    _write_awaiting(sorted(included), works, columns, awaiting_path)
    raise InputError(
        "extraction sheet not found", file=path,
        expected=f"a CSV with the columns {', '.join(columns)}",
        hint=f"a template with one row per included work was written to {awaiting_path}; fill it in and "
             f"save it as {path} (or one copy per extractor, data/extraction/<extractor>.csv)",
    )

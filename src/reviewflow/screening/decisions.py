"""Screening stage: reviewers' decision files become each work's status at title/abstract and full text.

Decisions are people's work and live in ``data/screening/`` (any CSV below it, typically
``data/screening/<stage>/<reviewer>.csv``); this stage checks them (pandera schema plus the config's
vocabularies), settles multiple reviewers (agreement, or a ``consensus`` row), and refuses to guess: a work that
needs a decision and has none stops the build, with the works listed in ``results/awaiting_screening.csv`` ready
to be filled in. That sheet is meant to be saved back into ``data/screening/`` part-done, so a row with neither
decision nor reason is "still awaiting", not an error. ``unsure`` is a reviewer's provisional mark: the work
awaits that reviewer's decision. Reviewers who disagree with no consensus row are listed in
``results/screening_conflicts.csv`` and stop the build. In a draft build (``--draft``) awaiting and conflicted
works do not stop the build: they get the status ``awaiting_<stage>`` (synthesis/draft.py counts them), and both
files are written all the same.

A person overrules the eligibility rules by deciding ``include`` at title/abstract on a work the rules excluded
(results/auto_excluded.csv): the work is screened from there like any other. An ``exclude`` on such a work agrees
with the rule, so the work stays excluded by rule (PRISMA's automation box keeps it, with the rule's reason).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from reviewflow.errors import InputError
from reviewflow.screening.agreement import CONFLICT_COLUMNS, CONSENSUS, UNSURE, decided, find_conflicts
from reviewflow.screening.sheets import awaiting_screening_sheet, blank_rows
from reviewflow.screening.workbook_read import decision_tables
from reviewflow.synthesis.draft import AWAITING_STATUS
from reviewflow.tables import validate, write_table

log = logging.getLogger(__name__)

STAGES = ("title_abstract", "full_text")
DECISION_COLUMNS = ["work_id", "stage", "reviewer", "decision", "reason", "note"]
SCREENING_COLUMNS = [
    "work_id",
    "title_abstract",
    "title_abstract_reason",
    "full_text",
    "full_text_reason",
    "final",
]
# A row whose decision and reason are both empty has not been decided yet (reviewer and note may be filled in).
UNDECIDED_COLUMNS = ["decision", "reason"]


@dataclass
class _Decision:
    decision: str
    reason: str
    file: str
    line: int


def read_decisions(paths: list[Path], config: dict[str, Any]) -> pd.DataFrame:
    """All decision rows, checked; adds ``file`` and ``line`` columns so later errors can point at the row.

    Rows not decided yet (decision and reason empty) are left out: their works stay awaiting. Columns other
    than the decision columns (the sheet's title, abstract ...) are ignored.
    """
    frames = []
    reasons = config["screening"]["reasons"]
    # A workbook gives one table per sheet, named "file [sheet name]" in messages (screening/workbook_read.py).
    for path, frame in decision_tables(sorted(paths), required=["work_id", "stage", "reviewer", "decision"]):
        for column in ("reason", "note"):
            if column not in frame.columns:
                frame[column] = ""
        for column in DECISION_COLUMNS:
            frame[column] = frame[column].str.strip()
        undecided = blank_rows(frame, UNDECIDED_COLUMNS)
        if undecided.any():
            log.info("%s: %d row(s) not decided yet; their works still await a decision", path, undecided.sum())
        frame = frame[~undecided]  # the index keeps each row's place in the file, for line numbers
        frame = validate(frame[DECISION_COLUMNS], "screening_decisions", file=path, key_column="work_id")
        for index, row in frame.iterrows():
            line = int(index) + 2
            allowed = [*config["screening"]["decisions"][row.stage], UNSURE]
            if not row.decision:
                raise InputError(
                    f"a reason ({row.reason!r}) but no decision",
                    file=path, line=line, record=row.work_id, field="decision",
                    expected=f"one of {', '.join(allowed)}, or an empty reason while the work awaits a decision",
                )
            if row.decision not in allowed:
                raise InputError(
                    f"unknown decision {row.decision!r} at stage {row.stage}",
                    file=path, line=line, record=row.work_id, field="decision",
                    expected=f"one of {', '.join(allowed)} (screening.decisions in config/review.yaml, and unsure)",
                )
            if row.decision == "exclude" and row.reason not in reasons:
                raise InputError(
                    f"exclusion reason {row.reason!r} is not in the vocabulary" if row.reason
                    else "an exclusion needs a reason",
                    file=path, line=line, record=row.work_id, field="reason",
                    expected=f"one of {', '.join(reasons)} (screening.reasons in config/review.yaml)",
                )
            if row.decision != "exclude" and row.reason:
                raise InputError(
                    f"reason {row.reason!r} given for a {row.decision!r} decision",
                    file=path, line=line, record=row.work_id, field="reason",
                    expected="an empty reason unless the decision is exclude (use the note column for comments)",
                )
        frame = frame.assign(file=path.as_posix(), line=[int(i) + 2 for i in frame.index])
        frames.append(frame)
    if not frames:
        return pd.DataFrame(columns=[*DECISION_COLUMNS, "file", "line"])
    combined = pd.concat(frames, ignore_index=True)
    repeated = combined[combined.duplicated(["work_id", "stage", "reviewer"], keep=False)]
    if not repeated.empty:
        row = repeated.iloc[-1]
        first = repeated.iloc[0]
        raise InputError(
            f"reviewer {row.reviewer!r} decided this work twice at {row.stage} (also {first.file}:{first.line})",
            file=row.file, line=int(row.line), record=row.work_id, field="reviewer",
            expected="one row per work, stage and reviewer",
        )
    return combined


def _settle(rows: pd.DataFrame) -> _Decision | None:
    """One decision for a work at a stage: the consensus row if any, else the reviewers' common decision; None
    while the work awaits a decision (nobody decided yet, a reviewer is unsure, or reviewers disagree: the
    conflicts are listed by ``find_conflicts``)."""
    rows = rows[rows["decision"] != ""]
    consensus = rows[(rows["reviewer"] == CONSENSUS) & decided(rows)]
    if not consensus.empty:
        first = consensus.iloc[0]
        return _Decision(first.decision, first.reason, first.file, int(first.line))
    named = rows[rows["reviewer"] != CONSENSUS]
    if named.empty or (named["decision"] == UNSURE).any():
        return None
    if len({(r.decision, r.reason) for r in named.itertuples()}) > 1:
        return None
    first = named.iloc[0]
    return _Decision(first.decision, first.reason, first.file, int(first.line))


def write_screening_conflicts(conflicts: pd.DataFrame, path: Path) -> None:
    """The conflicts table, header only when there are none: not a Snakemake output, because a failed job's
    outputs are deleted and this table matters most when the stage fails."""
    write_table(conflicts[CONFLICT_COLUMNS], path, sort_by=["work_id", "stage", "reviewer"])


def _stop_on_conflicts(conflicts: pd.DataFrame, path: Path | None) -> None:
    """One message for every disagreement: the first in full, the file listing all, and how to settle them."""
    first = conflicts.iloc[0]
    works = conflicts[["work_id", "stage"]].drop_duplicates()
    listing = ", ".join(f"{r.reviewer}: {r.decision} {r.reason}".strip()
                        for r in conflicts[conflicts["work_id"] == first.work_id].itertuples()
                        if r.stage == first.stage)
    raise InputError(
        f"reviewers disagree on {len(works)} work(s) at a screening stage (first: {listing})",
        file=path if path is not None else (first.file or None), record=first.work_id, field="decision",
        expected=f"agreement, or a row with reviewer '{CONSENSUS}' that settles each disagreement",
        hint=(f"every disagreement is listed{f' in {path}' if path is not None else ''}; after discussing it, add "
              f"a row work_id,stage,{CONSENSUS},decision,reason,note with the agreed decision, e.g. in "
              f"data/screening/{first.stage}/{CONSENSUS}.csv, and run the build again (a draft build, "
              "`reviewflow build --draft`, counts these works as awaiting meanwhile)"),
    )


def resolve_screening(
    works: pd.DataFrame,
    auto_excluded: pd.DataFrame,
    decisions: pd.DataFrame,
    config: dict[str, Any],
    awaiting_path: Path,
    draft: bool = False,
    conflicts_path: Path | None = None,
) -> pd.DataFrame:
    """Status of every work; writes the awaiting file (header only when nothing is missing) and the conflicts
    file (when a path is given; header only when none), and stops if any decision is missing or reviewers
    disagree, unless ``draft``: then such a work's status is ``awaiting_<stage>``."""
    known = set(works["work_id"])
    auto = dict(zip(auto_excluded["work_id"], auto_excluded["reason"], strict=True))
    unknown = decisions[~decisions["work_id"].isin(known)]
    if not unknown.empty:
        row = unknown.iloc[0]
        raise InputError(
            f"decision for a work that does not exist ({len(unknown)} such row(s))",
            file=row.file, line=int(row.line), record=row.work_id, field="work_id",
            expected="a work_id listed in results/works.csv",
            hint="work ids never move (data/identity/ledger.csv) unless works merge or split; a retired id is "
                 "listed in results/work_id_changes.csv and in the ledger's git history: use the surviving id",
        )
    settled: dict[tuple[str, str], _Decision | None] = {
        key: _settle(group) for key, group in decisions.groupby(["work_id", "stage"], sort=True)
    }
    overridden = {work_id for work_id in auto if _is_include(settled.get((work_id, "title_abstract")))}
    # Decisions the stage does not use: full-text rows on works the rules excluded and nobody put back.
    unused = decisions["work_id"].isin(set(auto) - overridden) & (decisions["stage"] != "title_abstract")
    conflicts = find_conflicts(decisions[~unused])
    conflicted = set(zip(conflicts["work_id"], conflicts["stage"], strict=True))
    if conflicts_path is not None:
        write_screening_conflicts(conflicts, conflicts_path)
    kept = decisions["work_id"].isin(auto) & ~decisions["work_id"].isin(overridden)
    if kept.any():
        log.info("%d decision row(s) concern works excluded by rule and not put back by an include at "
                 "title/abstract; not used", int(kept.sum()))
    if overridden:
        log.warning("%d work(s) excluded by rule were included at title/abstract by a person; screened like any "
                    "other (prisma.json: removed_before_screening.automation_overridden)", len(overridden))

    rows, awaiting = [], []
    for work in works.itertuples(index=False):
        status = {column: "" for column in SCREENING_COLUMNS} | {"work_id": work.work_id}
        auto_conflict = work.work_id in auto and (work.work_id, "title_abstract") in conflicted
        if work.work_id in auto and work.work_id not in overridden and not auto_conflict:
            status["final"] = "auto_excluded"
            rows.append(status)
            continue
        first = settled.get((work.work_id, "title_abstract"))
        second = settled.get((work.work_id, "full_text"))
        if first is None:
            if (work.work_id, "title_abstract") not in conflicted:
                awaiting.append((work, "title_abstract"))
            if draft:
                rows.append(status | {"final": AWAITING_STATUS["title_abstract"]})
            continue
        status["title_abstract"], status["title_abstract_reason"] = first.decision, first.reason
        if first.decision == "exclude":
            if second is not None or (work.work_id, "full_text") in conflicted:
                where = second or _first_row(decisions, work.work_id, "full_text")
                raise InputError(
                    "full-text decision for a work excluded at title/abstract",
                    file=where.file, line=where.line, record=work.work_id, field="stage",
                    expected="full-text decisions only for works included at title/abstract",
                )
            status["final"] = "excluded_title_abstract"
        elif second is None:
            if (work.work_id, "full_text") not in conflicted:
                awaiting.append((work, "full_text"))
            if draft:
                rows.append(status | {"final": AWAITING_STATUS["full_text"]})
            continue
        else:
            status["full_text"], status["full_text_reason"] = second.decision, second.reason
            status["final"] = {"include": "included", "exclude": "excluded_full_text",
                               "not_retrieved": "not_retrieved"}[second.decision]
        rows.append(status)

    write_table(awaiting_screening_sheet(awaiting), awaiting_path, sort_by=["stage", "work_id"])
    if draft and (awaiting or conflicted):
        log.warning("draft: %d work(s) await a screening decision (listed in %s) and %d work(s) a consensus on a "
                    "disagreement (listed in %s)", len(awaiting), awaiting_path, len(conflicted),
                    conflicts_path or "the conflicts file")
    elif not conflicts.empty:
        _stop_on_conflicts(conflicts, conflicts_path)
    elif awaiting:
        stages = sorted({stage for _, stage in awaiting})
        raise InputError(
            f"{len(awaiting)} work(s) have no {' / '.join(stages)} decision yet",
            file=awaiting_path,
            expected="a decision for every work that reaches screening",
            hint=(f"fill in reviewer, decision and reason in {awaiting_path} and save it as a new file in "
                  "data/screening/ (e.g. data/screening/<stage>/<reviewer>.csv, or add the rows to an existing "
                  "decision file), then run the build again; rows left without a decision stay awaiting, and "
                  "so do works a reviewer marked unsure"),
        )
    return pd.DataFrame(rows, columns=SCREENING_COLUMNS).sort_values("work_id", kind="mergesort")


def _is_include(settled: _Decision | None) -> bool:
    return settled is not None and settled.decision == "include"


def _first_row(decisions: pd.DataFrame, work_id: str, stage: str) -> _Decision:
    row = decisions[(decisions["work_id"] == work_id) & (decisions["stage"] == stage)].iloc[0]
    return _Decision(row.decision, row.reason, row.file, int(row.line))

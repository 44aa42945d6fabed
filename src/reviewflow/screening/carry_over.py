"""Decisions follow work ids that the dedup stage merged or split (results/work_id_changes.csv).

Work ids never move while a work keeps its records (data/identity/ledger.csv), but new data can merge two works
that were apart, or split one. Decisions keyed on a retired or split id are carried over where the answer is
unambiguous: after a merge where only one of the merged works was decided, or all agree, they go to the surviving
id; a split of a work nobody had decided needs nothing. Anything else is a person's call, so the stage stops and
lists it in ``results/id_conflicts.csv``. Like the awaiting sheets, that table is not a Snakemake output (Snakemake
deletes the outputs of a failed job, and this table matters most then): each stage rewrites its own rows on every
run, header only when there is nothing to settle. Screening and extraction share this module because both hold
people's work keyed on work ids.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from reviewflow.dedup.identity import CHANGE_COLUMNS
from reviewflow.errors import InputError
from reviewflow.tables import read_table, write_table

log = logging.getLogger(__name__)

CONFLICT_COLUMNS = ["old_work_id", "new_work_ids", "stage", "decisions", "what_to_do"]
_CHANGES = ("merged", "split")


@dataclass
class IdChanges:
    """The dedup stage's id changes: retired id -> surviving id, and split id -> the ids its records went to."""

    merged: dict[str, str] = field(default_factory=dict)
    split: dict[str, list[str]] = field(default_factory=dict)

    def groups(self) -> dict[str, list[str]]:
        """Surviving id -> the retired ids merged into it, sorted."""
        out: dict[str, list[str]] = {}
        for old, new in sorted(self.merged.items()):
            out.setdefault(new, []).append(old)
        return out


def read_id_changes(path: Path | None) -> IdChanges:
    """``results/work_id_changes.csv`` as written by the dedup stage: every merge and split so far (none given:
    no changes); chains of merges resolve to the current id."""
    changes = IdChanges()
    if path is None:
        return changes
    frame = read_table(path, required=CHANGE_COLUMNS)
    for index, row in frame.iterrows():
        if row["change"] not in _CHANGES:
            raise InputError(f"unknown change {row['change']!r}", file=path, line=int(index) + 2,
                             record=row["old_work_id"], field="change", expected="merged or split",
                             hint="this file is written by the dedup stage; re-run it (reviewflow build "
                                  "--forcerun dedup)")
        if row["change"] == "merged":
            changes.merged[row["old_work_id"]] = row["new_work_id"]
        else:
            changes.split.setdefault(row["old_work_id"], []).append(row["new_work_id"])
    # The file keeps every merge so far: an id retired into one that was itself retired later goes to the end of
    # the chain, the id that is current.
    for old in list(changes.merged):
        seen, current = {old}, changes.merged[old]
        while current in changes.merged and current not in seen:
            seen.add(current)
            current = changes.merged[current]
        changes.merged[old] = current
    return changes


def conflict(old: str, new: list[str], stage: str, decisions: str, what_to_do: str) -> dict[str, str]:
    """One row of the conflicts table."""
    return {"old_work_id": old, "new_work_ids": "; ".join(sorted(new)), "stage": stage, "decisions": decisions,
            "what_to_do": what_to_do}


def write_conflicts(conflicts: list[dict[str, str]], path: Path, stage: str) -> None:
    """Replace this stage's rows of the conflicts table (the other stage's rows stay until it runs again)."""
    kept = pd.DataFrame(columns=CONFLICT_COLUMNS)
    if path.exists():
        try:
            previous = read_table(path, required=CONFLICT_COLUMNS)
            kept = previous.loc[previous["stage"] != stage, CONFLICT_COLUMNS]
        except InputError:
            log.warning("%s was unreadable and is rewritten", path)
    frame = pd.concat([kept, pd.DataFrame(conflicts, columns=CONFLICT_COLUMNS)], ignore_index=True)
    write_table(frame, path, sort_by=["stage", "old_work_id", "new_work_ids"])


def stop_on_conflicts(conflicts: list[dict[str, str]], path: Path, stage: str) -> None:
    """Write the table, then stop the stage naming the first conflict's ids when there is any."""
    write_conflicts(conflicts, path, stage)
    if not conflicts:
        return
    first = conflicts[0]
    raise InputError(
        f"{len(conflicts)} work id change(s) need a person: {first['old_work_id']} -> {first['new_work_ids']} "
        f"({first['decisions']})",
        file=path, record=first["old_work_id"], field="work_id",
        expected="decisions that carry over to the new work ids without a choice",
        hint=f"{first['what_to_do']} (every case is listed in {path}; the merges and splits are in "
             "results/work_id_changes.csv)",
    )


def _describe(rows: pd.DataFrame) -> str:
    """Decision rows in one cell: id, stage, decision and reason, reviewer, and where the row is."""
    return "; ".join(f"{r.work_id} {r.stage} {r.decision}{' ' + r.reason if r.reason else ''} by {r.reviewer} "
                     f"({r.file}:{r.line})" for r in rows.itertuples())


def _announce(moved: list[tuple[str, str]], survivor: str, what: str) -> None:
    """Warn, per (file:line, retired id), that a row now applies to the surviving id."""
    for where, work_id in moved:
        log.warning("%s: %s on retired work id %s now applies to %s, which it was merged into; replace the id in "
                    "the file (data/identity/id_changes.csv keeps the merge, so this warning repeats until then)",
                    where, what, work_id, survivor)


def _rows_to_move(rows: pd.DataFrame, survivor: str, present: list[str], drop: set[int]) -> pd.DataFrame:
    """Once a merge is unambiguous: of agreeing rows under several merged ids, one copy stays (the survivor's own
    if it has one) and the others are added to ``drop``; returns the rows still keyed on a retired id."""
    if len(present) > 1:
        keep = survivor if survivor in present else present[0]
        drop |= set(rows.index[rows["work_id"] != keep])
    return rows[(rows["work_id"] != survivor) & ~rows.index.isin(drop)]


def carry_screening_decisions(decisions: pd.DataFrame, changes: IdChanges, not_screened: set[str]
                              ) -> tuple[pd.DataFrame, list[dict[str, str]]]:
    """Decision rows re-keyed to the surviving ids, and the changes a person must settle.

    A merge at one screening stage is unambiguous when only one of the merged works has decisions there, when all
    their rows agree (``unsure`` rows aside), or when the surviving id has a ``consensus`` row (the person settled
    it). A split of a decided work is settled once each new work (not excluded by rule) has decisions of its own.
    """
    from reviewflow.screening.agreement import CONSENSUS, UNSURE
    from reviewflow.screening.decisions import STAGES

    decisions = decisions.copy()
    conflicts: list[dict[str, str]] = []
    drop: set[int] = set()
    for survivor, retired in changes.groups().items():
        group = [survivor, *retired]
        for stage in STAGES:
            rows = decisions[decisions["work_id"].isin(group) & (decisions["stage"] == stage)]
            decided = sorted(set(rows["work_id"]))
            if len(decided) > 1:
                if ((rows["work_id"] == survivor) & (rows["reviewer"] == CONSENSUS)).any():
                    drop |= set(rows.index[rows["work_id"] != survivor])
                    continue
                if len({(r.decision, r.reason) for r in rows.itertuples() if r.decision != UNSURE}) > 1:
                    conflicts.append(conflict(
                        "; ".join(w for w in decided if w != survivor), [survivor], "screening", _describe(rows),
                        f"works {', '.join(decided)} were merged into {survivor} and their {stage} decisions "
                        f"differ: add a row for {survivor} at {stage} with reviewer 'consensus' to a file in "
                        f"data/screening/, and replace the retired ids by {survivor} in your decision files"))
                    continue
            moved = _rows_to_move(rows, survivor, decided, drop)
            _announce([(f"{r.file}:{r.line}", r.work_id) for r in moved.itertuples()], survivor, f"{stage} decision")
            decisions.loc[moved.index, "work_id"] = survivor
    decisions = decisions.drop(index=sorted(drop))
    decided_ids = set(decisions["work_id"])
    for old, news in sorted(changes.split.items()):
        own = decisions[decisions["work_id"] == old]
        waiting = sorted(n for n in news if n not in not_screened and n not in decided_ids)
        if own.empty or not waiting:
            continue
        conflicts.append(conflict(
            old, waiting, "screening", _describe(own),
            f"records of {old} now form work(s) {', '.join(waiting)} (see results/work_id_changes.csv); {old} "
            f"kept most of its records and its decisions: check they still hold, and add decisions for "
            f"{', '.join(waiting)} to a file in data/screening/ (titles in results/works.csv)"))
    return decisions, conflicts


def carry_extraction_rows(frame: pd.DataFrame, changes: IdChanges, included: set[str], path: Path
                          ) -> tuple[pd.DataFrame, list[dict[str, str]]]:
    """Extraction rows re-keyed to the surviving ids, and the changes a person must settle: merged works with
    different rows, or a split of an extracted work whose new included works have no row yet."""
    frame = frame.copy()
    conflicts: list[dict[str, str]] = []
    drop: set[int] = set()

    def describe(rows: pd.DataFrame) -> str:
        return "; ".join(f"{w} ({path}:{int(i) + 2})" for i, w in zip(rows.index, rows["work_id"], strict=True))

    for survivor, retired in changes.groups().items():
        rows = frame[frame["work_id"].isin([survivor, *retired])]
        extracted = sorted(set(rows["work_id"]))
        if len(extracted) > 1 and len(rows.drop(columns="work_id").drop_duplicates()) > 1:
            conflicts.append(conflict(
                "; ".join(w for w in extracted if w != survivor), [survivor], "extraction", describe(rows),
                f"works {', '.join(extracted)} were merged into {survivor} and their extraction rows differ: "
                f"keep one row, with work_id {survivor}, in {path} and delete the others"))
            continue
        moved = _rows_to_move(rows, survivor, extracted, drop)
        _announce([(f"{path}:{int(i) + 2}", w) for i, w in zip(moved.index, moved["work_id"], strict=True)],
                  survivor, "extraction row")
        frame.loc[moved.index, "work_id"] = survivor
    frame = frame.drop(index=sorted(drop))
    extracted_ids = set(frame["work_id"])
    for old, news in sorted(changes.split.items()):
        waiting = sorted(n for n in news if n in included and n not in extracted_ids)
        if old not in extracted_ids or not waiting:
            continue
        conflicts.append(conflict(
            old, waiting, "extraction", describe(frame[frame["work_id"] == old]),
            f"records of {old} now form included work(s) {', '.join(waiting)}; {old} kept its row: check it still "
            f"describes {old}'s records, and add rows for {', '.join(waiting)} to {path}"))
    return frame, conflicts

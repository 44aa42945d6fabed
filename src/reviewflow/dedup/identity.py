"""Work ids that never move: the identity ledger and how each new clustering is given ids from it.

A work id used to be derived from the work's anchor record (its first member in database priority order), so a
search update that added a higher-priority record to a work (a PubMed record joining a work first seen in Web of
Science) changed its id, and every screening decision and extraction row keyed on the old id was orphaned.

The ledger ``data/identity/ledger.csv`` (``record_id,work_id``, one row per record ever assigned, sorted, no
timestamps) remembers the id each record was given. It is committed with the people's files, not kept in
``results/``, because Snakemake deletes a job's outputs before re-running it and the ledger must survive
``--forceall``. After clustering, each cluster collects the ledger ids of its members:

- none: a new id ``work_id_for(anchor)``, exactly as before the ledger existed (a brand-new review's ids are
  unchanged);
- one: the cluster keeps it, whatever record joined and whatever its database's priority;
- two or more (new data merged works that were apart): the smallest id survives, the others are retired
  (``merged`` rows in ``results/work_id_changes.csv``);
- an old id whose records now sit in two or more clusters (a split) stays with the cluster holding most of its
  records (tie: the cluster holding the record the id was derived from, else the one whose smallest record id is
  smallest); the other clusters get ids of their own (``split`` rows).

The ledger is rewritten only when its content changes, so a second build leaves it byte-identical.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from reviewflow.dedup.outputs import work_id_for
from reviewflow.errors import InputError
from reviewflow.tables import read_table

LEDGER_COLUMNS = ["record_id", "work_id"]
CHANGE_COLUMNS = ["old_work_id", "new_work_id", "change", "record_ids"]
_WORK_ID = re.compile(r"^W[0-9a-f]{12}$")


@dataclass
class IdAssignment:
    """One id per cluster (in the order given), the ledger after this clustering, and what moved."""

    work_ids: list[str]
    ledger: dict[str, str]
    changes: pd.DataFrame


def read_ledger(path: Path) -> dict[str, str]:
    """The ledger as ``record_id -> work_id``; a missing file is an empty ledger (a new review)."""
    if not path.exists():
        return {}
    frame = read_table(path, required=LEDGER_COLUMNS)
    ledger: dict[str, str] = {}
    for index, (record_id, work_id) in enumerate(zip(frame["record_id"], frame["work_id"], strict=True)):
        line = index + 2
        if not record_id.strip():
            raise InputError("empty record id in the identity ledger", file=path, line=line, field="record_id",
                             expected="a record id as in results/records.csv",
                             hint="the ledger is written by the dedup stage; restore it from git")
        if not _WORK_ID.match(work_id):
            raise InputError(f"work id {work_id!r} is not a work id", file=path, line=line, record=record_id,
                             field="work_id", expected="W followed by 12 lower-case hex digits",
                             hint="the ledger is written by the dedup stage; restore it from git")
        if record_id in ledger:
            raise InputError(f"record listed twice in the identity ledger (also as {ledger[record_id]})",
                             file=path, line=line, record=record_id, field="record_id",
                             expected="each record id once",
                             hint="keep the row with the work id your decisions use and delete the other")
        ledger[record_id] = work_id
    return ledger


def ledger_text(ledger: Mapping[str, str]) -> str:
    """The ledger file's exact content: header, then rows sorted by record id, ``\\n`` line endings."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(LEDGER_COLUMNS)
    writer.writerows(sorted(ledger.items()))
    return buffer.getvalue()


def write_ledger_if_changed(path: Path, ledger: Mapping[str, str]) -> bool:
    """Write the ledger only when its bytes would change (a rewrite with equal content would still touch its
    modification time and make Snakemake re-run dedup); returns whether it was written."""
    return _write_if_changed(path, ledger_text(ledger))


def read_id_history(path: Path) -> pd.DataFrame:
    """Every merge and split of work ids since the ledger began (data/identity/id_changes.csv); none yet: empty.

    Kept beside the ledger because a decision file may name a retired id long after the run that retired it:
    the carry-over must still know where that id went."""
    if not path.exists():
        return pd.DataFrame(columns=CHANGE_COLUMNS)
    return read_table(path, required=CHANGE_COLUMNS)[CHANGE_COLUMNS]


def with_history(history: pd.DataFrame, changes: pd.DataFrame) -> pd.DataFrame:
    """The history with this run's changes added (a change already recorded is kept once, as first recorded)."""
    combined = pd.concat([history[CHANGE_COLUMNS], changes[CHANGE_COLUMNS]], ignore_index=True)
    combined = combined.drop_duplicates(subset=["old_work_id", "new_work_id", "change"], keep="first")
    return combined.sort_values(["old_work_id", "new_work_id", "change"], kind="mergesort").reset_index(drop=True)


def write_id_history_if_changed(path: Path, history: pd.DataFrame) -> bool:
    """Write the history only when its bytes would change (see ``write_ledger_if_changed``); a review whose ids
    never moved gets no file at all."""
    if history.empty and not path.exists():
        return False
    buffer = io.StringIO()
    history[CHANGE_COLUMNS].to_csv(buffer, index=False, lineterminator="\n")
    return _write_if_changed(path, buffer.getvalue())


def _write_if_changed(path: Path, text: str) -> bool:
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")
    return True


def _fresh_id(anchor: str, taken: set[str]) -> str:
    """``work_id_for(anchor)``, or, when that id is taken (a split whose part holds the record an old id was
    derived from), the first of ``work_id_for(anchor#2)``, ``#3`` ... that is free."""
    candidate, n = work_id_for(anchor), 2
    while candidate in taken:
        candidate, n = work_id_for(f"{anchor}#{n}"), n + 1
    return candidate


def _keepers(clusters: Sequence[Sequence[str]], ledger: Mapping[str, str]) -> dict[str, int]:
    """For every old id, the cluster that keeps it: the only cluster holding its records, or for a split the one
    holding the most of them (tie: the one holding the record the id was derived from, then the smallest)."""
    holders: dict[str, dict[int, list[str]]] = {}
    for index, members in enumerate(clusters):
        for record_id in members:
            old = ledger.get(record_id)
            if old is not None:
                holders.setdefault(old, {}).setdefault(index, []).append(record_id)
    keepers: dict[str, int] = {}
    for old, held in holders.items():
        keepers[old] = min(held, key=lambda i: (-len(held[i]), not any(work_id_for(r) == old for r in held[i]),
                                                min(clusters[i])))
    return keepers


def assign_work_ids(clusters: Sequence[Sequence[str]], ledger: Mapping[str, str]) -> IdAssignment:
    """Ids for clusters of record ids (each cluster's anchor first) that keep every id the ledger knows.

    Deterministic: the result depends only on the clusters' members and the ledger, not on their order.
    """
    keepers = _keepers(clusters, ledger)
    kept: dict[int, list[str]] = {}
    for old, index in keepers.items():
        kept.setdefault(index, []).append(old)
    work_ids: list[str] = [""] * len(clusters)
    taken = set(ledger.values())
    changes: list[dict[str, str]] = []
    retired: dict[str, str] = {}
    for index in sorted(range(len(clusters)), key=lambda i: clusters[i][0]):
        members = clusters[index]
        candidates = sorted(kept.get(index, []))
        if candidates:
            work_id = candidates[0]
            for old in candidates[1:]:
                retired[old] = work_id
                moved = sorted(r for r in members if ledger.get(r) == old)
                changes.append({"old_work_id": old, "new_work_id": work_id, "change": "merged",
                                "record_ids": "; ".join(moved)})
        else:
            work_id = _fresh_id(members[0], taken)
        taken.add(work_id)
        work_ids[index] = work_id
        for old in sorted({ledger[r] for r in members if r in ledger} - set(candidates)):
            moved = sorted(r for r in members if ledger.get(r) == old)
            changes.append({"old_work_id": old, "new_work_id": work_id, "change": "split",
                            "record_ids": "; ".join(moved)})
    updated = dict(ledger)
    # Records of a retired id that no export holds any more follow their work to the surviving id.
    for record_id, old in ledger.items():
        if old in retired:
            updated[record_id] = retired[old]
    for members, work_id in zip(clusters, work_ids, strict=True):
        for record_id in members:
            updated[record_id] = work_id
    table = pd.DataFrame(changes, columns=CHANGE_COLUMNS)
    table = table.sort_values(["old_work_id", "new_work_id"], kind="mergesort").reset_index(drop=True)
    return IdAssignment(work_ids=work_ids, ledger=updated, changes=table)

"""Where reviewers of the same work disagree, and nobody has settled it yet.

Dual screening is only worth its cost if disagreements are seen and settled by people, never averaged away or
resolved by whichever file was read last. This module is the one definition of a conflict, shared by the
screening stage (which lists them in ``results/screening_conflicts.csv`` and stops) and the local screening app
(which shows them to the reviewers).
"""

from __future__ import annotations

import pandas as pd

CONSENSUS = "consensus"
"""The reviewer name of a row that settles a work at a stage, whatever the named reviewers decided."""

UNSURE = "unsure"
"""A reviewer's provisional mark, accepted at every stage: it decides nothing and never counts as agreement or
disagreement; the work stays awaiting until that reviewer decides."""

CONFLICT_COLUMNS = ["work_id", "stage", "reviewer", "decision", "reason", "file", "line"]


def decided(decisions: pd.DataFrame) -> pd.Series:
    """Rows that decide something: not blank and not ``unsure``."""
    decision = decisions["decision"].fillna("").astype(str).str.strip()
    return (decision != "") & (decision != UNSURE)


def find_conflicts(decisions: pd.DataFrame) -> pd.DataFrame:
    """The named reviewers' rows of every (work, stage) whose decided rows differ and that no consensus settles.

    ``decisions`` needs the columns ``work_id``, ``stage``, ``reviewer``, ``decision`` and ``reason`` (the
    decision files' columns; ``file`` and ``line`` are passed through when present, as ``read_decisions`` adds
    them). Two rows differ when their decision or, for exclusions, their reason differs. ``unsure`` and blank
    rows are ignored, so a reviewer who is unsure is never in conflict. A ``consensus`` row with a decision
    (not unsure) settles its work and stage.

    Returns one row per conflicting reviewer, with the columns ``work_id, stage, reviewer, decision, reason,
    file, line`` (all strings; ``file`` and ``line`` empty when the input has none), sorted by work_id, stage and
    reviewer; no rows when nothing conflicts.
    """
    frame = decisions.copy()
    for column in CONFLICT_COLUMNS:
        frame[column] = frame[column].fillna("").astype(str).str.strip() if column in frame.columns else ""
    frame = frame.loc[decided(frame), CONFLICT_COLUMNS]
    settled = set(frame.loc[frame["reviewer"] == CONSENSUS, ["work_id", "stage"]].itertuples(index=False, name=None))
    named = frame[frame["reviewer"] != CONSENSUS]
    outcomes: dict[tuple[str, str], set[tuple[str, str]]] = {}
    for row in named.itertuples(index=False):
        outcomes.setdefault((row.work_id, row.stage), set()).add((row.decision, row.reason))
    conflicted = {key for key, seen in outcomes.items() if len(seen) > 1 and key not in settled}
    keys = zip(named["work_id"], named["stage"], strict=True)
    rows = named.loc[pd.Series([key in conflicted for key in keys], index=named.index, dtype=bool)]
    return rows.sort_values(["work_id", "stage", "reviewer"], kind="mergesort").reset_index(drop=True)

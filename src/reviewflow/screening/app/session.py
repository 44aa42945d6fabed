"""One reviewer's screening session at one stage: the works, their own decisions, progress, blinding, conflicts.

Blinding is kept by what this module hands out: a reviewer's own rows, and for the others only counts, until
every reviewer with a file at the stage has decided every work offered there (``unsure`` is not decided). Only
then are the conflicts (``agreement.find_conflicts``) shown, to be settled in ``consensus.csv``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from reviewflow.errors import InputError
from reviewflow.screening.agreement import UNSURE, find_conflicts
from reviewflow.screening.app.names import CONSENSUS, check_reviewer, check_stage
from reviewflow.screening.app.order import Orderer
from reviewflow.screening.app.store import DecisionStore, Row, read_rows
from reviewflow.screening.app.works import Work, load_works, stage_pool

DECISION_KEYS = {"include": "i", "exclude": "e", UNSURE: "u", "not_retrieved": "n"}
# Keys the screen uses for other things; reason keys skip them.
RESERVED_KEYS = set("eintuz")
REASON_KEYS = [*"123456789", *(c for c in "abcdfghjklmopqrsvwxy" if c not in RESERVED_KEYS)]


@dataclass(frozen=True)
class Progress:
    """Counts only: how far each reviewer is, never what they decided."""

    decided: int
    unsure: int
    remaining: int
    total: int
    reviewers: list[dict[str, Any]]


class Session:
    """Everything the pages need, read fresh from the files on every request (the files are the state)."""

    def __init__(self, root: Path, config: dict[str, Any], stage: str, reviewer: str, order: str = "prioritised",
                 seed: int = 0) -> None:
        self.root, self.config = root, config
        self.stage, self.reviewer = check_stage(stage), check_reviewer(reviewer)
        self.folder = root / "data" / "screening" / stage
        self.store = DecisionStore(self.folder / f"{reviewer}.csv", stage, reviewer)
        own = [] if reviewer == CONSENSUS else [row["work_id"] for row in self.store.rows()]
        self.pool = stage_pool(root, stage, own)
        self.works: dict[str, Work] = load_works(root, self.pool)
        self.consensus = (self.store if reviewer == CONSENSUS
                          else DecisionStore(self.folder / f"{CONSENSUS}.csv", stage, CONSENSUS))
        record = None if order == "file" else self.folder / f"{reviewer}.order.jsonl"
        self.orderer = Orderer(order, seed, self.pool, self.works, record)
        screening = config.get("screening", {})
        self.decisions = [*dict.fromkeys([*screening.get("decisions", {}).get(stage, []), UNSURE])]
        self.reasons: dict[str, str] = dict(screening.get("reasons", {}))
        self.reason_keys = dict(zip(self.reasons, REASON_KEYS, strict=False))
        self.criteria: list[str] = list(screening.get("criteria", []))
        self.highlight: dict[str, list[str]] = dict(screening.get("highlight", {}))

    @property
    def is_consensus(self) -> bool:
        return self.reviewer == CONSENSUS

    def store_for(self, resolving: bool) -> DecisionStore:
        return self.consensus if resolving else self.store

    # --- what this reviewer sees of their own work -------------------------------------------------------------
    def own_rows(self) -> list[Row]:
        return self.store.rows()

    def next_work(self) -> tuple[str | None, float | None, str]:
        found = self.orderer.next(self.own_rows())
        return found.work_id, found.expected_relevant_remaining, found.method

    def check_choice(self, work_id: str, decision: str, reason: str) -> tuple[str, str]:
        """A decision the build will accept, or an error naming what was wrong."""
        if work_id not in self.works:
            raise InputError("not a work offered at this stage", record=work_id, field="work_id",
                             expected=f"a work awaiting {self.stage} screening")
        if decision not in self.decisions:
            raise InputError(f"decision {decision!r} is not allowed at {self.stage}", record=work_id,
                             field="decision", expected=" or ".join(self.decisions))
        if decision == "exclude" and reason not in self.reasons:
            raise InputError("an exclusion needs a reason from the list", record=work_id, field="reason",
                             expected=", ".join(self.reasons))
        return decision, reason if decision == "exclude" else ""

    # --- everyone, as counts --------------------------------------------------------------------------------
    def reviewer_rows(self) -> dict[str, list[Row]]:
        """Every named reviewer's rows on the works offered here (this reviewer too, before a first decision)."""
        rows: dict[str, list[Row]] = {} if self.is_consensus else {self.reviewer: []}
        for path in sorted(self.folder.glob("*.csv")):
            mine = [row for row in read_rows(path) if row["work_id"] in self.works]
            # Someone who decided none of these works (earlier screening, another round) is not a reviewer here.
            if path.stem != CONSENSUS and (mine or path.stem == self.reviewer):
                rows[path.stem] = mine
        return rows

    def progress(self) -> Progress:
        everyone = []
        for name, rows in sorted(self.reviewer_rows().items()):
            decided = sum(1 for row in rows if row["decision"] != UNSURE)
            unsure = len(rows) - decided
            everyone.append({"name": name, "decided": decided, "unsure": unsure,
                             "remaining": len(self.pool) - decided - unsure})
        own = next((entry for entry in everyone if entry["name"] == self.reviewer), None)
        if own is None:  # the consensus reviewer: counts of settled conflicts
            settled = len(self.consensus.rows())
            own = {"decided": settled, "unsure": 0, "remaining": len(self.conflict_ids())}
        return Progress(own["decided"], own["unsure"], own["remaining"], len(self.pool), everyone)

    def blinded(self) -> bool:
        """True until every reviewer with a file here has decided every work offered at the stage."""
        for rows in self.reviewer_rows().values():
            decided = {row["work_id"] for row in rows if row["decision"] != UNSURE}
            if len(decided) < len(self.pool):
                return True
        return False

    # --- after blinding --------------------------------------------------------------------------------------
    def conflicts(self) -> pd.DataFrame:
        """The disagreements nobody has settled yet (empty while blinded)."""
        if self.blinded():
            return pd.DataFrame(columns=["work_id", "stage", "reviewer", "decision", "reason"])
        rows = [row for named in self.reviewer_rows().values() for row in named]
        rows += [row for row in self.consensus.rows() if row["work_id"] in self.works]
        frame = pd.DataFrame(rows, columns=["work_id", "stage", "reviewer", "decision", "reason", "note"])
        return find_conflicts(frame)

    def conflict_ids(self) -> list[str]:
        return list(dict.fromkeys(self.conflicts()["work_id"]))

    def conflict_views(self, work_ids: list[str] | None = None) -> dict[str, list[dict[str, str]]]:
        """Work id -> each reviewer's decision, for the conflict queue."""
        frame = self.conflicts()
        views: dict[str, list[dict[str, str]]] = {}
        for row in frame.itertuples(index=False):
            if work_ids is None or row.work_id in work_ids:
                views.setdefault(row.work_id, []).append(
                    {"reviewer": row.reviewer, "decision": row.decision, "reason": row.reason})
        return views

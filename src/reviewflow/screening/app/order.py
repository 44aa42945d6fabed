"""The order works are offered in, and its record: ``data/screening/<stage>/<reviewer>.order.jsonl``.

Prioritised (the default): the top of ``ranking.rank`` over the stage's works, retrained on this reviewer's
include/exclude decisions so far. Each new state of the decisions appends one line with the ranking's ``model``
record (method, seed, counts, sha256 of the order), so the order a reviewer was shown can be recomputed with
``ranking.replay`` from the decision file, whose rows are in decision order. The record is JSON Lines, not CSV,
so the build never takes it for a decision file.
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from reviewflow.screening.app.store import Row
from reviewflow.screening.app.works import Work
from reviewflow.screening.ranking import Corpus, rank_corpus, work_texts

ORDERS = ("prioritised", "file")


@dataclass(frozen=True)
class Next:
    """The work to offer now, and what the model expects is still to be found (None in file order)."""

    work_id: str | None
    expected_relevant_remaining: float | None
    method: str


def labels_of(rows: list[Row]) -> dict[str, bool]:
    """What the model learns from: include is relevant, exclude is not; unsure and not_retrieved teach nothing."""
    return {row["work_id"]: row["decision"] == "include" for row in rows if row["decision"] in ("include", "exclude")}


class Orderer:
    """Chooses the next work for one reviewer and keeps the order record."""

    def __init__(self, mode: str, seed: int, pool: list[str], works: dict[str, Work], record: Path | None) -> None:
        self.mode, self.seed, self.pool, self.record = mode, seed, pool, record
        frame = pd.DataFrame([{"work_id": w, "title": works[w].title, "abstract": works[w].abstract,
                               "keywords": works[w].keywords} for w in pool],
                             columns=["work_id", "title", "abstract", "keywords"])
        self._texts = work_texts(frame) if mode == "prioritised" else {}
        self._corpus = Corpus.of(self._texts) if mode == "prioritised" else None  # TF-IDF once per session
        self._cache: tuple[str, Next] | None = None
        self._lock = threading.Lock()  # the server answers on several threads; one record line per state
        self._last_recorded = self._last_state()

    def next(self, rows: list[Row]) -> Next:
        """The first work of the order that this reviewer has no row for (any decision, unsure too)."""
        done = {row["work_id"] for row in rows}
        if self.mode == "file":
            return Next(next((w for w in self.pool if w not in done), None), None, "file")
        with self._lock:
            return self._prioritised(rows, done)

    def _prioritised(self, rows: list[Row], done: set[str]) -> Next:
        labels = {w: v for w, v in labels_of(rows).items() if w in self._texts}
        state = _state(labels)
        if self._cache and self._cache[0] == state + "|" + ",".join(sorted(done)):
            return self._cache[1]
        ranking = rank_corpus(self._corpus, labels, self.seed)
        chosen = next((w for w in ranking.order if w not in done), None)
        found = Next(chosen, ranking.expected_relevant_remaining, str(ranking.model.get("method", "")))
        self._cache = (state + "|" + ",".join(sorted(done)), found)
        if state != self._last_recorded:
            self._append({"at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), "labels_sha256": state,
                          "offered": chosen, "expected_relevant_remaining": ranking.expected_relevant_remaining,
                          "summary": ranking.summary(), "model": ranking.model})
            self._last_recorded = state
        return found

    def _append(self, entry: dict) -> None:
        if self.record is None:
            return
        self.record.parent.mkdir(parents=True, exist_ok=True)
        with self.record.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(entry, sort_keys=True) + "\n")
            handle.flush()

    def _last_state(self) -> str | None:
        if self.record is None or not self.record.is_file():
            return None
        lines = self.record.read_text(encoding="utf-8").strip().splitlines()
        try:
            return json.loads(lines[-1]).get("labels_sha256") if lines else None
        except ValueError:
            return None


def _state(labels: dict[str, bool]) -> str:
    """A fingerprint of the decisions the model learned from: a new one is a new step of the record."""
    text = "".join(f"{work_id},{int(value)}\n" for work_id, value in sorted(labels.items()))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()

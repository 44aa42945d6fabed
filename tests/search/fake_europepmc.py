"""A loopback server answering like Europe PMC's REST ``search`` endpoint (format=json, resultType=core, cursorMark).

It holds an index of core results (made from real MEDLINE records, see europepmc_records.py), each with its first
index date; it honours a ``FIRST_IDATE:[from TO to]`` restriction added around the query, pages with opaque
cursors, and ends a result set the way chosen in ``end`` ("absent": no ``nextCursorMark`` on the last page, as
Europe PMC documents; "same": the cursor asked is handed back; "empty": one more page with no results). It
refuses a pageSize over 1000 the way Europe PMC does (an ``errCode`` answer with HTTP 200), can cut an answer's
JSON short, and takes loopback.py's faults (429 with Retry-After, 503, connections dropped before or during an
answer) and ``after`` hooks (a result set that changes between pages). It listens on 127.0.0.1 only.
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, ClassVar

from tests.search.europepmc_records import core_result
from tests.search.loopback import Answer, LoopbackFake, Request

RESPONSES = Path(__file__).resolve().parent / "responses" / "europepmc"
PATH = "/europepmc/webservices/rest/"
_DATES = re.compile(r"^\((?P<query>.*)\) AND \(FIRST_IDATE:\[(?P<low>\d{4}-\d\d-\d\d) TO "
                    r"(?P<high>\d{4}-\d\d-\d\d)\]\)$", re.S)


@dataclass
class Indexed:
    result: dict[str, Any]
    first_index_date: date


def make_index(templates: list[str], count: int, first_day: date, per_day: int, first_pmid: int = 40_000_000
               ) -> list[Indexed]:
    """``count`` core results from the real MEDLINE templates, each its own PMID, ``per_day`` indexed a day."""
    index = []
    for i in range(count):
        day = first_day + timedelta(days=i // per_day)
        index.append(Indexed(core_result(templates[i % len(templates)], first_pmid + i, day.isoformat()), day))
    return index


@dataclass
class FakeEuropePMC(LoopbackFake):
    """The index and the query it expects; ``requests`` holds (path, parameters)."""

    index: list[Indexed] = field(default_factory=list)
    query: str | None = None
    """The query every request must carry (inside the date restriction of an update); None: any."""
    end: str = "absent"
    broken: set[int] = field(default_factory=set)
    """Request numbers answered with JSON cut short (HTTP 200)."""
    stop_early: int | None = None
    """Serve no result past this many (the end comes early, hitCount unchanged)."""

    base_path: ClassVar[str] = PATH

    def record(self, request: Request) -> None:
        self.requests.append((request.path, request.params))

    def answer(self, request: Request) -> Answer:
        path, params = request.path, request.params
        if path != PATH + "search":
            return 404, {}, b"unknown endpoint"
        assert params["format"] == "json" and params["resultType"] == "core" and params["synonym"] == "false"
        size = int(params["pageSize"])
        if not 1 <= size <= 1000:
            return 200, {"Content-Type": "application/json"}, (RESPONSES / "error_page_size.json").read_bytes()
        found = self._matching(params["query"])
        start = self._offset(params["cursorMark"])
        served = found[:self.stop_early] if self.stop_early is not None else found
        page = served[start:start + size]
        end = start + len(page)
        body: dict[str, Any] = {"version": "6.9", "hitCount": len(found)}
        if page and end < len(served):
            body["nextCursorMark"] = self._cursor(end)
        elif self.end == "same" or (self.end == "empty" and page):
            body["nextCursorMark"] = params["cursorMark"] if self.end == "same" else self._cursor(end)
        body["request"] = {"queryString": params["query"], "resultType": "core", "cursorMark": params["cursorMark"],
                           "pageSize": size, "sort": "", "synonym": False}
        body["resultList"] = {"result": [entry.result for entry in page]}
        data = json.dumps(body, ensure_ascii=False, indent=1).encode("utf-8")
        if len(self.requests) in self.broken:
            data = data[: len(data) // 2]
        return 200, {"Content-Type": "application/json;charset=UTF-8"}, data

    def _matching(self, query: str) -> list[Indexed]:
        dated = _DATES.match(query)
        base = dated["query"] if dated else query
        if self.query is not None:
            assert base == self.query, f"unexpected query {query!r}"
        found = list(self.index)
        if dated:
            low, high = date.fromisoformat(dated["low"]), date.fromisoformat(dated["high"])
            found = [e for e in found if low <= e.first_index_date <= high]
        return found

    @staticmethod
    def _cursor(offset: int) -> str:
        return base64.b64encode(f"AoIIP{offset:08d}".encode()).decode()

    @staticmethod
    def _offset(cursor: str) -> int:
        if cursor == "*":
            return 0
        return int(base64.b64decode(cursor).decode()[5:])


"""A loopback server answering like Crossref's REST API works route (deep paging with cursors, filters).

It holds an index of works (real bibliographic data from ../shared, each with its own DOI and index date),
honours ``from-index-date`` / ``until-index-date`` and refuses filters the works route does not have (HTTP 400,
Crossref's validation-failure answer), pages with ``cursor=*`` then ``next-cursor`` (optionally the same cursor
string on every page, as an Elasticsearch scroll may hand back), answers pages past the end with no items, reports
the live count on every page, and answers ``rows=0`` with the count alone. It can be told to misbehave on a given
request (429 with Retry-After, 503, a connection dropped before any answer or mid-body, a malformed body, a
validation failure) or to change its index after one. It listens on 127.0.0.1 only; nothing in these tests
leaves the machine.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, ClassVar

from reviewflow.search.crossref_query import FILTERS
from tests.search.crossref_works import RESPONSES, with_identity, works_page
from tests.search.loopback import Answer, LoopbackFake, Request

MAX_ROWS = 1000


@dataclass
class Entry:
    doi: str
    indexed: date
    work: dict[str, Any]


def make_index(templates: list[dict[str, Any]], count: int, first_day: date, per_day: int, first: int = 1,
               prefix: str = "10.5555/RF-Test.") -> list[Entry]:
    """``count`` works made from the real templates, each with its own DOI (upper case letters: Crossref keeps
    the case deposited), ``per_day`` indexed a day."""
    index = []
    for i in range(count):
        doi = f"{prefix}{first + i:05d}"
        indexed = first_day + timedelta(days=i // per_day)
        index.append(Entry(doi, indexed, with_identity(templates[i % len(templates)], doi, indexed)))
    return index


@dataclass
class FakeCrossref(LoopbackFake):
    """The index and the open cursors; ``requests`` holds (path, parameters), ``headers`` their headers."""

    index: list[Entry] = field(default_factory=list)
    same_cursor: bool = False
    headers: list[dict[str, str]] = field(default_factory=list)
    cursors: dict[str, list] = field(default_factory=dict)
    _serial: itertools.count = field(default_factory=itertools.count)

    blank_values: ClassVar[bool] = True

    def record(self, request: Request) -> None:
        self.requests.append((request.path, request.params))
        self.headers.append(request.as_sent)

    def respond(self, request: Request, fault: tuple[Any, ...] | None) -> Answer:
        json_type = {"Content-Type": "application/json"}
        if fault and fault[0] == "malformed":
            return 200, json_type, (RESPONSES / "malformed.json").read_bytes()
        if fault and fault[0] == "refuse":  # Crossref's answer to a filter it does not have
            return 400, json_type, (RESPONSES / "validation_failure.json").read_text(encoding="utf-8").replace(
                "{name}", fault[1]).encode("utf-8")
        return super().respond(request, fault)

    def answer(self, request: Request) -> Answer:
        path, params = request.path, request.params
        if path.rstrip("/").rsplit("/", 1)[-1] != "works":
            return 404, {"Content-Type": "text/plain"}, b"Resource not found."
        json_type = {"Content-Type": "application/json"}
        rows = int(params.get("rows", "20"))
        if rows > MAX_ROWS or ("cursor" in params and "offset" in params):
            return 400, json_type, b'{"status":"failed","message-type":"validation-failure","message":[]}'
        filters = [item.partition(":")[::2] for item in params["filter"].split(",")] if "filter" in params else []
        unknown = [name for name, _ in filters if name not in FILTERS]
        if unknown:
            body = (RESPONSES / "validation_failure.json").read_text(encoding="utf-8").replace("{name}", unknown[0])
            return 400, json_type, body.encode("utf-8")
        found = self._select(filters)
        terms = next((v for k, v in params.items() if k == "query" or k.startswith("query.")), None)
        if "cursor" not in params:
            return 200, json_type, works_page([e.work for e in found[:rows]], len(found), None, rows, terms)
        cursor = params["cursor"]
        if cursor == "*":
            cursor = self._new_cursor()
            self.cursors[cursor] = [found, 0]
        elif cursor not in self.cursors:
            return 400, json_type, b'{"status":"failed","message-type":"validation-failure","message":[]}'
        result, start = self.cursors[cursor]
        items = [e.work for e in result[start:start + rows]]
        following = cursor if self.same_cursor else self._new_cursor()
        self.cursors[following] = [result, start + len(items)]
        return 200, json_type, works_page(items, len(found), following, rows, terms)

    def _select(self, filters: list[tuple[str, str]]) -> list[Entry]:
        found = list(self.index)
        for name, value in filters:
            if name in ("from-index-date", "until-index-date"):
                day = date.fromisoformat(value)
                found = [e for e in found if (e.indexed >= day if name.startswith("from") else e.indexed <= day)]
        return found

    def _new_cursor(self) -> str:
        return f"DnF1ZXJ5VGhlbkZldGNo+{next(self._serial):06d}/=="


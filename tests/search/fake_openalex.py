"""A loopback server answering like the OpenAlex works API (lists with filter/search and cursor paging, single
works by DOI or PMID).

It holds a list of works (real records from ../shared, see openalex_works.py), honours the filters the tests use
(``openalex:`` with ``|``, ``cites:``, ``from_created_date:``, ``publication_year:``, the ``.search`` filters and
``search``), pages with an opaque cursor until ``next_cursor`` is null, refuses ``per_page`` outside 1-100 and
unknown filters with a 400 as documented, and can be told to misbehave on a given request (429 with Retry-After,
a connection dropped before any answer or mid-body, a malformed body, an error echoing the request, the index
changing after a request). It listens on 127.0.0.1 only; nothing in these tests leaves the machine.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import unquote

from tests.search.loopback import Answer, LoopbackFake, Request

RESPONSES = Path(__file__).resolve().parent / "responses" / "openalex"
PREFIX = "https://openalex.org/"
JSON = {"Content-Type": "application/json"}


def _text(work: dict[str, Any]) -> str:
    words = sorted(((p, w) for w, ps in (work.get("abstract_inverted_index") or {}).items() for p in ps))
    return f"{work.get('title') or ''} {' '.join(w for _, w in words)}".lower()


def list_body(works: list[dict[str, Any]], count: int, per_page: int, next_cursor: str | None,
              page: int | None = None) -> bytes:
    """A works list answer as OpenAlex sends it: ``meta`` (from meta.json, filled in), ``results``, ``group_by``."""
    meta = json.loads((RESPONSES / "meta.json").read_text(encoding="utf-8"))
    meta.update({"count": count, "per_page": per_page, "page": page, "next_cursor": next_cursor})
    return json.dumps({"meta": meta, "results": works, "group_by": []}, ensure_ascii=False).encode("utf-8")


@dataclass
class FakeOpenAlex(LoopbackFake):
    """The works; ``requests`` holds (unquoted path, parameters)."""

    works: list[dict[str, Any]] = field(default_factory=list)

    blank_values: ClassVar[bool] = True

    def record(self, request: Request) -> None:
        self.requests.append((unquote(request.path), request.params))

    def respond(self, request: Request, fault: tuple[Any, ...] | None) -> Answer:
        status, headers, body = super().respond(request, fault)
        if fault and fault[0] == "echo":  # an error that repeats the request, key and all
            status, body = 400, json.dumps({"error": "Invalid query parameters error.",
                                            "message": f"cannot read {request.target}"}).encode("utf-8")
        if fault and fault[0] == "malformed":
            status, body = 200, (RESPONSES / "malformed.json").read_bytes()
        return status, headers, body

    def answer(self, request: Request) -> Answer:
        path, params = unquote(request.path), request.params
        if path == "/works":
            return self._list(params)
        if path.startswith("/works/"):
            return self._single(path.removeprefix("/works/"))
        return 404, JSON, (RESPONSES / "error_not_found.json").read_bytes()

    def _single(self, key: str) -> Answer:
        kind, _, value = key.partition(":")
        for work in self.works:
            ids = work.get("ids", {})
            if (kind == "doi" and (work.get("doi") or "").lower() == f"https://doi.org/{value}".lower()) or \
                    (kind == "pmid" and ids.get("pmid", "").rsplit("/", 1)[-1] == value) or \
                    (not value and work["id"] == PREFIX + kind):
                return 200, JSON, json.dumps(work).encode("utf-8")
        return 404, JSON, (RESPONSES / "error_not_found.json").read_bytes()

    def _error(self, message: str) -> Answer:
        body = (RESPONSES / "error_invalid_filter.json").read_text(encoding="utf-8").replace("{message}", message)
        return 400, JSON, body.encode("utf-8")

    def _list(self, params: dict[str, str]) -> Answer:
        per_page = int(params.get("per_page", "25"))
        if not 1 <= per_page <= 100:
            return self._error("per_page must be between 1 and 100")
        found = list(self.works)
        if "search" in params:
            found = [w for w in found if all(t in _text(w) for t in params["search"].lower().split())]
        for part in filter(None, params.get("filter", "").split(",")):
            name, _, value = part.partition(":")
            test = self._filter(name, value)
            if test is None:
                return self._error(f"{name} is not a valid field")
            found = [w for w in found if test(w)]
        cursor = params.get("cursor")
        start = 0 if cursor in (None, "*") else int(base64.b64decode(cursor))
        page = found[start:start + per_page]
        more = cursor is not None and start + per_page < len(found)
        next_cursor = base64.b64encode(str(start + per_page).encode()).decode() if more else None
        return 200, JSON, list_body(page, len(found), per_page, next_cursor, None if cursor else 1)

    @staticmethod
    def _filter(name: str, value: str) -> Callable[[dict[str, Any]], bool] | None:
        if name in ("openalex", "ids.openalex"):
            wanted = {PREFIX + v.removeprefix(PREFIX) for v in value.split("|")}
            return lambda w: w["id"] in wanted
        if name == "cites":
            cited = PREFIX + value.removeprefix(PREFIX)
            return lambda w: cited in (w.get("referenced_works") or [])
        if name == "from_created_date":
            day = date.fromisoformat(value)
            return lambda w: date.fromisoformat(w["created_date"]) >= day
        if name == "publication_year":
            low, _, high = value.partition("-")
            return lambda w: int(low) <= w["publication_year"] <= int(high or low)
        if name in ("title_and_abstract.search", "default.search", "title.search", "abstract.search"):
            return lambda w: all(t in _text(w) for t in value.lower().split())
        return None


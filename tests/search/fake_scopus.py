"""A loopback server answering like the Scopus Search API (``GET .../content/search/scopus``).

It holds an index of COMPLETE-view entries (made from real Scopus records) with their first-load dates, checks
the ``X-ELS-APIKey`` header, honours ``query`` (an update's ``(q) AND ORIG-LOAD-DATE AFT d AND ORIG-LOAD-DATE BEF
d``), ``view``, ``count`` (at most 25 in the COMPLETE view) and cursor paging (``cursor=*``, then the answer's
``cursor/@next``), and counts the result set anew on every request, so a test that changes the index between
pages sees the count change as the real service would. Answers are the envelope of
``responses/scopus/page.json`` (or ``empty.json``) with the page's entries.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlencode

from tests.search.api_records import with_eid
from tests.search.loopback import Answer, LoopbackFake, Request

RESPONSES = Path(__file__).resolve().parent / "responses"
KEY = "test-elsevier-key-7f3a91"
MAX_COUNT = {"COMPLETE": 25, "STANDARD": 200}
_WINDOW = re.compile(r"^\((?P<query>.*)\) AND ORIG-LOAD-DATE AFT (?P<after>\d{8}) AND ORIG-LOAD-DATE BEF "
                     r"(?P<before>\d{8})$", re.DOTALL)


@dataclass
class Loaded:
    eid: str
    loaded: date
    entry: dict[str, Any]


def make_index(templates: list[dict[str, Any]], count: int, first_day: date, per_day: int,
               first_number: int = 85_000_000_000) -> list[Loaded]:
    """``count`` entries made from the real templates, each with its own EID, ``per_day`` loaded a day."""
    index = []
    for i in range(count):
        entry = with_eid(templates[i % len(templates)], first_number + i)
        index.append(Loaded(entry["eid"], first_day + timedelta(days=i // per_day), entry))
    return index


def _day(text: str) -> date:
    return date(int(text[:4]), int(text[4:6]), int(text[6:]))


@dataclass
class FakeScopus(LoopbackFake):
    index: list[Loaded] = field(default_factory=list)
    key: str = KEY
    queries: list[str] = field(default_factory=list)

    base_path: ClassVar[str] = "/content/search/"

    def answer(self, request: Request) -> Answer:
        if not request.path.endswith("/content/search/scopus"):
            return 404, {}, b'{"service-error": {"status": {"statusCode": "RESOURCE_NOT_FOUND"}}}'
        if request.headers.get("x-els-apikey") != self.key:
            refusal = json.loads((RESPONSES / "scopus/error_401.json").read_text(encoding="utf-8"))
            refusal["service-error"]["status"]["statusText"] += f": {request.headers.get('x-els-apikey')}"  # echoed
            return 401, {"Content-Type": "application/json"}, json.dumps(refusal).encode()
        params = request.params
        view = params.get("view", "STANDARD")
        size = int(params.get("count", "25"))
        if size > MAX_COUNT[view]:
            return 400, {"Content-Type": "application/json"}, (RESPONSES / "scopus/error_400.json").read_bytes()
        found = self._found(params["query"])
        if not found:
            return 200, {"Content-Type": "application/json"}, (RESPONSES / "scopus/empty.json").read_bytes()
        if "cursor" in params:
            offset = 0 if params["cursor"] == "*" else int(params["cursor"].removeprefix("AoJ"))
        else:
            offset = int(params.get("start", "0"))
            if offset + size > 5000:
                return 400, {"Content-Type": "application/json"}, (RESPONSES / "scopus/error_400.json").read_bytes()
        page = [entry.entry for entry in found[offset:offset + size]]
        if view == "STANDARD":
            page = [{k: v for k, v in e.items() if k not in ("author", "dc:description", "authkeywords")} for e in page]
        body = json.loads((RESPONSES / "scopus/page.json").read_text(encoding="utf-8"))
        results = body["search-results"]
        results.update({"opensearch:totalResults": str(len(found)), "opensearch:startIndex": str(offset),
                        "opensearch:itemsPerPage": str(len(page)), "entry": page})
        results["opensearch:Query"]["@searchTerms"] = params["query"]
        if "cursor" in params:
            results["cursor"] = {"@current": params["cursor"], "@next": f"AoJ{offset + size}"}
        else:
            del results["cursor"]
        for link in results["link"]:
            link["@href"] = f"{self.url}scopus?{urlencode(params)}"
        return 200, {"Content-Type": "application/json;charset=UTF-8"}, json.dumps(body, ensure_ascii=False).encode()

    def _found(self, query: str) -> list[Loaded]:
        self.queries.append(query)
        window = _WINDOW.match(query)
        if not window:
            return list(self.index)
        after, before = _day(window["after"]), _day(window["before"])
        return [entry for entry in self.index if after < entry.loaded < before]

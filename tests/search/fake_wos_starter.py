"""A loopback server answering like the Web of Science Starter API (``GET .../apis/wos-starter/v1/documents``).

It holds an index of Starter API documents (made from real Web of Science records) with the date each was last
modified, checks the ``X-ApiKey`` header, honours ``q``, ``db``, ``limit`` (1..50), ``page`` (from 1) and
``modifiedTimeSpan`` (``yyyy-mm-dd+yyyy-mm-dd``), and counts the result set anew on every request. Answers are
the envelope of ``responses/wos_starter/page.json`` with the page's documents; errors are the documented bodies
of ``error_400.json`` and ``error_401.json``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, ClassVar

from tests.search.api_records import with_uid
from tests.search.loopback import Answer, LoopbackFake, Request

RESPONSES = Path(__file__).resolve().parent / "responses"
KEY = "test-clarivate-key-2c81d0"
_SPAN = re.compile(r"^(\d{4}-\d{2}-\d{2})[+ ](\d{4}-\d{2}-\d{2})$")


@dataclass
class Modified:
    uid: str
    modified: date
    document: dict[str, Any]


def make_index(templates: list[dict[str, Any]], count: int, first_day: date, per_day: int,
               first_number: int = 700_000_000_000) -> list[Modified]:
    """``count`` documents made from the real templates, each with its own UID, ``per_day`` modified a day."""
    index = []
    for i in range(count):
        document = with_uid(templates[i % len(templates)], first_number + i)
        index.append(Modified(document["uid"], first_day + timedelta(days=i // per_day), document))
    return index


@dataclass
class FakeWosStarter(LoopbackFake):
    index: list[Modified] = field(default_factory=list)
    key: str = KEY

    base_path: ClassVar[str] = "/apis/wos-starter/v1/"

    def answer(self, request: Request) -> Answer:
        json_type = {"Content-Type": "application/json"}
        if not request.path.endswith("/apis/wos-starter/v1/documents"):
            return 404, json_type, b'{"error": {"status": 404, "title": "Resource couldn\'t be found"}}'
        if request.headers.get("x-apikey") != self.key:
            return 401, json_type, (RESPONSES / "wos_starter/error_401.json").read_bytes()
        params = request.params
        limit, page = int(params.get("limit", "10")), int(params.get("page", "1"))
        if not params.get("q") or not 1 <= limit <= 50 or page < 1 or params.get("db", "WOS") != "WOS":
            return 400, json_type, (RESPONSES / "wos_starter/error_400.json").read_bytes()
        found = list(self.index)
        if "modifiedTimeSpan" in params:
            span = _SPAN.match(params["modifiedTimeSpan"])
            if not span:
                return 400, json_type, (RESPONSES / "wos_starter/error_400.json").read_bytes()
            low, high = (date.fromisoformat(day) for day in span.groups())
            found = [entry for entry in found if low <= entry.modified <= high]
        body = json.loads((RESPONSES / "wos_starter/page.json").read_text(encoding="utf-8"))
        body["metadata"] = {"total": len(found), "page": page, "limit": limit}
        body["hits"] = [entry.document for entry in found[(page - 1) * limit:page * limit]]
        return 200, json_type, json.dumps(body, ensure_ascii=False).encode()

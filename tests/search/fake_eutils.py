"""A loopback server answering like NCBI E-utilities (esearch with the history server, efetch MEDLINE text).

It holds a synthetic index of PMIDs with entry dates, honours datetype=edat/mindate/maxdate, refuses offsets past
PubMed's 10,000-record window, and can be told to misbehave on a given request (429 with Retry-After, 503, a
connection dropped before any answer or mid-body, a result set that shrinks between pages). It listens on
127.0.0.1 only; nothing in these tests leaves the machine.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import ClassVar

import pytest

from tests.conftest import FIXTURES
from tests.search.loopback import Answer, LoopbackFake, Request

RESPONSES = Path(__file__).resolve().parent / "responses"
WINDOW = 10_000
MEDLINE_SOURCES = [
    "biopython+biopython/Tests/Medline/pubmed_result1.txt",
    "biopython+biopython/Tests/Medline/pubmed_result2.txt",
    "biopython+biopython/Tests/Medline/pubmed_result3.txt",
    "mjwestgate+synthesisr/tests/testthat/testdata/PubMed_example.txt",
    "dennishazelett+asian_study/citations.nbib",
]


def real_medline_records() -> list[str]:
    """The real MEDLINE records of ../shared (each a block starting at its PMID line); skips without them."""
    records = []
    for relative in MEDLINE_SOURCES:
        path = FIXTURES / relative
        if not path.exists():
            pytest.skip(f"real MEDLINE fixtures not available: {path} (../shared sits beside the checkout in CI)")
        text = path.read_text(encoding="utf-8", errors="replace").replace("\r\n", "\n")
        for block in re.split(r"\n\s*\n(?=PMID- )", "\n" + text):
            block = block.strip("\n")
            if block.startswith("PMID- ") and "\nSO  - " in block:
                records.append(block + "\n")
    assert len(records) >= 5, "the MEDLINE fixtures changed"
    return records


@dataclass
class Entry:
    pmid: int
    edat: date
    text: str


def make_index(templates: list[str], count: int, first_day: date, per_day: int, first_pmid: int = 40_000_000
               ) -> list[Entry]:
    """``count`` records made from the real templates, each with its own PMID, ``per_day`` entered a day."""
    index = []
    for i in range(count):
        pmid = first_pmid + i
        text = re.sub(r"^PMID- *\d+", f"PMID- {pmid}", templates[i % len(templates)], count=1)
        index.append(Entry(pmid, first_day + timedelta(days=i // per_day), text))
    return index


@dataclass
class FakeEutils(LoopbackFake):
    """The index and the history server's sets; ``requests`` holds (path, parameters)."""

    index: list[Entry] = field(default_factory=list)
    history: dict[tuple[str, str], list[Entry]] = field(default_factory=dict)
    esearch_file: str = "esearch.xml"

    base_path: ClassVar[str] = "/entrez/eutils/"
    takes_post: ClassVar[bool] = True

    def record(self, request: Request) -> None:
        self.requests.append((request.path, request.params))

    def answer(self, request: Request) -> Answer:
        endpoint = request.path.rsplit("/", 1)[-1]
        if endpoint == "esearch.fcgi":
            return self._esearch(request.params)
        if endpoint == "efetch.fcgi":
            return self._efetch(request.params)
        return 404, {}, b"unknown endpoint"

    def _esearch(self, params: dict[str, str]) -> Answer:
        found = list(self.index)
        if "mindate" in params or "maxdate" in params:
            assert params.get("datetype") == "edat" and "mindate" in params and "maxdate" in params
            low, high = (date(*map(int, params[k].split("/"))) for k in ("mindate", "maxdate"))
            found = [e for e in found if low <= e.edat <= high]
        found.sort(key=lambda e: -e.pmid)  # PubMed's default order: most recent first
        key = (f"MCID_fake{len(self.history) + 1:04d}", "1")
        self.history[key] = found
        body = (RESPONSES / self.esearch_file).read_text(encoding="utf-8").format(
            count=len(found), query_key=key[1], webenv=key[0], translation=params.get("term", ""))
        return 200, {"Content-Type": "text/xml; charset=UTF-8"}, body.encode("utf-8")

    def _efetch(self, params: dict[str, str]) -> Answer:
        assert params["rettype"] == "medline" and params["retmode"] == "text"
        found = self.history[(params["WebEnv"], params["query_key"])]
        start, size = int(params["retstart"]), int(params["retmax"])
        if start + size > WINDOW:
            return 400, {}, b"Search Backend failed: Exception:\n'retstart' cannot be larger than 9998."
        body = "".join("\n" + entry.text for entry in found[start:start + size])
        return 200, {"Content-Type": "text/plain; charset=UTF-8"}, body.encode("utf-8")

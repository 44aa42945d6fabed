"""A loopback server answering like NCBI E-utilities (esearch with the history server, efetch MEDLINE text).

It holds a synthetic index of PMIDs with entry dates, honours datetype=edat/mindate/maxdate, refuses offsets past
PubMed's 10,000-record window, and can be told to misbehave on a given request (429 with Retry-After, 503, a
connection dropped before any answer or mid-body, a result set that shrinks between pages). It listens on
127.0.0.1 only; nothing in these tests leaves the machine.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from tests.conftest import FIXTURES

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
class FakeEutils:
    """The server's state: the index, the history server's sets, the requests seen and the faults to inject."""

    index: list[Entry] = field(default_factory=list)
    history: dict[tuple[str, str], list[Entry]] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    faults: dict[int, tuple] = field(default_factory=dict)
    after: dict[int, Callable[[FakeEutils], None]] = field(default_factory=dict)
    esearch_file: str = "esearch.xml"
    url: str = ""

    def answer(self, path: str, params: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        endpoint = path.rsplit("/", 1)[-1]
        if endpoint == "esearch.fcgi":
            return self._esearch(params)
        if endpoint == "efetch.fcgi":
            return self._efetch(params)
        return 404, {}, b"unknown endpoint"

    def _esearch(self, params: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
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

    def _efetch(self, params: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        assert params["rettype"] == "medline" and params["retmode"] == "text"
        found = self.history[(params["WebEnv"], params["query_key"])]
        start, size = int(params["retstart"]), int(params["retmax"])
        if start + size > WINDOW:
            return 400, {}, b"Search Backend failed: Exception:\n'retstart' cannot be larger than 9998."
        body = "".join("\n" + entry.text for entry in found[start:start + size])
        return 200, {"Content-Type": "text/plain; charset=UTF-8"}, body.encode("utf-8")


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def do_GET(self) -> None:  # noqa: N802
        self._handle(parse_qs(urlparse(self.path).query))

    def do_POST(self) -> None:  # noqa: N802
        length = int(self.headers.get("Content-Length", 0))
        self._handle(parse_qs(self.rfile.read(length).decode("utf-8")))

    def _handle(self, query: dict[str, list[str]]) -> None:
        fake = self.server.fake
        params = {k: v[0] for k, v in query.items()}
        fake.requests.append((urlparse(self.path).path, params))
        number = len(fake.requests)
        fault = fake.faults.get(number)
        if fault and fault[0] == "drop":
            self.close_connection = True
            self.connection.shutdown(2)
            return
        if fault and fault[0] in ("429", "503"):
            self.send_response(int(fault[0]))
            if len(fault) > 1:
                self.send_header("Retry-After", fault[1])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        status, headers, body = fake.answer(urlparse(self.path).path, params)
        if number in fake.after:  # the change is made before the client can ask again (no race)
            fake.after[number](fake)
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if fault and fault[0] == "cut":  # the connection drops mid-body
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(2)
            return
        self.wfile.write(body)


class _Server(ThreadingHTTPServer):
    fake: FakeEutils
    daemon_threads = True


def serve(fake: FakeEutils) -> tuple[_Server, threading.Thread]:
    """Start the server on 127.0.0.1 with a free port; ``fake.url`` is its base URL."""
    server = _Server(("127.0.0.1", 0), _Handler)
    server.fake = fake
    fake.url = f"http://127.0.0.1:{server.server_address[1]}/entrez/eutils/"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, thread

"""A loopback server answering like Crossref (``/crossref/works/<doi>``) and OpenAlex
(``/openalex/works/doi:<doi>``) from the response files in ``responses/retractions``.

Each DOI is given the Crossref and the OpenAlex file it answers with (a DOI it does not know gets the services'
404). It can be told to misbehave on a given request number (429 with Retry-After, a connection dropped before
any answer) or to answer one service's question about one DOI with malformed JSON that echoes the query string
(so a test sees that no secret leaks through an error). It listens on 127.0.0.1 only.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

RESPONSES = Path(__file__).resolve().parent / "responses" / "retractions"

RETRACTED_BY_CROSSREF = "10.1021/am300292v"
RETRACTED_BY_OPENALEX = "10.5555/openalex-only"
CONCERN = "10.5555/concern"
CLEAN = "10.5555/clean"
UNKNOWN = "10.5555/unknown"

DEFAULT_ANSWERS = {
    RETRACTED_BY_CROSSREF: ("crossref_work_retracted.json", "openalex_work.json"),
    RETRACTED_BY_OPENALEX: ("crossref_work_clean.json", "openalex_work_retracted.json"),
    CONCERN: ("crossref_work_concern.json", "openalex_work.json"),
    CLEAN: ("crossref_work_clean.json", "openalex_work.json"),
}


@dataclass
class FakeScholarly:
    """The server's state: what each DOI answers, the requests seen and the faults to inject."""

    answers: dict[str, tuple[str, str]] = field(default_factory=lambda: dict(DEFAULT_ANSWERS))
    requests: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)
    faults: dict[int, tuple[str, ...]] = field(default_factory=dict)
    malformed: set[tuple[str, str]] = field(default_factory=set)
    url: str = ""

    @property
    def crossref_url(self) -> str:
        return self.url + "crossref/"

    @property
    def openalex_url(self) -> str:
        return self.url + "openalex/"

    def answer(self, service: str, doi: str, query: str) -> tuple[int, str, bytes]:
        if (service, doi) in self.malformed:
            body = (RESPONSES / "malformed.json").read_text(encoding="utf-8").replace("__DOI__", doi + "?" + query)
            return 200, "application/json", body.encode("utf-8")
        files = self.answers.get(doi)
        if files is None:
            name = "crossref_not_found.txt" if service == "crossref" else "openalex_not_found.json"
            kind = "text/plain" if service == "crossref" else "application/json"
            return 404, kind, (RESPONSES / name).read_text(encoding="utf-8").replace("__DOI__", doi).encode()
        name = files[0] if service == "crossref" else files[1]
        return 200, "application/json", (RESPONSES / name).read_text(encoding="utf-8").replace(
            "__DOI__", doi).encode("utf-8")


def route(path: str) -> tuple[str, str] | None:
    """(service, DOI) of a request path, or None for any other path."""
    parts = unquote(path).lstrip("/").split("/", 2)
    if len(parts) == 3 and parts[0] == "crossref" and parts[1] == "works":
        return "crossref", parts[2].lower()
    if len(parts) == 3 and parts[0] == "openalex" and parts[1] == "works" and parts[2].startswith("doi:"):
        return "openalex", parts[2][4:].lower()
    return None


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def do_GET(self) -> None:  # noqa: N802
        fake = self.server.fake
        parsed = urlparse(self.path)
        params = {k: v[0] for k, v in parse_qs(parsed.query).items()}
        found = route(parsed.path)
        fake.requests.append((found[0] if found else "", found[1] if found else parsed.path, params))
        fault = fake.faults.get(len(fake.requests))
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
        status, kind, body = fake.answer(*found, parsed.query) if found else (404, "text/plain", b"no route")
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class _Server(ThreadingHTTPServer):
    fake: FakeScholarly
    daemon_threads = True


def serve(fake: FakeScholarly) -> tuple[_Server, threading.Thread]:
    """Start the server on 127.0.0.1 with a free port; ``fake.url`` is its root URL."""
    server = _Server(("127.0.0.1", 0), _Handler)
    server.fake = fake
    fake.url = f"http://127.0.0.1:{server.server_address[1]}/"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, thread

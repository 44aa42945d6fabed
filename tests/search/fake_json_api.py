"""A loopback HTTP server for the JSON search APIs' tests, modelled on fake_eutils: it answers GETs through a
``FakeApi.answer`` the API's fake defines, records every request (path, parameters, headers), and misbehaves on
request number N when told (429 or 503 with Retry-After, a connection dropped before any answer or mid-body, a
body of the test's choosing). It listens on 127.0.0.1 only; nothing in these tests leaves the machine.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

RESPONSES = Path(__file__).resolve().parent / "responses"


@dataclass
class Request:
    path: str
    params: dict[str, str]
    headers: dict[str, str]
    """Header names in lower case."""


@dataclass
class FakeApi:
    """State shared by the fakes: requests seen, faults to inject by request number, hooks run after one."""

    requests: list[Request] = field(default_factory=list)
    faults: dict[int, tuple[Any, ...]] = field(default_factory=dict)
    after: dict[int, Callable[[Any], None]] = field(default_factory=dict)
    url: str = ""

    def answer(self, request: Request) -> tuple[int, dict[str, str], bytes]:
        raise NotImplementedError


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def do_GET(self) -> None:  # noqa: N802
        fake = self.server.fake
        parsed = urlparse(self.path)
        request = Request(parsed.path, {k: v[0] for k, v in parse_qs(parsed.query).items()},
                          {k.lower(): v for k, v in self.headers.items()})
        fake.requests.append(request)
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
        if fault and fault[0] == "body":
            status, headers, body = fault[1], {"Content-Type": "application/json"}, fault[2]
        else:
            status, headers, body = fake.answer(request)
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
    fake: FakeApi
    daemon_threads = True


@contextmanager
def serving(fake: FakeApi, prefix: str) -> Iterator[FakeApi]:
    """Run the server on 127.0.0.1 with a free port while the block runs; ``fake.url`` is its base URL."""
    server = _Server(("127.0.0.1", 0), _Handler)
    server.fake = fake
    fake.url = f"http://127.0.0.1:{server.server_address[1]}/{prefix.strip('/')}/"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)

"""The loopback HTTP server every fake search service runs on: one handler, so that recording requests and
misbehaving on request number N (a dropped connection, 429 or 503 with Retry-After, a body cut short or of the
test's choosing) work the same against every client. A fake says only how it answers, from its response files.
It listens on 127.0.0.1 only; nothing in these tests leaves the machine.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar, TypeVar
from urllib.parse import parse_qs, urlparse

Answer = tuple[int, dict[str, str], bytes]
"""Status, headers and body."""


@dataclass
class Request:
    """One request as a fake sees it; only path, parameters and headers count when the tests compare them."""

    path: str
    params: dict[str, str]
    headers: dict[str, str]
    """Header names in lower case."""
    target: str = field(compare=False, repr=False)
    """The request line's target as sent (an error that echoes it leaks what the client put there)."""
    as_sent: dict[str, str] = field(compare=False, repr=False)
    """The headers with their names spelled as the client sent them."""


@dataclass
class LoopbackFake:
    """A fake service's state: the requests seen, faults to inject and hooks to run, both by request number."""

    requests: list[Any] = field(default_factory=list)
    faults: dict[int, tuple[Any, ...]] = field(default_factory=dict)
    after: dict[int, Callable[[Any], None]] = field(default_factory=dict)
    url: str = ""

    base_path: ClassVar[str] = "/"
    """Where the service's routes start, as in its real base URL."""
    takes_post: ClassVar[bool] = False
    """Form parameters in a POST body, as E-utilities takes them; elsewhere a POST is refused (501)."""
    blank_values: ClassVar[bool] = False
    """Keep ``name=`` parameters (as an empty value) instead of dropping them."""

    def record(self, request: Request) -> None:
        """Keep the request where the tests read it back (fakes that predate ``Request`` keep tuples)."""
        self.requests.append(request)

    def respond(self, request: Request, fault: tuple[Any, ...] | None) -> Answer:
        """A ``("body", status, bytes)`` fault's answer, or the fake's; a fake's own faults go in an override."""
        if fault and fault[0] == "body":
            return fault[1], {"Content-Type": "application/json"}, fault[2]
        return self.answer(request)

    def answer(self, request: Request) -> Answer:
        raise NotImplementedError


class LoopbackHandler(BaseHTTPRequestHandler):
    server: LoopbackServer

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def do_GET(self) -> None:  # noqa: N802
        self._handle(urlparse(self.path).query)

    def do_POST(self) -> None:  # noqa: N802
        if not self.server.fake.takes_post:  # what BaseHTTPRequestHandler answers without a do_POST
            self.send_error(HTTPStatus.NOT_IMPLEMENTED, f"Unsupported method ({self.command!r})")
            return
        length = int(self.headers.get("Content-Length", 0))
        self._handle(self.rfile.read(length).decode("utf-8"))

    def _handle(self, query: str) -> None:
        fake = self.server.fake
        parsed = parse_qs(query, keep_blank_values=fake.blank_values)
        request = Request(urlparse(self.path).path, {k: v[0] for k, v in parsed.items()},
                          {k.lower(): v for k, v in self.headers.items()}, self.path, dict(self.headers.items()))
        fake.record(request)
        number = len(fake.requests)
        fault = fake.faults.get(number)
        if fault and fault[0] == "drop":
            self._drop()
            return
        if fault and fault[0] in ("429", "503"):
            self.send_response(int(fault[0]))
            if len(fault) > 1:
                self.send_header("Retry-After", fault[1])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        status, headers, body = fake.respond(request, fault)
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
            self._drop()
            return
        self.wfile.write(body)

    def _drop(self) -> None:
        self.close_connection = True
        self.connection.shutdown(2)


class LoopbackServer(ThreadingHTTPServer):
    fake: LoopbackFake
    daemon_threads = True


Fake = TypeVar("Fake", bound=LoopbackFake)


@contextmanager
def serving(fake: Fake) -> Iterator[Fake]:
    """Run the server on 127.0.0.1 with a free port while the block runs; ``fake.url`` is its base URL."""
    server = LoopbackServer(("127.0.0.1", 0), LoopbackHandler)
    server.fake = fake
    fake.url = f"http://127.0.0.1:{server.server_address[1]}{fake.base_path}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)

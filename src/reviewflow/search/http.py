"""A polite HTTP client for the search APIs: rate-limited, retrying safely, logging every response.

A search that pages through thousands of records must neither hammer the server (NCBI allows 3 requests per
second, 10 with a key, and answers 429 beyond) nor lose or repeat a page when a connection drops. Each request is
a whole page asked for by its offset, retried as a whole, and handed back only once fully received, so a retry
can never duplicate or drop records. Every response is logged with its sha256 for the snapshot's provenance, and
the API key is sent in the request body, never in a URL, and never logged, written or shown in an error.
"""

from __future__ import annotations

import email.utils
import hashlib
import logging
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, quote_plus

import requests

from reviewflow import __version__
from reviewflow.errors import InputError

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
"""Statuses that say "try again later": throttled, or the server briefly unable to answer."""


@dataclass
class RateLimiter:
    """At most ``per_second`` request starts per second (retries included), spaced evenly."""

    per_second: float
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    _next: float = 0.0

    def wait(self) -> None:
        now = self.clock()
        if now < self._next:
            self.sleep(self._next - now)
            now = self._next
        self._next = now + 1.0 / self.per_second


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date (RFC 9110); None if absent or
    unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


@dataclass
class PoliteClient:
    """Asks ``base_url + endpoint`` (POST with form parameters, or GET with query parameters) within the rate
    limit, retrying throttling, brief server errors and dropped connections with back-off; ``responses`` logs every
    answer received (no key). Secrets go in ``secret_params`` (sent as parameters) or ``secret_headers`` (sent as
    headers, e.g. Elsevier's X-ELS-APIKey) and are redacted from every message."""

    base_url: str
    rate: float
    secret_params: dict[str, str] = field(default_factory=dict)
    secret_headers: dict[str, str] = field(default_factory=dict)
    max_attempts: int = 6
    max_wait: float = 60.0
    timeout: float = 60.0
    sleep: Callable[[float], None] = time.sleep
    session: requests.Session = field(default_factory=requests.Session)
    responses: list[dict[str, Any]] = field(default_factory=list)
    limiter: RateLimiter | None = None

    def __post_init__(self) -> None:
        self.base_url = self.base_url.rstrip("/") + "/"
        if self.limiter is None:
            self.limiter = RateLimiter(self.rate, sleep=self.sleep)
        self.session.headers["User-Agent"] = f"reviewflow/{__version__} (systematic review search)"

    def post(self, endpoint: str, params: dict[str, str]) -> bytes:
        """The body of a successful POST to ``endpoint`` with form ``params`` (the secret ones added here)."""
        return self.request("POST", endpoint, params)

    def get(self, endpoint: str, params: dict[str, str]) -> bytes:
        """The body of a successful GET of ``endpoint`` with query ``params`` (the secret ones added here)."""
        return self.request("GET", endpoint, params)

    def request(self, method: str, endpoint: str, params: dict[str, str]) -> bytes:
        """The body of a successful answer; ``params`` travel as a form body (POST) or a query string (GET)."""
        return self.answer(method, endpoint, params)[1]

    def answer(self, method: str, endpoint: str, params: dict[str, str],
               accept: Collection[int] = (200,)) -> tuple[int, bytes]:
        """Status and body of the first answer whose status is in ``accept`` (e.g. 404 too, when "no such
        record" is itself the answer); throttling and brief server errors are retried as in ``request``."""
        url = self.base_url + endpoint
        sent = {**params, **self.secret_params}
        carry = {"data": sent} if method == "POST" else {"params": sent}
        for attempt in range(1, self.max_attempts + 1):
            assert self.limiter is not None
            self.limiter.wait()
            try:
                response = self.session.request(method, url, headers=self.secret_headers or None,
                                                timeout=self.timeout, **carry)
                body = response.content  # read whole: an incomplete body raises here and the page is asked again
            except requests.RequestException as exc:
                self._record(method, url, params, None, b"", attempt, error=type(exc).__name__)
                if attempt < self.max_attempts:
                    wait = min(self.max_wait, 2.0 ** (attempt - 1))
                    log.warning("%s: connection failed (%s), attempt %d of %d; retrying in %.0f s", url,
                                type(exc).__name__, attempt, self.max_attempts, wait)
                    self.sleep(wait)
                    continue
                raise InputError(f"{url}: no answer after {attempt} attempts ({self.redact(str(exc))})",
                                 hint="check the network connection and run the search again; nothing was "
                                      "written") from None
            self._record(method, url, params, response.status_code, body, attempt)
            if response.status_code in accept:
                return response.status_code, body
            if response.status_code in RETRY_STATUSES and attempt < self.max_attempts:
                asked = retry_after_seconds(response.headers.get("Retry-After"))
                wait = min(self.max_wait, asked if asked is not None else 2.0 ** (attempt - 1))
                log.warning("%s: HTTP %d, attempt %d of %d; retrying in %.1f s", url, response.status_code,
                            attempt, self.max_attempts, wait)
                self.sleep(wait)
                continue
            excerpt = self.redact(body[:300].decode("utf-8", "replace")).strip()
            raise InputError(f"{url} answered HTTP {response.status_code} after {attempt} attempt(s): {excerpt}",
                             hint="nothing was written; run the search again later, or check the query")
        raise AssertionError("unreachable")

    def redact(self, text: str) -> str:
        """``text`` with every secret parameter's value replaced, for messages and logs; also as a URL carries it
        (an error page echoing the request shows ``you%40example.org``)."""
        for name, value in {**self.secret_params, **self.secret_headers}.items():
            if value:
                for form in dict.fromkeys((value, quote(value, safe=""), quote(value), quote_plus(value))):
                    text = text.replace(form, f"<{name}>")
        return text

    def _record(self, method: str, url: str, params: dict[str, str], status: int | None, body: bytes, attempt: int,
                error: str | None = None) -> None:
        entry: dict[str, Any] = {
            "method": method, "url": url, "params": dict(params), "status": status, "bytes": len(body),
            "sha256": hashlib.sha256(body).hexdigest() if status is not None else None, "attempt": attempt,
            "received_utc": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
        if error:
            entry["error"] = error
        self.responses.append(entry)
        log.info("%s %s -> %s, %d bytes, sha256 %s", url, self.redact(str(sorted(params.items()))),
                 status if status is not None else error, len(body), entry["sha256"])

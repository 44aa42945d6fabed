"""The polite client on its own: Retry-After in both forms, the rate limit, retries, the key kept out of sight."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from reviewflow.errors import InputError
from reviewflow.search.http import PoliteClient, RateLimiter, retry_after_seconds
from tests.search.fake_eutils import FakeEutils


def test_retry_after_reads_seconds_and_http_dates() -> None:
    now = datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC)
    assert retry_after_seconds("7") == 7.0
    assert retry_after_seconds("Sun, 01 Mar 2026 12:00:30 GMT", now) == 30.0
    assert retry_after_seconds("Sun, 01 Mar 2026 11:00:00 GMT", now) == 0.0  # already past
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds(None) is None


def test_rate_limiter_spaces_requests_evenly() -> None:
    clock, slept = [0.0], []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock[0] += seconds

    limiter = RateLimiter(3.0, clock=lambda: clock[0], sleep=sleep)
    for _ in range(4):
        limiter.wait()
    assert slept == pytest.approx([1 / 3] * 3)  # 4 requests take 1 s at 3 per second


def test_429_is_retried_after_the_servers_delay_capped(eutils: FakeEutils, sleeps: list[float]) -> None:
    eutils.faults = {1: ("429", "2"), 2: ("503", "3600"), 3: ("429",)}
    client = PoliteClient(eutils.url, rate=1000, sleep=sleeps.append, max_wait=60)
    body = client.post("esearch.fcgi", {"db": "pubmed", "term": "x", "usehistory": "y", "retmax": "0"})
    assert b"<Count>30</Count>" in body
    assert [s for s in sleeps if s >= 0.5] == [2.0, 60.0, 4.0]  # asked 2 s; 3600 s capped; no header: back-off
    assert [r["status"] for r in client.responses] == [429, 503, 429, 200]
    assert all(len(r["sha256"]) == 64 for r in client.responses)


def test_a_refusal_stops_with_one_message_and_the_key_redacted(eutils: FakeEutils, sleeps: list[float]) -> None:
    client = PoliteClient(eutils.url, rate=1000, secret_params={"api_key": "sekret-123"}, sleep=sleeps.append)
    with pytest.raises(InputError, match="HTTP 404") as caught:
        client.post("nothing.fcgi", {"db": "pubmed"})
    assert "sekret-123" not in str(caught.value)
    assert eutils.requests[0][1]["api_key"] == "sekret-123"  # sent, in the body
    assert all("api_key" not in r["params"] and "sekret" not in r["url"] for r in client.responses)
    assert client.redact("x sekret-123 y") == "x <api_key> y"


def test_a_server_that_never_answers_stops_after_the_retries(sleeps: list[float]) -> None:
    client = PoliteClient("http://127.0.0.1:9/", rate=1000, secret_params={"api_key": "sekret-123"},
                          sleep=sleeps.append, max_attempts=3, timeout=2)
    with pytest.raises(InputError, match="no answer after 3 attempts") as caught:
        client.post("esearch.fcgi", {"db": "pubmed"})
    assert "sekret-123" not in str(caught.value)
    assert [s for s in sleeps if s >= 0.5] == [1.0, 2.0]  # back-off (the rate limiter's waits are shorter)

"""Europe PMC searching against the loopback REST search endpoint: cursor paging, the last page, faults, a result
set that changes, refusals and malformed answers, updates by first index date."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import date

import pytest

from reviewflow.errors import InputError
from reviewflow.search import europepmc
from reviewflow.search.http import PoliteClient
from reviewflow.search.sources import SearchContext, SearchResult, sources
from tests.search.fake_europepmc import RESPONSES, FakeEuropePMC, make_index
from tests.search.loopback import serving

QUERY = '(cryoneurolysis OR cryoanalgesia) AND "chronic pain"'
TODAY = date(2025, 3, 1)


@pytest.fixture
def epmc(templates: list[str]) -> Iterator[FakeEuropePMC]:
    with serving(FakeEuropePMC(index=make_index(templates, 30, date(2025, 1, 1), per_day=3), query=QUERY)) as fake:
        yield fake


def _run(fake: FakeEuropePMC, sleeps: list[float], batch: int = 10, mindate: date | None = None
         ) -> tuple[list[bytes], SearchResult, PoliteClient]:
    bodies: list[bytes] = []
    http = PoliteClient(fake.url, rate=1000, sleep=sleeps.append)
    result = europepmc.search(SearchContext(http, QUERY, TODAY, bodies.append, mindate, batch))
    return bodies, result, http


def _keys(bodies: list[bytes]) -> list[str]:
    return [f"{r['source']}:{r['id']}" for body in bodies for r in json.loads(body)["resultList"]["result"]]


def test_pages_with_cursor_marks_and_writes_every_answer_as_received(epmc: FakeEuropePMC, sleeps: list[float]
                                                                     ) -> None:
    bodies, result, http = _run(epmc, sleeps, batch=7)
    assert _keys(bodies) == [f"MED:{e.result['id']}" for e in epmc.index]
    assert result.count == result.records == 30 and result.full_count is None
    assert result.details == {"query_sent": QUERY, "pages": 5, "page_size": 7}
    params = [p for _, p in epmc.requests]
    assert [p["cursorMark"] for p in params][0] == "*"
    assert [p["cursorMark"] for p in params][1:] == [json.loads(b)["nextCursorMark"] for b in bodies[:-1]]
    assert all((p["query"], p["format"], p["resultType"], p["pageSize"], p["synonym"]) ==
               (QUERY, "json", "core", "7", "false") for p in params)
    assert "email" not in params[0]
    # the snapshot holds the bodies the client received and logged, byte for byte
    assert [hashlib.sha256(b).hexdigest() for b in bodies] == [r["sha256"] for r in http.responses]


def test_the_last_page_without_next_cursor_ends_the_search(epmc: FakeEuropePMC, sleeps: list[float]) -> None:
    epmc.end = "absent"
    epmc.index = epmc.index[:25]
    bodies, result, _ = _run(epmc, sleeps, batch=10)
    assert "nextCursorMark" not in json.loads(bodies[-1])
    assert len(epmc.requests) == 3 and result.records == 25


@pytest.mark.parametrize("end", ["same", "empty", "absent"])
def test_an_end_before_every_record_arrived_stops_the_search(epmc: FakeEuropePMC, sleeps: list[float],
                                                              end: str) -> None:
    epmc.end, epmc.stop_early = end, 20
    with pytest.raises(InputError, match="reported 30 records but 20 were received"):
        _run(epmc, sleeps, batch=10)
    if end == "same":  # the cursor handed back is never asked again
        cursors = [p["cursorMark"] for _, p in epmc.requests]
        assert len(cursors) == len(set(cursors)) == 2


def test_the_same_cursor_handed_back_ends_a_complete_search_without_asking_again(
        epmc: FakeEuropePMC, sleeps: list[float]) -> None:
    epmc.end = "same"
    epmc.index = epmc.index[:4]
    bodies, result, _ = _run(epmc, sleeps, batch=10)
    assert json.loads(bodies[0])["nextCursorMark"] == "*" and len(epmc.requests) == 1 and result.records == 4


def test_a_429_with_retry_after_is_waited_out(epmc: FakeEuropePMC, sleeps: list[float]) -> None:
    epmc.faults = {2: ("429", "5")}
    bodies, result, http = _run(epmc, sleeps)
    assert 5.0 in sleeps
    assert sorted(_keys(bodies)) == sorted(f"MED:{e.result['id']}" for e in epmc.index)
    assert [r["status"] for r in http.responses] == [200, 429, 200, 200]


def test_dropped_connections_lose_and_repeat_no_page(epmc: FakeEuropePMC, sleeps: list[float]) -> None:
    epmc.faults = {2: ("drop",), 4: ("cut",), 5: ("503",)}
    bodies, result, _ = _run(epmc, sleeps)
    keys = _keys(bodies)
    assert len(keys) == len(set(keys)) == 30 == result.records
    assert len(bodies) == 3 and len(epmc.requests) == 6


def test_a_count_that_changes_between_pages_stops_the_search(epmc: FakeEuropePMC, templates: list[str],
                                                              sleeps: list[float]) -> None:
    epmc.after = {2: lambda fake: fake.index.extend(make_index(templates, 1, TODAY, 1, first_pmid=42_000_000))}
    with pytest.raises(InputError, match="reported 31 records where the first page reported 30"):
        _run(epmc, sleeps)


def test_malformed_json_stops_the_search_naming_the_page(epmc: FakeEuropePMC, sleeps: list[float]) -> None:
    epmc.broken = {2}
    with pytest.raises(InputError, match=r"Europe PMC, page 2: the answer is not readable JSON"):
        _run(epmc, sleeps)


def test_a_refusal_sent_with_http_200_stops_the_search_with_europe_pmcs_message() -> None:
    with pytest.raises(InputError, match="Europe PMC refused the search: Invalid page size provided") as caught:
        europepmc.parse_page((RESPONSES / "error_page_size.json").read_bytes(), "Europe PMC, page 1")
    assert caught.value.field == "query"


def test_a_page_size_europe_pmc_would_refuse_is_refused_before_asking(epmc: FakeEuropePMC,
                                                                      sleeps: list[float]) -> None:
    with pytest.raises(InputError, match="page size of 1001") as caught:
        _run(epmc, sleeps, batch=1001)
    assert caught.value.field == "--batch" and epmc.requests == []


@pytest.mark.parametrize("body, message", [
    (b'{"version": "6.9", "resultList": {"result": []}}', "no hitCount"),
    (b'{"hitCount": 2, "nextCursorMark": "x"}', "no resultList.result"),
    (b'{"hitCount": 1, "resultList": {"result": [{"title": "no id"}]}}', "result 1 has no source and id"),
    (b'[{"hitCount": 1}]', "JSON but not an object"),
])
def test_answers_that_are_not_search_answers_are_refused(body: bytes, message: str) -> None:
    with pytest.raises(InputError, match=message):
        europepmc.parse_page(body, "Europe PMC, page 1")


def test_an_empty_result_may_omit_its_result_list() -> None:
    page = europepmc.parse_page(b'{"version": "6.9", "hitCount": 0, "request": {}}', "Europe PMC, page 1")
    assert (page.count, page.ids, page.next) == (0, [], None)


def test_an_update_asks_the_records_first_indexed_since_the_last_search(epmc: FakeEuropePMC, templates: list[str],
                                                                        sleeps: list[float]) -> None:
    epmc.index += make_index(templates, 8, date(2025, 2, 1), per_day=2, first_pmid=41_000_000)
    bodies, result, _ = _run(epmc, sleeps, mindate=date(2025, 1, 10))
    # first indexed 2025-01-10 (the previous search's day, included) and after: 3 + 8
    assert result.count == result.records == 11 and result.full_count == 38
    assert all(json.loads(b)["hitCount"] == 11 for b in bodies)
    sent = "(" + QUERY + ") AND (FIRST_IDATE:[2025-01-10 TO 2025-03-01])"
    assert result.details["query_sent"] == sent and result.details["update_field"] == "FIRST_IDATE"
    assert [p["query"] for _, p in epmc.requests] == [sent, sent, QUERY]
    last = epmc.requests[-1][1]
    assert (last["pageSize"], last["cursorMark"]) == ("1", "*")  # the whole count: one record, not kept
    assert len(bodies) == 2


def test_europe_pmc_is_a_registered_source_with_its_update_field_and_contact_variable() -> None:
    source = sources()["europepmc"]
    assert source is europepmc.SOURCE and source.suffix == ".json" and source.key_variable is None
    assert source.url_variable == "REVIEWFLOW_EUROPEPMC_URL" and source.default_batch == 1000
    assert source.secret_variables == {"email": "EUROPEPMC_EMAIL"} and "FIRST_IDATE" in source.update_dates

"""PubMed searching against the loopback E-utilities: paging, the 10,000 window, faults, changing result sets."""

from __future__ import annotations

import re
from datetime import date

import pytest

from reviewflow.errors import InputError
from reviewflow.search.http import PoliteClient
from reviewflow.search.pubmed import PubMedClient, run_pubmed
from tests.search.fake_eutils import FakeEutils, make_index

TODAY = date(2026, 3, 1)


def _run(fake: FakeEutils, sleeps: list[float], batch: int = 10, mindate: date | None = None
         ) -> tuple[list[bytes], object, PoliteClient]:
    bodies: list[bytes] = []
    http = PoliteClient(fake.url, rate=1000, sleep=sleeps.append)
    result = run_pubmed(PubMedClient(http), "cryoneurolysis", TODAY, bodies.append, mindate, batch)
    return bodies, result, http


def _pmids(bodies: list[bytes]) -> list[int]:
    return [int(p) for p in re.findall(rb"^PMID- (\d+)", b"".join(bodies), re.MULTILINE)]


def _efetches(fake: FakeEutils) -> list[dict[str, str]]:
    return [params for path, params in fake.requests if path.endswith("efetch.fcgi")]


def test_pages_in_batches_with_retstart_and_reconciles(eutils: FakeEutils, sleeps: list[float]) -> None:
    bodies, result, _ = _run(eutils, sleeps, batch=7)
    assert sorted(_pmids(bodies)) == sorted(e.pmid for e in eutils.index)
    assert [int(p["retstart"]) for p in _efetches(eutils)] == [0, 7, 14, 21, 28]
    assert [int(p["retmax"]) for p in _efetches(eutils)] == [7, 7, 7, 7, 2]
    assert result.count == result.records == 30
    first = eutils.requests[0][1]
    assert first["usehistory"] == "y" and first["db"] == "pubmed" and "mindate" not in first


def test_more_than_10000_records_are_split_by_entry_date(eutils: FakeEutils, templates: list[str],
                                                          sleeps: list[float]) -> None:
    eutils.index = make_index(templates, 23_456, date(2019, 1, 1), per_day=40)
    bodies, result, http = _run(eutils, sleeps, batch=2_500)
    pmids = _pmids(bodies)
    assert len(pmids) == len(set(pmids)) == 23_456
    assert set(pmids) == {e.pmid for e in eutils.index}
    assert len(result.slices) >= 3 and all(s.count < 10_000 for s in result.slices)
    assert sum(s.count for s in result.slices) == result.count == 23_456
    days = [(s.mindate, s.maxdate) for s in result.slices]
    assert all(a[1] < b[0] for a, b in zip(days, days[1:], strict=False))  # disjoint, in order
    assert all(p["datetype"] == "edat" for path, p in eutils.requests if "mindate" in p)
    assert all(int(p["retstart"]) + int(p["retmax"]) <= 10_000 for p in _efetches(eutils))


def test_a_429_with_retry_after_is_waited_out(eutils: FakeEutils, sleeps: list[float]) -> None:
    eutils.faults = {3: ("429", "5")}  # the second efetch
    bodies, result, http = _run(eutils, sleeps)
    assert 5.0 in sleeps
    assert sorted(_pmids(bodies)) == sorted(e.pmid for e in eutils.index)
    assert [r["status"] for r in http.responses].count(429) == 1


@pytest.mark.parametrize("fault", ["drop", "cut"])
def test_a_dropped_connection_neither_duplicates_nor_loses_a_page(eutils: FakeEutils, sleeps: list[float],
                                                                  fault: str) -> None:
    eutils.faults = {3: (fault,)}  # the second page: before any answer, or halfway through its body
    bodies, result, http = _run(eutils, sleeps)
    pmids = _pmids(bodies)
    assert len(pmids) == len(set(pmids)) == 30
    assert [p["retstart"] for p in _efetches(eutils)] == ["0", "10", "10", "20"]  # the page asked again, whole
    assert len(bodies) == 3


def test_a_result_set_that_shrinks_between_pages_stops_the_search(eutils: FakeEutils, sleeps: list[float]) -> None:
    def shrink(fake: FakeEutils) -> None:
        for found in fake.history.values():
            del found[-1]

    eutils.after = {2: shrink}  # after the first page, a record leaves the result set
    with pytest.raises(InputError, match="efetch returned 9 records where 10 were due"):
        _run(eutils, sleeps)


def test_a_count_that_changes_during_the_search_stops_it(eutils: FakeEutils, templates: list[str],
                                                         sleeps: list[float]) -> None:
    def grow(fake: FakeEutils) -> None:
        fake.index += make_index(templates, 1, date(2026, 2, 1), 1, first_pmid=41_000_000)

    eutils.after = {2: grow}
    with pytest.raises(InputError, match="30 records at the start of the search, 31 at the end"):
        _run(eutils, sleeps)


def test_an_empty_result(eutils: FakeEutils, sleeps: list[float]) -> None:
    eutils.index = []
    bodies, result, _ = _run(eutils, sleeps)
    assert bodies == [] and result.count == result.records == 0
    assert not _efetches(eutils)


@pytest.mark.parametrize(("answer", "message"), [("esearch_malformed.xml", "not a readable eSearchResult"),
                                                 ("esearch_error.xml", "PubMed refused the search: Invalid query")])
def test_malformed_or_refused_esearch_answers_stop_with_one_message(eutils: FakeEutils, sleeps: list[float],
                                                                    answer: str, message: str) -> None:
    eutils.esearch_file = answer
    with pytest.raises(InputError, match=message):
        _run(eutils, sleeps)


def test_an_update_fetches_only_records_entered_since_and_rechecks_the_full_count(
        eutils: FakeEutils, sleeps: list[float]) -> None:
    since = date(2025, 1, 6)  # 3 records a day from 2025-01-01: days 6..10 hold 15
    bodies, result, _ = _run(eutils, sleeps, mindate=since)
    assert sorted(_pmids(bodies)) == sorted(e.pmid for e in eutils.index if e.edat >= since)
    assert result.count == result.records == 15
    assert result.full_count == 30
    dated = eutils.requests[0][1]
    assert (dated["datetype"], dated["mindate"], dated["maxdate"]) == ("edat", "2025/01/06", "2026/03/01")

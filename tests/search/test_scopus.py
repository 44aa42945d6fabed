"""Scopus searching against the loopback Scopus Search API: cursor paging, faults, changing result sets, updates,
the key and institution token kept secret, and `reviewflow search` + `reviewflow import` end to end."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from reviewflow.cli import main
from reviewflow.config import load_config
from reviewflow.errors import InputError
from reviewflow.importing.formats.detect import read_export
from reviewflow.importing.search_log import load_search_log
from reviewflow.search import scopus
from reviewflow.search.http import PoliteClient
from reviewflow.search.run import SearchOptions, run_searches
from reviewflow.search.snapshot import file_sha256
from reviewflow.search.sources import SearchContext, SearchResult, sources
from tests.search.api_project import api_project
from tests.search.api_records import real_scopus_entries
from tests.search.fake_scopus import KEY, FakeScopus, make_index
from tests.search.loopback import serving

QUERY = 'TITLE-ABS-KEY(cryoneurolysis OR cryoanalgesia) AND TITLE-ABS-KEY("chronic pain")'
TODAY, DAY1, DAY2 = date(2026, 3, 1), date(2025, 1, 10), date(2025, 3, 1)
TOKEN = "test-insttoken-c0ffee42"


@pytest.fixture(scope="module")
def templates() -> list[dict[str, Any]]:
    return real_scopus_entries()


@pytest.fixture
def fake(templates: list[dict[str, Any]]) -> Iterator[FakeScopus]:
    with serving(FakeScopus(index=make_index(templates, 60, date(2025, 1, 1), per_day=6))) as api:
        yield api


def _run(fake: FakeScopus, sleeps: list[float], batch: int | None = None, mindate: date | None = None
         ) -> tuple[list[bytes], SearchResult]:
    bodies: list[bytes] = []
    http = PoliteClient(fake.url, rate=1000, secret_headers={"X-ELS-APIKey": KEY}, sleep=sleeps.append)
    result = scopus.search(SearchContext(http, QUERY, TODAY, bodies.append, mindate, batch))
    return bodies, result


def _eids(bodies: list[bytes]) -> list[str]:
    return [entry["eid"] for body in bodies for entry in json.loads(body)["search-results"]["entry"]]


def test_pages_by_cursor_to_the_last_page_in_the_complete_view(fake: FakeScopus, sleeps: list[float]) -> None:
    bodies, result = _run(fake, sleeps)
    assert _eids(bodies) == [entry.eid for entry in fake.index]
    assert result.count == result.records == 60 and result.full_count is None
    assert [r.params["cursor"] for r in fake.requests] == ["*", "AoJ25", "AoJ50"]
    assert all(r.params["view"] == "COMPLETE" and r.params["count"] == "25" and r.params["query"] == QUERY
               and r.params["httpAccept"] == "application/json" for r in fake.requests)
    assert all(r.headers["x-els-apikey"] == KEY for r in fake.requests)
    assert "apikey" not in {name.lower() for r in fake.requests for name in r.params}  # a header, not a parameter
    assert len(json.loads(bodies[-1])["search-results"]["entry"]) == 10  # the last page, short
    assert result.details["pages"] == 3


def test_a_batch_above_the_complete_views_limit_is_held_to_25(fake: FakeScopus, sleeps: list[float]) -> None:
    bodies, result = _run(fake, sleeps, batch=200)
    assert {r.params["count"] for r in fake.requests} == {"25"} and result.records == 60
    fake.requests.clear()
    _run(fake, sleeps, batch=7)
    assert [r.params["cursor"] for r in fake.requests][:3] == ["*", "AoJ7", "AoJ14"] and len(fake.requests) == 9


def test_a_429_with_retry_after_is_waited_out(fake: FakeScopus, sleeps: list[float]) -> None:
    fake.faults = {2: ("429", "7")}
    bodies, result = _run(fake, sleeps)
    assert 7.0 in sleeps
    assert _eids(bodies) == [entry.eid for entry in fake.index]
    assert [r.params["cursor"] for r in fake.requests] == ["*", "AoJ25", "AoJ25", "AoJ50"]


@pytest.mark.parametrize("fault", ["drop", "cut"])
def test_a_dropped_connection_neither_duplicates_nor_loses_a_page(fake: FakeScopus, sleeps: list[float],
                                                                  fault: str) -> None:
    fake.faults = {2: (fault,)}  # the second page: before any answer, or halfway through its body
    bodies, result = _run(fake, sleeps)
    eids = _eids(bodies)
    assert len(eids) == len(set(eids)) == 60 and len(bodies) == 3
    assert [r.params["cursor"] for r in fake.requests] == ["*", "AoJ25", "AoJ25", "AoJ50"]


def test_a_count_that_changes_between_pages_stops_the_search(fake: FakeScopus, templates: list[dict[str, Any]],
                                                             sleeps: list[float]) -> None:
    def grow(api: FakeScopus) -> None:
        api.index += make_index(templates, 1, date(2025, 2, 1), 1, first_number=86_000_000_000)

    fake.after = {1: grow}
    with pytest.raises(InputError, match="page 2: the database reported 61 records where the first page reported 60"):
        _run(fake, sleeps)


def test_an_empty_result_has_no_pages(fake: FakeScopus, sleeps: list[float]) -> None:
    fake.index = []
    bodies, result = _run(fake, sleeps)
    assert bodies == [] and result.count == result.records == 0 and len(fake.requests) == 1


@pytest.mark.parametrize(("body", "message"), [
    (b'{"search-results": {"opensearch:totalResults": "3", "entry": [{"eid": "2-s2.0-85', "not readable JSON"),
    (b'{"search-results": {"opensearch:totalResults": "three", "entry": []}}', "opensearch:totalResults is"),
    (b'{"search-results": {"opensearch:totalResults": "2", "entry": [{"dc:title": "x"}]}}', "entry 1 has no EID"),
    (b'{"service-error": {"status": {"statusCode": "GENERAL_ERROR"}}}', "no search-results object"),
])
def test_unreadable_answers_stop_the_search_naming_the_page(fake: FakeScopus, sleeps: list[float], body: bytes,
                                                            message: str) -> None:
    fake.faults = {2: ("body", 200, body)}
    with pytest.raises(InputError, match=f"Scopus, page 2: .*{message}"):
        _run(fake, sleeps)


def test_the_malformed_response_file_is_refused(fake: FakeScopus, sleeps: list[float]) -> None:
    fake.faults = {1: ("body", 200, (Path(__file__).parent / "responses/scopus/malformed.json").read_bytes())}
    with pytest.raises(InputError, match="Scopus, page 1: the answer is not readable JSON"):
        _run(fake, sleeps)


def test_a_key_without_cursor_entitlement_is_told_what_elsevier_requires(fake: FakeScopus,
                                                                       sleeps: list[float]) -> None:
    refusal = b'{"service-error": {"status": {"statusCode": "AUTHORIZATION_ERROR", "statusText": "Use of the ' \
              b'cursor parameter is restricted"}}}'
    fake.faults = {1: ("body", 403, refusal)}
    with pytest.raises(InputError, match="HTTP 403.*cursor parameter is restricted") as refused:
        _run(fake, sleeps)
    assert "ELSEVIER_INSTTOKEN" in str(refused.value) and len(fake.requests) == 1


def test_an_update_asks_the_first_load_date_window_and_the_whole_querys_count(fake: FakeScopus,
                                                                               sleeps: list[float]) -> None:
    since = date(2025, 1, 6)  # 6 records a day from 2025-01-01: days 6..10 hold 30
    bodies, result = _run(fake, sleeps, mindate=since)
    assert _eids(bodies) == [entry.eid for entry in fake.index if entry.loaded >= since]
    assert result.count == result.records == 30 and result.full_count == 60
    assert fake.requests[0].params["query"] == f"({QUERY}) AND ORIG-LOAD-DATE AFT 20250105 AND ORIG-LOAD-DATE BEF " \
                                               "20260302"
    assert fake.requests[-1].params["query"] == QUERY


def test_the_source_is_registered_with_its_key_header_and_token() -> None:
    source = sources()["scopus"]
    assert source is scopus.SOURCE and source.key_required and source.key_header == "X-ELS-APIKey"
    assert source.key_variable == "ELSEVIER_API_KEY" and source.url_variable == "REVIEWFLOW_SCOPUS_URL"
    assert source.secret_header_variables == {"X-ELS-Insttoken": "ELSEVIER_INSTTOKEN"} and source.suffix == ".json"


# ---- in a project: snapshot, provenance, search log, import ----------------------------------------------------


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return api_project(tmp_path, "scopus", "scopus", QUERY)


def _options(fake: FakeScopus, sleeps: list[float], **environ: str) -> SearchOptions:
    return SearchOptions(base_url=fake.url, environ={"ELSEVIER_API_KEY": KEY, **environ}, sleep=sleeps.append)


def _search(project: Path, options: SearchOptions, today: date, update: bool = False) -> list[dict[str, Any]]:
    return run_searches(load_config(project / "config/review.yaml"), project, update=update, today=today,
                        options=options)


def _raw(project: Path) -> list[str]:
    return sorted(p.name for p in (project / "data/raw/scopus").iterdir())


def _import(project: Path, monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.chdir(project)
    return main(["import", "--records", "results/records.csv", "--report", "results/import_report.json"])


def test_a_missing_key_stops_before_any_request(project: Path, fake: FakeScopus, sleeps: list[float]) -> None:
    log_before = (project / "data/search_log.yaml").read_bytes()
    options = SearchOptions(base_url=fake.url, environ={"ELSEVIER_INSTTOKEN": TOKEN}, sleep=sleeps.append)
    with pytest.raises(InputError, match="Scopus needs an API key in the environment variable ELSEVIER_API_KEY"):
        _search(project, options, DAY1)
    assert fake.requests == [] and _raw(project) == ["README.md"]
    assert (project / "data/search_log.yaml").read_bytes() == log_before


def test_no_institution_token_header_is_sent_when_none_is_set(project: Path, fake: FakeScopus,
                                                                sleeps: list[float]) -> None:
    _search(project, _options(fake, sleeps), DAY1)
    assert fake.requests and all("x-els-insttoken" not in r.headers for r in fake.requests)


def test_a_count_change_keeps_nothing(project: Path, fake: FakeScopus, templates: list[dict[str, Any]],
                                      sleeps: list[float]) -> None:
    log_before = (project / "data/search_log.yaml").read_bytes()
    fake.after = {2: lambda api: api.index.pop()}
    with pytest.raises(InputError, match="the database reported 59 records where the first page reported 60"):
        _search(project, _options(fake, sleeps), DAY1)
    assert _raw(project) == ["README.md"]  # no export, no provenance, no .partial
    assert (project / "data/search_log.yaml").read_bytes() == log_before


def test_an_empty_result_records_zero_hits_and_its_provenance(project: Path, fake: FakeScopus,
                                                              sleeps: list[float]) -> None:
    fake.index = []
    [done] = _search(project, _options(fake, sleeps), DAY1)
    assert done["export"] is None and _raw(project) == ["README.md", "scopus-2025-01-10.provenance.json"]
    [entry] = load_search_log(project / "data/search_log.yaml")["searches"]["scopus"]
    assert (entry["hits_reported"], entry["export_files"]) == (0, [])


def test_search_then_import_reads_every_record_with_its_provenance(
        project: Path, fake: FakeScopus, sleeps: list[float], monkeypatch: pytest.MonkeyPatch) -> None:
    [done] = _search(project, _options(fake, sleeps), DAY1)
    export = project / "data/raw/scopus/scopus-2025-01-10.json"
    assert done["export"] == "data/raw/scopus/scopus-2025-01-10.json" and done["count"] == done["records"] == 60
    provenance = json.loads((project / "data/raw/scopus/scopus-2025-01-10.provenance.json").read_text())
    assert provenance["api"] == "scopus" and provenance["count_reported"] == provenance["records_retrieved"] == 60
    assert provenance["export"] == {"file": done["export"], "bytes": export.stat().st_size,
                                    "sha256": file_sha256(export)}
    assert provenance["api_key_used"] is True and provenance["rate_limit_per_second"] == scopus.RATE
    assert [r["params"]["cursor"] for r in provenance["requests"]] == ["*", "AoJ25", "AoJ50"]
    fmt, records = read_export(export)
    assert fmt == "scopus_json" and [r.accession for r in records] == [e.eid for e in fake.index]
    assert all(r.title and r.authors and r.year for r in records)

    assert _import(project, monkeypatch) == 0
    report = json.loads((project / "results/import_report.json").read_text())
    assert [f["file"] for f in report["files"]] == [done["export"]]
    assert report["searches"][0]["records_imported"] == 60


def test_one_changed_byte_stops_the_import_naming_the_file(project: Path, fake: FakeScopus, sleeps: list[float],
                                                           monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture) -> None:
    _search(project, _options(fake, sleeps), DAY1)
    export = project / "data/raw/scopus/scopus-2025-01-10.json"
    data = bytearray(export.read_bytes())
    at = data.index(b'"dc:title"') + 14
    data[at] = ord("X") if data[at] != ord("X") else ord("Y")
    export.write_bytes(bytes(data))
    assert _import(project, monkeypatch) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err[0].startswith("reviewflow import: error: data/raw/scopus/scopus-2025-01-10.json: the export changed")


def test_an_update_adds_a_dated_search_with_only_the_records_loaded_since(
        project: Path, fake: FakeScopus, templates: list[dict[str, Any]], sleeps: list[float],
        monkeypatch: pytest.MonkeyPatch) -> None:
    _search(project, _options(fake, sleeps), DAY1)  # loaded 2025-01-01 .. 01-10, 6 a day
    fake.index += make_index(templates, 8, date(2025, 2, 1), per_day=2, first_number=86_000_000_000)
    fake.requests.clear()
    [done] = _search(project, _options(fake, sleeps), DAY2, update=True)
    # records first loaded on the previous search's day are asked again (the window is inclusive): 6 + the 8 new
    assert done["count"] == done["records"] == 14 and done["full_count"] == 68
    assert "ORIG-LOAD-DATE AFT 20250109 AND ORIG-LOAD-DATE BEF 20250302" in fake.requests[0].params["query"]
    provenance = json.loads((project / "data/raw/scopus/scopus-2025-03-01.provenance.json").read_text())
    assert provenance["update_window"] == {"dates": scopus.SOURCE.update_dates, "mindate": "2025-01-10",
                                           "maxdate": "2025-03-01"}
    assert provenance["full_count_reported"] == 68
    first, second = load_search_log(project / "data/search_log.yaml")["searches"]["scopus"]
    assert (second["date_searched"], second["hits_reported"]) == ("2025-03-01", 14)
    assert second["export_files"] == ["data/raw/scopus/scopus-2025-03-01.json"]
    assert second["query"] == first["query"] and "ORIG-LOAD-DATE" in second["notes"] and "68" in second["notes"]
    assert _import(project, monkeypatch) == 0
    report = json.loads((project / "results/import_report.json").read_text())
    assert [(s["search"], s["records_imported"]) for s in report["searches"]] == [(1, 60), (2, 14)]


def test_the_key_and_token_reach_the_server_and_no_file_log_output_or_error(
        project: Path, fake: FakeScopus, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    monkeypatch.setenv("ELSEVIER_API_KEY", KEY)
    monkeypatch.setenv("ELSEVIER_INSTTOKEN", TOKEN)
    monkeypatch.setenv("REVIEWFLOW_SCOPUS_URL", fake.url)
    fake.faults = {2: ("429", "0"), 4: ("drop",)}  # warnings and retries are logged too
    monkeypatch.chdir(project)
    assert main(["--log", "logs/search.log", "-v", "search"]) == 0
    assert all(r.headers["x-els-apikey"] == KEY and r.headers["x-els-insttoken"] == TOKEN for r in fake.requests)
    assert main(["--log", "logs/import.log", "import", "--records", "results/records.csv",
                 "--report", "results/import_report.json"]) == 0
    # an error answer that echoes the key back (the fake's 401 does) is shown redacted
    fake.key = "another-key"
    with pytest.raises(InputError) as refused:
        _search(project, _options(fake, [], ELSEVIER_INSTTOKEN=TOKEN), date(2099, 1, 1), update=True)
    assert "HTTP 401" in str(refused.value) and "Invalid API Key: <X-ELS-APIKey>" in str(refused.value)
    out = capsys.readouterr()
    assert "Scopus reported 60" in out.out
    written = [p for p in project.rglob("*") if p.is_file()]
    assert any(p.name == "search.log" for p in written) and "429" in (project / "logs/search.log").read_text()
    for text in [out.out, out.err, str(refused.value), *(p.read_bytes().decode("utf-8", "replace") for p in written)]:
        assert KEY not in text and TOKEN not in text

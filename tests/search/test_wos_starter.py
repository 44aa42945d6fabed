"""Web of Science Starter searching against the loopback Starter API: page-number paging, faults, changing result
sets, updates by modification date, the key kept secret, and `reviewflow search` + `reviewflow import` end to
end."""

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
from reviewflow.search import wos_starter
from reviewflow.search.http import PoliteClient
from reviewflow.search.run import SearchOptions, run_searches
from reviewflow.search.snapshot import file_sha256
from reviewflow.search.sources import SearchContext, SearchResult, sources
from tests.search.api_project import api_project
from tests.search.api_records import real_wos_documents
from tests.search.fake_wos_starter import KEY, FakeWosStarter, make_index
from tests.search.loopback import serving

QUERY = 'TS=(cryoneurolysis OR cryoanalgesia) AND TS=("chronic pain")'
TODAY, DAY1, DAY2 = date(2026, 3, 1), date(2025, 1, 10), date(2025, 3, 1)


@pytest.fixture(scope="module")
def templates() -> list[dict[str, Any]]:
    return real_wos_documents()


@pytest.fixture
def fake(templates: list[dict[str, Any]]) -> Iterator[FakeWosStarter]:
    index = make_index(templates, 120, date(2025, 1, 1), per_day=12)
    with serving(FakeWosStarter(index=index)) as api:
        yield api


def _run(fake: FakeWosStarter, sleeps: list[float], batch: int | None = None, mindate: date | None = None
         ) -> tuple[list[bytes], SearchResult]:
    bodies: list[bytes] = []
    http = PoliteClient(fake.url, rate=1000, secret_headers={"X-ApiKey": KEY}, sleep=sleeps.append)
    result = wos_starter.search(SearchContext(http, QUERY, TODAY, bodies.append, mindate, batch))
    return bodies, result


def _uids(bodies: list[bytes]) -> list[str]:
    return [hit["uid"] for body in bodies for hit in json.loads(body)["hits"]]


def test_pages_by_number_to_the_last_page(fake: FakeWosStarter, sleeps: list[float]) -> None:
    bodies, result = _run(fake, sleeps)
    assert _uids(bodies) == [entry.uid for entry in fake.index]
    assert result.count == result.records == 120 and result.full_count is None
    assert [r.params["page"] for r in fake.requests] == ["1", "2", "3"]
    assert all(r.params["q"] == QUERY and r.params["db"] == "WOS" and r.params["limit"] == "50"
               and "modifiedTimeSpan" not in r.params for r in fake.requests)
    assert all(r.headers["x-apikey"] == KEY for r in fake.requests)
    assert len(json.loads(bodies[-1])["hits"]) == 20  # the last page, short
    assert result.details == {"database": "WOS", "page_size": 50, "pages": 3}


def test_a_batch_above_the_limit_is_held_to_50(fake: FakeWosStarter, sleeps: list[float]) -> None:
    bodies, result = _run(fake, sleeps, batch=500)
    assert {r.params["limit"] for r in fake.requests} == {"50"} and result.records == 120
    fake.requests.clear()
    _run(fake, sleeps, batch=40)
    assert [r.params["page"] for r in fake.requests] == ["1", "2", "3"]


def test_a_429_with_retry_after_is_waited_out(fake: FakeWosStarter, sleeps: list[float]) -> None:
    fake.faults = {2: ("429", "4")}
    bodies, result = _run(fake, sleeps)
    assert 4.0 in sleeps and _uids(bodies) == [entry.uid for entry in fake.index]
    assert [r.params["page"] for r in fake.requests] == ["1", "2", "2", "3"]


@pytest.mark.parametrize("fault", ["drop", "cut"])
def test_a_dropped_connection_neither_duplicates_nor_loses_a_page(fake: FakeWosStarter, sleeps: list[float],
                                                                  fault: str) -> None:
    fake.faults = {3: (fault,)}
    bodies, result = _run(fake, sleeps)
    uids = _uids(bodies)
    assert len(uids) == len(set(uids)) == 120 and len(bodies) == 3
    assert [r.params["page"] for r in fake.requests] == ["1", "2", "3", "3"]


def test_a_count_that_changes_between_pages_stops_the_search(fake: FakeWosStarter, sleeps: list[float]) -> None:
    fake.after = {1: lambda api: api.index.pop(0)}  # a record leaves: page 2 would start one record later
    with pytest.raises(InputError, match="page 2: the database reported 119 records where the first page reported 120"):
        _run(fake, sleeps)


def test_a_record_on_two_pages_stops_the_search(fake: FakeWosStarter, templates: list[dict[str, Any]],
                                                sleeps: list[float]) -> None:
    def shift(api: FakeWosStarter) -> None:  # one record in, one out: the count holds but page 2 repeats one
        api.index.insert(0, make_index(templates, 1, date(2025, 2, 1), 1, first_number=710_000_000_000)[0])
        api.index.pop()

    fake.after = {1: shift}
    with pytest.raises(InputError, match="page 2: record WOS:.* arrived twice"):
        _run(fake, sleeps)


def test_an_empty_result_has_no_pages(fake: FakeWosStarter, sleeps: list[float]) -> None:
    fake.index = []
    bodies, result = _run(fake, sleeps)
    assert bodies == [] and result.count == result.records == 0 and len(fake.requests) == 1


@pytest.mark.parametrize(("body", "message"), [
    ((Path(__file__).parent / "responses/wos_starter/malformed.json").read_bytes(), "not readable JSON"),
    (b'{"metadata": {"total": "120", "page": 2, "limit": 50}, "hits": []}', "metadata.total is '120'"),
    (b'{"metadata": {"total": 120, "page": 2, "limit": 50}, "hits": [{"title": "x"}]}', "document 1 has no uid"),
    (b'{"hits": []}', "no metadata object"),
])
def test_unreadable_answers_stop_the_search_naming_the_page(fake: FakeWosStarter, sleeps: list[float], body: bytes,
                                                            message: str) -> None:
    fake.faults = {2: ("body", 200, body)}
    with pytest.raises(InputError, match=f"Web of Science, page 2: .*{message}"):
        _run(fake, sleeps)


def test_a_refused_query_stops_with_the_apis_message(fake: FakeWosStarter, sleeps: list[float]) -> None:
    fake.faults = {1: ("body", 400, (Path(__file__).parent / "responses/wos_starter/error_400.json").read_bytes())}
    with pytest.raises(InputError, match="answered HTTP 400 after 1 attempt.*The query is not valid"):
        _run(fake, sleeps)


def test_an_update_asks_the_modification_window_and_the_whole_querys_count(fake: FakeWosStarter,
                                                                           sleeps: list[float]) -> None:
    since = date(2025, 1, 6)  # 12 records a day from 2025-01-01: days 6..10 hold 60
    bodies, result = _run(fake, sleeps, mindate=since)
    assert _uids(bodies) == [entry.uid for entry in fake.index if entry.modified >= since]
    assert result.count == result.records == 60 and result.full_count == 120
    assert {r.params.get("modifiedTimeSpan") for r in fake.requests[:-1]} == {"2025-01-06+2026-03-01"}
    assert "modifiedTimeSpan" not in fake.requests[-1].params and fake.requests[-1].params["q"] == QUERY
    assert result.details["modified_time_span"] == "2025-01-06+2026-03-01"


def test_the_source_is_registered_with_its_key_header() -> None:
    source = sources()["wos_starter"]
    assert source is wos_starter.SOURCE and source.key_required and source.key_header == "X-ApiKey"
    assert source.key_variable == "WOS_API_KEY" and source.url_variable == "REVIEWFLOW_WOS_URL"
    assert "no load-date filter" in source.update_dates and source.suffix == ".json"


# ---- in a project: snapshot, provenance, search log, import ----------------------------------------------------


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return api_project(tmp_path, "wos", "wos_starter", QUERY)


def _options(fake: FakeWosStarter, sleeps: list[float]) -> SearchOptions:
    return SearchOptions(base_url=fake.url, environ={"WOS_API_KEY": KEY}, sleep=sleeps.append)


def _search(project: Path, options: SearchOptions, today: date, update: bool = False) -> list[dict[str, Any]]:
    return run_searches(load_config(project / "config/review.yaml"), project, update=update, today=today,
                        options=options)


def _raw(project: Path) -> list[str]:
    return sorted(p.name for p in (project / "data/raw/wos").iterdir())


def _import(project: Path, monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.chdir(project)
    return main(["import", "--records", "results/records.csv", "--report", "results/import_report.json"])


def test_a_missing_key_stops_before_any_request(project: Path, fake: FakeWosStarter, sleeps: list[float],
                                                monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
                                                ) -> None:
    monkeypatch.delenv("WOS_API_KEY", raising=False)
    monkeypatch.setenv("REVIEWFLOW_WOS_URL", fake.url)
    monkeypatch.chdir(project)
    assert main(["search"]) == 1
    err = capsys.readouterr().err
    assert "Web of Science needs an API key in the environment variable WOS_API_KEY" in err
    assert "Traceback" not in err and fake.requests == [] and _raw(project) == ["README.md"]


def test_a_count_change_keeps_nothing(project: Path, fake: FakeWosStarter, sleeps: list[float]) -> None:
    log_before = (project / "data/search_log.yaml").read_bytes()
    fake.after = {2: lambda api: api.index.pop()}
    with pytest.raises(InputError, match="the database reported 119 records where the first page reported 120"):
        _search(project, _options(fake, sleeps), DAY1)
    assert _raw(project) == ["README.md"]  # no export, no provenance, no .partial
    assert (project / "data/search_log.yaml").read_bytes() == log_before


def test_an_empty_result_records_zero_hits_and_its_provenance(project: Path, fake: FakeWosStarter,
                                                              sleeps: list[float]) -> None:
    fake.index = []
    [done] = _search(project, _options(fake, sleeps), DAY1)
    assert done["export"] is None and _raw(project) == ["README.md", "wos-2025-01-10.provenance.json"]
    [entry] = load_search_log(project / "data/search_log.yaml")["searches"]["wos"]
    assert (entry["hits_reported"], entry["export_files"]) == (0, [])


def test_search_then_import_reads_every_record_with_its_provenance(
        project: Path, fake: FakeWosStarter, sleeps: list[float], monkeypatch: pytest.MonkeyPatch) -> None:
    [done] = _search(project, _options(fake, sleeps), DAY1)
    export = project / "data/raw/wos/wos-2025-01-10.json"
    assert done["export"] == "data/raw/wos/wos-2025-01-10.json" and done["count"] == done["records"] == 120
    provenance = json.loads((project / "data/raw/wos/wos-2025-01-10.provenance.json").read_text())
    assert provenance["api"] == "wos_starter" and provenance["count_reported"] == provenance["records_retrieved"]
    assert provenance["export"] == {"file": done["export"], "bytes": export.stat().st_size,
                                    "sha256": file_sha256(export)}
    assert provenance["api_key_used"] is True and provenance["rate_limit_per_second"] == wos_starter.RATE
    fmt, records = read_export(export)
    assert fmt == "wos_starter_json" and [r.accession for r in records] == [e.uid for e in fake.index]
    assert all(r.title and r.authors and r.year and r.journal for r in records)

    assert _import(project, monkeypatch) == 0
    report = json.loads((project / "results/import_report.json").read_text())
    assert [f["file"] for f in report["files"]] == [done["export"]]
    assert report["searches"][0]["records_imported"] == 120


def test_one_changed_byte_stops_the_import_naming_the_file(project: Path, fake: FakeWosStarter,
                                                           sleeps: list[float], monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture) -> None:
    _search(project, _options(fake, sleeps), DAY1)
    export = project / "data/raw/wos/wos-2025-01-10.json"
    data = bytearray(export.read_bytes())
    at = data.index(b'"title"') + 10
    data[at] = ord("X") if data[at] != ord("X") else ord("Y")
    export.write_bytes(bytes(data))
    assert _import(project, monkeypatch) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err[0].startswith("reviewflow import: error: data/raw/wos/wos-2025-01-10.json: the export changed")


def test_an_update_adds_a_dated_search_naming_the_modification_window(
        project: Path, fake: FakeWosStarter, templates: list[dict[str, Any]], sleeps: list[float],
        monkeypatch: pytest.MonkeyPatch) -> None:
    _search(project, _options(fake, sleeps), DAY1)  # modified 2025-01-01 .. 01-10, 12 a day
    fake.index += make_index(templates, 7, date(2025, 2, 1), per_day=2, first_number=710_000_000_000)
    fake.requests.clear()
    [done] = _search(project, _options(fake, sleeps), DAY2, update=True)
    assert done["count"] == done["records"] == 19 and done["full_count"] == 127  # 12 of 2025-01-10 + 7 new
    assert fake.requests[0].params["modifiedTimeSpan"] == "2025-01-10+2025-03-01"
    first, second = load_search_log(project / "data/search_log.yaml")["searches"]["wos"]
    assert (second["date_searched"], second["hits_reported"]) == ("2025-03-01", 19)
    assert second["export_files"] == ["data/raw/wos/wos-2025-03-01.json"]
    assert "modifiedTimeSpan" in second["notes"] and "no load-date filter" in second["notes"]
    assert "127 records" in second["notes"]
    assert _import(project, monkeypatch) == 0
    report = json.loads((project / "results/import_report.json").read_text())
    assert [(s["search"], s["records_imported"]) for s in report["searches"]] == [(1, 120), (2, 19)]


def test_the_key_reaches_the_server_and_no_file_log_output_or_error(
        project: Path, fake: FakeWosStarter, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    monkeypatch.setenv("WOS_API_KEY", KEY)
    monkeypatch.setenv("REVIEWFLOW_WOS_URL", fake.url)
    fake.faults = {2: ("429", "0"), 3: ("503", "0")}
    monkeypatch.chdir(project)
    assert main(["--log", "logs/search.log", "-v", "search", "--batch", "50"]) == 0
    assert all(r.headers["x-apikey"] == KEY for r in fake.requests)
    assert main(["--log", "logs/import.log", "import", "--records", "results/records.csv",
                 "--report", "results/import_report.json"]) == 0
    fake.key = "another-key"
    with pytest.raises(InputError) as refused:
        _search(project, _options(fake, []), date(2099, 1, 1), update=True)
    assert "HTTP 401" in str(refused.value)
    out = capsys.readouterr()
    assert "Web of Science reported 120" in out.out
    written = [p for p in project.rglob("*") if p.is_file()]
    assert "429" in (project / "logs/search.log").read_text()
    for text in [out.out, out.err, str(refused.value), *(p.read_bytes().decode("utf-8", "replace") for p in written)]:
        assert KEY not in text

"""Crossref searching against the loopback works route: cursor paging, faults, changing result sets, updates, the
query's parameters, the contact address and Plus key kept secret; then `reviewflow search` and the import in a
project made by `reviewflow init`."""

from __future__ import annotations

import hashlib
import json
import socket
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

import pytest

from reviewflow.cli import main
from reviewflow.config import load_config
from reviewflow.errors import InputError
from reviewflow.importing.search_log import load_search_log
from reviewflow.project.scaffold import ReviewSpec, init_project
from reviewflow.search import crossref
from reviewflow.search.crossref_query import parse_query
from reviewflow.search.http import PoliteClient
from reviewflow.search.run import SearchOptions, run_searches
from reviewflow.search.snapshot import file_sha256
from reviewflow.search.sources import SearchContext, SearchResult, sources
from tests.search.crossref_works import real_works
from tests.search.fake_crossref import FakeCrossref, make_index
from tests.search.loopback import serving

QUERY = "query.bibliographic=cryoneurolysis chronic pain&filter=from-pub-date:2010-01-01,until-pub-date:2024-12-31"
TODAY = date(2026, 3, 1)
DAY1, DAY2 = date(2025, 1, 10), date(2025, 3, 1)
MAILTO = "reviewer+crossref@example.org"
TOKEN = "plus-token-7c1f0a9e"


@pytest.fixture(scope="module")
def templates() -> list[dict[str, Any]]:
    return real_works()


@pytest.fixture
def fake(templates: list[dict[str, Any]]) -> Iterator[FakeCrossref]:
    with serving(FakeCrossref(index=make_index(templates, 30, date(2025, 1, 1), per_day=3))) as server_state:
        yield server_state


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project from `reviewflow init` whose Crossref entry is searched through the API, query filled in."""
    root = tmp_path / "review"
    init_project(root, ReviewSpec(title="Cryoneurolysis", question="Does it help?", databases=["crossref"]))
    config = root / "config/review.yaml"
    text = config.read_text(encoding="utf-8").replace(
        'exports: ["data/raw/crossref/*"]', 'exports: ["data/raw/crossref/*"]\n    search: {api: crossref}')
    config.write_text(text, encoding="utf-8")
    log = root / "data/search_log.yaml"
    text = log.read_text(encoding="utf-8").replace("TODO: the full search strategy exactly as run", QUERY)
    log.write_text(text.replace("TODO: interface or host used", "Crossref REST API"), encoding="utf-8")
    return root


def _run(fake: FakeCrossref, sleeps: list[float], query: str = QUERY, batch: int = 10,
         mindate: date | None = None, secrets: dict[str, str] | None = None, rate: float = 1000
         ) -> tuple[list[bytes], SearchResult, PoliteClient]:
    bodies: list[bytes] = []
    http = PoliteClient(fake.url, rate=rate, sleep=sleeps.append, secret_params=dict(secrets or {}))
    result = crossref.search(SearchContext(http, query, TODAY, bodies.append, mindate, batch))
    return bodies, result, http


def _dois(bodies: list[bytes]) -> list[str]:
    return [item["DOI"] for body in bodies for item in json.loads(body)["message"]["items"]]


def _works(fake: FakeCrossref) -> list[dict[str, str]]:
    return [params for path, params in fake.requests if path == "/works"]


# --- the source against the loopback server ---------------------------------------------------------------------

def test_pages_with_a_cursor_and_writes_every_body_as_received(fake: FakeCrossref, sleeps: list[float]) -> None:
    bodies, result, http = _run(fake, sleeps, batch=7)
    assert _dois(bodies) == [e.doi for e in fake.index]
    asked = _works(fake)
    assert [p["rows"] for p in asked] == ["7"] * 5
    assert asked[0]["cursor"] == "*"
    answers = [json.loads(body)["message"]["next-cursor"] for body in bodies]
    assert [p["cursor"] for p in asked[1:]] == answers[:-1]  # each next-cursor passed back, "+" and "/" intact
    assert all(p["query.bibliographic"] == "cryoneurolysis chronic pain" for p in asked)
    assert all(p["filter"] == "from-pub-date:2010-01-01,until-pub-date:2024-12-31" for p in asked)
    assert not any({"mailto", "offset", "select", "sort"} & set(p) for p in asked)
    assert (result.count, result.records, result.full_count) == (30, 30, None)
    assert result.details["pages"] == 5 and result.details["pool"] == "public"
    assert [hashlib.sha256(b).hexdigest() for b in bodies] == [r["sha256"] for r in http.responses]


def test_the_same_cursor_string_on_every_page_still_pages_to_the_end(fake: FakeCrossref, sleeps: list[float]
                                                                     ) -> None:
    fake.same_cursor = True
    bodies, result, _ = _run(fake, sleeps)
    assert _dois(bodies) == [e.doi for e in fake.index] and result.records == 30
    assert len({p["cursor"] for p in _works(fake)[1:]}) == 1


def test_a_result_set_of_whole_pages_ends_at_its_count_without_asking_past_it(fake: FakeCrossref,
                                                                               sleeps: list[float]) -> None:
    bodies, result, _ = _run(fake, sleeps, batch=10)
    assert len(_works(fake)) == 3 and len(bodies) == 3 and result.records == 30


def test_an_empty_last_page_before_the_count_is_reached_stops_the_search(fake: FakeCrossref, templates: list,
                                                                         sleeps: list[float]) -> None:
    def lose_the_rest(server: FakeCrossref) -> None:  # the cursor's result set ends early; the count stays
        for state in server.cursors.values():
            del state[0][20:]

    fake.after = {1: lose_the_rest}
    with pytest.raises(InputError, match="reported 30 records but 20 were received"):
        _run(fake, sleeps)
    last = _works(fake)[-1]
    assert last["cursor"] != "*" and len(_works(fake)) == 3  # the third page came back with no items


def test_a_429_with_retry_after_is_waited_out(fake: FakeCrossref, sleeps: list[float]) -> None:
    fake.faults = {2: ("429", "7")}
    bodies, result, http = _run(fake, sleeps)
    assert 7.0 in sleeps
    assert _dois(bodies) == [e.doi for e in fake.index]
    assert [r["status"] for r in http.responses].count(429) == 1


@pytest.mark.parametrize("fault", ["drop", "cut", "503"])
def test_a_dropped_connection_neither_repeats_nor_loses_a_page(fake: FakeCrossref, sleeps: list[float],
                                                               fault: str) -> None:
    fake.faults = {2: (fault,)}  # the second page: no answer, half an answer, or a brief server error
    bodies, result, _ = _run(fake, sleeps)
    dois = _dois(bodies)
    assert dois == [e.doi for e in fake.index] and len(set(dois)) == 30
    cursors = [p["cursor"] for p in _works(fake)]
    assert cursors[1] == cursors[2]  # the same page asked again, whole
    assert len(bodies) == 3 and result.records == 30


def test_a_server_that_moves_on_when_a_page_is_asked_again_is_caught(fake: FakeCrossref, sleeps: list[float]
                                                                     ) -> None:
    fake.same_cursor = True  # a scroll-like cursor: asking it again gives the next page
    fake.faults = {2: ("cut",)}
    with pytest.raises(InputError, match="reported 30 records but 20 were received"):
        _run(fake, sleeps)


def test_a_count_that_changes_between_pages_stops_the_search(fake: FakeCrossref, templates: list,
                                                             sleeps: list[float]) -> None:
    def grow(server: FakeCrossref) -> None:
        server.index += make_index(templates, 1, date(2025, 2, 1), 1, first=900)

    fake.after = {1: grow}
    with pytest.raises(InputError, match="reported 31 records where the first page reported 30"):
        _run(fake, sleeps)


def test_an_empty_result(fake: FakeCrossref, sleeps: list[float]) -> None:
    fake.index = []
    bodies, result, _ = _run(fake, sleeps)
    assert bodies == [] and (result.count, result.records) == (0, 0)
    assert len(_works(fake)) == 1


def test_a_malformed_answer_stops_the_search(fake: FakeCrossref, sleeps: list[float]) -> None:
    fake.faults = {2: ("malformed",)}
    with pytest.raises(InputError, match=r"Crossref, page 2: the answer is not readable JSON"):
        _run(fake, sleeps)


def test_a_filter_the_server_refuses_stops_the_search_with_its_answer(fake: FakeCrossref, sleeps: list[float]
                                                                     ) -> None:
    fake.faults = {1: ("refuse", "relation.object-type")}
    with pytest.raises(InputError, match="answered HTTP 400 after 1 attempt.*filter-not-available"):
        _run(fake, sleeps)
    assert len(fake.requests) == 1  # a refusal is not retried


def test_an_update_asks_for_records_indexed_since_and_rechecks_the_full_count(fake: FakeCrossref,
                                                                             sleeps: list[float]) -> None:
    since = date(2025, 1, 6)  # 3 records indexed a day from 2025-01-01: days 6..10 hold 15
    bodies, result, _ = _run(fake, sleeps, mindate=since)
    assert _dois(bodies) == [e.doi for e in fake.index if e.indexed >= since]
    assert (result.count, result.records, result.full_count) == (15, 15, 30)
    paged, whole = _works(fake)[:-1], _works(fake)[-1]
    assert all(p["filter"] == "from-pub-date:2010-01-01,until-pub-date:2024-12-31,"
                              "from-index-date:2025-01-06,until-index-date:2026-03-01" for p in paged)
    assert whole == {"query.bibliographic": "cryoneurolysis chronic pain", "rows": "0",
                     "filter": "from-pub-date:2010-01-01,until-pub-date:2024-12-31"}


def test_a_query_filtering_on_the_index_date_cannot_be_updated(fake: FakeCrossref, sleeps: list[float]) -> None:
    with pytest.raises(InputError, match="filters on from-index-date itself") as caught:
        _run(fake, sleeps, query=QUERY + ",from-index-date:2020-01-01", mindate=date(2025, 1, 6))
    assert caught.value.field == "query" and not fake.requests


# --- the query as the search log writes it -----------------------------------------------------------------------

@pytest.mark.parametrize("name", ["cursor", "rows", "offset", "select", "sort", "order", "sample", "facet", "mailto"])
def test_paging_and_selection_parameters_are_refused_before_anything_is_asked(
        fake: FakeCrossref, sleeps: list[float], name: str) -> None:
    with pytest.raises(InputError, match=f"`{name}` is not allowed") as caught:
        _run(fake, sleeps, query=f"{QUERY}&{name}=1")
    assert caught.value.field == "query" and "search log" in str(caught.value)
    assert not fake.requests


@pytest.mark.parametrize(("query", "message"), [
    ("query.abstract=pain", "`query.abstract` is not a documented parameter"),
    ("query.title=pain&filter=from-pub-year:2010", "`from-pub-year` is not a documented filter"),
    ("query.title=pain&filter=from-pub-date:2010-13", "has the date '2010-13'"),
    ("query.title=pain&filter=type", "filter `type` is not name:value"),
    ("query.title=pain&query.title=knee", "`query.title` is given twice"),
    ("filter=type:journal-article&filter=issn:1234-5678", "`filter` is given twice"),
    ("query.title=", "`query.title` is empty"),
    ("cryoneurolysis AND pain", "not URL parameters"),
])
def test_undocumented_parameters_are_refused(query: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_query(query)


def test_a_query_over_several_lines_and_documented_filters() -> None:
    parsed = parse_query("query.bibliographic=cryoneurolysis+knee\n&query.author=Smith\n"
                         "filter=type:journal-article,award.funder:10.13039/100000001,from-pub-date:2010")
    assert parsed.params() == {"query.bibliographic": "cryoneurolysis knee", "query.author": "Smith",
                               "filter": "type:journal-article,award.funder:10.13039/100000001,from-pub-date:2010"}


def test_crossref_is_a_registered_source() -> None:
    source = sources()["crossref"]
    assert (source.url_variable, source.suffix, source.default_batch, source.rate) == \
        ("REVIEWFLOW_CROSSREF_URL", ".json", 1000, 1.0)
    assert source.secret_variables == {"mailto": "REVIEWFLOW_MAILTO"}
    assert (source.key_variable, source.key_header, source.key_required) == \
        ("CROSSREF_PLUS_TOKEN", "Crossref-Plus-API-Token", False)


# --- secrets -------------------------------------------------------------------------------------------------------

def _secret_forms(secret: str) -> list[str]:
    return sorted({secret, quote(secret, safe=""), quote_plus(secret), quote(secret)})


def test_the_mailto_is_sent_on_every_request_and_recorded_nowhere(fake: FakeCrossref, sleeps: list[float]) -> None:
    bodies, result, http = _run(fake, sleeps, secrets={"mailto": MAILTO}, rate=crossref.PUBLIC_RATE)
    assert all(params["mailto"] == MAILTO for params in _works(fake))
    assert result.details["pool"] == "polite" and http.rate == crossref.POLITE_RATE
    logged = json.dumps(http.responses) + json.dumps(result.details)
    assert not any(form in logged for form in _secret_forms(MAILTO))


def _closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_an_error_never_shows_the_mailto_even_percent_encoded(sleeps: list[float]) -> None:
    http = PoliteClient(f"http://127.0.0.1:{_closed_port()}/", rate=1000, sleep=sleeps.append,
                        secret_params={"mailto": MAILTO}, timeout=5)
    with pytest.raises(InputError, match="no answer after 6 attempts") as caught:
        crossref.search(SearchContext(http, QUERY, TODAY, lambda body: None))
    assert not any(form in str(caught.value) for form in _secret_forms(MAILTO))


# --- `reviewflow search` in a project ------------------------------------------------------------------------------

def _search(project: Path, fake: FakeCrossref, sleeps: list[float], today: date, update: bool = False,
            environ: dict[str, str] | None = None) -> list[dict]:
    options = SearchOptions(base_url=fake.url, batch=10, environ=environ or {}, sleep=sleeps.append)
    return run_searches(load_config(project / "config/review.yaml"), project, update=update, today=today,
                        options=options)


def _import(project: Path, monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.chdir(project)
    return main(["import", "--records", "results/records.csv", "--report", "results/import_report.json"])


def _raw(project: Path) -> list[str]:
    return sorted(p.name for p in (project / "data/raw/crossref").iterdir())


def test_search_freezes_the_pages_and_the_import_reads_every_record(
        project: Path, fake: FakeCrossref, sleeps: list[float], monkeypatch: pytest.MonkeyPatch) -> None:
    [done] = _search(project, fake, sleeps, DAY1, environ={"REVIEWFLOW_MAILTO": MAILTO})
    export = project / "data/raw/crossref/crossref-2025-01-10.json"
    assert done["export"] == "data/raw/crossref/crossref-2025-01-10.json"
    assert _raw(project) == ["README.md", "crossref-2025-01-10.json", "crossref-2025-01-10.provenance.json"]
    provenance = json.loads((project / "data/raw/crossref/crossref-2025-01-10.provenance.json").read_text())
    assert provenance["query"] == QUERY and provenance["api"] == "crossref"
    assert provenance["count_reported"] == provenance["records_retrieved"] == 30
    assert provenance["export"] == {"file": done["export"], "bytes": export.stat().st_size,
                                    "sha256": file_sha256(export)}
    assert provenance["pool"] == "polite" and provenance["rate_limit_per_second"] == 3.0
    assert provenance["requests"][0]["params"]["cursor"] == "*" and len(provenance["requests"]) == 3
    pages = _documents(export.read_bytes())  # each answer exactly as received, in order
    assert [hashlib.sha256(page).hexdigest() for page in pages] == [r["sha256"] for r in provenance["requests"]]

    [entry] = load_search_log(project / "data/search_log.yaml")["searches"]["crossref"]
    assert (entry["date_searched"], entry["hits_reported"], entry["export_files"]) == \
        ("2025-01-10", 30, [done["export"]])
    assert entry["query"].strip() == QUERY

    assert _import(project, monkeypatch) == 0
    report = json.loads((project / "results/import_report.json").read_text())
    assert [(f["file"], f["format"]) for f in report["files"]] == [(done["export"], "crossref_json")]
    assert report["searches"][0]["records_imported"] == 30
    records = (project / "results/records.csv").read_text(encoding="utf-8")
    assert all(e.doi.lower() in records for e in fake.index)


def _documents(data: bytes) -> list[bytes]:
    """The answers a snapshot holds, each as its own bytes (the pages were written one after another)."""
    text, at, found = data.decode("utf-8"), 0, []
    decoder = json.JSONDecoder()
    while at < len(text):
        _, end = decoder.raw_decode(text, at)
        found.append(text[at:end].encode("utf-8"))
        at = end
    return found


def test_one_changed_byte_stops_the_import_naming_the_file(
        project: Path, fake: FakeCrossref, sleeps: list[float], monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture) -> None:
    _search(project, fake, sleeps, DAY1)
    export = project / "data/raw/crossref/crossref-2025-01-10.json"
    data = bytearray(export.read_bytes())
    at = data.index(b'"title":["') + 12
    data[at] = ord("X") if data[at] != ord("X") else ord("Y")
    export.write_bytes(bytes(data))
    assert _import(project, monkeypatch) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err[0].startswith("reviewflow import: error: data/raw/crossref/crossref-2025-01-10.json: the export "
                             "changed")


def test_an_update_adds_a_dated_search_with_only_the_records_indexed_since(
        project: Path, fake: FakeCrossref, templates: list, sleeps: list[float],
        monkeypatch: pytest.MonkeyPatch) -> None:
    _search(project, fake, sleeps, DAY1)  # indexed 2025-01-01 .. 01-10, 3 a day
    fake.index += make_index(templates, 8, date(2025, 2, 1), per_day=2, first=500)
    fake.requests.clear()
    [done] = _search(project, fake, sleeps, DAY2, update=True)
    # records indexed on the previous search's day are asked again (the filter is inclusive): 3 + the 8 new
    assert (done["count"], done["records"], done["full_count"]) == (11, 11, 38)
    first = _works(fake)[0]
    assert first["filter"].endswith("from-index-date:2025-01-10,until-index-date:2025-03-01")
    provenance = json.loads((project / "data/raw/crossref/crossref-2025-03-01.provenance.json").read_text())
    assert provenance["update_window"] == {"dates": "index date (from-index-date/until-index-date)",
                                           "mindate": "2025-01-10", "maxdate": "2025-03-01"}
    assert provenance["full_count_reported"] == 38
    first_search, second = load_search_log(project / "data/search_log.yaml")["searches"]["crossref"]
    assert first_search["export_files"] == ["data/raw/crossref/crossref-2025-01-10.json"]
    assert (second["date_searched"], second["hits_reported"], second["query"]) == ("2025-03-01", 11,
                                                                                  first_search["query"])
    assert "38 records" in second["notes"]
    assert _import(project, monkeypatch) == 0
    report = json.loads((project / "results/import_report.json").read_text())
    assert [(s["search"], s["records_imported"]) for s in report["searches"]] == [(1, 30), (2, 11)]


def test_a_count_change_during_the_search_keeps_nothing(project: Path, fake: FakeCrossref, templates: list,
                                                        sleeps: list[float]) -> None:
    log_before = (project / "data/search_log.yaml").read_bytes()
    fake.after = {2: lambda server: server.index.pop()}
    with pytest.raises(InputError, match="reported 29 records where the first page reported 30"):
        _search(project, fake, sleeps, DAY1)
    assert _raw(project) == ["README.md"]  # no export, no provenance, no .partial
    assert (project / "data/search_log.yaml").read_bytes() == log_before


def test_an_empty_result_records_zero_hits_and_its_provenance(project: Path, fake: FakeCrossref,
                                                              sleeps: list[float]) -> None:
    fake.index = []
    [done] = _search(project, fake, sleeps, DAY1)
    assert done["export"] is None and _raw(project) == ["README.md", "crossref-2025-01-10.provenance.json"]
    [entry] = load_search_log(project / "data/search_log.yaml")["searches"]["crossref"]
    assert (entry["hits_reported"], entry["export_files"]) == (0, [])


def test_the_mailto_and_plus_key_reach_the_server_and_no_file_log_or_output(
        project: Path, fake: FakeCrossref, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    monkeypatch.setenv("REVIEWFLOW_MAILTO", MAILTO)
    monkeypatch.setenv("CROSSREF_PLUS_TOKEN", TOKEN)
    monkeypatch.chdir(project)
    monkeypatch.setenv("REVIEWFLOW_CROSSREF_URL", fake.url)
    fake.faults = {1: ("malformed",)}  # a failed run: its error is shown and logged
    assert main(["--log", "logs/failed.log", "search"]) == 1
    fake.faults = {3: ("429", "0"), 5: ("drop",)}  # warnings and retries are logged too
    assert main(["--log", "logs/search.log", "-v", "search", "--batch", "10"]) == 0
    assert all(params["mailto"] == MAILTO for _, params in fake.requests) and len(fake.requests) == 6
    assert all(headers.get("Crossref-Plus-API-Token") == f"Bearer {TOKEN}" for headers in fake.headers)
    [path] = (project / "data/raw/crossref").glob("*.provenance.json")
    provenance = json.loads(path.read_text())
    assert provenance["pool"] == "plus" and provenance["api_key_used"] is True
    assert main(["--log", "logs/import.log", "import", "--records", "results/records.csv",
                 "--report", "results/import_report.json"]) == 0
    out = capsys.readouterr()
    assert "Crossref reported 30" in out.out and "not readable JSON" in out.err
    written = [p for p in project.rglob("*") if p.is_file()]
    assert "429" in (project / "logs/search.log").read_text()
    for secret in (MAILTO, TOKEN):
        for form in _secret_forms(secret):
            assert form not in out.out + out.err
            for p in written:
                assert form.encode() not in p.read_bytes(), (p, form)

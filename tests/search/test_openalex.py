"""OpenAlex searching against the loopback works API: the query as URL parameters, cursor paging, faults, changing
result sets, updates by creation date, and `reviewflow search` + the import end to end, the key never written."""

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
from reviewflow.importing.search_log import load_search_log
from reviewflow.project.scaffold import ReviewSpec, init_project
from reviewflow.search.http import PoliteClient
from reviewflow.search.openalex import parse_query, search
from reviewflow.search.run import SearchOptions, run_searches
from reviewflow.search.snapshot import file_sha256
from reviewflow.search.sources import SearchContext, SearchResult, sources
from tests.search.fake_openalex import FakeOpenAlex
from tests.search.loopback import serving
from tests.search.openalex_works import make_works, real_works

TODAY = date(2026, 3, 1)
DAY1, DAY2 = date(2026, 1, 10), date(2026, 3, 1)
QUERY = "filter=title_and_abstract.search:bibliometric,publication_year:2010-2024"
SECRET = "secret-OPENALEX-key-7d1f93"
MAILTO = "reviewer-7d1f93@example.org"


@pytest.fixture(scope="module")
def templates() -> list[dict[str, Any]]:
    return real_works()


@pytest.fixture
def fake(templates: list[dict[str, Any]]) -> Iterator[FakeOpenAlex]:
    # 30 works, all published 2010-2024 and mentioning "bibliometric" (the real ones do not all: set it)
    works = make_works(templates, 30, date(2025, 12, 1), per_day=3)
    for work in works:
        work["publication_year"] = 2020
        work["title"] = f"{work['title']} (bibliometric)"
    with serving(FakeOpenAlex(works=works)) as server:
        yield server


def _run(fake: FakeOpenAlex, sleeps: list[float], query: str = QUERY, batch: int = 10,
         mindate: date | None = None, key: str | None = None) -> tuple[list[bytes], SearchResult, PoliteClient]:
    bodies: list[bytes] = []
    http = PoliteClient(fake.url, rate=1000, sleep=sleeps.append, secret_params={"api_key": key} if key else {})
    result = search(SearchContext(http, query, TODAY, bodies.append, mindate, batch))
    return bodies, result, http


def _ids(bodies: list[bytes]) -> list[str]:
    return [work["id"] for body in bodies for work in json.loads(body)["results"]]


def _lists(fake: FakeOpenAlex) -> list[dict[str, str]]:
    return [params for path, params in fake.requests if path == "/works"]


def test_the_query_is_the_apis_own_parameters() -> None:
    assert parse_query(QUERY) == {"filter": "title_and_abstract.search:bibliometric,publication_year:2010-2024"}
    assert parse_query("search=cryoneurolysis%20pain&filter=type:article") == {
        "search": "cryoneurolysis pain", "filter": "type:article"}


@pytest.mark.parametrize(("query", "field"), [
    ("filter=type:article&cursor=*", "cursor"), ("search=pain&per-page=200", "per-page"),
    ("search=pain&per_page=50", "per_page"), ("search=pain&page=2", "page"), ("search=pain&select=id", "select"),
    ("search=pain&api_key=abc", "api_key"), ("search=pain&mailto=a@b.org", "mailto"),
    ("search=pain&sample=20", "sample"), ("search=pain&group_by=type", "group_by")])
def test_paging_select_and_key_parameters_are_refused_naming_them(query: str, field: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_query(query)
    assert caught.value.field == f"query ({field})" and "reviewflow sets itself" in caught.value.message


@pytest.mark.parametrize(("query", "message"), [
    ("filter=type:article&filter=is_oa:true", "gives filter twice"), ("q=pain", "does not choose works"),
    ("filter=cryoneurolysis", "without attribute:value"), ("search=", "is empty"), ("", "is empty"),
    ("search=pain\nfilter=type:article", "spans several lines"), ("title_and_abstract.search:pain", "not URL")])
def test_malformed_queries_are_refused(query: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_query(query)


def test_pages_with_a_cursor_until_next_cursor_is_null(fake: FakeOpenAlex, sleeps: list[float]) -> None:
    bodies, result, _ = _run(fake, sleeps, batch=7)
    assert _ids(bodies) == [w["id"] for w in fake.works]  # every work once, in order, bodies as received
    assert result.count == result.records == 30 and result.full_count is None
    asked = _lists(fake)
    assert [p["per_page"] for p in asked] == ["7"] * 5 and asked[0]["cursor"] == "*"
    assert all(p["filter"] == parse_query(QUERY)["filter"] for p in asked)
    assert [json.loads(b)["meta"]["next_cursor"] for b in bodies][-1] is None  # the last page says so
    assert [p["cursor"] for p in asked[1:]] == [json.loads(b)["meta"]["next_cursor"] for b in bodies[:-1]]
    assert result.details == {"api_parameters": parse_query(QUERY), "per_page": 7, "pages": 5}


def test_a_429_with_retry_after_is_waited_out(fake: FakeOpenAlex, sleeps: list[float]) -> None:
    fake.faults = {2: ("429", "5")}
    bodies, result, http = _run(fake, sleeps)
    assert 5.0 in sleeps
    assert _ids(bodies) == [w["id"] for w in fake.works]
    assert [r["status"] for r in http.responses].count(429) == 1


@pytest.mark.parametrize("fault", ["drop", "cut"])
def test_a_dropped_connection_neither_repeats_nor_loses_a_page(fake: FakeOpenAlex, sleeps: list[float],
                                                               fault: str) -> None:
    fake.faults = {2: (fault,)}  # the second page: before any answer, or halfway through its body
    bodies, result, _ = _run(fake, sleeps)
    ids = _ids(bodies)
    assert len(ids) == len(set(ids)) == 30 and len(bodies) == 3
    cursors = [p["cursor"] for p in _lists(fake)]
    assert cursors[1] == cursors[2] and len(cursors) == 4  # the same page asked again, whole


def test_a_count_that_changes_between_pages_stops_the_search(fake: FakeOpenAlex, templates: list[dict[str, Any]],
                                                             sleeps: list[float]) -> None:
    def grow(server: FakeOpenAlex) -> None:
        extra = make_works(templates, 1, date(2026, 2, 1), 1, first_id=6_000_000_000)[0]
        extra["publication_year"], extra["title"] = 2020, "bibliometric"
        server.works.append(extra)

    fake.after = {1: grow}
    with pytest.raises(InputError, match="reported 31 records where the first page reported 30"):
        _run(fake, sleeps)


def test_an_empty_result(fake: FakeOpenAlex, sleeps: list[float]) -> None:
    bodies, result, _ = _run(fake, sleeps, query="search=cryoneurolysis")
    assert bodies == [] and result.count == result.records == 0


def test_malformed_json_stops_the_search(fake: FakeOpenAlex, sleeps: list[float]) -> None:
    fake.faults = {2: ("malformed",)}
    with pytest.raises(InputError, match="OpenAlex, page 2: the answer is not readable JSON"):
        _run(fake, sleeps)


def test_a_refused_filter_stops_with_openalexs_message(fake: FakeOpenAlex, sleeps: list[float]) -> None:
    with pytest.raises(InputError, match="HTTP 400.*author_name is not a valid field"):
        _run(fake, sleeps, query="filter=author_name:Einstein")


def test_a_page_size_over_the_documented_limit_is_refused(fake: FakeOpenAlex, sleeps: list[float]) -> None:
    with pytest.raises(InputError, match="1 to 100 works") as caught:
        _run(fake, sleeps, batch=200)
    assert caught.value.field == "--batch" and not fake.requests


def test_an_update_needs_a_key_and_says_so(fake: FakeOpenAlex, sleeps: list[float]) -> None:
    with pytest.raises(InputError, match="from_created_date, which OpenAlex documents as needing an API key") as c:
        _run(fake, sleeps, mindate=date(2025, 12, 6))
    assert c.value.field == "$OPENALEX_API_KEY" and not fake.requests


def test_an_update_fetches_only_works_created_since_and_rechecks_the_full_count(
        fake: FakeOpenAlex, sleeps: list[float]) -> None:
    since = date(2025, 12, 6)  # 3 works a day from 2025-12-01: days 6..10 hold 15
    bodies, result, _ = _run(fake, sleeps, mindate=since, key=SECRET)
    assert _ids(bodies) == [w["id"] for w in fake.works if w["created_date"] >= since.isoformat()]
    assert result.count == result.records == 15 and result.full_count == 30
    first, last = _lists(fake)[0], _lists(fake)[-1]
    assert first["filter"].endswith(",from_created_date:2025-12-06") and first["api_key"] == SECRET
    assert "from_created_date" not in last["filter"] and last["per_page"] == "1"


def test_openalex_is_a_registered_source() -> None:
    source = sources()["openalex"]
    assert (source.suffix, source.url_variable, source.key_param, source.default_batch) == (
        ".json", "REVIEWFLOW_OPENALEX_URL", "api_key", 100)
    assert dict(source.secret_variables) == {"mailto": "REVIEWFLOW_MAILTO"}


# -- `reviewflow search` in a project, then the import ------------------------------------------------------------

@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project from `reviewflow init` whose OpenAlex entry is searched through the API, query filled in."""
    root = tmp_path / "review"
    init_project(root, ReviewSpec(title="Cryoneurolysis", question="Does it help?", databases=["openalex"]))
    config = root / "config/review.yaml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace('exports: ["data/raw/openalex/*"]',
                                   'exports: ["data/raw/openalex/*"]\n    search: {api: openalex}'), encoding="utf-8")
    log = root / "data/search_log.yaml"
    log.write_text(log.read_text(encoding="utf-8").replace("TODO: the full search strategy exactly as run", QUERY),
                   encoding="utf-8")
    return root


def _search(project: Path, fake: FakeOpenAlex, sleeps: list[float], today: date, update: bool = False,
            environ: dict[str, str] | None = None) -> list[dict[str, Any]]:
    options = SearchOptions(base_url=fake.url, batch=10, environ=environ or {}, sleep=sleeps.append)
    return run_searches(load_config(project / "config/review.yaml"), project, update=update, today=today,
                        options=options)


def _import(project: Path, monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.chdir(project)
    return main(["import", "--records", "results/records.csv", "--report", "results/import_report.json"])


def test_search_then_import_reads_every_record_with_the_provenance_checked(
        project: Path, fake: FakeOpenAlex, sleeps: list[float], monkeypatch: pytest.MonkeyPatch) -> None:
    [done] = _search(project, fake, sleeps, DAY1)
    export = project / "data/raw/openalex/openalex-2026-01-10.json"
    assert done["export"] == "data/raw/openalex/openalex-2026-01-10.json" and done["count"] == 30
    provenance = json.loads((project / "data/raw/openalex/openalex-2026-01-10.provenance.json").read_text())
    assert provenance["query"] == QUERY and provenance["count_reported"] == provenance["records_retrieved"] == 30
    assert provenance["export"]["sha256"] == file_sha256(export) and provenance["pages"] == 3
    assert len(provenance["requests"]) == len(fake.requests)
    [entry] = load_search_log(project / "data/search_log.yaml")["searches"]["openalex"]
    assert (entry["date_searched"], entry["hits_reported"]) == ("2026-01-10", 30)

    assert _import(project, monkeypatch) == 0
    report = json.loads((project / "results/import_report.json").read_text())
    assert [(f["file"], f["format"], f["records"]) for f in report["files"]] == [
        (done["export"], "openalex_json", 30)]
    records = (project / "results/records.csv").read_text(encoding="utf-8")
    assert all(f"openalex:{w['id'].rsplit('/', 1)[-1]}" in records for w in fake.works)


def test_one_changed_byte_stops_the_import_naming_the_file(
        project: Path, fake: FakeOpenAlex, sleeps: list[float], monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture) -> None:
    _search(project, fake, sleeps, DAY1)
    export = project / "data/raw/openalex/openalex-2026-01-10.json"
    data = bytearray(export.read_bytes())
    at = data.index(b"bibliometric")
    data[at] = ord("B")
    export.write_bytes(bytes(data))
    assert _import(project, monkeypatch) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err[0].startswith("reviewflow import: error: data/raw/openalex/openalex-2026-01-10.json: the export "
                             "changed")


def test_a_count_change_keeps_nothing(project: Path, fake: FakeOpenAlex, templates: list[dict[str, Any]],
                                      sleeps: list[float]) -> None:
    log_before = (project / "data/search_log.yaml").read_bytes()
    fake.after = {2: lambda server: server.works.pop()}
    with pytest.raises(InputError, match="reported 29 records where the first page reported 30"):
        _search(project, fake, sleeps, DAY1)
    assert sorted(p.name for p in (project / "data/raw/openalex").iterdir()) == ["README.md"]  # no .partial
    assert (project / "data/search_log.yaml").read_bytes() == log_before


def test_an_empty_result_keeps_the_provenance_only(project: Path, fake: FakeOpenAlex, sleeps: list[float]) -> None:
    fake.works = []
    [done] = _search(project, fake, sleeps, DAY1)
    assert done["export"] is None and done["count"] == 0
    assert sorted(p.name for p in (project / "data/raw/openalex").iterdir()) == [
        "README.md", "openalex-2026-01-10.provenance.json"]
    [entry] = load_search_log(project / "data/search_log.yaml")["searches"]["openalex"]
    assert (entry["hits_reported"], entry["export_files"]) == (0, [])


def test_an_update_adds_a_dated_search_with_only_the_new_works(
        project: Path, fake: FakeOpenAlex, templates: list[dict[str, Any]], sleeps: list[float],
        monkeypatch: pytest.MonkeyPatch) -> None:
    fake.works = fake.works[:24]  # created 2025-12-01 .. 12-08
    _search(project, fake, sleeps, DAY1)
    new = make_works(templates, 8, date(2026, 2, 1), per_day=2, first_id=7_000_000_000)
    for work in new:
        work["publication_year"], work["title"] = 2021, f"{work['title']} bibliometric"
    fake.works += new
    fake.requests.clear()
    [done] = _search(project, fake, sleeps, DAY2, update=True, environ={"OPENALEX_API_KEY": SECRET})
    assert done["count"] == done["records"] == 8 and done["full_count"] == 32
    assert _lists(fake)[0]["filter"].endswith(",from_created_date:2026-01-10")
    provenance = json.loads((project / "data/raw/openalex/openalex-2026-03-01.provenance.json").read_text())
    assert provenance["update_window"] == {"dates": "creation date in OpenAlex (from_created_date)",
                                           "mindate": "2026-01-10", "maxdate": "2026-03-01"}
    first, second = load_search_log(project / "data/search_log.yaml")["searches"]["openalex"]
    assert (second["date_searched"], second["hits_reported"]) == ("2026-03-01", 8)
    assert second["query"] == first["query"] and "32 records" in second["notes"]
    assert _import(project, monkeypatch) == 0
    report = json.loads((project / "results/import_report.json").read_text())
    assert [(s["search"], s["records_imported"]) for s in report["searches"]] == [(1, 24), (2, 8)]


def test_the_key_and_mailto_reach_the_server_and_no_file_log_output_or_error(
        project: Path, fake: FakeOpenAlex, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    monkeypatch.setenv("OPENALEX_API_KEY", SECRET)
    monkeypatch.setenv("REVIEWFLOW_MAILTO", MAILTO)
    monkeypatch.setenv("REVIEWFLOW_OPENALEX_URL", fake.url)
    monkeypatch.chdir(project)
    fake.faults = {1: ("echo",)}  # a 400 whose body repeats the request URL, key and mailto included
    assert main(["--log", "logs/search-failed.log", "-v", "search", "--batch", "10"]) == 1
    failed = capsys.readouterr()
    assert "HTTP 400" in failed.err and "<api_key>" in failed.err and "<mailto>" in failed.err
    fake.faults = {2: ("429", "0"), 3: ("drop",)}  # warnings and retries are logged too
    assert main(["--log", "logs/search.log", "-v", "search", "--batch", "10"]) == 0
    assert all(p.get("api_key") == SECRET and p.get("mailto") == MAILTO for _, p in fake.requests)
    assert main(["--log", "logs/import.log", "import", "--records", "results/records.csv",
                 "--report", "results/import_report.json"]) == 0
    out = capsys.readouterr()
    assert "OpenAlex reported 30" in out.out
    assert "429" in (project / "logs/search.log").read_text()
    for secret in (SECRET, MAILTO):
        assert secret not in failed.out + failed.err + out.out + out.err
        for path in (p for p in project.rglob("*") if p.is_file()):
            assert secret.encode() not in path.read_bytes(), path
    provenance = json.loads(next((project / "data/raw/openalex").glob("*.provenance.json")).read_text())
    assert provenance["api_key_used"] is True and provenance["rate_limit_per_second"] == 10.0

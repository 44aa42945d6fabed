"""`reviewflow search` of Europe PMC in a project from `reviewflow init`: the snapshot of JSON answers and its
provenance, the search log filled in, the import reading every record with the provenance checked; updates; a
search that fails leaving nothing; the contact e-mail never written anywhere."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from reviewflow.cli import main
from reviewflow.config import load_config
from reviewflow.errors import InputError
from reviewflow.importing.formats.json_pages import iter_documents
from reviewflow.importing.search_log import load_search_log
from reviewflow.project.scaffold import ReviewSpec, init_project
from reviewflow.search.run import SearchOptions, run_searches
from reviewflow.search.snapshot import file_sha256
from tests.search.fake_europepmc import FakeEuropePMC, make_index
from tests.search.loopback import serving

QUERY = '(cryoneurolysis OR cryoanalgesia OR "cryo neurolysis") AND ("chronic pain" OR neuralgia)'
DAY1, DAY2 = date(2025, 1, 10), date(2025, 3, 1)
EMAIL = "reviewer.secret-7f3a@example.org"
RAW = "data/raw/europepmc"


@pytest.fixture
def epmc(templates: list[str]) -> Iterator[FakeEuropePMC]:
    with serving(FakeEuropePMC(index=make_index(templates, 30, date(2025, 1, 1), per_day=3), query=QUERY)) as fake:
        yield fake


@pytest.fixture
def options(epmc: FakeEuropePMC, sleeps: list[float]) -> SearchOptions:
    return SearchOptions(base_url=epmc.url, batch=10, environ={}, sleep=sleeps.append)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project from `reviewflow init` whose Europe PMC entry is searched through the API, query filled in."""
    root = tmp_path / "review"
    init_project(root, ReviewSpec(title="Cryoneurolysis", question="Does it help?", databases=["europepmc"]))
    config = root / "config/review.yaml"
    text = config.read_text(encoding="utf-8")
    assert 'exports: ["data/raw/europepmc/*"]' in text
    config.write_text(text.replace('exports: ["data/raw/europepmc/*"]',
                                   'exports: ["data/raw/europepmc/*"]\n    search: {api: europepmc}'),
                      encoding="utf-8")
    log = root / "data/search_log.yaml"
    log.write_text(log.read_text(encoding="utf-8").replace("TODO: the full search strategy exactly as run", QUERY),
                   encoding="utf-8")
    return root


def _search(project: Path, options: SearchOptions, today: date, update: bool = False) -> list[dict]:
    return run_searches(load_config(project / "config/review.yaml"), project, update=update, today=today,
                        options=options)


def _import(project: Path, monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.chdir(project)
    return main(["import", "--records", "results/records.csv", "--report", "results/import_report.json"])


def _raw(project: Path) -> list[str]:
    return sorted(p.name for p in (project / RAW).iterdir())


def _records(project: Path) -> list[dict[str, str]]:
    import csv

    with (project / "results/records.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_search_freezes_the_answers_and_the_import_reads_every_record(
        project: Path, options: SearchOptions, epmc: FakeEuropePMC, monkeypatch: pytest.MonkeyPatch) -> None:
    [done] = _search(project, options, DAY1)
    export = project / RAW / "europepmc-2025-01-10.json"
    assert done["export"] == f"{RAW}/europepmc-2025-01-10.json" and done["source"] == "Europe PMC"
    assert _raw(project) == ["README.md", "europepmc-2025-01-10.json", "europepmc-2025-01-10.provenance.json"]
    provenance = json.loads((project / RAW / "europepmc-2025-01-10.provenance.json").read_text())
    assert provenance["api"] == "europepmc" and provenance["query"] == QUERY
    assert provenance["count_reported"] == provenance["records_retrieved"] == 30
    assert (provenance["query_sent"], provenance["pages"], provenance["page_size"]) == (QUERY, 3, 10)
    assert provenance["export"] == {"file": done["export"], "bytes": export.stat().st_size,
                                    "sha256": file_sha256(export)}
    assert provenance["update_window"] is None and provenance["api_key_used"] is False
    assert [r["params"]["cursorMark"] for r in provenance["requests"]][0] == "*"
    assert len(provenance["requests"]) == len(epmc.requests) == 3

    [entry] = load_search_log(project / "data/search_log.yaml")["searches"]["europepmc"]
    assert (entry["date_searched"], entry["hits_reported"], entry["export_files"]) == \
        ("2025-01-10", 30, [done["export"]])

    assert _import(project, monkeypatch) == 0
    report = json.loads((project / "results/import_report.json").read_text())
    assert [(f["file"], f["format"]) for f in report["files"]] == [(done["export"], "europepmc_json")]
    assert report["searches"][0]["records_imported"] == 30
    rows = _records(project)
    assert [r["record_id"] for r in rows] == [f"europepmc:MED:{e.result['id']}" for e in epmc.index]
    assert all(r["title"] and r["authors"] and r["year"] and r["journal"] for r in rows)
    assert {r["title"] for r in rows} == {e.result["title"] for e in epmc.index}


def test_one_changed_byte_stops_the_import_naming_the_file(
        project: Path, options: SearchOptions, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    _search(project, options, DAY1)
    export = project / RAW / "europepmc-2025-01-10.json"
    data = bytearray(export.read_bytes())
    at = data.index(b'"title": "') + 12  # a letter of the first title: the JSON still parses
    data[at] = ord("X") if data[at] != ord("X") else ord("Y")
    export.write_bytes(bytes(data))
    assert _import(project, monkeypatch) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err[0].startswith(f"reviewflow import: error: {RAW}/europepmc-2025-01-10.json: the export changed")


def test_an_update_adds_a_dated_search_of_the_records_first_indexed_since(
        project: Path, options: SearchOptions, epmc: FakeEuropePMC, templates: list[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    _search(project, options, DAY1)
    epmc.index += make_index(templates, 8, date(2025, 2, 1), per_day=2, first_pmid=41_000_000)
    epmc.requests.clear()
    [done] = _search(project, options, DAY2, update=True)
    assert done["count"] == done["records"] == 11 and done["full_count"] == 38
    sent = f"({QUERY}) AND (FIRST_IDATE:[2025-01-10 TO 2025-03-01])"
    assert epmc.requests[0][1]["query"] == sent
    provenance = json.loads((project / RAW / "europepmc-2025-03-01.provenance.json").read_text())
    assert provenance["update_window"] == {"dates": "first index date (FIRST_IDATE)", "mindate": "2025-01-10",
                                           "maxdate": "2025-03-01"}
    assert provenance["query_sent"] == sent and provenance["full_count_reported"] == 38
    update = project / RAW / "europepmc-2025-03-01.json"
    new = {r["id"] for _, page in iter_documents(update, update.read_text()) for r in page["resultList"]["result"]}
    assert len(new) == 11 and sum(i.startswith("41") for i in new) == 8

    first, second = load_search_log(project / "data/search_log.yaml")["searches"]["europepmc"]
    assert first["export_files"] == [f"{RAW}/europepmc-2025-01-10.json"]
    assert (second["date_searched"], second["hits_reported"]) == ("2025-03-01", 11)
    assert second["export_files"] == [f"{RAW}/europepmc-2025-03-01.json"]
    assert second["query"] == first["query"] and "38 records" in second["notes"]
    assert "first index date (FIRST_IDATE)" in second["notes"]
    assert _import(project, monkeypatch) == 0
    report = json.loads((project / "results/import_report.json").read_text())
    assert [(s["search"], s["records_imported"]) for s in report["searches"]] == [(1, 30), (2, 11)]


@pytest.mark.parametrize("fault", ["count", "malformed", "dropped"])
def test_a_failed_search_leaves_no_export_no_provenance_no_partial_and_the_log_unchanged(
        project: Path, options: SearchOptions, epmc: FakeEuropePMC, templates: list[str], fault: str) -> None:
    log_before = (project / "data/search_log.yaml").read_bytes()
    if fault == "count":
        epmc.after = {2: lambda fake: fake.index.extend(make_index(templates, 1, DAY1, 1, first_pmid=42_000_000))}
        expected = "reported 31 records where the first page reported 30"
    elif fault == "malformed":
        epmc.broken = {3}
        expected = "page 3: the answer is not readable JSON"
    else:
        epmc.faults = {n: ("drop",) for n in range(2, 20)}
        expected = "no answer after 6 attempts"
    with pytest.raises(InputError, match=expected):
        _search(project, options, DAY1)
    assert _raw(project) == ["README.md"]
    assert (project / "data/search_log.yaml").read_bytes() == log_before


def test_an_empty_result_records_zero_hits_and_its_provenance(project: Path, options: SearchOptions,
                                                              epmc: FakeEuropePMC) -> None:
    epmc.index = []
    [done] = _search(project, options, DAY1)
    assert done["export"] is None and _raw(project) == ["README.md", "europepmc-2025-01-10.provenance.json"]
    [entry] = load_search_log(project / "data/search_log.yaml")["searches"]["europepmc"]
    assert (entry["hits_reported"], entry["export_files"]) == (0, [])


def test_the_contact_email_reaches_the_server_and_no_file_log_or_output(
        project: Path, epmc: FakeEuropePMC, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    monkeypatch.setenv("EUROPEPMC_EMAIL", EMAIL)
    monkeypatch.setenv("REVIEWFLOW_EUROPEPMC_URL", epmc.url)
    epmc.faults = {2: ("429", "1"), 4: ("drop",)}  # warnings and retries are logged too
    monkeypatch.chdir(project)
    assert main(["--log", "logs/search.log", "-v", "search", "--batch", "10"]) == 0
    assert [params.get("email") for _, params in epmc.requests] == [EMAIL] * len(epmc.requests)
    [path] = (project / RAW).glob("*.provenance.json")
    provenance = json.loads(path.read_text())
    assert provenance["endpoint"] == epmc.url and provenance["rate_limit_per_second"] == 3.0
    assert all("email" not in r["params"] for r in provenance["requests"])
    assert main(["--log", "logs/import.log", "import", "--records", "results/records.csv",
                 "--report", "results/import_report.json"]) == 0
    out = capsys.readouterr()
    assert "Europe PMC reported 30, 30 records fetched" in out.out
    assert EMAIL not in out.out + out.err
    assert "429" in (project / "logs/search.log").read_text()
    written = [p for p in project.rglob("*") if p.is_file()]
    for p in written:
        assert EMAIL.encode() not in p.read_bytes(), p


def test_an_error_from_europe_pmc_does_not_show_the_contact_email(
        project: Path, epmc: FakeEuropePMC, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    monkeypatch.setenv("EUROPEPMC_EMAIL", EMAIL)
    monkeypatch.setenv("REVIEWFLOW_EUROPEPMC_URL", epmc.url.replace("/rest/", "/nowhere/"))  # answers 404
    monkeypatch.chdir(project)
    assert main(["search"]) == 1
    err = capsys.readouterr().err
    assert "HTTP 404" in err and EMAIL not in err

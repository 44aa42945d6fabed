"""`reviewflow search` in a project: snapshots and provenance written, the search log filled in, the import
checking both; updates; interrupted runs; the API key never written anywhere."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from reviewflow.cli import main
from reviewflow.config import load_config
from reviewflow.errors import InputError
from reviewflow.importing.search_log import load_search_log
from reviewflow.search.run import SearchOptions, run_searches
from reviewflow.search.snapshot import file_sha256
from tests.conftest import REPO
from tests.search.conftest import QUERY
from tests.search.fake_eutils import FakeEutils, make_index

DAY1, DAY2 = date(2025, 1, 10), date(2025, 3, 1)
SECRET = "secret-NCBI-key-5b7e0c"


def _search(project: Path, options: SearchOptions, today: date, update: bool = False) -> list[dict]:
    return run_searches(load_config(project / "config/review.yaml"), project, update=update, today=today,
                        options=options)


def _import(project: Path, monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.chdir(project)
    return main(["import", "--records", "results/records.csv", "--report", "results/import_report.json"])


def _raw(project: Path) -> list[str]:
    return sorted(p.name for p in (project / "data/raw/pubmed").iterdir())


def test_search_writes_the_snapshot_and_provenance_and_the_import_checks_them(
        project: Path, options: SearchOptions, eutils: FakeEutils, monkeypatch: pytest.MonkeyPatch) -> None:
    [done] = _search(project, options, DAY1)
    export = project / "data/raw/pubmed/pubmed-2025-01-10.txt"
    assert done["export"] == "data/raw/pubmed/pubmed-2025-01-10.txt"
    assert _raw(project) == ["README.md", "pubmed-2025-01-10.provenance.json", "pubmed-2025-01-10.txt"]
    provenance = json.loads((project / "data/raw/pubmed/pubmed-2025-01-10.provenance.json").read_text())
    assert provenance["query"] == QUERY and provenance["count_reported"] == provenance["records_retrieved"] == 30
    assert provenance["export"] == {"file": done["export"], "bytes": export.stat().st_size,
                                    "sha256": file_sha256(export)}
    assert provenance["reviewflow_version"] and provenance["started_utc"] <= provenance["finished_utc"]
    assert len(provenance["requests"]) == len(eutils.requests)
    assert all(len(r["sha256"]) == 64 and r["status"] == 200 for r in provenance["requests"])
    assert provenance["requests"][0]["params"]["term"] == QUERY
    # the export is the efetch bodies exactly as returned, concatenated
    assert export.read_bytes().count(b"\nPMID- ") == 30

    [entry] = load_search_log(project / "data/search_log.yaml")["searches"]["pubmed"]
    assert (entry["date_searched"], entry["hits_reported"], entry["export_files"]) == \
        ("2025-01-10", 30, [done["export"]])
    assert entry["query"].strip() == QUERY
    assert (project / "data/search_log.yaml").read_text().startswith("# PRISMA-S search log")

    assert _import(project, monkeypatch) == 0
    report = json.loads((project / "results/import_report.json").read_text())
    assert [f["file"] for f in report["files"]] == [done["export"]]  # the provenance is not read as an export
    assert report["searches"][0]["records_imported"] == 30

    with pytest.raises(InputError, match="already run on 2025-01-10"):
        _search(project, options, DAY2)


def test_one_changed_byte_stops_the_import_naming_the_file(
        project: Path, options: SearchOptions, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    _search(project, options, DAY1)
    export = project / "data/raw/pubmed/pubmed-2025-01-10.txt"
    data = bytearray(export.read_bytes())
    data[500] = ord("X") if data[500] != ord("X") else ord("Y")
    export.write_bytes(bytes(data))
    assert _import(project, monkeypatch) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err[0].startswith("reviewflow import: error: data/raw/pubmed/pubmed-2025-01-10.txt: the export changed")
    assert not err[0].count("Traceback")


def test_hits_must_match_the_count_in_the_provenance(project: Path, options: SearchOptions,
                                                     monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture) -> None:
    _search(project, options, DAY1)
    path = project / "data/raw/pubmed/pubmed-2025-01-10.provenance.json"
    provenance = json.loads(path.read_text())
    provenance["count_reported"] = 31
    path.write_text(json.dumps(provenance))
    assert _import(project, monkeypatch) == 1
    assert "the search log says 30 hits but the provenance of its snapshot(s) records 31" in capsys.readouterr().err


def test_an_update_adds_a_dated_search_with_only_the_records_entered_since(
        project: Path, options: SearchOptions, eutils: FakeEutils, templates: list[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    eutils.index = make_index(templates, 30, date(2025, 1, 1), per_day=3)  # entered 2025-01-01 .. 01-10
    _search(project, options, DAY1)
    eutils.index += make_index(templates, 8, date(2025, 2, 1), per_day=2, first_pmid=41_000_000)
    eutils.requests.clear()
    [done] = _search(project, options, DAY2, update=True)
    # records entered on the previous search's day are asked again (mindate is inclusive): 3 + the 8 new
    assert done["count"] == done["records"] == 11 and done["full_count"] == 38
    update = project / "data/raw/pubmed/pubmed-2025-03-01.txt"
    assert update.read_bytes().count(b"\nPMID- 41") == 8
    first = eutils.requests[0][1]
    assert (first["datetype"], first["mindate"], first["maxdate"]) == ("edat", "2025/01/10", "2025/03/01")
    provenance = json.loads((project / "data/raw/pubmed/pubmed-2025-03-01.provenance.json").read_text())
    assert provenance["update_window"] == {"dates": "entry date (edat)", "mindate": "2025-01-10",
                                           "maxdate": "2025-03-01"}
    assert provenance["full_count_reported"] == 38

    first_search, second = load_search_log(project / "data/search_log.yaml")["searches"]["pubmed"]
    assert first_search["export_files"] == ["data/raw/pubmed/pubmed-2025-01-10.txt"]
    assert (second["date_searched"], second["hits_reported"]) == ("2025-03-01", 11)
    assert second["export_files"] == ["data/raw/pubmed/pubmed-2025-03-01.txt"]
    assert second["query"] == first_search["query"] and "38 records" in second["notes"]
    assert _import(project, monkeypatch) == 0
    report = json.loads((project / "results/import_report.json").read_text())
    assert [(s["search"], s["records_imported"]) for s in report["searches"]] == [(1, 30), (2, 11)]


def test_an_interrupted_search_leaves_nothing_and_a_rerun_starts_clean(
        project: Path, options: SearchOptions, eutils: FakeEutils) -> None:
    log_before = (project / "data/search_log.yaml").read_bytes()
    stale = project / "data/raw/pubmed/.pubmed-2025-01-10.txt.abc123.partial"
    stale.write_text("left by a killed run")
    eutils.faults = {n: ("drop",) for n in range(3, 20)}  # the connection is lost for good after the first page
    with pytest.raises(InputError, match="no answer after 6 attempts"):
        _search(project, options, DAY1)
    assert _raw(project) == ["README.md"]  # no export, no provenance, no temporary file (the stale one too)
    assert (project / "data/search_log.yaml").read_bytes() == log_before
    eutils.faults = {}
    [done] = _search(project, options, DAY1)
    assert done["records"] == 30 and len(_raw(project)) == 3


def test_an_empty_result_records_zero_hits_and_its_provenance(project: Path, options: SearchOptions,
                                                              eutils: FakeEutils) -> None:
    eutils.index = []
    [done] = _search(project, options, DAY1)
    assert done["export"] is None and _raw(project) == ["README.md", "pubmed-2025-01-10.provenance.json"]
    [entry] = load_search_log(project / "data/search_log.yaml")["searches"]["pubmed"]
    assert (entry["hits_reported"], entry["export_files"]) == (0, [])


def test_the_api_key_reaches_the_server_and_no_file_log_or_output(
        project: Path, eutils: FakeEutils, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    monkeypatch.setenv("NCBI_API_KEY", SECRET)
    monkeypatch.setenv("REVIEWFLOW_EUTILS_URL", eutils.url)
    eutils.faults = {2: ("429", "1"), 4: ("drop",)}  # warnings and retries are logged too
    monkeypatch.chdir(project)
    assert main(["--log", "logs/search.log", "-v", "search", "--batch", "10"]) == 0
    assert all(params.get("api_key") == SECRET for _, params in eutils.requests)
    [path] = (project / "data/raw/pubmed").glob("*.provenance.json")
    provenance = json.loads(path.read_text())
    assert provenance["api_key_used"] is True and provenance["rate_limit_per_second"] == 10.0
    assert main(["--log", "logs/import.log", "import", "--records", "results/records.csv",
                 "--report", "results/import_report.json"]) == 0
    out = capsys.readouterr()
    assert "PubMed reported 30" in out.out
    assert SECRET not in out.out + out.err
    written = [p for p in project.rglob("*") if p.is_file()]
    assert any(p.name == "search.log" for p in written)
    assert "429" in (project / "logs/search.log").read_text()
    for p in written:
        assert SECRET.encode() not in p.read_bytes(), p


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_search_in_an_init_project_freezes_the_search(project: Path, eutils: FakeEutils) -> None:
    env = {**os.environ, "REVIEWFLOW_EUTILS_URL": eutils.url, "PYTHONPATH": str(REPO / "src")}
    env.pop("NCBI_API_KEY", None)
    run = subprocess.run(["make", "search", f"REVIEWFLOW={sys.executable} -m reviewflow"], cwd=project, env=env,
                         capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
    assert run.returncode == 0, run.stderr
    assert "PubMed reported 30, 30 records fetched" in run.stdout
    assert len(list((project / "data/raw/pubmed").glob("pubmed-*.txt"))) == 1


def test_the_search_rule_freezes_the_search_and_the_build_replays_it_checked(project: Path, eutils: FakeEutils) -> None:
    """Done-when of the search: the Snakemake `search` rule (asked for by name, never part of a build) freezes the
    search; the build imports the snapshot with its provenance checked; one changed byte stops the build, naming
    the file."""
    env = {**os.environ, "REVIEWFLOW_EUTILS_URL": eutils.url, "PYTHONPATH": str(REPO / "src")}
    env.pop("NCBI_API_KEY", None)
    dry = subprocess.run([sys.executable, "-m", "snakemake", "--cores", "1", "--dry-run"], cwd=project, env=env,
                         capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
    assert dry.returncode == 0, dry.stderr
    planned = re.findall(r"^\s*(?:local)?rule (\w+):", dry.stdout, flags=re.MULTILINE)
    assert "import_records" in planned and not {"search", "search_update"} & set(planned), planned
    run = subprocess.run([sys.executable, "-m", "snakemake", "--cores", "1", "search"], cwd=project, env=env,
                         capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
    assert run.returncode == 0, run.stderr
    [snapshot] = (project / "data/raw/pubmed").glob("pubmed-*.txt")
    assert eutils.requests, "the rule must have asked the loopback server"
    asked = len(eutils.requests)

    build = [sys.executable, "-m", "reviewflow", "build", "--cores", "1", "--draft"]
    built = subprocess.run(build, cwd=project, env=env, capture_output=True, text=True, timeout=600,
                           stdin=subprocess.DEVNULL)
    assert built.returncode == 0, built.stdout + built.stderr
    report = json.loads((project / "results/import_report.json").read_text())
    assert [s["records_imported"] for s in report["searches"]] == [30]
    assert len(eutils.requests) == asked, "a build must never go to the network"

    data = bytearray(snapshot.read_bytes())
    data[len(data) // 2] ^= 0x01
    snapshot.write_bytes(bytes(data))
    stopped = subprocess.run(build, cwd=project, env=env, capture_output=True, text=True, timeout=600,
                             stdin=subprocess.DEVNULL)
    assert stopped.returncode != 0
    said = stopped.stdout + stopped.stderr
    assert snapshot.name in said and "sha256 differs from its provenance" in said, said


def test_an_api_update_reaches_the_update_diagram(project: Path, options: SearchOptions, eutils: FakeEutils,
                                                  templates: list[str]) -> None:
    """Done-when of the search: an update run through the API adds only new works, and the build's PRISMA counts
    and diagram are those of an updated review (here a draft: nobody has screened yet)."""
    eutils.index = make_index(templates, 30, date(2025, 1, 1), per_day=3)
    _search(project, options, DAY1)
    eutils.index += make_index(templates, 8, date(2025, 2, 1), per_day=2, first_pmid=41_000_000)
    _search(project, options, DAY2, update=True)
    config = project / "config/review.yaml"
    config.write_text(config.read_text(encoding="utf-8")
                      + f'\nupdate:\n  previous_version:\n    last_search: "{DAY1.isoformat()}"\n', encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    built = subprocess.run([sys.executable, "-m", "reviewflow", "build", "--cores", "1", "--draft"], cwd=project,
                           env=env, capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL)
    assert built.returncode == 0, built.stdout + built.stderr
    update = json.loads((project / "results/prisma.json").read_text())["update"]
    assert update["identification"]["total"] == 11
    removed = update["removed_before_screening"]
    assert (removed["duplicates_of_previous"], removed["duplicates_within_update"]) == (3, 0)
    assert update["previous_version"]["records"] == 30
    awaiting = update["awaiting"]["title_abstract"] + removed["automation"]
    assert awaiting == 8, update  # only the new works reach screening
    svg = (project / "results/figures/prisma_flow.svg").read_text(encoding="utf-8")
    assert "Identification of new studies via databases and registers" in svg

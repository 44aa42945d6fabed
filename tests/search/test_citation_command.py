"""`reviewflow citations` in a project: the snapshot lands in a source marked ``arm: other_methods``, the search
log records it, the import reads it with every work checked against its seed/direction list; the key is never
written. (The citation search itself is tested in test_citations.py.)"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from reviewflow.cli import main
from reviewflow.config import load_config
from reviewflow.importing.search_log import load_search_log
from reviewflow.search.run import SearchOptions, run_searches
from tests.conftest import REPO
from tests.search.fake_openalex import FakeOpenAlex
from tests.search.loopback import serving
from tests.search.openalex_works import make_works, real_works

SECRET = "secret-OPENALEX-key-c0mmand"
CITATIONS = ('  citations:\n    label: Citation searching\n    exports: ["data/raw/citations/*"]\n'
             "    arm: other_methods\n")


@pytest.fixture
def network() -> list[dict[str, Any]]:
    """Works made from the real OpenAlex records of ../shared: seed A (found by DOI) cites works 2-8, seed B
    (found by PMID) cites works 6-10; works 11-25 cite A and works 20-30 cite B."""
    works = make_works(real_works(), 40, date(2025, 1, 1), per_day=5)
    a, b = works[0], works[1]
    b["doi"] = None
    b["ids"] = {"openalex": b["id"], "pmid": "https://pubmed.ncbi.nlm.nih.gov/31000001"}
    a["referenced_works"] = [w["id"] for w in works[2:9]]
    b["referenced_works"] = [w["id"] for w in works[6:11]]
    for i, work in enumerate(works[2:], start=2):
        work["referenced_works"] = ([a["id"]] if 11 <= i <= 25 else []) + ([b["id"]] if 20 <= i <= 30 else [])
    return works


@pytest.fixture
def openalex(network: list[dict[str, Any]]) -> Iterator[FakeOpenAlex]:
    with serving(FakeOpenAlex(works=network)) as server:
        yield server


@pytest.fixture
def searched(project: Path, options: SearchOptions, network: list[dict[str, Any]]) -> Path:
    """The PubMed search run (loopback), and results/studies.csv naming the seeds as a build writes it."""
    run_searches(load_config(project / "config/review.yaml"), project, today=date(2025, 1, 10), options=options)
    (project / "results").mkdir(exist_ok=True)
    rows = [["work_id", "study_label", "doi", "pmid", "title"],
            ["Wa0000000001", "Seed A 2024", network[0]["doi"].removeprefix("https://doi.org/"), "", "A"],
            ["Wb0000000002", "Seed B 2023", "", "31000001", "B"],
            ["Wd0000000004", "No ids 2001", "", "", "D"]]
    with (project / "results/studies.csv").open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return project


def _add_citations_source(project: Path) -> None:
    config = project / "config/review.yaml"
    text = config.read_text(encoding="utf-8")
    anchor = "    search: {api: pubmed}\n"
    config.write_text(text.replace(anchor, anchor + CITATIONS), encoding="utf-8")


def _import(project: Path) -> int:
    return main(["import", "--records", "results/records.csv", "--report", "results/import_report.json"])


def test_the_citation_search_is_logged_imported_and_checked(
        searched: Path, openalex: FakeOpenAlex, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    _add_citations_source(searched)
    monkeypatch.setenv("OPENALEX_API_KEY", SECRET)
    monkeypatch.setenv("REVIEWFLOW_OPENALEX_URL", openalex.url)
    monkeypatch.chdir(searched)
    assert main(["--log", "logs/citations.log", "-v", "citations", "--batch", "100"]) == 0
    out = capsys.readouterr()
    assert "2 of 3 seeds found in OpenAlex" in out.out and "search log: searches.citations" in out.out
    assert "seed Wd0000000004 not searched: the seeds file gives no DOI or PMID" in out.out

    [entry] = load_search_log(searched / "data/search_log.yaml")["searches"]["citations"]
    [snapshot] = [p for p in (searched / "data/raw/citations").glob("citations-*.json")
                  if not p.name.endswith(".provenance.json")]
    provenance = json.loads(snapshot.with_name(snapshot.stem + ".provenance.json").read_text())
    assert entry["hits_reported"] == provenance["records_retrieved"] > 0
    assert entry["export_files"] == [snapshot.relative_to(searched).as_posix()]
    assert "Backward" in entry["query"] and "Wd0000000004" in entry["notes"]

    assert _import(searched) == 0
    report = json.loads((searched / "results/import_report.json").read_text())
    assert report["records_per_database"] == {"pubmed": 30, "citations": provenance["records_retrieved"]}
    assert SECRET not in out.out + out.err
    for path in (p for p in searched.rglob("*") if p.is_file()):
        assert SECRET.encode() not in path.read_bytes(), path

    # The draft build counts the citation records in PRISMA's other-methods arm and draws it.
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    built = subprocess.run([sys.executable, "-m", "reviewflow", "build", "--cores", "1", "--draft"], cwd=searched,
                           env=env, capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL)
    assert built.returncode == 0, built.stdout + built.stderr
    prisma = json.loads((searched / "results/prisma.json").read_text())
    other = prisma["other_methods"]
    assert other["identification"]["total"] == provenance["records_retrieved"]
    assert prisma["identification"]["total"] == 30
    works = other["identification"]["total"] - other["removed_before_screening"]["duplicates"]
    assert works == provenance["distinct_works"]  # the citation works are new to the PubMed set made of others
    assert other["awaiting"]["title_abstract"] + other["removed_before_screening"]["automation"] == works

    # A work dropped from the seed/direction list (the bytes untouched) stops the import.
    provenance["hits"] = provenance["hits"][1:]
    snapshot.with_name(snapshot.stem + ".provenance.json").write_text(json.dumps(provenance))
    assert _import(searched) == 1
    assert "its provenance lists" in capsys.readouterr().err


def test_without_an_other_methods_source_nothing_is_asked(
        searched: Path, openalex: FakeOpenAlex, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    monkeypatch.setenv("REVIEWFLOW_OPENALEX_URL", openalex.url)
    monkeypatch.chdir(searched)
    assert main(["citations"]) == 1
    assert "no source of the config reads data/raw/citations/citations-" in capsys.readouterr().err
    assert openalex.requests == []
    _add_citations_source(searched)
    config = searched / "config/review.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("    arm: other_methods\n", ""), encoding="utf-8")
    assert main(["citations"]) == 1
    assert "databases.citations.arm" in capsys.readouterr().err
    assert openalex.requests == []

"""The shipped review's search log is in the form `reviewflow search` runs: its PubMed query can be updated
through E-utilities (here a loopback server), the update is a new dated entry beside the reconstructed search, and
the import reconciles both."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest

from reviewflow.cli import main
from reviewflow.config import load_config
from reviewflow.importing.search_log import load_search_log
from reviewflow.search.run import SearchOptions, run_searches
from tests.conftest import PROJECT
from tests.search.fake_eutils import FakeEutils, make_index
from tests.search.loopback import serving


@pytest.fixture
def shipped(tmp_path: Path) -> Path:
    root = tmp_path / "cryoneurolysis"
    for part in ("config", "data"):
        shutil.copytree(PROJECT / part, root / part)
    return root


def test_the_shipped_pubmed_search_can_be_updated_and_imported(shipped: Path, templates: list[str],
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    [first] = load_search_log(shipped / "data/search_log.yaml")["searches"]["pubmed"]
    last_day = date.fromisoformat(first["date_searched"])
    # Six records entered one per day from two days before the shipped search's day: four on or after it.
    fake = FakeEutils(index=make_index(templates, 6, date.fromordinal(last_day.toordinal() - 2), per_day=1,
                                       first_pmid=41_000_000))
    with serving(fake):
        options = SearchOptions(base_url=fake.url, batch=3, environ={}, sleep=lambda _: None)
        [done] = run_searches(load_config(shipped / "config/review.yaml"), shipped, update=True,
                              today=date(2026, 12, 1), options=options)
    assert (done["count"], done["records"], done["full_count"]) == (4, 4, 6)
    assert fake.requests[0][1]["term"] == first["query"].strip()
    before, update = load_search_log(shipped / "data/search_log.yaml")["searches"]["pubmed"]
    assert before == first
    assert (update["date_searched"], update["hits_reported"]) == ("2026-12-01", 4)
    assert update["export_files"] == ["data/raw/pubmed/pubmed-2026-12-01.txt"]

    monkeypatch.chdir(shipped)
    assert main(["import", "--records", "results/records.csv", "--report", "results/import_report.json"]) == 0
    report = json.loads((shipped / "results/import_report.json").read_text())
    pubmed = [s for s in report["searches"] if s["database"] == "pubmed"]
    assert [s["records_imported"] for s in pubmed] == [first["hits_reported"], 4]

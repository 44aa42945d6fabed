"""The PRISMA-S search report: every search listed with its query verbatim and its counts as the search log and
the import give them, manual exports and frozen API searches (with an update), the shipped reconstructed log,
Markdown that a query or a cell holding `|` cannot break, and the same bytes on every run."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from reviewflow.cli import main
from reviewflow.config import load_config
from reviewflow.importing.search_log import load_search_log
from reviewflow.manuscript.shortcodes import expand_shortcodes
from reviewflow.project.scaffold import TEMPLATE_DIR, ReviewSpec, init_project
from reviewflow.report.prisma_s import ITEMS
from reviewflow.report.search_report import make_search_report
from reviewflow.report.tables import _remove_tables_not_made
from reviewflow.search.run import SearchOptions, run_searches
from reviewflow.search.snapshot import file_sha256
from reviewflow.tables import read_table
from tests.conftest import MEDLINE_TEXT, PROJECT, REPO, RIS_TEXT

PIPE_QUERY = 'cryo* | "nerve block" AND `pain`\n  OR {{< var x >}}'
UPDATE_RIS = ("TY  - JOUR\nTI  - Cryoneurolysis of the genicular nerves for knee pain: a cohort\nT2  - Pain\n"
              "PY  - 2023\nAU  - Grey, H.\nLA  - English\nER  - \n\n")


def _run(project: Path, monkeypatch: pytest.MonkeyPatch, *argv: str) -> None:
    monkeypatch.chdir(project)
    assert main(list(argv)) == 0


def _import_and_dedup(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The import and dedup stages as the workflow runs them, then the two PRISMA counts the report reads."""
    _run(project, monkeypatch, "import", "--records", "results/records.csv", "--report", "results/import_report.json")
    _run(project, monkeypatch, "dedup", "--records", "results/records.csv", "--works", "results/works.csv",
         "--pairs", "results/dedup_pairs.csv")
    records, works = read_table(project / "results/records.csv"), read_table(project / "results/works.csv")
    prisma = {"identification": {"total": len(records)},
              "removed_before_screening": {"duplicates": len(records) - len(works)}}
    (project / "results/prisma.json").write_text(json.dumps(prisma), encoding="utf-8")


def _report(project: Path, monkeypatch: pytest.MonkeyPatch, out: str = "results") -> tuple[str, dict[str, Any]]:
    _run(project, monkeypatch, "search-report", "--import-report", "results/import_report.json",
         "--prisma", "results/prisma.json", "--dedup-pairs", "results/dedup_pairs.csv",
         "--table", f"{out}/tables/search_report.md", "--out", f"{out}/prisma_s.json")
    text = (project / out / "tables/search_report.md").read_text(encoding="utf-8")
    return text, json.loads((project / out / "prisma_s.json").read_text(encoding="utf-8"))


def _item(data: dict[str, Any], number: int) -> dict[str, Any]:
    return next(item for item in data["checklist"] if item["item"] == number)


def _table_rows(text: str, label: str) -> list[str]:
    """The lines of the pipe table captioned with ``{#label}``."""
    block = text[:text.index("{#" + label + "}")].rstrip().rsplit("\n\n", 2)[-2]
    return block.splitlines()


def _unescaped_pipes(line: str) -> int:
    return len(re.findall(r"(?<!\\)\|", line))


@pytest.fixture
def manual_project(tmp_path: Path) -> Path:
    """`reviewflow init` with PubMed and Scopus; PubMed searched once, Scopus searched and then updated, all by
    hand, with the optional PRISMA-S fields partly filled in."""
    root = tmp_path / "review"
    init_project(root, ReviewSpec(title="Cryo", question="Does it help?", databases=["pubmed", "scopus"]))
    (root / "data/raw/pubmed/pubmed.txt").write_text(MEDLINE_TEXT, encoding="utf-8")
    (root / "data/raw/scopus/scopus-2024.ris").write_text(RIS_TEXT, encoding="utf-8")
    (root / "data/raw/scopus/scopus-2025.ris").write_text(UPDATE_RIS, encoding="utf-8")
    log = {
        "registries": "ClinicalTrials.gov, searched 2024-05-01 for cryoneurolysis",
        "peer_review": "PRESS review | by a second librarian",
        "searches": {
            "pubmed": {"database": "PubMed", "platform": "PubMed (NLM)", "date_searched": "2024-05-01",
                       "query": PIPE_QUERY + "\n", "limits": "English | humans", "filters": "Cochrane RCT filter",
                       "hits_reported": 4, "notes": "first line\nsecond line"},
            "scopus": [
                {"database": "Scopus", "platform": "Scopus (Elsevier)", "date_searched": "2024-05-01",
                 "query": "TITLE-ABS-KEY(cryo*)", "hits_reported": 3,
                 "export_files": ["data/raw/scopus/scopus-2024.ris"]},
                {"database": "Scopus", "platform": "Scopus (Elsevier)", "date_searched": "2025-02-01",
                 "query": "TITLE-ABS-KEY(cryo*) AND PUBYEAR > 2023", "hits_reported": 1,
                 "export_files": ["data/raw/scopus/scopus-2025.ris"]},
            ],
        },
    }
    (root / "data/search_log.yaml").write_text(yaml.safe_dump(log, sort_keys=False), encoding="utf-8")
    return root


def test_manual_searches_are_listed_with_their_queries_verbatim_and_their_counts(
        manual_project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _import_and_dedup(manual_project, monkeypatch)
    text, data = _report(manual_project, monkeypatch)
    log = load_search_log(manual_project / "data/search_log.yaml")
    imported = json.loads((manual_project / "results/import_report.json").read_text())["searches"]
    logged = [entry for db in ("pubmed", "scopus") for entry in log["searches"][db]]
    assert [(s["id"], s["search"], s["kind"]) for s in data["searches"]] == [
        ("pubmed", 1, "initial"), ("scopus", 1, "initial"), ("scopus", 2, "update")]
    for search, entry, row in zip(data["searches"], logged, imported, strict=True):
        assert search["query"] == entry["query"]
        assert (search["hits_reported"], search["records_imported"]) == (entry["hits_reported"],
                                                                          row["records_imported"])
        assert search["obtained"] == "manual export"
    # each query in its own code block, character for character (a shortcode escaped so it prints as written)
    assert "\n```\nTITLE-ABS-KEY(cryo*)\n```\n" in text
    assert "\n```\nTITLE-ABS-KEY(cryo*) AND PUBYEAR > 2023\n```\n" in text
    assert "\n```\n" + PIPE_QUERY.replace("{{< var x >}}", "{{{< var x >}}}") + "\n```\n" in text
    rows = _table_rows(text, "tbl-searches")
    assert rows[2:] == [
        "| PubMed | PubMed (NLM) | 2024-05-01 | Initial search | 4 | 4 | manual export: pubmed.txt |",
        "| Scopus | Scopus (Elsevier) | 2024-05-01 | Initial search | 3 | 3 | manual export: scopus-2024.ris |",
        "| Scopus | Scopus (Elsevier) | 2025-02-01 | Update 1 | 1 | 1 | manual export: scopus-2025.ris |",
        "| Total |  |  |  | 8 | 8 |  |"]
    assert data["totals"]["records_imported"] == 8 == sum(s["records_imported"] for s in data["searches"])


def test_cells_and_paragraphs_escape_pipes_and_flatten_line_breaks(manual_project: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    _import_and_dedup(manual_project, monkeypatch)
    text, _ = _report(manual_project, monkeypatch)
    assert r"*Limits:* English \| humans" in text and "*Notes:* first line second line" in text
    for label, columns in (("tbl-searches", 7), ("tbl-prisma-s", 4)):
        assert all(_unescaped_pipes(line) == columns + 1 for line in _table_rows(text, label))
    assert r"PRESS review \| by a second librarian" in text


def test_the_checklist_answers_every_item_from_the_data(manual_project: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    _import_and_dedup(manual_project, monkeypatch)
    _, data = _report(manual_project, monkeypatch)
    assert [(i["item"], i["name"]) for i in data["checklist"]] == [(n, name) for n, name, _ in ITEMS]
    assert len(ITEMS) == 16
    assert _item(data, 2)["answer"].startswith("2 databases (PubMed, Scopus)")
    assert _item(data, 3)["status"] == "reported"
    assert "ClinicalTrials.gov" in _item(data, 3)["answer"]
    assert _item(data, 6)["status"] == "not recorded" and _item(data, 6)["field"] == "contacts"
    assert "not recorded in the search log" in _item(data, 6)["answer"]
    assert _item(data, 10)["status"] == "partly reported" and "Cochrane RCT filter" in _item(data, 10)["answer"]
    assert _item(data, 9)["status"] == "partly reported" and "Scopus 2024-05-01" in _item(data, 9)["answer"]
    assert "Scopus on 2025-02-01 (update 1 of the search of 2024-05-01" in _item(data, 12)["answer"]
    assert "Scopus 2025-02-01" in _item(data, 13)["answer"] and "PubMed 2024-05-01" in _item(data, 13)["answer"]
    assert _item(data, 15)["answer"].startswith("8 records imported from the sources (PubMed 4; Scopus 4)")
    pairs = read_table(manual_project / "results/dedup_pairs.csv")
    assert data["deduplication"]["pairs_compared"] == len(pairs)
    assert data["totals"]["duplicates_removed"] == data["totals"]["records_identified"] - data["totals"][
        "unique_works"]


def test_a_shortcode_in_a_query_prints_as_logged(manual_project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _import_and_dedup(manual_project, monkeypatch)
    text, _ = _report(manual_project, monkeypatch)
    source = manual_project / "results/tables/search_report.md"
    assert "\n```\n" + PIPE_QUERY + "\n```\n" in expand_shortcodes(text, {}, source.parent, source)


def test_without_a_search_log_the_report_says_what_is_not_recorded(manual_project: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    config = manual_project / "config/review.yaml"
    config.write_text(config.read_text().replace("search_log: data/search_log.yaml", ""), encoding="utf-8")
    assert "search_log" not in load_config(config)
    _import_and_dedup(manual_project, monkeypatch)
    text, data = _report(manual_project, monkeypatch)
    assert data["searches"] == [] and data["search_log"] is None
    assert "| PubMed | not recorded | not recorded | not recorded | not recorded | 4 |" in text
    assert _item(data, 8)["status"] == "not recorded" and _item(data, 8)["field"] == "search_log"
    assert _item(data, 15)["answer"].startswith("8 records imported from the sources (PubMed 4; Scopus 4);")


def test_an_updated_review_marks_each_search_with_its_version(manual_project: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    config = manual_project / "config/review.yaml"
    config.write_text(config.read_text() + '\nupdate:\n  previous_version:\n    last_search: "2024-12-31"\n',
                      encoding="utf-8")
    _import_and_dedup(manual_project, monkeypatch)
    text, data = _report(manual_project, monkeypatch)
    assert [s["review_version"] for s in data["searches"]] == ["previous version", "previous version",
                                                               "this update"]
    assert "| Update 1, this update |" in text
    assert _item(data, 12)["answer"].startswith("this review updates a previous version whose last search was on "
                                                "2024-12-31; Scopus on 2025-02-01")


def test_two_runs_write_the_same_bytes(manual_project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _import_and_dedup(manual_project, monkeypatch)
    first = _report(manual_project, monkeypatch, "one")
    second = _report(manual_project, monkeypatch, "two")
    assert first == second
    for name in ("tables/search_report.md", "prisma_s.json"):
        assert (manual_project / "one" / name).read_bytes() == (manual_project / "two" / name).read_bytes()


def test_a_search_log_changed_after_the_import_is_refused(manual_project: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    _import_and_dedup(manual_project, monkeypatch)
    path = manual_project / "data/search_log.yaml"
    path.write_text(path.read_text().replace("2025-02-01", "2025-02-02"), encoding="utf-8")
    monkeypatch.chdir(manual_project)
    assert main(["search-report", "--import-report", "results/import_report.json", "--prisma", "results/prisma.json",
                 "--dedup-pairs", "results/dedup_pairs.csv", "--table", "t.md", "--out", "p.json"]) == 1
    assert not (manual_project / "t.md").exists()


@pytest.fixture
def eutils() -> Iterator[Any]:
    from tests.search.fake_eutils import FakeEutils, make_index, real_medline_records
    from tests.search.loopback import serving

    templates = real_medline_records()
    with serving(FakeEutils(index=make_index(templates, 12, date(2025, 1, 1), per_day=3))) as fake:
        fake.templates = templates
        yield fake


def test_an_api_search_and_its_update_report_their_snapshots(tmp_path: Path, eutils: Any,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.search.fake_eutils import make_index

    root = tmp_path / "review"
    init_project(root, ReviewSpec(title="Cryo", question="Does it help?", databases=["pubmed"]))
    config_path = root / "config/review.yaml"
    config_path.write_text(config_path.read_text().replace(
        'exports: ["data/raw/pubmed/*"]', 'exports: ["data/raw/pubmed/*"]\n    search: {api: pubmed}'))
    log_path = root / "data/search_log.yaml"
    log_path.write_text(log_path.read_text().replace("TODO: the full search strategy exactly as run",
                                                     "cryoneurolysis[tiab] OR cryoanalgesia[tiab]"))
    options = SearchOptions(base_url=eutils.url, batch=5, environ={}, sleep=lambda _: None)
    run_searches(load_config(config_path), root, today=date(2025, 1, 10), options=options)
    eutils.index += make_index(eutils.templates, 4, date(2025, 2, 1), per_day=2, first_pmid=41_000_000)
    run_searches(load_config(config_path), root, update=True, today=date(2025, 3, 1), options=options)
    _import_and_dedup(root, monkeypatch)
    text, data = _report(root, monkeypatch)

    first, update = data["searches"]
    for search in (first, update):
        [snapshot] = search["snapshots"]
        provenance = json.loads((root / search["export_files"][0].replace(".txt", ".provenance.json")).read_text())
        assert search["obtained"] == "api"
        assert snapshot["export_sha256"] == provenance["export"]["sha256"] == file_sha256(root / snapshot["file"])
        assert search["hits_reported"] == provenance["count_reported"] == search["records_imported"]
        assert snapshot["endpoint"] == eutils.url and snapshot["started_utc"] == provenance["started_utc"]
        assert f"sha256 {snapshot['export_sha256'][:12]}" in text
    # the log's literal block keeps its final newline; the query sent (provenance) is the same text
    assert first["query"] == update["query"] == "cryoneurolysis[tiab] OR cryoanalgesia[tiab]\n"
    assert update["snapshots"][0]["update_window"]["mindate"] == "2025-01-10"
    assert f"whole query {update['snapshots'][0]['full_count_reported']}" in text
    assert "limited to records of 2025-01-10 to 2025-03-01 by entry date" in _item(data, 12)["answer"]
    assert text.count("\n```\ncryoneurolysis[tiab] OR cryoanalgesia[tiab]\n```\n") == 2


def test_the_shipped_reconstructed_log_is_reported_as_committed(tmp_path: Path) -> None:
    config = load_config(PROJECT / "config/review.yaml")
    results = PROJECT / "results"
    data = make_search_report(config, results / "import_report.json", results / "prisma.json",
                              results / "dedup_pairs.csv", tmp_path / "search_report.md", tmp_path / "prisma_s.json",
                              root=PROJECT)
    assert (tmp_path / "search_report.md").read_bytes() == (results / "tables/search_report.md").read_bytes()
    assert (tmp_path / "prisma_s.json").read_bytes() == (results / "prisma_s.json").read_bytes()
    log = load_search_log(PROJECT / "data/search_log.yaml")
    text = (tmp_path / "search_report.md").read_text(encoding="utf-8")
    assert [s["id"] for s in data["searches"]] == list(config["databases"])
    for search in data["searches"]:
        [entry] = log["searches"][search["id"]]
        assert search["query"] == entry["query"] and "\n```\n" + entry["query"] in text
        assert search["hits_reported"] == entry["hits_reported"] == search["records_imported"]
        # the log says the searches are reconstructed; the report carries that to the reader
        assert entry["notes"].startswith("Reconstructed, not the review's own search")
        assert " ".join(entry["notes"].split()).replace("_", r"\_") in text
    manuscript = (PROJECT / "manuscript/index.qmd").read_text(encoding="utf-8")
    assert "{{< include ../results/tables/search_report.md >}}" in manuscript
    assert "The search log is reconstructed" in " ".join(manuscript.split())


def test_the_manuscripts_include_the_report_and_the_workflow_builds_it_first() -> None:
    for index in (PROJECT / "manuscript/index.qmd", TEMPLATE_DIR / "index.qmd"):
        assert "{{< include ../results/tables/search_report.md >}}" in index.read_text(encoding="utf-8")
    rules = REPO / "src/reviewflow/workflow/rules"
    assert "search_report=rules.search_report.output.table" in (rules / "manuscript.smk").read_text()
    assert 'table="results/tables/search_report.md"' in (rules / "report.smk").read_text()


def test_the_tables_stage_leaves_the_search_report_in_place(tmp_path: Path) -> None:
    config = load_config(PROJECT / "config/review.yaml")
    (tmp_path / "search_report.md").write_text("kept", encoding="utf-8")
    (tmp_path / "old_table.md").write_text("stale", encoding="utf-8")
    _remove_tables_not_made(config, tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["search_report.md"]


def test_registers_and_citation_searching_run_as_sources_answer_items_3_and_5() -> None:
    from reviewflow.report.prisma_s import checklist

    config = {"databases": {"pubmed": {"label": "PubMed"},
                            "ctgov": {"label": "ClinicalTrials.gov", "arm": "registers"},
                            "citations": {"label": "Citation searching", "arm": "other_methods"}},
              "eligibility": {"years": [2010, 2024], "languages": ["English"]}}
    base = {"kind": "initial", "search": 1, "snapshots": [], "limits": "none", "date_searched": "2026-01-05"}
    searches = [
        {**base, "id": "pubmed", "label": "PubMed", "database": "PubMed", "platform": "PubMed", "query": "a[tiab]",
         "hits_reported": 10},
        {**base, "id": "ctgov", "label": "ClinicalTrials.gov", "database": "ClinicalTrials.gov",
         "platform": "ClinicalTrials.gov", "query": "cryoneurolysis", "hits_reported": 3},
        {**base, "id": "citations", "label": "Citation searching", "database": "OpenAlex (citation searching)",
         "platform": "OpenAlex API", "query": "Backward and forward\n citation searching", "hits_reported": 7,
         "date_searched": "2026-02-01"},
    ]
    totals = {"records_per_database": {"pubmed": 10, "ctgov": 3, "citations": 7}, "hits_reported": 20,
              "records_imported": 20, "records_identified": 13, "duplicates_removed": 2, "unique_works": 18}
    dedup = {"duplicate_pairs_by_rule": {}, "pairs_compared": 0, "pairs_decided_by_person": 0, "pairs_awaiting": 0}
    items = {item["item"]: item for item in checklist(config, {"searches": {}}, searches, totals, dedup)}
    assert items[1]["answer"] == "PubMed on PubMed"
    assert items[2]["answer"].startswith("1 database (PubMed)")
    assert items[3]["status"] == "reported"
    assert items[3]["answer"] == "ClinicalTrials.gov on 2026-01-05: cryoneurolysis (3 records)"
    assert items[5]["answer"] == ("Citation searching on 2026-02-01: Backward and forward citation searching "
                                  "(7 records)")
    assert items[4]["status"] == "not recorded"

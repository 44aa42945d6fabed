"""End to end: an updated review. A first search of PubMed and Scopus is screened; a second dated Scopus search
brings one record of a work already identified and one new work; the build asks only for the new work, and once
it is decided prisma.json has the updated-review counts and the diagram is the updated-review template."""

from __future__ import annotations

import json
import re
import shutil
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

from tests.conftest import CONFIG_TEXT, MEDLINE_TEXT, RIS_TEXT
from tests.test_workflow import SNAKEMAKE, run
from tests.test_workflow_identity import read, screen_as_a_person, snakemake

UPDATE_RIS = textwrap.dedent(
    """\
    TY  - JOUR
    TI  - Cryoneurolysis for knee pain: a randomized trial
    T2  - Pain Medicine
    PY  - 2020
    AU  - Brown, D.
    LA  - English
    DB  - Scopus
    ER  -

    TY  - JOUR
    TI  - Cryoneurolysis of the genicular nerves for chronic knee pain after arthroplasty: a prospective cohort
    T2  - Regional Anesthesia and Pain Medicine
    PY  - 2023
    AU  - Garcia, H.
    LA  - English
    DB  - Scopus
    ER  -

    """
).replace("ER  -\n", "ER  - \n")  # Scopus writes a space after the ER tag
"""The Scopus update: the knee trial PubMed found in the first search, and one new study."""


def search(database: str, date: str, hits: int, files: list[str]) -> dict:
    return {"database": database, "platform": database, "date_searched": date, "query": "cryoneurolysis",
            "hits_reported": hits, "export_files": files}


def write_review(project: Path, *, update: bool) -> None:
    """Config and search log: the first search only, or with the Scopus update and the previous version's date."""
    config = yaml.safe_load(CONFIG_TEXT)
    config["search_log"] = "data/search_log.yaml"
    first_scopus = search("Scopus", "2024-05-02", 3, ["data/raw/scopus/scopus-2024.ris"])
    scopus = first_scopus
    if update:
        config["update"] = {"previous_version": {"last_search": "2024-06-30",
                                                 "citation": "Reviewer A. Cryoneurolysis: a review. 2024."}}
        scopus = [first_scopus, search("Scopus", "2025-02-01", 2, ["data/raw/scopus/scopus-2025.ris"])]
    log = {"searches": {"pubmed": search("PubMed", "2024-05-01", 4, ["data/raw/pubmed/pubmed.txt"]),
                        "scopus": scopus}}
    (project / "config/review.yaml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    (project / "data/search_log.yaml").write_text(yaml.safe_dump(log, sort_keys=False), encoding="utf-8")


@pytest.fixture
def first_review(project_copy: Path) -> Path:
    """The project with a first search of PubMed and Scopus, no decisions and no identity ledger yet."""
    for folder in ("data/raw", "data/screening", "data/extraction", "data/identity", "results"):
        shutil.rmtree(project_copy / folder, ignore_errors=True)
    for database, name, text in (("pubmed", "pubmed.txt", MEDLINE_TEXT), ("scopus", "scopus-2024.ris", RIS_TEXT)):
        (project_copy / "data/raw" / database).mkdir(parents=True)
        (project_copy / "data/raw" / database / name).write_text(text, encoding="utf-8")
    (project_copy / "data/screening").mkdir()
    (project_copy / "data/extraction").mkdir()
    (project_copy / "data/dedup/overrides.csv").write_text("record_id_a,record_id_b,decision,reason\n",
                                                           encoding="utf-8")
    write_review(project_copy, update=False)
    return project_copy


def extract_all_included(project: Path) -> None:
    """One extraction row per included work, as a reviewer would write them."""
    included = read(project / "results/screening.csv").query("final == 'included'")["work_id"]
    header = ("work_id,study_label,design,condition,pain_category,target_nerve,guidance,n_patients,comparator,"
              "follow_up,follow_up_months,pain_scale,pain_score_scale,pain_baseline,pain_followup,significant,"
              "adverse_events,outcome_summary\n")
    rows = [f"{w},Study {i},case_series,pain,,nerve,ultrasound,{i + 5},pre/post,3 months,,NRS,nrs,7,3,yes,," for i, w in
            enumerate(sorted(included))]
    (project / "data/extraction/studies.csv").write_text(header + "\n".join(rows) + "\n", encoding="utf-8")


def svg_text(path: Path) -> str:
    """The SVG's text lines (matplotlib writes text as paths and keeps each line as a comment)."""
    return " | ".join(c.replace("\u00a0", " ") for c in re.findall(r"<!-- (.*?) -->", path.read_text("utf-8")))


FIGURE = "results/figures/prisma_flow.svg"


def test_an_update_asks_only_for_new_works_and_draws_the_update_diagram(first_review: Path) -> None:
    project = first_review
    assert "4 work(s) have no title_abstract decision" in snakemake(project, "results/screening.csv").stderr
    screen_as_a_person(project, "title_abstract.csv")
    assert "3 work(s) have no full_text decision" in snakemake(project, "results/screening.csv").stderr
    screen_as_a_person(project, "full_text.csv")
    assert snakemake(project, "results/screening.csv").returncode == 0
    extract_all_included(project)
    first = snakemake(project, FIGURE)
    assert first.returncode == 0, first.stderr[-3000:]
    assert "update" not in json.loads((project / "results/prisma.json").read_text())
    assert "Previous studies" not in svg_text(project / FIGURE)
    knee = read(project / "results/works.csv").query("title.str.startswith('Cryoneurolysis for knee')")
    knee_id = knee["work_id"].item()

    # The update: a second dated Scopus search, with its own export file.
    (project / "data/raw/scopus/scopus-2025.ris").write_text(UPDATE_RIS, encoding="utf-8")
    write_review(project, update=True)
    update = snakemake(project, "results/screening.csv")
    awaiting = read(project / "results/awaiting_screening.csv")
    assert awaiting["title"].tolist() == [
        "Cryoneurolysis of the genicular nerves for chronic knee pain after arthroplasty: a prospective cohort"]
    assert "1 work(s) have no title_abstract decision" in update.stderr
    works = read(project / "results/works.csv").set_index("work_id")
    assert works.loc[knee_id, "n_members"] == "2", "the update's knee trial record joins the existing work"

    screen_as_a_person(project, "update_title_abstract.csv")
    assert "1 work(s) have no full_text decision" in snakemake(project, "results/screening.csv").stderr
    screen_as_a_person(project, "update_full_text.csv")
    assert snakemake(project, "results/screening.csv").returncode == 0
    extract_all_included(project)
    done = snakemake(project, FIGURE)
    assert done.returncode == 0, done.stderr[-3000:]

    prisma = json.loads((project / "results/prisma.json").read_text())
    assert (prisma["identification"]["total"], prisma["included"]) == (9, 4)
    up = prisma["update"]
    assert up["identification"] == {"databases": [{"id": "scopus", "label": "Scopus", "records": 2}], "total": 2}
    assert up["searches"] == [{"database": "scopus", "search": 2, "date_searched": "2025-02-01"}]
    assert up["removed_before_screening"] | {"automation_reasons": []} == {
        "duplicates": 1, "duplicates_of_previous": 1, "duplicates_within_update": 0, "automation": 0,
        "other": 0, "automation_reasons": [], "automation_overridden": 0, "excluded_by_rule": 0}
    assert (up["screened"], up["excluded_title_abstract"], up["sought_for_retrieval"]) == (1, 0, 1)
    assert (up["not_retrieved"], up["assessed_full_text"], up["excluded_full_text_total"]) == (0, 1, 0)
    assert (up["included"], up["reports_included"]) == (1, 1)
    assert (up["total_studies_included"], up["total_reports_included"]) == (4, 4)
    previous = up["previous_version"]
    assert (previous["records"], previous["works"], previous["studies_included"]) == (7, 6, 3)
    assert previous["last_search"] == "2024-06-30" and previous["citation"].startswith("Reviewer A.")
    numbers = json.loads((project / "results/numbers.json").read_text())
    assert numbers["prisma.update.database.scopus"]["value"] == 2
    assert numbers["prisma.previous.studies"]["value"] == 3
    assert numbers["prisma.update.total_included"]["value"] == 4

    text = svg_text(project / FIGURE)
    assert "Previous studies" in text and "Identification of new studies via databases and registers" in text
    assert "Studies included in previous version" in text and "of review | (n = 3) | Reports of" in text
    assert "Scopus (n = 2)" in text and "PubMed (n =" not in text
    assert "Duplicate records removed (n = 1)" in text
    assert "New studies included in review | (n = 1)" in text
    assert "Total studies included in review | (n = 4)" in text
    png = (project / "results/figures/prisma_flow.png").read_bytes()
    again = run([str(SNAKEMAKE), "--cores", "2", FIGURE, "--forcerun", "figures", "--quiet", "rules"], project)
    assert again.returncode == 0, again.stderr[-2000:]
    assert (project / "results/figures/prisma_flow.png").read_bytes() == png


def test_a_previous_version_dated_after_every_search_stops_the_import(first_review: Path) -> None:
    write_review(first_review, update=True)
    (first_review / "data/raw/scopus/scopus-2025.ris").write_text(UPDATE_RIS, encoding="utf-8")
    config = yaml.safe_load((first_review / "config/review.yaml").read_text())
    config["update"]["previous_version"]["last_search"] = "2025-12-31"
    (first_review / "config/review.yaml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    result = run([sys.executable, "-m", "reviewflow", "import", "--records", "r.csv", "--report", "r.json"],
                 first_review)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.splitlines()[0] == (
        "reviewflow import: error: config/review.yaml: no search in the search log is dated after 2025-12-31, so "
        "this update has no search; field 'update.previous_version.last_search'; expected a date before the "
        "update's searches (the latest search is 2025-02-01)")
    assert not (first_review / "r.csv").exists()

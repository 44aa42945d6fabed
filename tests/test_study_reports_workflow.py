"""End to end: a small review where a trial and its follow-up paper are both included, extracted as one study
with two reports; the studies table, the numbers, the PRISMA 2020 diagram and the included-studies table say so."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import GROUPED_CONFIG_TEXT, MEDLINE_TEXT, RIS_TEXT
from tests.test_workflow import snakemake

FOLLOW_UP = """\
PMID- 30000005
DP  - 2022
TI  - Genicular nerve freezing in knee osteoarthritis: outcomes two years after treatment.
AU  - Brown D
AU  - Lee K
AU  - Park J
LA  - eng
PT  - Journal Article
TA  - Pain Med
JT  - Pain medicine

"""
# The shipped form (its manuscript is rendered, so with its grouped synthesis) and the optional report_of.
HEADER = ("work_id,design,condition,pain_category,target_nerve,condition_group,nerve_group,guidance,device,n_patients,"
          "comparator,follow_up,follow_up_months,pain_scale,pain_score_scale,pain_baseline,pain_followup,significant,"
          "adverse_events,outcome_summary,report_of\n")


@pytest.fixture
def trial_review(project_copy: Path) -> Path:
    """The project with two tiny exports (the mini project's, plus the trial's follow-up paper), every work
    included except the intraoperative one."""
    for folder in ("data/raw", "data/screening", "data/extraction", "results"):
        shutil.rmtree(project_copy / folder)
    for database, name, text in (("pubmed", "pubmed.txt", MEDLINE_TEXT + FOLLOW_UP), ("scopus", "scopus.ris",
                                                                                       RIS_TEXT)):
        (project_copy / "data/raw" / database).mkdir(parents=True)
        (project_copy / "data/raw" / database / name).write_text(text, encoding="utf-8")
    (project_copy / "data/screening").mkdir()
    (project_copy / "data/extraction").mkdir()
    (project_copy / "config/review.yaml").write_text(GROUPED_CONFIG_TEXT, encoding="utf-8")
    (project_copy / "data/dedup/overrides.csv").write_text("record_id_a,record_id_b,decision,reason\n",
                                                           encoding="utf-8")
    return project_copy


def _decide(project: Path, stage: str) -> pd.DataFrame:
    awaiting = pd.read_csv(project / "results/awaiting_screening.csv", dtype=str, keep_default_na=False)
    decisions = awaiting.assign(reviewer="AB", decision="include", reason="")
    decisions.loc[awaiting["title"].str.startswith("Cryoablation of intercostal"), ["decision", "reason"]] = [
        "exclude", "intraoperative"]
    decisions.to_csv(project / f"data/screening/{stage}.csv", index=False)
    return awaiting


def test_a_trial_and_its_follow_up_are_one_study_with_two_reports(trial_review: Path) -> None:
    assert snakemake(trial_review).returncode != 0
    _decide(trial_review, "title_abstract")
    assert snakemake(trial_review).returncode != 0
    _decide(trial_review, "full_text")
    assert snakemake(trial_review).returncode != 0
    works = pd.read_csv(trial_review / "results/works.csv", dtype=str, keep_default_na=False).set_index("title")
    trial = works.loc["Cryoneurolysis for knee pain: a randomized trial.", "work_id"]
    follow_up = works.loc[works.index.str.startswith("Genicular nerve freezing"), "work_id"].item()
    others = sorted(set(pd.read_csv(trial_review / "results/awaiting_extraction.csv", dtype=str)["work_id"])
                    - {trial, follow_up})
    rows = [f"{trial},rct,knee pain,,,knee,knee_nerves,,,40,sham,6 months,6,VAS,vas10,6.5,3.5,yes,,,",
            f"{follow_up}{',' * 20}{trial}",
            *(f"{w},case_report,pain,,nerve,thoracic,intercostal,ultrasound,,1,,3 months,3,NRS,nrs,7,3,na,,,"
              for w in others)]
    (trial_review / "data/extraction/studies.csv").write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    built = snakemake(trial_review)
    assert built.returncode == 0, built.stderr

    studies = pd.read_csv(trial_review / "results/studies.csv", dtype=str, keep_default_na=False)
    assert len(studies) == 1 + len(others)
    row = studies.set_index("work_id").loc[trial]
    assert (row["study_label"], row["report_work_ids"]) == ("Brown (2020)", f"{trial}; {follow_up}")

    prisma = json.loads((trial_review / "results/prisma.json").read_text(encoding="utf-8"))
    assert (prisma["included"], prisma["included_reports"]) == (len(studies), len(studies) + 1)
    assert prisma["assessed_full_text"] == prisma["excluded_full_text_total"] + prisma["included_reports"]
    numbers = json.loads((trial_review / "results/numbers.json").read_text(encoding="utf-8"))
    assert numbers["prisma.included_reports"]["value"] == len(studies) + 1
    assert numbers["design.rct"]["value"] == 1  # the follow-up paper is no second trial

    lists = pd.read_csv(trial_review / "results/prisma_lists.csv", dtype=str, keep_default_na=False)
    boxes = lists.groupby("box")["work_id"].apply(set)
    assert boxes["prisma.included_reports"] - boxes["prisma.included"] == {follow_up}, "the box of studies"
    svg = (trial_review / "results/figures/prisma_flow.svg").read_text(encoding="utf-8")
    assert "Studies included in review" in svg and "Reports of included studies" in svg
    table = (trial_review / "results/tables/included_studies.md").read_text(encoding="utf-8")
    keys = [line.split("@")[1].split("]")[0] for line in table.splitlines() if line.startswith("| [Brown (2020)]")]
    assert len(keys) == 1
    cited = next(line for line in table.splitlines() if line.startswith("| [Brown (2020)]"))
    assert cited.startswith("| [Brown (2020)](#ref-Brown2020) [@Brown2022]"), cited
    bibliography = (trial_review / "manuscript/references.bib").read_text(encoding="utf-8")
    assert "@article{Brown2022," in bibliography and "outcomes two years after treatment" in bibliography

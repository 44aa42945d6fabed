"""Screening decisions, extraction checks and PRISMA arithmetic on a small project built in the test."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from reviewflow.config import load_config
from reviewflow.dedup.run import deduplicate
from reviewflow.errors import InputError, InvariantError
from reviewflow.extraction.sheet import check_extraction
from reviewflow.importing.exports import import_exports
from reviewflow.screening.decisions import read_decisions, resolve_screening
from reviewflow.screening.eligibility import apply_eligibility
from reviewflow.synthesis.numbers import compute_numbers, variables_yaml
from reviewflow.synthesis.prisma import check_prisma, compute_prisma

HEADER = "work_id,stage,reviewer,decision,reason,note\n"
EXTRACTION_HEADER = (
    "work_id,study_label,design,condition,pain_category,target_nerve,guidance,n_patients,comparator,follow_up,"
    "follow_up_months,pain_scale,pain_score_scale,pain_baseline,pain_followup,significant,adverse_events,"
    "outcome_summary\n"
)


class Review:
    """The mini project run up to screening, with helpers to write decision and extraction files."""

    def __init__(self, project: Path) -> None:
        self.project = project
        self.config = load_config(project / "config" / "review.yaml")
        self.records, self.report = import_exports(self.config, project)
        self.works = deduplicate(self.records, self.config).works
        self.auto = apply_eligibility(self.works, self.config)

    def work(self, title_start: str) -> str:
        return self.works.loc[self.works["title"].str.startswith(title_start), "work_id"].item()

    def decide(self, rows: list[str], name: str = "ta.csv") -> Path:
        path = self.project / "data" / "screening" / name
        path.write_text(HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
        return path

    def screen(self):
        decisions = read_decisions(sorted((self.project / "data/screening").glob("*.csv")), self.config)
        return resolve_screening(self.works, self.auto, decisions, self.config,
                                 self.project / "results" / "awaiting_screening.csv")

    def complete_decisions(self) -> None:
        shoulder, rct = self.work("Ultrasound-guided"), self.work("Cryoneurolysis for knee")
        phantom, surgery = self.work("Cryoneurolysis for phantom"), self.work("Cryoablation of intercostal")
        self.decide([
            f"{shoulder},title_abstract,AB,include,,", f"{shoulder},full_text,AB,include,,",
            f"{rct},title_abstract,AB,include,,", f"{rct},full_text,AB,include,,",
            f"{phantom},title_abstract,AB,include,,", f"{phantom},full_text,AB,exclude,no_statistics,",
            f"{surgery},title_abstract,AB,exclude,intraoperative,",
        ])


@pytest.fixture
def review(mini_project: Path) -> Review:
    return Review(mini_project)


def test_missing_decisions_stop_and_list_the_works(review: Review) -> None:
    with pytest.raises(InputError, match=r"4 work\(s\) have no title_abstract decision") as caught:
        review.screen()
    assert "data/screening/" in str(caught.value)
    awaiting = pd.read_csv(review.project / "results/awaiting_screening.csv", dtype=str)
    assert len(awaiting) == 4 and set(awaiting["stage"]) == {"title_abstract"}
    assert awaiting["title"].str.len().gt(0).all()


def test_complete_decisions_give_every_work_a_status(review: Review) -> None:
    review.complete_decisions()
    screening = review.screen()
    assert sorted(screening["final"]) == sorted(
        ["auto_excluded", "auto_excluded", "excluded_full_text", "excluded_title_abstract", "included",
         "included"])
    awaiting = pd.read_csv(review.project / "results/awaiting_screening.csv", dtype=str)
    assert awaiting.empty


def test_unknown_decision_code_names_file_line_and_field(review: Review) -> None:
    work = review.work("Cryoneurolysis for knee")
    review.decide([f"{work},title_abstract,AB,include,,", f"{work},full_text,AB,maybe,,"])
    with pytest.raises(InputError) as caught:
        review.screen()
    message = str(caught.value)
    assert "ta.csv:3" in message and "'maybe'" in message and "field 'decision'" in message
    assert "include, exclude, not_retrieved" in message


def test_decision_for_a_work_that_does_not_exist(review: Review) -> None:
    review.decide(["W000000000000,title_abstract,AB,include,,"])
    with pytest.raises(InputError, match=r"ta.csv:2: decision for a work that does not exist"):
        review.screen()


def test_exclusion_without_known_reason_is_refused(review: Review) -> None:
    work = review.work("Cryoneurolysis for knee")
    review.decide([f"{work},title_abstract,AB,exclude,too_boring,"])
    with pytest.raises(InputError, match=r"ta.csv:2: exclusion reason 'too_boring' is not in the vocabulary"):
        review.screen()


def test_disagreement_needs_consensus(review: Review) -> None:
    review.complete_decisions()
    work = review.work("Cryoneurolysis for knee")
    review.decide([f"{work},title_abstract,CD,exclude,other,"], name="second.csv")
    with pytest.raises(InputError, match="reviewers disagree"):
        review.screen()
    review.decide([f"{work},title_abstract,CD,exclude,other,", f"{work},title_abstract,consensus,include,,"],
                  name="second.csv")
    assert (review.screen()["final"] == "included").sum() == 2


def extract(review: Review, path: Path, screening: pd.DataFrame) -> pd.DataFrame:
    awaiting = review.project / "results/awaiting_extraction.csv"
    return check_extraction(path, screening, review.works, review.config, awaiting)


def _extraction(review: Review, rows: list[str]) -> Path:
    path = review.project / "data/extraction/studies.csv"
    path.write_text(EXTRACTION_HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def errors(review: Review) -> list[list[str]]:
    """results/extraction_errors.csv without its expected column: file name, line, study, field, value."""
    table = pd.read_csv(review.project / "results/extraction_errors.csv", dtype=str, keep_default_na=False)
    return [[Path(r.file).name, r.line, r.study, r.field, r.value] for r in table.itertuples()]


def test_extraction_needs_exactly_one_row_per_included_work(review: Review) -> None:
    review.complete_decisions()
    screening = review.screen()
    shoulder, rct = review.work("Ultrasound-guided"), review.work("Cryoneurolysis for knee")
    path = _extraction(review, [f"{shoulder},Smith 2015,case_series,shoulder pain,,,,3,,3 months,,NRS,nrs,7,3,na,,"])
    with pytest.raises(InputError, match=r"studies.csv: 1 problem\(s\) in the extraction sheet; "
                                         rf"record {rct}; field 'work_id'; expected a row for this included work"):
        extract(review, path, screening)
    assert errors(review) == [["studies.csv", "", rct, "work_id", ""]]
    path = _extraction(review, [
        f"{shoulder},Smith 2015,case_series,shoulder pain,,,,3,,3 months,,NRS,nrs,7,3,na,,",
        f"{rct},Brown 2020,cohort,knee pain,,,,40,sham,6 months,,VAS,vas10,6.5,3.5,yes,,",
    ])
    with pytest.raises(InputError, match=r"studies.csv:3: 1 problem\(s\).*field 'design'; expected one of rct"):
        extract(review, path, screening)
    path = _extraction(review, [
        f"{shoulder},Smith 2015,case_series,shoulder pain,,,,three,,3 months,,NRS,nrs,7,3,na,,",
        f"{rct},Brown 2020,rct,knee pain,,,,40,sham,6 months,,VAS,vas10,6.5,3.5,yes,,",
        f"{shoulder},Smith 2015,case_series,shoulder pain,,,,3,,3 months,,NRS,nrs,7,3,na,,",
    ])
    # The typed study_label column of an old sheet is ignored (labels are generated), so it is no problem.
    with pytest.raises(InputError, match=r"studies.csv:2: 3 problem\(s\).*field 'n_patients'"):
        extract(review, path, screening)
    assert errors(review) == [["studies.csv", "2", shoulder, "n_patients", "three"],
                              ["studies.csv", "2", shoulder, "work_id", shoulder],
                              ["studies.csv", "4", shoulder, "work_id", shoulder]]
    table = pd.read_csv(review.project / "results/extraction_errors.csv", dtype=str, keep_default_na=False)
    assert table.loc[table["field"] == "work_id", "expected"].str.startswith("a value no other row").all()



def test_prisma_and_numbers_balance_on_the_small_review(review: Review) -> None:
    review.complete_decisions()
    screening = review.screen()
    shoulder, rct = review.work("Ultrasound-guided"), review.work("Cryoneurolysis for knee")
    path = _extraction(review, [
        f"{shoulder},Smith 2015,case_series,shoulder pain,,,,3,,3 months,,NRS,nrs,7,3,na,,",
        f"{rct},Brown 2020,rct,knee pain,,,,40,sham,6 months,,VAS,vas10,6.5,3.5,yes,,",
    ])
    studies = extract(review, path, screening)
    prisma = compute_prisma(review.report, review.works, review.auto, screening, review.config)
    assert prisma["identification"]["total"] == 7
    assert prisma["removed_before_screening"]["duplicates"] == 1
    assert prisma["removed_before_screening"]["automation"] == 2
    assert (prisma["screened"], prisma["excluded_title_abstract"], prisma["assessed_full_text"]) == (4, 1, 3)
    assert prisma["excluded_full_text"] == [{"reason": "no_statistics", "count": 1,
                                             "label": "No statistical analysis (not a case report)"}]
    assert prisma["included"] == 2
    numbers = compute_numbers(prisma, studies, review.config)
    assert numbers["field.n_patients.total"]["value"] == 43
    assert numbers["group.case_report_or_series.n"]["value"] == 1
    assert numbers["change.pain.median_decrease"]["value"] == "3.5"
    assert numbers["change.pain.median"]["value"] == "-3.5"
    assert "included: 2" in variables_yaml(numbers)
    assert not any(name.startswith("dedup.") for name in numbers)

    pairs = pd.DataFrame({"rule": ["doi", "title_authors", "override_different", "override_same", "similar_title",
                                   "cluster_doi_conflict", "year"],
                          "verdict": ["duplicate", "duplicate", "not", "duplicate", "review", "not", "not"]})
    dedup = {name: item["value"] for name, item in compute_numbers(prisma, studies, review.config, pairs).items()
             if name.startswith("dedup.")}
    assert dedup == {"dedup.pairs_compared": 7, "dedup.pairs_merged": 2, "dedup.pairs_by_person": 2,
                     "dedup.pairs_by_person_different": 1, "dedup.pairs_awaiting": 1}


def test_unbalanced_prisma_is_caught() -> None:
    prisma = {
        "identification": {"databases": [{"id": "a", "label": "A", "records": 10}], "total": 10},
        "removed_before_screening": {"duplicates": 2, "automation": 0, "other": 0, "automation_reasons": []},
        "screened": 8, "excluded_title_abstract": 5, "sought_for_retrieval": 3, "not_retrieved": 0,
        "assessed_full_text": 3, "excluded_full_text": [{"reason": "x", "label": "X", "count": 1}],
        "excluded_full_text_total": 1, "included": 1,
    }
    with pytest.raises(InvariantError, match=r"assessed = excluded at full text \+ included reports: 3 != 2"):
        check_prisma(prisma)

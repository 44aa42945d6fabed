"""Further reports of a study in the extraction sheet (``report_of``): how they are checked and counted."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from reviewflow.errors import InputError, InvariantError
from reviewflow.extraction.reports import further_reports, report_ids
from reviewflow.extraction.sheet import check_extraction
from reviewflow.report.figures.prisma_counts import validate_prisma
from reviewflow.screening.decisions import read_decisions, resolve_screening
from reviewflow.synthesis.draft import awaiting_counts
from reviewflow.synthesis.numbers import compute_numbers
from reviewflow.synthesis.prisma import check_prisma, compute_prisma
from tests.test_screening_extraction import Review, extract

HEADER = ("work_id,design,condition,pain_category,target_nerve,guidance,n_patients,comparator,follow_up,"
          "follow_up_months,pain_scale,pain_score_scale,pain_baseline,pain_followup,significant,adverse_events,"
          "outcome_summary,report_of\n")
EMPTY = "," * 16


@pytest.fixture
def review(mini_project: Path) -> Review:
    """Shoulder series, knee trial and phantom-limb study all included (the phantom-limb work stands in for a
    further report of the trial)."""
    review = Review(mini_project)
    rows = [f"{review.work(start)},{stage},AB,include,,"
            for start in ("Ultrasound-guided", "Cryoneurolysis for knee", "Cryoneurolysis for phantom")
            for stage in ("title_abstract", "full_text")]
    rows.append(f"{review.work('Cryoablation of intercostal')},title_abstract,AB,exclude,intraoperative,")
    review.decide(rows)
    return review


def ids(review: Review) -> tuple[str, str, str]:
    return (review.work("Ultrasound-guided"), review.work("Cryoneurolysis for knee"),
            review.work("Cryoneurolysis for phantom"))


def sheet(review: Review, rows: list[str]) -> Path:
    path = review.project / "data/extraction/studies.csv"
    path.write_text(HEADER + "".join(row + "\n" for row in rows), encoding="utf-8")
    return path


def study(work_id: str, design: str = "rct") -> str:
    patients = 4 if design == "case_series" else 40  # a case series has at most 10 (the shipped form's rule)
    return f"{work_id},{design},knee pain,,,,{patients},sham,6 months,6,VAS,vas10,6.5,3.5,yes,,,"


def test_a_further_report_joins_its_study(review: Review) -> None:
    shoulder, trial, follow_up = ids(review)
    screening = review.screen()
    studies = extract(review, sheet(review, [study(shoulder, "case_series"), study(trial),
                                             f"{follow_up}{EMPTY},{trial}"]), screening)
    assert studies["work_id"].tolist() == sorted([shoulder, trial])
    reports = studies.set_index("work_id")["report_work_ids"]
    assert reports[trial] == f"{trial}; {follow_up}" and reports[shoulder] == shoulder
    assert list(studies.columns[:4]) == ["work_id", "study_label", "report_work_ids", "design"]
    assert report_ids(studies) == {shoulder: shoulder, trial: trial, follow_up: trial}
    assert further_reports(studies) == {follow_up}

    prisma = compute_prisma(review.report, review.works, review.auto, screening, review.config,
                            further=further_reports(studies))
    assert (prisma["assessed_full_text"], prisma["included"], prisma["included_reports"]) == (3, 2, 3)
    numbers = compute_numbers(prisma, studies, review.config)
    assert (numbers["prisma.included"]["value"], numbers["prisma.included_reports"]["value"]) == (2, 3)
    assert validate_prisma(prisma).included_reports == 3


def test_the_flow_balances_on_reports_not_studies(review: Review) -> None:
    shoulder, trial, follow_up = ids(review)
    screening = review.screen()
    prisma = compute_prisma(review.report, review.works, review.auto, screening, review.config,
                            further={follow_up})
    prisma["included_reports"] = prisma["included"]  # a count that forgets the follow-up paper
    with pytest.raises(InvariantError, match=r"assessed = excluded at full text \+ included reports: 3 != 2"):
        check_prisma(prisma)
    with pytest.raises(ValueError, match=r"assessed_full_text = excluded_full_text_total \+ included_reports"):
        validate_prisma(prisma)


def test_in_a_draft_a_further_report_is_not_awaiting_extraction(review: Review) -> None:
    shoulder, trial, follow_up = ids(review)
    studies = pd.DataFrame({"work_id": [trial], "report_work_ids": [f"{trial}; {follow_up}"]})
    assert awaiting_counts(review.screen(), studies)["extraction"] == 1  # the shoulder series only


@pytest.mark.parametrize(("rows", "message"), [
    (lambda s, t, f: [study(s), study(t), f"{f}{EMPTY},{f}"],
     r"studies.csv:4: report_of names (W\w+), which is itself a further report; record \1; field 'report_of'"),
    (lambda s, t, f: [study(s), f"{t}{EMPTY},{f}", f"{f}{EMPTY},{t}"],
     r"studies.csv:3: report_of names W\w+, which is itself a further report"),
    (lambda s, t, f: [study(s), study(t), f"{f}{EMPTY},W000000000000"],
     r"studies.csv:4: report_of names W000000000000, which has no extraction row of its own"),
    (lambda s, t, f: [study(s), study(t), f"{f},rct{EMPTY[1:]},{t}"],
     r"studies.csv:4: a further report \(report_of W\w+\) has values in design; .*field 'design'; expected only "
     r"work_id and report_of"),
    (lambda s, t, f: [study(s), study(t), study(f), f"{f}{EMPTY},{t}"],
     r"studies.csv:5: work W\w+ has both a row of its own and a report_of row"),
])
def test_bad_links_name_file_line_record_and_field(review: Review, rows, message: str) -> None:
    screening = review.screen()
    with pytest.raises(InputError, match=message):
        extract(review, sheet(review, rows(*ids(review))), screening)


def test_the_main_work_must_be_included(review: Review) -> None:
    shoulder, trial, follow_up = ids(review)
    surgery = review.work("Cryoablation of intercostal")
    screening = review.screen()
    with pytest.raises(InputError, match=r"studies.csv:3: 1 problem.*record W\w+; field 'work_id'; "
                                         r"expected rows only for works whose final status"):
        extract(review, sheet(review, [study(shoulder), study(surgery), study(trial), f"{follow_up}{EMPTY},{trial}"]),
                screening)
    with pytest.raises(InputError, match=r"studies.csv:4: report_of names W\w+, which has no extraction row"):
        extract(review, sheet(review, [study(shoulder), study(trial), f"{follow_up}{EMPTY},{surgery}"]), screening)


def test_a_draft_leaves_out_a_further_report_whose_main_work_awaits(review: Review) -> None:
    shoulder, trial, follow_up = ids(review)
    review.decide([f"{w},{stage},AB,include,,"
                   for w in (shoulder, follow_up) for stage in ("title_abstract", "full_text")]
                  + [f"{trial},title_abstract,AB,include,,",
                     f"{review.work('Cryoablation of intercostal')},title_abstract,AB,exclude,intraoperative,"])
    decisions = read_decisions(sorted((review.project / "data/screening").glob("*.csv")), review.config)
    screening = resolve_screening(review.works, review.auto, decisions, review.config,
                                  review.project / "results/awaiting_screening.csv", draft=True)
    path = sheet(review, [study(shoulder), study(trial), f"{follow_up}{EMPTY},{trial}"])
    studies = check_extraction(path, screening, review.works, review.config,
                               review.project / "results/awaiting_extraction.csv", draft=True)
    assert studies["work_id"].tolist() == [shoulder]  # the trial awaits full text, so its follow-up waits too
    assert awaiting_counts(screening, studies)["extraction"] == 1

"""Draft accounting: screening and extraction that do not stop, the PRISMA arithmetic with awaiting terms, the note
on every page of a draft, and a final stage refusing a draft's results."""

from __future__ import annotations

import copy
from pathlib import Path

import pandas as pd
import pytest

from reviewflow.errors import InputError, InvariantError
from reviewflow.extraction.sheet import check_extraction
from reviewflow.report.tables import design_table
from reviewflow.screening.decisions import read_decisions, resolve_screening
from reviewflow.synthesis.draft import draft_note, refuse_draft_results
from reviewflow.synthesis.groups import design_group_counts
from reviewflow.synthesis.numbers import compute_numbers, variables_yaml
from reviewflow.synthesis.prisma import check_prisma, compute_prisma
from tests.test_screening_extraction import Review, _extraction


@pytest.fixture
def review(mini_project: Path) -> Review:
    return Review(mini_project)


def draft_screen(review: Review) -> pd.DataFrame:
    decisions = read_decisions(sorted((review.project / "data/screening").glob("*.csv")), review.config)
    return resolve_screening(review.works, review.auto, decisions, review.config,
                             review.project / "results/awaiting_screening.csv", draft=True)


def draft_extract(review: Review, path: Path, screening: pd.DataFrame) -> pd.DataFrame:
    return check_extraction(path, screening, review.works, review.config,
                            review.project / "results/awaiting_extraction.csv", draft=True)


def test_a_draft_with_no_decisions_counts_every_work_as_awaiting_screening(review: Review) -> None:
    screening = draft_screen(review)
    assert (screening["final"] == "awaiting_title_abstract").sum() == 4
    awaiting = pd.read_csv(review.project / "results/awaiting_screening.csv", dtype=str, keep_default_na=False)
    assert len(awaiting) == 4, "the sheet to fill in is written in a draft too"
    studies = draft_extract(review, review.project / "data/extraction/studies.csv", screening)
    assert studies.empty
    prisma = compute_prisma(review.report, review.works, review.auto, screening, review.config, studies=studies)
    assert prisma["awaiting"] == {"title_abstract": 4, "full_text": 0, "extraction": 0}
    assert (prisma["screened"], prisma["sought_for_retrieval"], prisma["included"]) == (4, 0, 0)
    numbers = compute_numbers(prisma, studies, review.config)
    assert numbers["prisma.awaiting.title_abstract"]["value"] == 4
    assert numbers["field.n_patients.median"]["value"] == "NA"  # computed from what there is: no study yet
    assert "awaiting:" in variables_yaml(numbers)
    assert draft_note(prisma) == "DRAFT: 4 works await title/abstract screening \u2014 not for citation"


def test_a_part_screened_draft_balances_with_the_awaiting_terms(review: Review) -> None:
    shoulder, rct = review.work("Ultrasound-guided"), review.work("Cryoneurolysis for knee")
    surgery = review.work("Cryoablation of intercostal")
    review.decide([f"{shoulder},title_abstract,AB,include,,", f"{shoulder},full_text,AB,include,,",
                   f"{rct},title_abstract,AB,include,,", f"{rct},full_text,AB,include,,",
                   f"{surgery},title_abstract,AB,exclude,intraoperative,"])
    phantom = review.work("Cryoneurolysis for phantom")
    review.decide([f"{phantom},title_abstract,AB,include,,"], name="ta2.csv")
    screening = draft_screen(review)
    row = screening.set_index("work_id").loc[phantom]
    assert (row["title_abstract"], row["final"]) == ("include", "awaiting_full_text")
    path = _extraction(review, [f"{shoulder},Smith 2015,case_series,shoulder pain,,,,3,,3 months,,NRS,nrs,7,3,na,,"])
    studies = draft_extract(review, path, screening)
    assert studies["work_id"].tolist() == [shoulder]
    awaiting = pd.read_csv(review.project / "results/awaiting_extraction.csv", dtype=str, keep_default_na=False)
    assert awaiting["work_id"].tolist() == [rct]
    prisma = compute_prisma(review.report, review.works, review.auto, screening, review.config, studies=studies)
    assert prisma["awaiting"] == {"title_abstract": 0, "full_text": 1, "extraction": 1}
    assert (prisma["screened"], prisma["excluded_title_abstract"], prisma["sought_for_retrieval"]) == (4, 1, 3)
    assert (prisma["not_retrieved"], prisma["assessed_full_text"], prisma["included"]) == (0, 2, 2)
    assert draft_note(prisma) == ("DRAFT: 1 work awaits full-text assessment, 1 await extraction \u2014 "
                                  "not for citation")

    broken = copy.deepcopy(prisma)
    broken["awaiting"]["full_text"] = 0
    with pytest.raises(InvariantError, match=r"sought = not retrieved \+ assessed \+ awaiting full-text "
                                             r"assessment: 3 != 2"):
        check_prisma(broken)
    with pytest.raises(InvariantError, match=r"included = extracted \+ awaiting extraction: 2 != 3"):
        check_prisma(prisma, extracted=2)


def test_final_stages_refuse_a_drafts_screening(review: Review) -> None:
    screening = draft_screen(review)
    with pytest.raises(InvariantError, match="works awaiting a decision"):
        compute_prisma(review.report, review.works, review.auto, screening, review.config)
    path = review.project / "results/screening.csv"
    with pytest.raises(InputError, match=r"results/screening.csv:\d+: 4 work\(s\) have a draft status"):
        refuse_draft_results(screening.reset_index(drop=True), path)
    with pytest.raises(InputError, match="field 'final'; expected a screening file written by a final build"):
        check_extraction(review.project / "data/extraction/studies.csv", screening, review.works, review.config,
                         review.project / "results/awaiting_extraction.csv", screening_path=path)


def test_without_a_draft_missing_decisions_still_stop(review: Review) -> None:
    with pytest.raises(InputError, match=r"4 work\(s\) have no title_abstract decision yet"):
        review.screen()


def test_a_draft_leaves_out_rows_extracted_ahead_of_a_pending_decision(review: Review) -> None:
    """A team often extracts before the full-text decisions are all written down; the draft must still build."""
    shoulder, phantom = review.work("Ultrasound-guided"), review.work("Cryoneurolysis for phantom")
    review.decide([f"{shoulder},title_abstract,AB,include,,", f"{shoulder},full_text,AB,include,,",
                   f"{phantom},title_abstract,AB,include,,"])
    screening = draft_screen(review)
    assert screening.set_index("work_id").at[phantom, "final"] == "awaiting_full_text"
    path = _extraction(review, [f"{shoulder},Smith 2015,case_series,shoulder pain,,,,3,,3 months,,NRS,nrs,7,3,na,,",
                                f"{phantom},Lee 2019,case_report,phantom pain,,,,1,,1 month,,NRS,nrs,8,2,na,,"])
    assert draft_extract(review, path, screening)["work_id"].tolist() == [shoulder]


def test_design_groups_of_a_draft_add_up_to_the_included_works(review: Review, tmp_path: Path) -> None:
    """Works awaiting extraction have no design yet: a draft counts them as a group of their own (a number, a
    row of the designs table and a bar of the design figure), and a final build has no such group."""
    shoulder, knee = review.work("Ultrasound-guided"), review.work("Cryoneurolysis for knee")
    review.complete_decisions()
    screening = draft_screen(review)
    path = _extraction(review, [f"{shoulder},Smith 2015,case_series,shoulder pain,,,,3,,3 months,,NRS,nrs,7,3,na,,"])
    studies = draft_extract(review, path, screening)
    prisma = compute_prisma(review.report, review.works, review.auto, screening, review.config, studies=studies)
    numbers = {name: item["value"] for name, item in compute_numbers(prisma, studies, review.config).items()}
    groups = [name for name in numbers if name.startswith("group.") and name.endswith(".n")]
    assert numbers["group.awaiting_extraction.n"] == 1
    assert numbers["group.awaiting_extraction.pct"] == "50.0"
    assert sum(numbers[name] for name in groups) == numbers["prisma.included"] == 2

    table = design_table(studies, review.config, prisma)
    assert "| Awaiting extraction | 1 | 50.0 | NR |" in table
    assert "| Total | 2 | 100.0 | 55 |" in table
    counts = design_group_counts(studies["design"].tolist(), review.config, prisma)
    assert counts[-1] == ("awaiting_extraction", "Awaiting extraction", 1)

    path = _extraction(review, [f"{shoulder},Smith 2015,case_series,shoulder pain,,,,3,,3 months,,NRS,nrs,7,3,na,,",
                                f"{knee},Brown 2020,rct,knee pain,,,,40,sham,6 months,,VAS,vas10,6.5,3.5,yes,,"])
    final_screening = review.screen()
    final_studies = check_extraction(path, final_screening, review.works, review.config, tmp_path / "awaiting.csv")
    final = compute_prisma(review.report, review.works, review.auto, final_screening, review.config)
    final_numbers = compute_numbers(final, final_studies, review.config)
    assert "group.awaiting_extraction.n" not in final_numbers
    assert "Awaiting extraction" not in design_table(final_studies, review.config, final)

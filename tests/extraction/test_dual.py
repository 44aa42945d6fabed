"""Two extractors, one sheet each: agreement in normal form passes, a disagreement is listed and stops (a draft
leaves the study out), a consensus row settles it, and a folder holds either one sheet or per-extractor sheets."""

from __future__ import annotations

from pathlib import Path

import pytest

from reviewflow.errors import InputError
from tests.extraction.sheet_helpers import conflicts, errors, extract, good_rows, works, write_sheet
from tests.test_screening_extraction import Review


@pytest.fixture
def review(mini_project: Path) -> Review:
    review = Review(mini_project)
    review.complete_decisions()
    return review


def sheet(review: Review) -> Path:
    return review.project / "data/extraction/studies.csv"


def test_extractors_who_agree_in_normal_form_need_no_consensus(review: Review) -> None:
    write_sheet(review, good_rows(review), "anna.csv")
    write_sheet(review, good_rows(review, shoulder={"follow_up_months": "3", "significant": "YES",
                                                    "condition": "Shoulder  pain"}), "ben.csv")
    studies = extract(review, sheet(review))
    assert sorted(studies["work_id"]) == sorted([works(review)["shoulder"], works(review)["knee"]])
    assert conflicts(review).empty and errors(review).empty


def test_a_disagreement_is_listed_and_stops_until_a_consensus_row_settles_it(review: Review) -> None:
    ids = works(review)
    anna = write_sheet(review, good_rows(review), "anna.csv")
    ben = write_sheet(review, good_rows(review, knee={"n_patients": "41", "pain_followup": "30"}), "ben.csv")
    with pytest.raises(InputError, match=r"extractors disagree on 1 study\(ies\) \(first: n_patients "
                                         r"anna: '40', ben: '41'\)") as stop:
        extract(review, sheet(review))
    assert f"record {ids['knee']}" in str(stop.value) and "consensus.csv" in str(stop.value)
    table = conflicts(review)
    assert table[["work_id", "field", "extractor", "value", "file", "line"]].values.tolist() == [
        [ids["knee"], "n_patients", "anna", "40", str(anna), "3"],
        [ids["knee"], "n_patients", "ben", "41", str(ben), "3"],
        [ids["knee"], "pain_followup", "anna", "35", str(anna), "3"],
        [ids["knee"], "pain_followup", "ben", "30", str(ben), "3"],
    ]

    draft = extract(review, sheet(review), draft=True)
    assert draft["work_id"].tolist() == [ids["shoulder"]], "a draft leaves the disputed study out"

    agreed = good_rows(review, knee={"n_patients": "41"})[1:]
    write_sheet(review, agreed, "consensus.csv")
    studies = extract(review, sheet(review)).set_index("work_id")
    assert studies.loc[ids["knee"], ["n_patients", "pain_followup"]].tolist() == ["41", "35"]
    assert len(studies) == 2 and conflicts(review).empty


def test_a_study_only_one_extractor_did_is_taken_as_written(review: Review) -> None:
    rows = good_rows(review)
    write_sheet(review, rows, "anna.csv")
    write_sheet(review, rows[:1], "ben.csv")
    assert len(extract(review, sheet(review))) == 2


def test_problems_name_the_extractors_sheet_and_a_missing_study_the_folder(review: Review) -> None:
    ids = works(review)
    anna = write_sheet(review, good_rows(review, shoulder={"n_patients": "30"})[:1], "anna.csv")
    write_sheet(review, good_rows(review)[:1], "ben.csv")
    with pytest.raises(InputError, match=r"2 problem\(s\) in the extraction sheets"):
        extract(review, sheet(review))
    table = errors(review)
    assert table[["file", "line", "study", "field"]].values.tolist() == [
        [str(sheet(review).parent), "", ids["knee"], "work_id"],
        [str(anna), "2", ids["shoulder"], "n_patients"],
    ]


def test_one_sheet_or_per_extractor_sheets_not_both(review: Review) -> None:
    write_sheet(review, good_rows(review))
    write_sheet(review, good_rows(review), "anna.csv")
    with pytest.raises(InputError, match="both a single extraction sheet and per-extractor sheets") as stop:
        extract(review, sheet(review))
    assert "anna.csv" in str(stop.value)

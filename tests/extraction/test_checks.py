"""The extraction stage's checks on the shipped form: each fires on a small bad sheet and passes on a good one, and
all problems of a run land in one table (results/extraction_errors.csv) behind one error."""

from __future__ import annotations

from pathlib import Path

import pytest

from reviewflow.errors import InputError
from tests.extraction.sheet_helpers import errors, extract, good_rows, works, write_sheet
from tests.test_screening_extraction import Review


@pytest.fixture
def review(mini_project: Path) -> Review:
    review = Review(mini_project)
    review.complete_decisions()
    return review


def only_problem(review: Review, **changes: dict[str, str]) -> dict[str, str]:
    """The one problem a sheet with the good rows, changed as given, has; the build stops naming the table."""
    write_sheet(review, good_rows(review, **changes))
    with pytest.raises(InputError, match=r"1 problem\(s\) in the extraction sheet") as stop:
        extract(review)
    assert "extraction_errors.csv" in (stop.value.hint or "")
    table = errors(review)
    assert len(table) == 1, table.to_dict("records")
    return table.iloc[0].to_dict()


def test_good_rows_pass_and_are_normalised(review: Review) -> None:
    write_sheet(review, good_rows(review))
    studies = extract(review)
    assert studies.set_index("work_id").loc[works(review)["shoulder"], "follow_up_months"] == "3"
    assert errors(review).empty, "a clean sheet leaves a header-only table"


@pytest.mark.parametrize("text", ["6 months (150 days)", "up to >52 months", "3-6 months", "about 14 weeks"])
def test_follow_up_as_prose_is_refused_with_what_to_write(review: Review, text: str) -> None:
    problem = only_problem(review, knee={"follow_up_months": text})
    assert (problem["field"], problem["value"], problem["line"]) == ("follow_up_months", text, "3")
    assert problem["study"] == works(review)["knee"]
    assert "a duration in months" in problem["expected"] and "not a range" in problem["expected"]


def test_follow_up_in_days_or_weeks_becomes_months(review: Review) -> None:
    write_sheet(review, good_rows(review, shoulder={"follow_up_months": "170 days"},
                                  knee={"follow_up_months": "18 weeks"}))
    studies, ids = extract(review).set_index("work_id"), works(review)
    assert studies.loc[[ids["shoulder"], ids["knee"]], "follow_up_months"].tolist() == ["5.59", "4.14"]


def test_a_score_outside_its_scale_is_refused(review: Review) -> None:
    # 65 and 35 are fine on a 0-100 VAS (the good knee row) but not on a 0-10 NRS.
    write_sheet(review, good_rows(review, knee={"pain_score_scale": "nrs"}))
    with pytest.raises(InputError, match=r"2 problem\(s\)"):
        extract(review)
    table = errors(review)
    assert table["field"].tolist() == ["pain_baseline", "pain_followup"]
    assert table["expected"].str.startswith("from 0 to 10 on NRS 0-10 (scale nrs)").all()


def test_a_score_needs_its_scale(review: Review) -> None:
    write_sheet(review, good_rows(review, shoulder={"pain_score_scale": "", "pain_followup": ""}))
    with pytest.raises(InputError, match=r"1 problem\(s\).*field 'pain_score_scale'"):
        extract(review)
    assert "required when pain_baseline is filled in" in errors(review).at[0, "expected"]
    write_sheet(review, good_rows(review, shoulder={"pain_score_scale": "", "pain_baseline": "",
                                                    "pain_followup": ""}))
    assert len(extract(review)) == 2, "no score, no scale needed"


def test_a_scale_without_a_range_checks_only_the_fields_bounds(review: Review) -> None:
    write_sheet(review, good_rows(review, knee={"pain_score_scale": "not_stated"}))
    assert len(extract(review)) == 2


@pytest.mark.parametrize(("changes", "field", "because"), [
    ({"shoulder": {"design": "case_report", "n_patients": "12", "comparator": "none", "significant": "na"}},
     "n_patients", "a case report describes one patient"),
    ({"shoulder": {"n_patients": "30"}}, "n_patients", "at most 10 where design is case_series"),
    ({"knee": {"comparator": "none", "significant": "na"}}, "comparator", "a randomised trial compares"),
    ({"knee": {"comparator": "", "significant": "na"}}, "comparator", "a value, not none where design is rct"),
    ({"shoulder": {"comparator": "None"}}, "comparator", "significance is tested against a comparison"),
    ({"shoulder": {"comparator": "", "significant": "no"}}, "comparator", "where significant is yes or no"),
])
def test_each_cross_field_rule_fires(review: Review, changes: dict, field: str, because: str) -> None:
    problem = only_problem(review, **changes)
    assert problem["field"] == field
    assert because in problem["expected"] and "[rule extraction.rules[" in problem["expected"]


@pytest.mark.parametrize("changes", [
    {"shoulder": {"design": "case_report", "n_patients": "1", "comparator": "none", "significant": "na"}},
    {"shoulder": {"design": "case_report", "n_patients": "", "comparator": "none", "significant": "na"}},
    {"shoulder": {"n_patients": "10"}},
    {"shoulder": {"comparator": "none", "significant": "na"}},
    {"shoulder": {"comparator": "", "significant": ""}},
])
def test_rows_that_keep_the_rules_pass(review: Review, changes: dict) -> None:
    write_sheet(review, good_rows(review, **changes))
    assert len(extract(review)) == 2


def test_every_problem_of_a_run_is_listed_at_once(review: Review) -> None:
    ids = works(review)
    rows = good_rows(review, shoulder={"design": "case_report", "n_patients": "12", "comparator": "none",
                                       "significant": "na", "follow_up_months": "6 months (150 days)"},
                     knee={"comparator": "none", "significant": "na", "pain_score_scale": "pain",
                           "n_patients": "forty"})
    rows.append({"work_id": ids["phantom"], "design": "case_report", "n_patients": "1"})
    path = write_sheet(review, rows)
    with pytest.raises(InputError) as stop:
        extract(review)
    table = errors(review)
    found = [(r.line, r.study, r.field, r.value) for r in table.itertuples()]
    assert found == [
        ("2", ids["shoulder"], "follow_up_months", "6 months (150 days)"),
        ("2", ids["shoulder"], "n_patients", "12"),
        ("3", ids["knee"], "comparator", "none"),
        ("3", ids["knee"], "n_patients", "forty"),
        ("3", ids["knee"], "pain_score_scale", "pain"),
        ("4", ids["phantom"], "work_id", ids["phantom"]),
    ]
    assert set(table["file"]) == {str(path)}
    message = str(stop.value)
    assert message.startswith(f"{path}:2: 6 problem(s) in the extraction sheet; record {ids['shoulder']}; "
                              "field 'follow_up_months'")
    assert "... and 1 more" in message and "Traceback" not in message
    assert "whose final status in results/screening.csv is 'included'" in table.iloc[-1]["expected"]


def test_an_included_work_without_a_row_is_a_problem_of_the_table(review: Review) -> None:
    ids = works(review)
    write_sheet(review, good_rows(review)[:1])
    with pytest.raises(InputError, match=r"1 problem\(s\)"):
        extract(review)
    assert errors(review)[["line", "study", "field", "value"]].values.tolist() == [["", ids["knee"], "work_id", ""]]
    write_sheet(review, good_rows(review)[:1])
    studies = extract(review, draft=True)
    assert studies["work_id"].tolist() == [ids["shoulder"]], "a draft leaves the work awaiting extraction"
    assert errors(review).empty

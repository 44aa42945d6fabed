"""Reading one extraction cell by its field's type: what is accepted, how it is normalised, what is refused."""

from __future__ import annotations

import pytest

from reviewflow.extraction.form import Field
from reviewflow.extraction.values import expected, in_range, parse


def field(kind: str, **options: object) -> Field:
    base = {"name": "x", "label": "X", "description": "", "type": kind, "values": {}, "unit": None,
            "required": False, "required_for": (), "min": None, "max": None, "summary": False, "figure": False,
            "path": "extraction.fields[0]"}
    return Field(**(base | options))


@pytest.mark.parametrize(("kind", "options", "text", "value"), [
    ("integer", {}, " 42 ", "42"),
    ("integer", {}, "007", "7"),
    ("number", {}, "7.70", "7.7"),
    ("number", {}, "3.0", "3"),
    ("number", {}, "100", "100"),
    ("number", {}, ".5", "0.5"),
    ("yes_no", {}, "YES", "yes"),
    ("yes_no", {}, "n", "no"),
    ("category", {"values": {"ct": "Computed tomography"}}, "CT", "ct"),
    ("category", {"values": {"ct": "Computed tomography"}}, "computed tomography", "ct"),
    ("duration", {"unit": "months"}, "6 months", "6"),
    ("duration", {"unit": "months"}, "150 days", "4.93"),
    ("duration", {"unit": "months"}, "2.5 years", "30"),
    ("duration", {"unit": "months"}, "3 wk", "0.69"),
    ("duration", {"unit": "weeks"}, "3 wk", "3"),
    ("duration", {"unit": "weeks"}, "12", "12"),
    ("duration", {"unit": "days"}, "1 Year", "365.25"),
    ("date", {}, "2021-02-28", "2021-02-28"),
    ("date", {}, "2021-02", "2021-02"),
    ("date", {}, "2021", "2021"),
    ("text", {}, "  as reported ", "as reported"),
    ("integer", {}, "", ""),
    ("duration", {"unit": "weeks"}, "  ", ""),
])
def test_values_are_normalised(kind: str, options: dict, text: str, value: str) -> None:
    assert parse(field(kind, **options), text) == value


@pytest.mark.parametrize(("kind", "options", "text"), [
    ("integer", {}, "three"), ("integer", {}, "3.5"), ("number", {}, "6,5"), ("number", {}, "7 points"),
    ("yes_no", {}, "maybe"), ("category", {"values": {"ct": "CT"}}, "mri"),
    ("duration", {"unit": "months"}, "6 fortnights"), ("duration", {"unit": "months"}, "about 6 months"),
    ("duration", {"unit": "months"}, "6-12 months"), ("date", {}, "2021-13-01"), ("date", {}, "2021-02-30"),
    ("date", {}, "28/02/2021"),
])
def test_values_not_of_the_type_are_refused(kind: str, options: dict, text: str) -> None:
    with pytest.raises(ValueError):
        parse(field(kind, **options), text)


def test_bounds_apply_to_the_normalised_value() -> None:
    months = field("duration", unit="months", min=1, max=24)
    assert in_range(months, "150 days") and in_range(months, "2 years") and in_range(months, "")
    assert not in_range(months, "3 years") and not in_range(months, "2 weeks")
    assert in_range(months, "garbage"), "an unparseable cell is reported by the type check, not twice"


def test_expected_says_what_a_field_accepts() -> None:
    assert expected(field("integer", min=1)) == "a whole number, at least 1, or empty if not reported"
    assert "a duration in months such as '6 months'" in expected(field("duration", unit="months"))
    assert expected(field("yes_no", required=True)) == "yes or no (required)"
    assert "required for design rct" in expected(field("number", required_for=("rct",)))
    assert expected(field("category", values={"a": "A", "b": "B"})).startswith(
        "one of a, b (codes of extraction.fields[0].values)")

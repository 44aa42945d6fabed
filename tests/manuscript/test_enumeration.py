"""The enumeration lint: a sentence naming some groups of a family but not all stops the render."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from reviewflow.errors import InputError
from reviewflow.manuscript.enumeration import families, lint_enumerations
from reviewflow.manuscript.render import render_pdf

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "reviews" / "cryoneurolysis" / "manuscript"

VARIABLES = {
    "group": {
        "rct": {"n": 4, "pct": "11.4"}, "retrospective": {"n": 10, "pct": "28.6"},
        "case_report_or_series": {"n": 17, "pct": "48.6"}, "other": {"n": 1, "pct": "2.9"},
        "prospective_observational": {"n": 3, "pct": "8.6"}, "empty": {"n": 0, "pct": "0.0"},
        "list": "17 case reports or small series, 10 retrospective studies, 4 randomised controlled trials, "
                "3 prospective observational studies and 1 study of other or unclear design",
    },
    "published": {"group": {"rct": 4, "retrospective": 16, "list": "16 retrospective studies and 4 trials"}},
    "field": {"pain": {"neuropathic": 15, "musculoskeletal": 10, "not_reported": 0, "list": "x",
                       "group": {"rct": {"neuropathic": 1, "musculoskeletal": 2, "list": "y"}}},
              "n_patients": {"total": 700, "median": 18, "max": 120}},
    "prisma": {"identified": 130, "included": 35},
}
ALL_GROUPS = ("{{< var group.rct.n >}} trials, {{< var group.prospective_observational.n >}} prospective, "
              "{{< var group.retrospective.n >}} retrospective, {{< var group.case_report_or_series.n >}} case "
              "reports")


def _lint(text: str, variables: dict | None = None) -> None:
    lint_enumerations(text, Path("index.qmd"), VARIABLES if variables is None else variables)


def test_families_are_the_siblings_of_each_list_with_their_counts() -> None:
    found = {family.prefix: family.counts for family in families(VARIABLES)}
    assert found["group"] == {"rct": 4, "retrospective": 10, "case_report_or_series": 17, "other": 1,
                              "prospective_observational": 3, "empty": 0}
    assert found["published.group"] == {"rct": 4, "retrospective": 16}
    assert found["field.pain"] == {"neuropathic": 15, "musculoskeletal": 10, "not_reported": 0}
    assert found["field.pain.group.rct"] == {"neuropathic": 1, "musculoskeletal": 2}
    assert "field.n_patients" not in found  # statistics of one field are not an enumeration (no list)


def test_a_sentence_leaving_out_a_group_stops_with_file_line_sentence_member_value_and_the_list() -> None:
    text = "# Results\n\nWe found\n" + ALL_GROUPS + " (@fig-designs). Next sentence.\n"
    with pytest.raises(InputError) as info:
        _lint(text)
    error = info.value
    assert error.file == Path("index.qmd") and error.line == 4
    message = str(error)
    assert "index.qmd:4" in message
    assert "group.other.n = 1" in message  # the member left out, with its value
    assert "group.empty" not in message  # a group with no studies need not be named
    assert "names 4 of the group.* family" in message and "{{< var group.retrospective.n >}}" in message
    assert "{{< var group.list >}}" in message and "1 study of other or unclear design" in message


def test_a_complete_sentence_a_single_member_and_other_sentences_pass() -> None:
    _lint(ALL_GROUPS + " and {{< var group.other.n >}} other.\n")
    _lint("Trials were few ({{< var group.rct.n >}}, {{< var group.rct.pct >}}%).\n")
    _lint("The designs were {{< var group.list >}}.\n")
    _lint("They were {{< var group.list >}}, the {{< var group.rct.n >}} trials and "
          "{{< var group.retrospective.n >}} cohorts the largest.\n")  # the list in the sentence names them all
    # the same members split over sentences of the body are separate facts
    _lint("We found {{< var group.rct.n >}} trials. There were {{< var group.retrospective.n >}} cohorts.\n")
    # the median and maximum of one field are no family
    _lint("The median was {{< var field.n_patients.median >}} and the largest {{< var field.n_patients.max >}}.\n")


def test_category_codes_and_published_groups_are_families_too() -> None:
    _lint("They had {{< var published.group.rct >}} trials and {{< var field.pain.neuropathic >}} neuropathic.\n")
    published = VARIABLES | {"published": {"group": {"rct": 4, "retrospective": 16, "other": 2, "list": "z"}}}
    with pytest.raises(InputError, match=r"published\.group\.other = 2"):
        _lint("They had {{< var published.group.rct >}} trials and {{< var published.group.retrospective >}} "
              "cohorts.\n", published)
    by_group = ("Trials: {{< var field.pain.group.rct.neuropathic >}} and "
                "{{< var field.pain.group.rct.musculoskeletal >}}.\n")
    _lint(by_group)
    more = {"list": "y", "neuropathic": 1, "musculoskeletal": 2, "headache": 1}
    variables = VARIABLES | {"field": {"pain": {"list": "x", "group": {"rct": more}}}}
    with pytest.raises(InputError, match=r"field\.pain\.group\.rct\.headache = 1"):
        _lint(by_group, variables)


def test_the_abstract_is_one_unit_and_code_and_comments_are_not_prose() -> None:
    abstract = ("---\ntitle: A review\nabstract: |\n  We found {{< var group.rct.n >}} trials.\n"
                "  **Results.** There were {{< var group.retrospective.n >}} cohorts.\nauthor: x\n---\n\nBody.\n")
    with pytest.raises(InputError) as info:
        _lint(abstract)
    assert info.value.line == 4 and "group.other.n = 1" in str(info.value)
    _lint("Body `{{< var group.rct.n >}} {{< var group.other.n >}}` and <!-- {{< var group.rct.n >}}\n"
          "{{< var group.retrospective.n >}} --> nothing else.\n")
    _lint("Escaped {{{< var group.rct.n >}}} and {{{< var group.other.n >}}} are literal text.\n")


def test_the_render_stops_before_converting(tmp_path: Path) -> None:
    manuscript = tmp_path / "manuscript"
    manuscript.mkdir()
    (manuscript / "index.qmd").write_text("# Results\n\n" + ALL_GROUPS + ".\n", encoding="utf-8")
    (manuscript / "_variables.yml").write_text(yaml.safe_dump(VARIABLES), encoding="utf-8")
    out = tmp_path / "out" / "review.pdf"
    with pytest.raises(InputError, match="group.other.n = 1"):
        render_pdf(manuscript, manuscript / "_variables.yml", out, None, number_allow=[])
    assert not out.exists()


def test_the_shipped_manuscript_names_every_group_it_enumerates() -> None:
    variables = yaml.safe_load((SHIPPED / "_variables.yml").read_text(encoding="utf-8"))
    text = (SHIPPED / "index.qmd").read_text(encoding="utf-8")
    lint_enumerations(text, SHIPPED / "index.qmd", variables)
    assert "{{< var group.list >}}" in text and "{{< var published.group.list >}}" in text
    # the sentence the issue found: four of the five design groups, typed
    with pytest.raises(InputError, match=r"group\.other\.n = 1"):
        lint_enumerations(text.replace("{{< var group.list >}}", ALL_GROUPS, 1), SHIPPED / "index.qmd", variables)

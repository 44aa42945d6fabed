"""Generated enumerations: every group with its count as one phrase, so the prose cannot drop one."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from reviewflow.config import load_config
from reviewflow.errors import InputError
from reviewflow.synthesis.lists import distinct_values, enumerate_counts, item_phrase, join_phrases, prose_label
from reviewflow.synthesis.numbers import compute_numbers
from reviewflow.tables import read_table

REVIEW = Path(__file__).resolve().parents[1] / "reviews" / "cryoneurolysis"
CONFIG = load_config(REVIEW / "config" / "review.yaml")


def _studies(designs: list[str], **columns: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame({"work_id": [f"W{i}" for i in range(len(designs))], "design": designs})
    for field in {*(f["name"] for f in CONFIG["extraction"]["fields"]), *columns}:
        frame[field] = columns.get(field, [""] * len(designs))
    frame["year"] = ["2020"] * len(designs)
    return frame


def _prisma(included: int, awaiting: int = 0) -> dict[str, Any]:
    ident = {"total": 10, "databases": [{"id": "pubmed", "label": "PubMed", "records": 6},
                                        {"id": "wos", "label": "Web of Science", "records": 4}]}
    prisma = json.loads((REVIEW / "results" / "prisma.json").read_text(encoding="utf-8"))
    prisma.update(identification=ident, included=included)
    if awaiting:
        prisma["awaiting"] = {"extraction": awaiting}
    return prisma


def _numbers(studies: pd.DataFrame, config: dict[str, Any] = CONFIG, awaiting: int = 0) -> dict[str, Any]:
    items = compute_numbers(_prisma(len(studies) + awaiting, awaiting), studies, config)
    return {name: item["value"] for name, item in items.items()}


def test_phrases_join_count_and_read_inside_a_sentence() -> None:
    assert join_phrases([]) == "none" and join_phrases(["a"]) == "a" and join_phrases(["a", "b"]) == "a and b"
    assert join_phrases(["a", "b", "c"]) == "a, b and c"
    assert join_phrases(["x, y", "z"]) == "x, y; and z"  # an item with a comma keeps the list readable
    assert item_phrase(1, "Trials", ("trial", "trials")) == "1 trial"
    assert item_phrase(0, "Trials", ("trial", "trials")) == "0 trials"
    assert item_phrase(3, "Computed tomography") == "computed tomography (3)"
    assert prose_label("MRI guided") == "MRI guided" and prose_label("CT") == "CT" and prose_label("X") == "x"
    # most frequent first, ties in the given order, zeros left out, "last" kept last
    assert enumerate_counts([("a", 1), ("b", 3), ("c", 0), ("d", 1)], ("nr", 9)) == "b, a, d and nr"


def test_group_list_names_every_group_with_its_noun_most_frequent_first() -> None:
    studies = _studies(["rct", "case_report", "case_series", "retrospective", "other", "rct", "case_report"])
    numbers = _numbers(studies)
    assert numbers["group.list"] == ("3 case reports or small series, 2 randomised controlled trials, "
                                     "1 retrospective study and 1 study of other or unclear design")
    # prospective_observational has no study and is left out; the counts in the phrase add up to the total
    assert sum(int(n) for n in re.findall(r"\d+", numbers["group.list"])) == len(studies)


def test_a_group_without_nouns_reads_label_and_count_and_a_draft_names_the_awaiting_works() -> None:
    config = copy.deepcopy(CONFIG)
    for group in config["extraction"]["design_groups"].values():
        group.pop("singular", None), group.pop("plural", None)
    numbers = _numbers(_studies(["rct", "retrospective", "retrospective"]), config, awaiting=2)
    assert numbers["group.list"] == ("retrospective (2), 2 studies awaiting extraction and "
                                     "randomised controlled trials (1)")


def test_every_summarised_category_field_gets_lists_overall_and_per_design_group() -> None:
    """A category field added to the config (as body_region will be) gets its lists without code."""
    config = copy.deepcopy(CONFIG)
    config["extraction"]["fields"].append({
        "name": "body_region", "label": "Body region", "type": "category", "summary": True,
        "values": {"knee": "Knee pain", "back": "Back pain", "headache": "Headache"}})
    studies = _studies(["rct", "rct", "rct", "retrospective", "case_report"],
                       body_region=["knee", "back", "back", "", "headache"])
    numbers = _numbers(studies, config)
    assert numbers["field.body_region.list"] == ("back pain (2), knee pain (1), headache (1) and "
                                                     "not reported (1)")
    assert numbers["field.body_region.group.rct.list"] == "back pain (2) and knee pain (1)"
    assert numbers["field.body_region.group.rct.back"] == 2
    assert numbers["field.body_region.group.retrospective.list"] == "not reported (1)"
    assert numbers["field.body_region.group.other.list"] == "none"
    assert numbers["field.body_region.group.case_report_or_series.headache"] == 1


def test_the_topic_field_lists_its_values_per_design_group() -> None:
    studies = _studies(["rct", "rct", "rct", "case_report"],
                       condition=["knee osteoarthritis", "Cervicogenic headache", "knee osteoarthritis", "x"])
    numbers = _numbers(studies)
    assert numbers["field.condition.group.rct.values"] == "Cervicogenic headache and knee osteoarthritis"
    assert distinct_values(pd.Series(["b, c", "a", ""])) == "a; and b, c"


def test_a_code_that_clashes_with_a_generated_name_is_an_input_error() -> None:
    config = copy.deepcopy(CONFIG)
    config["extraction"]["design_groups"]["list"] = {"label": "Lists", "designs": ["other"]}
    with pytest.raises(InputError, match="extraction.design_groups.list"):
        _numbers(_studies(["rct"]), config)


def test_the_shipped_review_lists_all_its_included_studies_and_the_published_groups() -> None:
    numbers = json.loads((REVIEW / "results" / "numbers.json").read_text(encoding="utf-8"))
    value = {name: item["value"] for name, item in numbers.items()}
    assert "1 study of other or unclear design" in value["group.list"]  # the group the typed sentence dropped
    assert sum(int(n) for n in re.findall(r"\d+", value["group.list"])) == value["prisma.included"]
    published = sum(int(n) for n in re.findall(r"\d+", value["published.group.list"]))
    assert published == sum(CONFIG["published_reference"]["design_groups"].values())
    studies = read_table(REVIEW / "results" / "studies.csv")
    rct = sorted(studies.loc[studies["design"] == "rct", "condition"], key=str.casefold)
    assert value["field.condition.group.rct.values"] == join_phrases(rct)

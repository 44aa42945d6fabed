"""Publication types decided by rule before screening: any listed type excludes, case and spacing ignored, a work
without a type is left for a person, and the rule needs its reason label."""

from __future__ import annotations

import copy

import pandas as pd
import pytest

from reviewflow.config import load_config
from reviewflow.errors import InputError
from reviewflow.screening.eligibility import apply_eligibility
from tests.conftest import PROJECT


@pytest.fixture
def config() -> dict:
    config = copy.deepcopy(load_config(PROJECT / "config/review.yaml"))
    config["eligibility"]["publication_types"] = ["Review", "Editorial  material", "letter"]
    config["eligibility"]["reasons"]["publication_type"] = "Publication type not eligible"
    return config


WORKS = pd.DataFrame({
    "work_id": ["W1", "W2", "W3", "W4", "W5", "W6"],
    "year": ["2015", "2016", "2017", "2018", "2005", "2019"],
    "language": ["eng", "English", "eng", "", "eng", "eng"],
    "publication_types": ["Journal Article; Review", "Article", "", "Editorial Material", "Review", "LETTER"],
})


def test_any_listed_type_excludes_and_the_evidence_is_kept(config: dict) -> None:
    excluded = apply_eligibility(WORKS, config)
    assert excluded.to_dict("records") == [
        {"work_id": "W1", "reason": "publication_type", "detail": "publication type Review"},
        {"work_id": "W4", "reason": "publication_type", "detail": "publication type Editorial Material"},
        {"work_id": "W5", "reason": "outside_dates", "detail": "year 2005, outside 2010-2024"},
        {"work_id": "W6", "reason": "publication_type", "detail": "publication type LETTER"},
    ]  # W2 an article, W3 no type: left for a person


def test_without_the_option_types_are_not_a_rule(config: dict) -> None:
    del config["eligibility"]["publication_types"]
    assert list(apply_eligibility(WORKS, config)["work_id"]) == ["W5"]


def test_the_rule_needs_its_reason_label(config: dict) -> None:
    del config["eligibility"]["reasons"]["publication_type"]
    with pytest.raises(InputError, match="eligibility.reasons.publication_type"):
        apply_eligibility(WORKS, config)

"""The works behind each PRISMA box: as many as the box counts, with reasons, or a stop naming the box."""

from __future__ import annotations

import json

import pytest

from reviewflow.config import load_config
from reviewflow.errors import InvariantError
from reviewflow.synthesis.prisma_lists import BOXES, prisma_lists
from reviewflow.tables import read_table
from tests.conftest import PROJECT

RESULTS = PROJECT / "results"


def _inputs() -> tuple:
    return (read_table(RESULTS / "records.csv"), read_table(RESULTS / "works.csv"),
            read_table(RESULTS / "auto_excluded.csv"), read_table(RESULTS / "screening.csv"),
            load_config(PROJECT / "config" / "review.yaml"),
            json.loads((RESULTS / "prisma.json").read_text(encoding="utf-8")))


def test_each_box_lists_as_many_rows_as_the_number_it_shows() -> None:
    lists = prisma_lists(*_inputs())
    numbers = json.loads((RESULTS / "numbers.json").read_text(encoding="utf-8"))
    for box in BOXES:
        assert (lists["box"] == box).sum() == numbers[box]["value"], box
    assert list(dict.fromkeys(lists["box"])) == [box for box in BOXES if numbers[box]["value"]]


def test_rows_carry_what_a_reader_checks() -> None:
    lists = prisma_lists(*_inputs())
    screening = read_table(RESULTS / "screening.csv")
    included = set(screening.loc[screening["final"] == "included", "work_id"])
    assert set(lists.loc[lists["box"] == "prisma.included", "work_id"]) == included
    excluded = lists[lists["box"] == "prisma.excluded_full_text"]
    assert (excluded["reason"] != "").all() and (excluded["title"] != "").all()
    duplicates = lists[lists["box"] == "prisma.duplicates"]
    assert duplicates["reason"].str.startswith("duplicate of ").all()
    assert not set(duplicates["record_id"]) & {r.split("duplicate of ")[1] for r in duplicates["reason"]}


def test_a_list_that_does_not_match_the_diagram_stops_naming_the_box() -> None:
    records, works, auto, screening, config, prisma = _inputs()
    prisma["screened"] += 1
    with pytest.raises(InvariantError, match=r"prisma\.screened: \d+ listed, prisma\.json says"):
        prisma_lists(records, works, auto, screening, config, prisma)

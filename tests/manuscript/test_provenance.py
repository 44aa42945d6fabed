"""Each number's provenance (rule, function, inputs) is true of the code and covers every number of a review."""

from __future__ import annotations

import importlib
import inspect
import json

import pytest

from reviewflow.synthesis.provenance import PROVENANCE, provenance_of
from tests.conftest import PROJECT


def _function(dotted: str):
    module, _, name = dotted.rpartition(".")
    return getattr(importlib.import_module(module), name)


@pytest.mark.parametrize("prefix", sorted(PROVENANCE))
def test_the_named_function_exists_and_writes_numbers_of_that_prefix(prefix: str) -> None:
    source = inspect.getsource(_function(PROVENANCE[prefix].function))
    # A pattern's literal parts (``field.*.list`` -> ".list") must be in the code that writes it.
    pieces = [piece.strip(".") for piece in prefix.split("*") if piece.strip(".")] if "*" in prefix else [prefix]
    for piece in pieces:
        assert piece in source, f"{PROVENANCE[prefix].function} does not mention {piece!r}"


def test_every_number_of_the_shipped_review_has_a_provenance() -> None:
    numbers = json.loads((PROJECT / "results" / "numbers.json").read_text(encoding="utf-8"))
    missing = sorted(name for name in numbers if provenance_of(name) is None)
    assert missing == [], "add a line to reviewflow.synthesis.provenance.PROVENANCE for these"


def test_the_longest_prefix_wins_and_a_prefix_needs_a_dot_boundary() -> None:
    assert provenance_of("prisma.other.included").function.endswith("add_other_method_numbers")
    assert provenance_of("prisma.awaiting.total").function.endswith("add_awaiting_numbers")
    assert provenance_of("prisma.included").function.endswith("_flatten_prisma")
    assert provenance_of("prisma.included_via_databases").function.endswith("add_other_method_numbers")
    assert provenance_of("retractions.run").rule == "retractions"
    assert provenance_of("prismatic") is None
    assert provenance_of("risk_of_bias.low") is None
    assert provenance_of("field.guidance.list").function.endswith("lists._field_lists")
    assert provenance_of("field.guidance.group.rct.ultrasound").function.endswith("lists._field_lists")
    assert provenance_of("field.n_patients.group.rct.total").function.endswith("fields._numeric")
    assert provenance_of("field.n_patients.median").function.endswith("fields.add_field_numbers")

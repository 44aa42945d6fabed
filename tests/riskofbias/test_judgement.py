"""Overall judgements by each tool's algorithm, on hand-made cases."""

from __future__ import annotations

from reviewflow.riskofbias.judgement import derive_overall, rob2_overall
from reviewflow.riskofbias.tools import load_tool


def test_rob2_low_only_when_every_domain_is_low() -> None:
    assert rob2_overall(["low"] * 5).derived == "low"
    one = rob2_overall(["low", "some_concerns", "low", "low", "low"])
    assert (one.derived, one.allowed) == ("some_concerns", ("some_concerns",))


def test_rob2_any_high_is_high_and_several_concerns_may_be_raised() -> None:
    assert rob2_overall(["low", "high", "some_concerns", "low", "low"]).derived == "high"
    two = rob2_overall(["some_concerns", "low", "some_concerns", "low", "low"])
    assert two.derived == "some_concerns" and "high" in two.allowed


def test_robins_i_is_the_most_severe_domain() -> None:
    tool = load_tool("robins_i")
    low = ["low_except_confounding", "low", "low", "low", "low", "low"]
    assert derive_overall(tool, low).derived == "low_except_confounding"
    assert derive_overall(tool, ["moderate", "low", "low", "low", "low", "low"]).derived == "moderate"
    assert derive_overall(tool, ["moderate", "serious", "low", "critical", "low", "low"]).derived == "critical"
    assert derive_overall(tool, ["low", "serious", "moderate", "low", "low", "low"]).allowed == ("serious",)


def test_jbi_checklists_derive_no_overall() -> None:
    assert derive_overall(load_tool("jbi_case_report"), ["yes"] * 8) is None

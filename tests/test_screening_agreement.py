"""Agreement between reviewers: Cohen's kappa on hand-checkable and published examples, Light's kappa for more
than two reviewers, and the Methods sentence made from it."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.inter_rater import cohens_kappa

from reviewflow.screening.interrater import pair_table, screening_agreement, stage_agreement
from reviewflow.synthesis.numbers import Numbers
from reviewflow.synthesis.screening_numbers import add_screening_numbers, screening_statement

STAGES = ("title_abstract", "full_text")


def _pairs(table: list[list[int]], stage: str = "title_abstract", raters: tuple[str, str] = ("ann", "bob"),
           start: int = 0) -> list[tuple[str, str, str, str, str]]:
    """Decision rows whose 2x2 table (first rater in rows, include first) is ``table``."""
    rows, n = [], start
    for a, row in enumerate(table):
        for b, count in enumerate(row):
            for _ in range(count):
                for rater, flag in zip(raters, (a, b), strict=True):
                    decision, reason = ("include", "") if flag == 0 else ("exclude", "protocol")
                    rows.append((f"W{n:012x}", stage, rater, decision, reason))
                n += 1
    return rows


def _frame(rows: list[tuple[str, str, str, str, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["work_id", "stage", "reviewer", "decision", "reason"])


def test_kappa_of_a_hand_checkable_example() -> None:
    # 10 works: both include 3, both exclude 5, one each way 1. Observed agreement 8/10 = 0.8; each reviewer
    # includes 4/10, so chance agreement is 0.4*0.4 + 0.6*0.6 = 0.52 and kappa = (0.8-0.52)/(1-0.52) = 7/12.
    result = stage_agreement(_frame(_pairs([[3, 1], [1, 5]])), "title_abstract")
    assert result["method"] == "cohen"
    assert result["double_screened"] == 10 and result["agreed"] == 8 and result["agreement_pct"] == 80.0
    assert result["kappa"] == pytest.approx(7 / 12, abs=1e-4)
    assert result["reviewers"] == ["ann", "bob"]


def test_kappa_matches_the_published_example_and_statsmodels() -> None:
    # The worked example of Wikipedia's "Cohen's kappa" article: 50 grant proposals, both yes 20, A yes B no 5,
    # A no B yes 10, both no 15; kappa = (0.7 - 0.5) / (1 - 0.5) = 0.4.
    table = [[20, 5], [10, 15]]
    result = stage_agreement(_frame(_pairs(table)), "title_abstract")
    assert result["kappa"] == pytest.approx(0.4, abs=1e-4)
    assert result["agreement_pct"] == 70.0
    direct = cohens_kappa(np.array(table))
    assert direct.kappa == pytest.approx(0.4)
    assert result["kappa_low"] == pytest.approx(direct.kappa_low, abs=1e-4)
    assert result["kappa_high"] == pytest.approx(direct.kappa_upp, abs=1e-4)
    # The interval by hand: the large-sample variance of Fleiss, Cohen and Everitt (1969).
    p = np.array(table) / 50
    rows, cols = p.sum(axis=1), p.sum(axis=0)
    pe, kappa = float(rows @ cols), 0.4
    diagonal = sum(p[i, i] * (1 - (rows[i] + cols[i]) * (1 - kappa)) ** 2 for i in range(2))
    off = (1 - kappa) ** 2 * sum(p[i, j] * (cols[i] + rows[j]) ** 2 for i in range(2) for j in range(2) if i != j)
    se = math.sqrt((diagonal + off - (kappa - pe * (1 - kappa)) ** 2) / (50 * (1 - pe) ** 2))
    assert result["kappa_low"] == pytest.approx(0.4 - 1.959964 * se, abs=1e-4)
    assert result["kappa_high"] == pytest.approx(0.4 + 1.959964 * se, abs=1e-4)


def test_the_pair_table_puts_the_first_reviewer_in_rows() -> None:
    table = pair_table(pd.Series([True, True, False]), pd.Series([True, False, False]))
    assert table.tolist() == [[1, 1], [0, 1]]


def test_unsure_consensus_and_single_decisions_do_not_count() -> None:
    rows = _pairs([[3, 1], [1, 5]]) + [
        ("W100000000000", "title_abstract", "ann", "include", ""),
        ("W100000000000", "title_abstract", "bob", "unsure", ""),
        ("W100000000001", "title_abstract", "ann", "include", ""),
        ("W100000000001", "title_abstract", "consensus", "exclude", "protocol"),
    ]
    result = stage_agreement(_frame(rows), "title_abstract")
    assert result["double_screened"] == 10 and result["kappa"] == pytest.approx(7 / 12, abs=1e-4)
    assert result["works_decided"] == 12 and result["settled_by_consensus"] == 1


def test_three_reviewers_give_lights_kappa_the_mean_of_the_pairs() -> None:
    rows = (_pairs([[3, 1], [1, 5]], raters=("ann", "bob"))
            + _pairs([[20, 5], [10, 15]], raters=("bob", "cyd"), start=100))
    result = stage_agreement(_frame(rows), "title_abstract")
    assert result["method"] == "light" and len(result["pairs"]) == 2
    assert result["kappa"] == pytest.approx((7 / 12 + 0.4) / 2, abs=1e-4)
    assert result["kappa_low"] is None and result["double_screened"] == 60


def test_kappa_is_not_defined_when_every_decision_is_the_same() -> None:
    result = stage_agreement(_frame(_pairs([[0, 0], [0, 4]])), "title_abstract")
    assert result["kappa"] is None and result["agreement_pct"] == 100.0
    assert "kappa not defined, as every decision was the same" in screening_statement(
        screening_agreement(_frame(_pairs([[0, 0], [0, 4]])), STAGES))


def test_single_reviewer_wording_and_numbers() -> None:
    rows = [("W000000000001", "title_abstract", "ann", "include", ""),
            ("W000000000001", "full_text", "ann", "exclude", "protocol")]
    agreement = screening_agreement(_frame(rows), STAGES)
    assert screening_statement(agreement) == "One reviewer screened every work; agreement was not assessed."
    numbers = Numbers()
    add_screening_numbers(numbers, agreement)
    values = {name: item["value"] for name, item in numbers.items.items()}
    assert values["screening.title_abstract.double_screened"] == 0
    assert values["screening.title_abstract.reviewers"] == 1
    assert values["screening.title_abstract.kappa"] == "NA"
    assert values["screening.full_text.agreement_pct"] == "NA"


def test_reviewers_who_never_overlap_are_not_called_independent() -> None:
    rows = [("W000000000001", "title_abstract", "ann", "include", ""),
            ("W000000000002", "title_abstract", "bob", "include", "")]
    assert screening_statement(screening_agreement(_frame(rows), STAGES)) == (
        "Two reviewers shared the screening, each work decided by one of them; agreement was not assessed.")


def test_two_reviewers_statement_and_numbers_in_stage_order() -> None:
    rows = _pairs([[3, 1], [1, 5]]) + [("W000000000000", "full_text", "ann", "include", "")]
    agreement = screening_agreement(_frame(rows), STAGES)
    # As read back from results/screening_agreement.json, whose keys are sorted (full_text first).
    agreement["stages"] = dict(sorted(agreement["stages"].items()))
    statement = screening_statement(agreement)
    low, high = agreement["stages"]["title_abstract"]["kappa_low"], agreement["stages"]["title_abstract"]["kappa_high"]
    assert statement == (
        "Two reviewers screened 10 works independently at title and abstract (agreement on include or exclude "
        f"80.0%, Cohen's kappa 0.58, 95% CI {low:.2f} to {high:.2f}); at full text, one reviewer decided each work.")
    numbers = Numbers()
    add_screening_numbers(numbers, agreement)
    values = {name: item["value"] for name, item in numbers.items.items()}
    assert values["screening.title_abstract.kappa"] == "0.58"
    assert values["screening.title_abstract.agreement_pct"] == "80.0"
    assert values["screening.title_abstract.double_screened"] == 10
    assert values["screening.title_abstract.reviewers"] == 2
    assert list(values).index("screening.title_abstract.kappa") < list(values).index("screening.full_text.kappa")

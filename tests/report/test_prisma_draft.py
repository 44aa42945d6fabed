"""The PRISMA diagram of a draft: awaiting counts in the boxes they belong to, checked to balance, and a final
build's diagram exactly as before."""

from __future__ import annotations

from typing import Any

import pytest

from reviewflow.report.figures.prisma_counts import PrismaBalanceError, validate_prisma
from reviewflow.report.figures.prisma_flow import build_prisma_figure
from tests.report.test_figures import _layout_problems, _texts, small_prisma


def draft_prisma() -> dict[str, Any]:
    """small_prisma with 12 records awaiting screening, 5 reports awaiting assessment, 3 studies not extracted."""
    prisma = small_prisma()
    prisma["screened"] += 12 + 5
    prisma["identification"]["databases"][0]["records"] += 17
    prisma["identification"]["total"] += 17
    prisma["sought_for_retrieval"] += 5
    prisma["awaiting"] = {"title_abstract": 12, "full_text": 5, "extraction": 3}
    return prisma


def test_the_draft_diagram_shows_the_awaiting_counts_where_they_apply() -> None:
    fig = build_prisma_figure(draft_prisma())
    texts = [t.get_text() for t in _texts(fig)]
    for expected in ("Records awaiting screening (n\u00a0=\u00a012)", "Reports awaiting assessment (n\u00a0=\u00a05)",
                     "of which awaiting data extraction (n\u00a0=\u00a03)", "(n\u00a0=\u00a0148)",
                     "(n\u00a0=\u00a066)"):
        assert expected in texts, (expected, texts)
    assert _layout_problems(fig) == []


def test_a_final_diagram_has_no_awaiting_boxes() -> None:
    texts = " ".join(t.get_text() for t in _texts(build_prisma_figure(small_prisma())))
    assert "awaiting" not in texts
    zero = small_prisma() | {"awaiting": {"title_abstract": 0, "full_text": 0, "extraction": 0}}
    assert "awaiting" not in " ".join(t.get_text() for t in _texts(build_prisma_figure(zero)))


def test_draft_counts_must_balance_with_the_awaiting_terms() -> None:
    counts = validate_prisma(draft_prisma())
    assert (counts.awaiting_title_abstract, counts.awaiting_full_text, counts.awaiting_extraction) == (12, 5, 3)
    unbalanced = draft_prisma()
    unbalanced["awaiting"]["title_abstract"] = 11
    with pytest.raises(PrismaBalanceError, match=r"screened = excluded_title_abstract \+ sought_for_retrieval "
                                                 r"\+ awaiting.title_abstract: 148 != 70 \+ 66 \+ 11"):
        validate_prisma(unbalanced)
    too_many = draft_prisma()
    too_many["awaiting"]["extraction"] = 36
    with pytest.raises(PrismaBalanceError, match=r"awaiting.extraction <= included: 36 > 35"):
        validate_prisma(too_many)

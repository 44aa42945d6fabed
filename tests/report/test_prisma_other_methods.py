"""PRISMA 2020's other-methods arm (citation searching): which works it holds, its counts, their balance, and the
diagram's second arm. A work the databases also found is a duplicate in this arm, never counted twice."""

from __future__ import annotations

import copy
from typing import Any

import pandas as pd
import pytest

from reviewflow.config import load_config
from reviewflow.errors import InvariantError
from reviewflow.report.figures.prisma_counts import PrismaBalanceError, validate_prisma
from reviewflow.report.figures.prisma_flow import build_prisma_figure
from reviewflow.synthesis.draft import draft_note
from reviewflow.synthesis.numbers import Numbers, add_other_method_numbers
from reviewflow.synthesis.prisma import compute_prisma
from tests.conftest import PROJECT
from tests.report.test_figures import _layout_problems, _texts

N = "\u00a0=\u00a0"


@pytest.fixture(scope="module")
def config() -> dict[str, Any]:
    config = copy.deepcopy(load_config(PROJECT / "config/review.yaml"))
    config["databases"] = {"pubmed": {"label": "PubMed", "exports": ["data/raw/pubmed/*"]},
                           "citations": {"label": "Citation searching", "exports": ["data/raw/citations/*"],
                                         "arm": "other_methods"}}
    return config


# W1: PubMed and a citation (a duplicate in the other arm); W2: citations only, twice, included; W3: PubMed only,
# included; W4: citations only, excluded on title/abstract; W5: citations only, outside the years (by rule);
# W6: citations only, excluded at full text; W7: PubMed only, not retrieved.
WORKS = pd.DataFrame({
    "work_id": ["W1", "W2", "W3", "W4", "W5", "W6", "W7"],
    "databases": ["pubmed; citations", "citations", "pubmed", "citations", "citations", "citations", "pubmed"],
})
FINAL = {"W1": "excluded_full_text", "W2": "included", "W3": "included", "W4": "excluded_title_abstract",
         "W5": "auto_excluded", "W6": "excluded_full_text", "W7": "not_retrieved"}
RECORDS = {"pubmed": 4, "citations": 6}  # PubMed: W1, W3 twice, W7; citations: W1, W2 twice, W4, W5, W6


def _screening(final: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame({
        "work_id": list(final), "final": list(final.values()),
        "title_abstract_reason": ["not_human" if v == "excluded_title_abstract" else "" for v in final.values()],
        "full_text_reason": ["not_chronic_pain" if v == "excluded_full_text" else "" for v in final.values()],
    })


AUTO = pd.DataFrame({"work_id": ["W5"], "reason": ["outside_dates"], "detail": ["year 1999"]})
REPORT = {"records_per_database": RECORDS, "records_total": 10}


def test_each_arm_counts_its_own_works_and_the_total_joins_them(config: dict[str, Any]) -> None:
    prisma = compute_prisma(REPORT, WORKS, AUTO, _screening(FINAL), config)
    assert prisma["identification"] == {"databases": [{"id": "pubmed", "label": "PubMed", "records": 4}],
                                        "total": 4}
    # Main arm: W1, W3, W7 from 4 PubMed records.
    assert prisma["removed_before_screening"]["duplicates"] == 1
    assert (prisma["screened"], prisma["sought_for_retrieval"], prisma["not_retrieved"]) == (3, 3, 1)
    assert (prisma["assessed_full_text"], prisma["excluded_full_text_total"]) == (2, 1)
    other = prisma["other_methods"]
    assert other["identification"] == {"methods": [{"id": "citations", "label": "Citation searching",
                                                    "records": 6}], "total": 6}
    # 6 citation records hold W2 (twice), W4, W5, W6 and W1 (found by PubMed): 2 duplicates.
    assert other["removed_before_screening"]["duplicates"] == 2
    assert other["removed_before_screening"]["automation"] == 1
    assert (other["excluded_title_abstract"], other["sought_for_retrieval"], other["assessed_full_text"]) == (1, 2, 2)
    assert (other["excluded_full_text_total"], other["included"]) == (1, 1)
    assert (prisma["included_via_databases"], prisma["included"]) == (1, 2)


def test_a_review_without_other_methods_has_no_second_arm(config: dict[str, Any]) -> None:
    plain = copy.deepcopy(config)
    plain["databases"]["citations"]["arm"] = "databases"
    prisma = compute_prisma(REPORT, WORKS, AUTO, _screening(FINAL), plain)
    assert "other_methods" not in prisma and "included_via_databases" not in prisma
    assert prisma["included"] == 2 and prisma["identification"]["total"] == 10


def test_a_draft_counts_awaiting_works_in_their_own_arm(config: dict[str, Any]) -> None:
    final = FINAL | {"W4": "awaiting_title_abstract", "W7": "awaiting_full_text"}
    studies = pd.DataFrame({"work_id": ["W3"]})  # W2 included but not extracted yet
    prisma = compute_prisma(REPORT, WORKS, AUTO, _screening(final), config, studies=studies)
    assert prisma["awaiting"] == {"title_abstract": 0, "full_text": 1, "extraction": 1}
    assert prisma["other_methods"]["awaiting"] == {"title_abstract": 1, "full_text": 0}
    assert draft_note(prisma).startswith("DRAFT: 1 work awaits title/abstract screening, 1 await full-text")
    validate_prisma(prisma)


def test_the_figure_checks_and_draws_the_second_arm(config: dict[str, Any]) -> None:
    prisma = compute_prisma(REPORT, WORKS, AUTO, _screening(FINAL), config)
    counts = validate_prisma(prisma)
    assert counts.other_methods is not None and counts.included_via_databases == 1
    fig = build_prisma_figure(prisma)
    texts = [t.get_text() for t in _texts(fig)]
    for expected in ("Identification of studies via other methods", f"Citation searching (n{N}6)",
                     f"Already identified (duplicate records) (n{N}2)", f"Excluded on title and abstract (n{N}1)",
                     "Studies included in review"):
        assert expected in " ".join(texts), (expected, texts)  # a long line wraps into two texts
    assert f"(n{N}2)" in texts[texts.index("Studies included in review") + 1]
    assert _layout_problems(fig) == []


def test_unbalanced_arm_counts_are_refused_by_the_figure_and_the_synthesis(config: dict[str, Any]) -> None:
    prisma = compute_prisma(REPORT, WORKS, AUTO, _screening(FINAL), config)
    broken = copy.deepcopy(prisma)
    broken["other_methods"]["included_reports"] = 2
    with pytest.raises(PrismaBalanceError, match=r"other_methods.assessed_full_text = excluded_full_text_total "
                                                 r"\+ included_reports: 2 != 1 \+ 2"):
        validate_prisma(broken)
    broken["other_methods"]["included_reports"] = 1
    broken["other_methods"]["included"] = 2  # more studies than reports
    with pytest.raises(PrismaBalanceError, match=r"other_methods.included <= other_methods.included_reports"):
        validate_prisma(broken)
    total = copy.deepcopy(prisma)
    total["included"] = 3
    with pytest.raises(PrismaBalanceError, match=r"included = included_via_databases \+ other_methods.included"):
        validate_prisma(total)
    with pytest.raises(InvariantError, match="every work has a screening status"):
        compute_prisma(REPORT, WORKS, AUTO, _screening({k: v for k, v in FINAL.items() if k != "W6"}), config)


def test_the_manuscript_numbers_of_the_second_arm(config: dict[str, Any]) -> None:
    numbers = Numbers()
    add_other_method_numbers(numbers, compute_prisma(REPORT, WORKS, AUTO, _screening(FINAL), config))
    values = {name: item["value"] for name, item in numbers.items.items()}
    assert values["prisma.other.identified"] == 6 and values["prisma.other.method.citations"] == 6
    assert values["prisma.other.duplicates"] == 2 and values["prisma.other.included"] == 1
    assert values["prisma.included_via_databases"] == 1

"""The PRISMA diagram of an updated review: the template's previous-studies column and total box, counts from
prisma.json's ``update`` section (read back from the SVG), deterministic bytes, and the shipped review's diagram
(not an update) unchanged byte for byte."""

from __future__ import annotations

import copy
import html
import json
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from reviewflow.report.figures import draw_prisma_flow
from reviewflow.report.figures.prisma_counts import PrismaBalanceError, validate_prisma
from reviewflow.report.figures.prisma_flow import DEFAULT_LABELS, build_prisma_figure
from tests.conftest import PROJECT
from tests.report.test_figures import _layout_problems, render_twice
from tests.test_prisma_update import update_counts


def update_prisma(studies: pd.DataFrame | None = None, **statuses: str) -> dict[str, Any]:
    """The hand-made update of tests/test_prisma_update.py as prisma.json holds it."""
    prisma, update = update_counts(studies=studies, **statuses)
    return prisma | {"update": update}


def svg_lines(path: Path) -> list[str]:
    """The text of an SVG written with text as paths: matplotlib keeps each line as a comment."""
    comments = re.findall(r"<!-- (.*?) -->", path.read_text(encoding="utf-8"))
    return [html.unescape(c).replace("\u00a0", " ") for c in comments]


def test_the_update_diagram_renders_deterministically_with_the_update_counts(tmp_path: Path) -> None:
    paths = render_twice(lambda stem: draw_prisma_flow(update_prisma(), stem), tmp_path)
    lines = svg_lines(next(p for p in paths if p.suffix == ".svg"))
    for label in ("header_previous", "header_update", "new_included", "new_reports", "total_included",
                  "total_reports"):
        assert DEFAULT_LABELS[label] in lines, label
    # previous studies box: label then count; new studies: records from the update's search only
    joined = " | ".join(lines)
    assert "of review | (n = 2) | Reports of studies included in" in joined
    assert "PubMed (n = 7)" in lines and "Databases (n = 7)" in lines
    assert "Duplicate records removed (n = 2)" in lines
    assert "Records screened | (n = 4)" in joined
    assert "New studies included in review | (n = 1) | Reports of new included studies | (n = 1)" in joined
    assert "Total studies included in review | (n = 3) | Reports of total included studies | (n = 3)" in joined
    assert "Studies included in review" not in lines, "the new-review box is replaced by new and total boxes"


def test_the_update_layout_has_no_overflow_or_overlap() -> None:
    assert _layout_problems(build_prisma_figure(update_prisma())) == []


def test_a_draft_update_diagram_shows_what_awaits_in_both_columns() -> None:
    studies = pd.DataFrame({"work_id": ["W1", "W3"]})
    prisma = update_prisma(studies, N3="awaiting_title_abstract", W2="awaiting_title_abstract")
    assert prisma["update"]["previous_version"]["awaiting"]["title_abstract"] == 1
    fig = build_prisma_figure(prisma)
    texts = [t.get_text().replace("\u00a0", " ") for t in fig.axes[0].texts]
    assert "Records awaiting screening (n = 1)" in texts
    assert "Works of previous version awaiting a decision (n = 1)" in " ".join(texts)
    assert texts.count("of which awaiting data extraction (n = 1)") == 2, "new studies' box and the total box"
    assert _layout_problems(fig) == []


@pytest.mark.parametrize(("path", "value", "identity"), [
    (("update", "total_studies_included"), 4,
     "update.total_studies_included = previous_version.studies_included + update.included: 4 != 2 + 1"),
    (("update", "previous_version", "records"), 3,
     "identification.total = update.previous_version.records + update.identification.total: 11 != 3 + 7"),
    (("update", "removed_before_screening", "duplicates_within_update"), 0,
     "update.removed_before_screening.duplicates = duplicates_of_previous + duplicates_within_update"),
    (("update", "screened"), 5, "update.identification.total = duplicates + automation + other + screened"),
])
def test_an_unbalanced_update_is_refused_before_drawing(tmp_path: Path, path: tuple[str, ...], value: int,
                                                        identity: str) -> None:
    prisma = copy.deepcopy(update_prisma())
    node = prisma
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    with pytest.raises(PrismaBalanceError, match="do not balance") as caught:
        draw_prisma_flow(prisma, tmp_path / "prisma")
    assert identity in str(caught.value)
    assert not list(tmp_path.iterdir())


def test_a_missing_update_count_is_named() -> None:
    prisma = update_prisma()
    del prisma["update"]["previous_version"]["studies_included"]
    with pytest.raises(ValueError, match=r"missing 'update\.previous_version\.studies_included'"):
        validate_prisma(prisma)


def test_the_shipped_review_diagram_is_unchanged(tmp_path: Path) -> None:
    """The shipped review is not an update: its committed diagram must be what the code draws today."""
    results = next((folder for folder in (PROJECT / "results", PROJECT / "reviews/cryoneurolysis/results")
                    if (folder / "prisma.json").exists()), None)
    if results is None:
        pytest.skip("the shipped review's results are not in this checkout")
    prisma = json.loads((results / "prisma.json").read_text(encoding="utf-8"))
    assert "update" not in prisma
    for path in draw_prisma_flow(prisma, tmp_path / "prisma_flow"):
        assert path.read_bytes() == (results / "figures" / path.name).read_bytes(), path.name


def test_a_flow_without_full_text_exclusions_says_none_were_excluded(tmp_path: Path) -> None:
    prisma = update_prisma()
    for flow in (prisma, prisma["update"]):
        flow["included"] += flow["excluded_full_text_total"]
        flow["included_reports"] = flow["included"]
        flow["excluded_full_text_total"], flow["excluded_full_text"] = 0, []
    prisma["update"]["reports_included"] = prisma["update"]["included"]
    for key in ("total_studies_included", "total_reports_included"):
        prisma["update"][key] = prisma["included"]
    svg = next(p for p in draw_prisma_flow(prisma, tmp_path / "flow") if p.suffix == ".svg")
    lines = svg_lines(svg)
    assert "Reports excluded (n = 0)" in lines and "Reports excluded:" not in lines

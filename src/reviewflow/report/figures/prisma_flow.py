"""PRISMA 2020 flow diagram for new systematic reviews: databases and registers, and other methods when the review
has sources with ``arm: other_methods`` (citation searching and the like).

The layout follows the official template (Page et al., BMJ 2021;372:n71): phase bars on the left, the flow of
records down the left column and the removals to the right. Every number comes from ``results/prisma.json``,
and the arithmetic is checked first so a figure can never show counts that do not add up. A draft's counts of
works still awaiting people are shown in the boxes they belong to, only when there are any. When ``prisma.json``
has an ``update`` section the template for updated reviews is drawn instead (``prisma_flow_update``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from reviewflow.report.figures.flow_boxes import (
    ARROW_STYLE,
    BOX_STYLE,
    COL_GAP,
    HEADER_GAP,
    HEADER_PT,
    HEADER_STYLE,
    LEFT_W,
    MARGIN,
    PHASE_GAP,
    PHASE_W,
    RIGHT_W,
    ROW_GAP,
    Block,
    arrow,
    axes,
    block,
    box,
    center,
    n_label,
    phase_bars,
    row_heights,
    rows_from,
)
from reviewflow.report.figures.prisma_counts import PrismaCounts, validate_prisma
from reviewflow.report.figures.save import figure_style, new_figure, save_figure

DEFAULT_LABELS: dict[str, str] = {
    "header": "Identification of studies via databases and registers",
    "phase_identification": "Identification",
    "phase_screening": "Screening",
    "phase_included": "Included",
    "identified": "Records identified from:",
    "databases": "Databases",
    "registers": "Registers",
    "removed_before_screening": "Records removed before screening:",
    "duplicates": "Duplicate records removed",
    "automation": "Records marked as ineligible by automation tools",
    "other": "Records removed for other reasons",
    "screened": "Records screened",
    "excluded_title_abstract": "Records excluded",
    "sought_for_retrieval": "Reports sought for retrieval",
    "not_retrieved": "Reports not retrieved",
    "assessed_full_text": "Reports assessed for eligibility",
    "excluded_full_text": "Reports excluded:",
    "included": "Studies included in review",
    "included_reports": "Reports of included studies",
    "awaiting_title_abstract": "Records awaiting screening",
    "awaiting_full_text": "Reports awaiting assessment",
    "awaiting_extraction": "of which awaiting data extraction",
    "header_previous": "Previous studies",
    "header_update": "Identification of new studies via databases and registers",
    "previous_studies": "Studies included in previous version of review",
    "previous_reports": "Reports of studies included in previous version of review",
    "previous_awaiting": "Works of previous version awaiting a decision",
    "new_included": "New studies included in review",
    "new_reports": "Reports of new included studies",
    "total_included": "Total studies included in review",
    "total_reports": "Reports of total included studies",
    "header_other": "Identification of studies via other methods",
    "removed_other": "Records removed before retrieval:",
    "duplicates_other": "Already identified (duplicate records)",
    "excluded_title_abstract_other": "Excluded on title and abstract",
}
"""Box wording of the official PRISMA 2020 template; ``labels`` overrides any entry (e.g. a translation)."""
OTHER_HEADER_STYLE: dict[str, Any] = {"facecolor": "#D9D9D9", "edgecolor": "#7F7F7F", "linewidth": 0.6}
ARM_GAP = 0.35
OTHER_LEFT_W = 2.45
OTHER_RIGHT_W = 2.75


def draw_prisma_flow(
    prisma: Mapping[str, Any], stem: Path, *, labels: dict[str, str] | None = None
) -> list[Path]:
    """Check the PRISMA arithmetic, draw the 2020 flow diagram and write ``<stem>.png/.pdf/.svg``.

    ``prisma`` has the shape of ``results/prisma.json`` (docs/DATA_CONTRACTS.md); ``labels`` overrides
    entries of ``DEFAULT_LABELS``. Raises ``ValueError`` (``PrismaBalanceError``) naming every identity
    that fails; nothing is written then.
    """
    fig = build_prisma_figure(prisma, labels=labels)
    return save_figure(fig, stem)


def build_prisma_figure(prisma: Mapping[str, Any], *, labels: dict[str, str] | None = None,
                        links: Mapping[str, str] | None = None) -> Figure:
    """Lay out and draw the diagram; separate from saving so layout can be inspected in tests.

    ``links`` (box key such as ``prisma.screened`` -> URL) makes the boxes of the databases-and-registers flow
    links in SVG output, for the HTML manuscript; without it nothing differs, so the figure files keep their bytes.
    The template of an updated review gets no links (its boxes count the update's works only).
    """
    counts = validate_prisma(prisma)
    words = _merge_labels(labels)
    with figure_style():
        if counts.update is None:
            return _draw(counts, words, links or {})
        from reviewflow.report.figures.prisma_flow_update import draw_update  # it builds on this module

        return draw_update(counts, words)


def _merge_labels(labels: dict[str, str] | None) -> dict[str, str]:
    words = dict(DEFAULT_LABELS)
    if labels:
        unknown = sorted(set(labels) - set(DEFAULT_LABELS))
        if unknown:
            raise ValueError(
                f"unknown PRISMA label key(s) {unknown}; expected some of {sorted(DEFAULT_LABELS)}"
            )
        bad = sorted(k for k, v in labels.items() if not isinstance(v, str) or not v.strip())
        if bad:
            raise ValueError(f"PRISMA label(s) {bad} must be non-empty strings")
        words.update(labels)
    return words


def flow_rows(c: PrismaCounts, w: dict[str, str]) -> list[tuple[Block, Block | None]]:
    """The boxes of the flow from identification to included, as (left, right) per row."""
    identified = [(w["identified"], 0), (f"{w['databases']} {n_label(sum(n for _, n in c.databases))}", 1)]
    identified += [(f"{label} {n_label(n)}", 2) for label, n in c.databases]
    if c.registers is not None:
        identified.append((f"{w['registers']} {n_label(sum(n for _, n in c.registers))}", 1))
        identified += [(f"{label} {n_label(n)}", 2) for label, n in c.registers]
    removed = [
        (w["removed_before_screening"], 0),
        (f"{w['duplicates']} {n_label(c.duplicates)}", 1),
        (f"{w['automation']} {n_label(c.automation)}", 1),
        *[(f"{label} {n_label(n)}", 2) for label, n in c.automation_reasons],
        (f"{w['other']} {n_label(c.other)}", 1),
    ]
    reasons = [(w["excluded_full_text"], 0), *[(f"{label} {n_label(n)}", 1) for label, n in c.excluded_full_text]]
    if not c.excluded_full_text:
        # No reason to list: the box still says how many were excluded, rather than ending at its colon.
        reasons = [(f"{w['excluded_full_text'].rstrip(':')} {n_label(0)}", 0)]
    return [
        (block(identified, LEFT_W), block(removed, RIGHT_W)),
        (
            center(w["screened"], c.screened),
            center(w["excluded_title_abstract"], c.excluded_title_abstract, RIGHT_W,
                    (w["awaiting_title_abstract"], c.awaiting_title_abstract)),
        ),
        (
            center(w["sought_for_retrieval"], c.sought_for_retrieval),
            center(w["not_retrieved"], c.not_retrieved, RIGHT_W, (w["awaiting_full_text"], c.awaiting_full_text)),
        ),
        (center(w["assessed_full_text"], c.assessed_full_text), block(reasons, RIGHT_W)),
        (included_box(w, (w["included"], c.included), (w["included_reports"], c.included_reports),
                      (w["awaiting_extraction"], c.awaiting_extraction)), None),
    ]


def included_box(w: dict[str, str], studies: tuple[str, int], reports: tuple[str, int],
                 extraction: tuple[str, int], width: float = LEFT_W) -> Block:
    """The template's last box: studies, then reports of them (PRISMA 2020 counts both), and in a draft how
    many await extraction; centred."""
    specs = [(studies[0], 0), (n_label(studies[1]), 0), (reports[0], 0), (n_label(reports[1]), 0)]
    if extraction[1]:
        specs.append((f"{extraction[0]} {n_label(extraction[1])}", 0))
    return block(specs, width, align="center")


PHASES = [("phase_identification", [0]), ("phase_screening", [1, 2, 3]), ("phase_included", [4])]
"""Phase bars: label key and the rows they span."""


def flow_boxes(ax: Axes, rows: Sequence[tuple[Block, Block | None]], row_mid: Sequence[float],
                left_x: float, right_x: float) -> None:
    """The flow's boxes, an arrow right to each removal box and down to the next row."""
    for i, (left, right) in enumerate(rows):
        mid = row_mid[i]
        box(ax, left, left_x, mid - left.height / 2, BOX_STYLE)
        if right is not None:
            box(ax, right, right_x, mid - right.height / 2, BOX_STYLE)
            arrow(ax, (left_x + LEFT_W, mid), (right_x, mid))
        if i + 1 < len(rows):
            below = rows[i + 1][0]
            arrow(
                ax,
                (left_x + LEFT_W / 2, mid - left.height / 2),
                (left_x + LEFT_W / 2, row_mid[i + 1] + below.height / 2),
            )


def _other_rows(o: PrismaCounts, w: dict[str, str]) -> list[tuple[Block | None, Block | None]]:
    """The other-methods arm beside the main flow's rows: identified, (no screening box), sought, assessed. Works
    the databases had found, or excluded before retrieval, are accounted for in one removal box so the arm balances."""
    identified = [(w["identified"], 0), *[(f"{label} {n_label(n)}", 1) for label, n in o.databases]]
    removed = [(w["removed_other"], 0), (f"{w['duplicates_other']} {n_label(o.duplicates)}", 1),
               (f"{w['automation']} {n_label(o.automation)}", 1),
               (f"{w['excluded_title_abstract_other']} {n_label(o.excluded_title_abstract)}", 1)]
    if o.awaiting_title_abstract:
        removed.append((f"{w['awaiting_title_abstract']} {n_label(o.awaiting_title_abstract)}", 1))
    reasons = [(w["excluded_full_text"], 0), *[(f"{label} {n_label(n)}", 1) for label, n in o.excluded_full_text]]
    if not o.excluded_full_text:
        reasons = [(f"{w['excluded_full_text'].rstrip(':')} {n_label(0)}", 0)]
    return [
        (block(identified, OTHER_LEFT_W), block(removed, OTHER_RIGHT_W)),
        (None, None),
        (center(w["sought_for_retrieval"], o.sought_for_retrieval, OTHER_LEFT_W),
         center(w["not_retrieved"], o.not_retrieved, OTHER_RIGHT_W,
                 (w["awaiting_full_text"], o.awaiting_full_text))),
        (center(w["assessed_full_text"], o.assessed_full_text, OTHER_LEFT_W), block(reasons, OTHER_RIGHT_W)),
    ]


def _link_rows(rows: Sequence[tuple[Block, Block | None]], links: Mapping[str, str]) -> None:
    """Give each box of the flow the URL of its list (per line in the removals box: duplicates, automation)."""
    def every(block: Block | None, key: str) -> None:
        if block is not None and block.origins:
            block.urls = [links.get(key)] * (max(block.origins) + 1)

    identified, removed = rows[0]
    every(identified, "prisma.identified")
    if removed is not None and removed.origins:
        entries = max(removed.origins) + 1  # header, duplicates, automation, its reasons..., other
        dup, auto = links.get("prisma.duplicates"), links.get("prisma.automation")
        removed.urls = [dup, dup, *[auto] * (entries - 3), None]
    keys = [("prisma.screened", "prisma.excluded_title_abstract"), ("prisma.sought", "prisma.not_retrieved"),
            ("prisma.assessed", "prisma.excluded_full_text"), ("prisma.included", "")]
    # rows the template may gain after the included box stay without links instead of stopping the render
    for (left, right), (left_key, right_key) in zip(rows[1:], keys, strict=False):
        every(left, left_key)
        every(right, right_key)


def _draw(c: PrismaCounts, w: dict[str, str], links: Mapping[str, str]) -> Figure:
    rows = flow_rows(c, w)
    if links:
        _link_rows(rows, links)
    other = _other_rows(c.other_methods, w) if c.other_methods is not None else []
    header = block([(w["header"], 0)], LEFT_W + COL_GAP + RIGHT_W, align="center", size=HEADER_PT, bold=True)
    other_width = OTHER_LEFT_W + COL_GAP + OTHER_RIGHT_W
    other_header = (block([(w["header_other"], 0)], other_width, align="center", size=HEADER_PT, bold=True)
                    if other else None)
    if other_header is not None:
        header.min_height = other_header.min_height = max(header.natural_height, other_header.natural_height)
    combined = [(*row, *(other[i] if i < len(other) else ())) for i, row in enumerate(rows)]
    heights = row_heights(combined, PHASES, w)

    width = 2 * MARGIN + PHASE_W + PHASE_GAP + LEFT_W + COL_GAP + RIGHT_W + (ARM_GAP + other_width if other else 0)
    height = 2 * MARGIN + header.height + HEADER_GAP + sum(heights) + ROW_GAP * (len(rows) - 1)
    fig = new_figure(width, height)
    ax = axes(fig, width, height)

    left_x = MARGIN + PHASE_W + PHASE_GAP
    right_x = left_x + LEFT_W + COL_GAP

    top = height - MARGIN
    box(ax, header, left_x, top - header.height, HEADER_STYLE, rounded=True)
    if other_header is not None:
        box(ax, other_header, right_x + RIGHT_W + ARM_GAP, top - header.height, OTHER_HEADER_STYLE, rounded=True)
    top -= header.height + HEADER_GAP

    row_top, row_mid = rows_from(top, heights)
    phase_bars(ax, PHASES, row_top, heights, w)
    flow_boxes(ax, rows, row_mid, left_x, right_x)
    if other:
        _other_boxes(ax, other, row_mid, right_x + RIGHT_W + ARM_GAP, (left_x + LEFT_W, row_mid[len(rows) - 1]))
    return fig


def _other_boxes(ax: Axes, rows: Sequence[tuple[Block | None, Block | None]], row_mid: Sequence[float],
                 x: float, included: tuple[float, float]) -> None:
    """The other-methods arm: boxes and arrows down its left column, right to its removals, and from its last
    box into the review's included studies."""
    right_x = x + OTHER_LEFT_W + COL_GAP
    centre = x + OTHER_LEFT_W / 2
    drawn = [(i, left, right) for i, (left, right) in enumerate(rows) if left is not None]
    for n, (i, left, right) in enumerate(drawn):
        mid = row_mid[i]
        box(ax, left, x, mid - left.height / 2, BOX_STYLE)
        if right is not None:
            box(ax, right, right_x, mid - right.height / 2, BOX_STYLE)
            arrow(ax, (x + OTHER_LEFT_W, mid), (right_x, mid))
        if n + 1 < len(drawn):
            j, below, _ = drawn[n + 1]
            arrow(ax, (centre, mid - left.height / 2), (centre, row_mid[j] + below.height / 2))
    last, block = drawn[-1][0], drawn[-1][1]
    bottom = row_mid[last] - block.height / 2
    ax.plot([centre, centre], [bottom, included[1]], color=ARROW_STYLE["color"], linewidth=ARROW_STYLE["linewidth"],
            solid_capstyle="butt")
    arrow(ax, (centre, included[1]), included)

"""PRISMA 2020 flow diagram for updated reviews (databases and registers only), in the new-review diagram's style.

The template (Page et al., BMJ 2021;372:n71, updated-review version) adds a "Previous studies" column on the left
(studies included in the previous version and reports of them) beside the flow of the new studies, whose last
boxes are "New studies included in review" and "Total studies included in review"; the previous studies join the
total with an elbow arrow down their column. The flow boxes, their wording and geometry are those of
``prisma_flow``, so the two diagrams read alike; only ``prisma.json``'s ``update`` section is drawn here.
"""

from __future__ import annotations

from typing import Any

from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch

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
    arrow,
    axes,
    block,
    box,
    n_label,
    phase_bars,
    row_heights,
    rows_from,
)
from reviewflow.report.figures.prisma_counts import PrismaCounts
from reviewflow.report.figures.prisma_flow import flow_boxes, flow_rows, included_box
from reviewflow.report.figures.save import new_figure

PREV_W = 2.30
"""Width of the "Previous studies" column, inches."""

PREVIOUS_HEADER_STYLE: dict[str, Any] = {"facecolor": "#D9D9D9", "edgecolor": "#7F7F7F", "linewidth": 0.6}
"""The template's grey "Previous studies" header (the new studies' header keeps the yellow of HEADER_STYLE)."""

PHASES = [("phase_identification", [0]), ("phase_screening", [1, 2, 3]), ("phase_included", [4, 5])]


def draw_update(c: PrismaCounts, w: dict[str, str]) -> Figure:
    """The updated-review diagram of ``c`` (whose ``update`` is set), labels ``w`` (DEFAULT_LABELS merged)."""
    u = c.update
    assert u is not None
    rows = flow_rows(u.flow, w)
    rows[4] = (included_box(w, (w["new_included"], u.flow.included), (w["new_reports"], u.new_reports),
                             (w["awaiting_extraction"], u.flow.awaiting_extraction)), None)
    rows.append((included_box(w, (w["total_included"], u.total_studies), (w["total_reports"], u.total_reports),
                               (w["awaiting_extraction"], c.awaiting_extraction)), None))
    previous_specs = [(w["previous_studies"], 0), (n_label(u.previous_studies), 0),
                      (w["previous_reports"], 0), (n_label(u.previous_reports), 0)]
    if u.previous_awaiting:
        previous_specs.append((f"{w['previous_awaiting']} {n_label(u.previous_awaiting)}", 0))
    if u.previous_awaiting_extraction:
        previous_specs.append((f"{w['awaiting_extraction']} {n_label(u.previous_awaiting_extraction)}", 0))
    previous = block(previous_specs, PREV_W, align="center")
    heights = row_heights([[previous, *rows[0]], *rows[1:]], PHASES, w)

    header_new = block([(w["header_update"], 0)], LEFT_W + COL_GAP + RIGHT_W, align="center", size=HEADER_PT,
                        bold=True)
    header_previous = block([(w["header_previous"], 0)], PREV_W, align="center", size=HEADER_PT, bold=True)
    header_h = max(header_new.height, header_previous.height)
    header_new.min_height = header_previous.min_height = header_h

    width = 2 * MARGIN + PHASE_W + PHASE_GAP + PREV_W + COL_GAP + LEFT_W + COL_GAP + RIGHT_W
    height = 2 * MARGIN + header_h + HEADER_GAP + sum(heights) + ROW_GAP * (len(rows) - 1)
    fig = new_figure(width, height)
    ax = axes(fig, width, height)

    prev_x = MARGIN + PHASE_W + PHASE_GAP
    left_x = prev_x + PREV_W + COL_GAP
    right_x = left_x + LEFT_W + COL_GAP

    top = height - MARGIN
    box(ax, header_previous, prev_x, top - header_h, PREVIOUS_HEADER_STYLE, rounded=True)
    box(ax, header_new, left_x, top - header_h, HEADER_STYLE, rounded=True)
    top -= header_h + HEADER_GAP

    row_top, row_mid = rows_from(top, heights)
    phase_bars(ax, PHASES, row_top, heights, w)
    box(ax, previous, prev_x, row_mid[0] - previous.height / 2, BOX_STYLE)
    flow_boxes(ax, rows, row_mid, left_x, right_x)

    # Previous studies join the total: down the previous column, then right into the total box.
    x = prev_x + PREV_W / 2
    ax.add_patch(FancyArrowPatch((x, row_mid[0] - previous.height / 2), (x, row_mid[-1]), shrinkA=0, shrinkB=0,
                                 **(ARROW_STYLE | {"arrowstyle": "-"})))
    arrow(ax, (x, row_mid[-1]), (left_x, row_mid[-1]))
    return fig

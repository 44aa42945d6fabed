"""PRISMA 2020 flow diagram for new systematic reviews: databases and registers, and other methods when the review
has sources with ``arm: other_methods`` (citation searching and the like).

The layout follows the official template (Page et al., BMJ 2021;372:n71): phase bars on the left, the flow of
records down the left column and the removals to the right. Every number comes from ``results/prisma.json``,
and the arithmetic is checked first so a figure can never show counts that do not add up. A draft's counts of
works still awaiting people are shown in the boxes they belong to, only when there are any. When ``prisma.json``
has an ``update`` section the template for updated reviews is drawn instead (``prisma_flow_update``).
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Rectangle
from matplotlib.textpath import text_to_path

from reviewflow.report.figures.prisma_counts import PrismaCounts, validate_prisma
from reviewflow.report.figures.save import FONT_FAMILY, figure_style, new_figure, save_figure

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

# Geometry in inches: the axes span the whole figure with 1 data unit = 1 inch, so text can be measured and
# boxes sized exactly instead of guessed.
FONT_PT = 8.0
HEADER_PT = 8.5
PHASE_PT = 9.0
LINE_H = FONT_PT * 1.35 / 72
PAD_X = 0.09
PAD_Y = 0.07
INDENT = 0.20
HANG = 0.10
MARGIN = 0.10
PHASE_W = 0.30
PHASE_GAP = 0.14
LEFT_W = 2.95
COL_GAP = 0.55
RIGHT_W = 3.25
ROW_GAP = 0.30
HEADER_GAP = 0.16
STRETCH = 0.5  # a box at least this fraction of its row's height is stretched to the full row height
FIT = 0.96  # keep measured text a little inside the box: raster hinting can widen glyphs slightly

BOX_STYLE: dict[str, Any] = {"facecolor": "white", "edgecolor": "black", "linewidth": 0.8}
PHASE_STYLE: dict[str, Any] = {"facecolor": "#C6D9F0", "edgecolor": "#4F81BD", "linewidth": 0.6}
HEADER_STYLE: dict[str, Any] = {"facecolor": "#FFE699", "edgecolor": "#BF9000", "linewidth": 0.6}
OTHER_HEADER_STYLE: dict[str, Any] = {"facecolor": "#D9D9D9", "edgecolor": "#7F7F7F", "linewidth": 0.6}
ARM_GAP = 0.35
OTHER_LEFT_W = 2.45
OTHER_RIGHT_W = 2.75
ARROW_STYLE: dict[str, Any] = {"arrowstyle": "-|>", "mutation_scale": 9, "linewidth": 0.8, "color": "black"}


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


def build_prisma_figure(prisma: Mapping[str, Any], *, labels: dict[str, str] | None = None) -> Figure:
    """Lay out and draw the diagram; separate from saving so layout can be inspected in tests."""
    counts = validate_prisma(prisma)
    words = _merge_labels(labels)
    with figure_style():
        if counts.update is None:
            return _draw(counts, words)
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


# ----------------------------------------------------------------------------------------------------- layout


@dataclass
class _Block:
    """Text of one box, already wrapped: (line, x offset from the inner left edge)."""

    lines: list[tuple[str, float]]
    width: float
    align: str = "left"
    size: float = FONT_PT
    bold: bool = False
    min_height: float = 0.0

    @property
    def line_height(self) -> float:
        return self.size * 1.35 / 72

    @property
    def natural_height(self) -> float:
        return 2 * PAD_Y + len(self.lines) * self.line_height

    @property
    def height(self) -> float:
        return max(self.natural_height, self.min_height)


def _text_width(text: str, size: float, bold: bool = False) -> float:
    """Width in inches of ``text`` set in the figure font, measured from the glyph outlines."""
    prop = FontProperties(family=FONT_FAMILY, size=size, weight="bold" if bold else "normal")
    width, _, _ = text_to_path.get_text_width_height_descent(text, prop, ismath=False)
    return width / 72


def _wrap(text: str, width: float, size: float, bold: bool = False) -> list[str]:
    """Wrap at word boundaries to the widest line that still fits ``width`` inches when measured."""
    if _text_width(text, size, bold) <= width * FIT:
        return [text]
    estimate = int(len(text) * width / _text_width(text, size, bold)) + 4
    for chars in range(min(estimate, len(text)), 0, -1):
        lines = textwrap.wrap(text, chars, break_on_hyphens=False)
        if all(_text_width(line, size, bold) <= width * FIT for line in lines):
            return lines
    return list(text)


def _wrap_hanging(text: str, first: float, rest: float, size: float, bold: bool = False) -> list[str]:
    """Fill the first line to ``first`` inches, then wrap the remainder to the narrower hanging width."""
    words = text.split(" ")  # ASCII spaces only: the non-breaking spaces inside '(n = x)' hold it together
    taken = 1
    while taken < len(words) and _text_width(" ".join(words[: taken + 1]), size, bold) <= first * FIT:
        taken += 1
    head = " ".join(words[:taken])
    if _text_width(head, size, bold) > first * FIT:  # a single word wider than the box: let textwrap break it
        return _wrap(text, rest, size, bold)
    tail = " ".join(words[taken:])
    return [head, *(_wrap(tail, rest, size, bold) if tail else [])]


def _block(
    specs: Sequence[tuple[str, int]],
    width: float,
    *,
    align: str = "left",
    size: float = FONT_PT,
    bold: bool = False,
) -> _Block:
    """Wrap each (text, indent level) entry; wrapped continuation lines hang under their first line."""
    inner = width - 2 * PAD_X
    lines: list[tuple[str, float]] = []
    for text, level in specs:
        if align == "center":
            lines.extend((part, 0.0) for part in _wrap(text, inner, size, bold))
            continue
        indent = level * INDENT
        first, *rest = _wrap_hanging(text, inner - indent, inner - indent - HANG, size, bold)
        lines.append((first, indent))
        lines.extend((part, indent + HANG) for part in rest)
    return _Block(lines, width, align, size, bold)


def _n(count: int) -> str:
    """'(n = 1,234)' with non-breaking spaces so wrapping never splits the count from its 'n ='."""
    return f"(n\u00a0=\u00a0{count:,})"


def _center(label: str, count: int, width: float = LEFT_W, awaiting: tuple[str, int] = ("", 0)) -> _Block:
    """A centred box: label and count, then (in a draft, when nonzero) the works of it still awaiting people."""
    extra = [(f"{awaiting[0]} {_n(awaiting[1])}", 0)] if awaiting[1] else []
    return _block([(label, 0), (_n(count), 0), *extra], width, align="center")


def _flow_rows(c: PrismaCounts, w: dict[str, str]) -> list[tuple[_Block, _Block | None]]:
    """The boxes of the flow from identification to included, as (left, right) per row."""
    identified = [(w["identified"], 0), (f"{w['databases']} {_n(sum(n for _, n in c.databases))}", 1)]
    identified += [(f"{label} {_n(n)}", 2) for label, n in c.databases]
    if c.registers is not None:
        identified.append((f"{w['registers']} {_n(sum(n for _, n in c.registers))}", 1))
        identified += [(f"{label} {_n(n)}", 2) for label, n in c.registers]
    removed = [
        (w["removed_before_screening"], 0),
        (f"{w['duplicates']} {_n(c.duplicates)}", 1),
        (f"{w['automation']} {_n(c.automation)}", 1),
        *[(f"{label} {_n(n)}", 2) for label, n in c.automation_reasons],
        (f"{w['other']} {_n(c.other)}", 1),
    ]
    reasons = [(w["excluded_full_text"], 0), *[(f"{label} {_n(n)}", 1) for label, n in c.excluded_full_text]]
    if not c.excluded_full_text:
        # No reason to list: the box still says how many were excluded, rather than ending at its colon.
        reasons = [(f"{w['excluded_full_text'].rstrip(':')} {_n(0)}", 0)]
    return [
        (_block(identified, LEFT_W), _block(removed, RIGHT_W)),
        (
            _center(w["screened"], c.screened),
            _center(w["excluded_title_abstract"], c.excluded_title_abstract, RIGHT_W,
                    (w["awaiting_title_abstract"], c.awaiting_title_abstract)),
        ),
        (
            _center(w["sought_for_retrieval"], c.sought_for_retrieval),
            _center(w["not_retrieved"], c.not_retrieved, RIGHT_W, (w["awaiting_full_text"], c.awaiting_full_text)),
        ),
        (_center(w["assessed_full_text"], c.assessed_full_text), _block(reasons, RIGHT_W)),
        (_center(w["included"], c.included, awaiting=(w["awaiting_extraction"], c.awaiting_extraction)), None),
    ]


PHASES = [("phase_identification", [0]), ("phase_screening", [1, 2, 3]), ("phase_included", [4])]
"""Phase bars: label key and the rows they span."""


def _row_heights(
    rows: Sequence[Sequence[_Block | None]], phases: Sequence[tuple[str, list[int]]], w: dict[str, str]
) -> list[float]:
    """Each row as tall as its tallest box (and its phase label); boxes of similar size share the row height."""
    heights = [max(block.height for block in row if block is not None) for row in rows]
    for key, members in phases:  # a phase bar must be tall enough for its rotated label
        need = _text_width(w[key], PHASE_PT, bold=True) + 2 * 0.12
        span = sum(heights[i] for i in members) + ROW_GAP * (len(members) - 1)
        if span < need:
            for i in members:
                heights[i] += (need - span) / len(members)
    for row, row_height in zip(rows, heights, strict=True):
        for block in row:  # boxes of similar size share the row height, as in the template
            if block is not None and block.natural_height >= STRETCH * row_height:
                block.min_height = row_height
    return heights


def _axes(fig: Figure, width: float, height: float) -> Axes:
    ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    ax.set_xlim(0, width)
    ax.set_ylim(0, height)
    ax.set_axis_off()
    return ax


def _rows_from(top: float, heights: Sequence[float]) -> tuple[list[float], list[float]]:
    """Top and middle y of each row, rows stacked downwards from ``top``."""
    row_top: list[float] = []
    row_mid: list[float] = []
    for h in heights:
        row_top.append(top)
        row_mid.append(top - h / 2)
        top -= h + ROW_GAP
    return row_top, row_mid


def _phase_bars(ax: Axes, phases: Sequence[tuple[str, list[int]]], row_top: Sequence[float],
                heights: Sequence[float], w: dict[str, str]) -> None:
    phase_x = MARGIN
    for key, members in phases:
        y_top = row_top[members[0]]
        y_bottom = row_top[members[-1]] - heights[members[-1]]
        ax.add_patch(
            FancyBboxPatch(
                (phase_x, y_bottom),
                PHASE_W,
                y_top - y_bottom,
                boxstyle="round,pad=0,rounding_size=0.06",
                **PHASE_STYLE,
            )
        )
        ax.text(
            phase_x + PHASE_W / 2,
            (y_top + y_bottom) / 2,
            w[key],
            rotation=90,
            ha="center",
            va="center",
            rotation_mode="anchor",
            fontsize=PHASE_PT,
            fontweight="bold",
            family=FONT_FAMILY,
        )


def _flow_boxes(ax: Axes, rows: Sequence[tuple[_Block, _Block | None]], row_mid: Sequence[float],
                left_x: float, right_x: float) -> None:
    """The flow's boxes, an arrow right to each removal box and down to the next row."""
    for i, (left, right) in enumerate(rows):
        mid = row_mid[i]
        _box(ax, left, left_x, mid - left.height / 2, BOX_STYLE)
        if right is not None:
            _box(ax, right, right_x, mid - right.height / 2, BOX_STYLE)
            _arrow(ax, (left_x + LEFT_W, mid), (right_x, mid))
        if i + 1 < len(rows):
            below = rows[i + 1][0]
            _arrow(
                ax,
                (left_x + LEFT_W / 2, mid - left.height / 2),
                (left_x + LEFT_W / 2, row_mid[i + 1] + below.height / 2),
            )


def _other_rows(o: PrismaCounts, w: dict[str, str]) -> list[tuple[_Block | None, _Block | None]]:
    """The other-methods arm beside the main flow's rows: identified, (no screening box), sought, assessed. Works
    the databases had found, or excluded before retrieval, are accounted for in one removal box so the arm balances."""
    identified = [(w["identified"], 0), *[(f"{label} {_n(n)}", 1) for label, n in o.databases]]
    removed = [(w["removed_other"], 0), (f"{w['duplicates_other']} {_n(o.duplicates)}", 1),
               (f"{w['automation']} {_n(o.automation)}", 1),
               (f"{w['excluded_title_abstract_other']} {_n(o.excluded_title_abstract)}", 1)]
    if o.awaiting_title_abstract:
        removed.append((f"{w['awaiting_title_abstract']} {_n(o.awaiting_title_abstract)}", 1))
    reasons = [(w["excluded_full_text"], 0), *[(f"{label} {_n(n)}", 1) for label, n in o.excluded_full_text]]
    if not o.excluded_full_text:
        reasons = [(f"{w['excluded_full_text'].rstrip(':')} {_n(0)}", 0)]
    return [
        (_block(identified, OTHER_LEFT_W), _block(removed, OTHER_RIGHT_W)),
        (None, None),
        (_center(w["sought_for_retrieval"], o.sought_for_retrieval, OTHER_LEFT_W),
         _center(w["not_retrieved"], o.not_retrieved, OTHER_RIGHT_W,
                 (w["awaiting_full_text"], o.awaiting_full_text))),
        (_center(w["assessed_full_text"], o.assessed_full_text, OTHER_LEFT_W), _block(reasons, OTHER_RIGHT_W)),
    ]


def _draw(c: PrismaCounts, w: dict[str, str]) -> Figure:
    rows = _flow_rows(c, w)
    other = _other_rows(c.other_methods, w) if c.other_methods is not None else []
    header = _block([(w["header"], 0)], LEFT_W + COL_GAP + RIGHT_W, align="center", size=HEADER_PT, bold=True)
    other_width = OTHER_LEFT_W + COL_GAP + OTHER_RIGHT_W
    other_header = (_block([(w["header_other"], 0)], other_width, align="center", size=HEADER_PT, bold=True)
                    if other else None)
    if other_header is not None:
        header.min_height = other_header.min_height = max(header.natural_height, other_header.natural_height)
    combined = [(*row, *(other[i] if i < len(other) else ())) for i, row in enumerate(rows)]
    heights = _row_heights(combined, PHASES, w)

    width = 2 * MARGIN + PHASE_W + PHASE_GAP + LEFT_W + COL_GAP + RIGHT_W + (ARM_GAP + other_width if other else 0)
    height = 2 * MARGIN + header.height + HEADER_GAP + sum(heights) + ROW_GAP * (len(rows) - 1)
    fig = new_figure(width, height)
    ax = _axes(fig, width, height)

    left_x = MARGIN + PHASE_W + PHASE_GAP
    right_x = left_x + LEFT_W + COL_GAP

    top = height - MARGIN
    _box(ax, header, left_x, top - header.height, HEADER_STYLE, rounded=True)
    if other_header is not None:
        _box(ax, other_header, right_x + RIGHT_W + ARM_GAP, top - header.height, OTHER_HEADER_STYLE, rounded=True)
    top -= header.height + HEADER_GAP

    row_top, row_mid = _rows_from(top, heights)
    _phase_bars(ax, PHASES, row_top, heights, w)
    _flow_boxes(ax, rows, row_mid, left_x, right_x)
    if other:
        _other_boxes(ax, other, row_mid, right_x + RIGHT_W + ARM_GAP, (left_x + LEFT_W, row_mid[len(rows) - 1]))
    return fig


def _other_boxes(ax: Axes, rows: Sequence[tuple[_Block | None, _Block | None]], row_mid: Sequence[float],
                 x: float, included: tuple[float, float]) -> None:
    """The other-methods arm: boxes and arrows down its left column, right to its removals, and from its last
    box into the review's included studies."""
    right_x = x + OTHER_LEFT_W + COL_GAP
    centre = x + OTHER_LEFT_W / 2
    drawn = [(i, left, right) for i, (left, right) in enumerate(rows) if left is not None]
    for n, (i, left, right) in enumerate(drawn):
        mid = row_mid[i]
        _box(ax, left, x, mid - left.height / 2, BOX_STYLE)
        if right is not None:
            _box(ax, right, right_x, mid - right.height / 2, BOX_STYLE)
            _arrow(ax, (x + OTHER_LEFT_W, mid), (right_x, mid))
        if n + 1 < len(drawn):
            j, below, _ = drawn[n + 1]
            _arrow(ax, (centre, mid - left.height / 2), (centre, row_mid[j] + below.height / 2))
    last, block = drawn[-1][0], drawn[-1][1]
    bottom = row_mid[last] - block.height / 2
    ax.plot([centre, centre], [bottom, included[1]], color=ARROW_STYLE["color"], linewidth=ARROW_STYLE["linewidth"],
            solid_capstyle="butt")
    _arrow(ax, (centre, included[1]), included)


def _box(
    ax: Axes, block: _Block, x: float, y_bottom: float, style: dict[str, Any], rounded: bool = False
) -> None:
    """Draw the frame and the wrapped lines of one box whose lower left corner is (x, y_bottom)."""
    if rounded:
        patch = FancyBboxPatch(
            (x, y_bottom), block.width, block.height, boxstyle="round,pad=0,rounding_size=0.06", **style
        )
    else:
        patch = Rectangle((x, y_bottom), block.width, block.height, **style)
    ax.add_patch(patch)
    line_h = block.line_height
    y_top = y_bottom + block.height - (block.height - block.natural_height) / 2
    for i, (text, offset) in enumerate(block.lines):
        y = y_top - PAD_Y - (i + 0.5) * line_h
        if block.align == "center":
            tx, ha = x + block.width / 2, "center"
        else:
            tx, ha = x + PAD_X + offset, "left"
        ax.text(
            tx,
            y,
            text,
            ha=ha,
            va="center_baseline",
            fontsize=block.size,
            fontweight="bold" if block.bold else "normal",
            family=FONT_FAMILY,
        )


def _arrow(ax: Axes, start: tuple[float, float], end: tuple[float, float]) -> None:
    ax.add_patch(FancyArrowPatch(start, end, shrinkA=0, shrinkB=0, **ARROW_STYLE))

"""The boxes of a flow diagram: wrapped text measured from the font, boxes sized to it, rows, phase bars, arrows.

Both PRISMA templates (new and updated reviews) are drawn from these parts. The axes span the whole figure with
1 data unit = 1 inch, so text is measured and boxes are sized exactly instead of guessed, and wrapping never
lets a count's "(n = 1,234)" break across lines.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Rectangle
from matplotlib.textpath import text_to_path

from reviewflow.report.figures.save import FONT_FAMILY

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
ARROW_STYLE: dict[str, Any] = {"arrowstyle": "-|>", "mutation_scale": 9, "linewidth": 0.8, "color": "black"}


@dataclass
class Block:
    """Text of one box, already wrapped: (line, x offset from the inner left edge)."""

    lines: list[tuple[str, float]]
    width: float
    align: str = "left"
    size: float = FONT_PT
    bold: bool = False
    min_height: float = 0.0
    origins: list[int] | None = None
    """For each line, the index of the (text, level) entry it was wrapped from."""
    urls: list[str | None] | None = None
    """Link per entry (HTML version only: SVG ``<a>`` around the line and, from the first entry, the frame)."""

    def line_url(self, line: int) -> str | None:
        if self.urls is None or self.origins is None or self.origins[line] >= len(self.urls):
            return None
        return self.urls[self.origins[line]]

    @property
    def line_height(self) -> float:
        return self.size * 1.35 / 72

    @property
    def natural_height(self) -> float:
        return 2 * PAD_Y + len(self.lines) * self.line_height

    @property
    def height(self) -> float:
        return max(self.natural_height, self.min_height)


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Width in inches of ``text`` set in the figure font, measured from the glyph outlines."""
    prop = FontProperties(family=FONT_FAMILY, size=size, weight="bold" if bold else "normal")
    width, _, _ = text_to_path.get_text_width_height_descent(text, prop, ismath=False)
    return width / 72


def wrap(text: str, width: float, size: float, bold: bool = False) -> list[str]:
    """Wrap at word boundaries to the widest line that still fits ``width`` inches when measured."""
    if text_width(text, size, bold) <= width * FIT:
        return [text]
    estimate = int(len(text) * width / text_width(text, size, bold)) + 4
    for chars in range(min(estimate, len(text)), 0, -1):
        lines = textwrap.wrap(text, chars, break_on_hyphens=False)
        if all(text_width(line, size, bold) <= width * FIT for line in lines):
            return lines
    return list(text)


def wrap_hanging(text: str, first: float, rest: float, size: float, bold: bool = False) -> list[str]:
    """Fill the first line to ``first`` inches, then wrap the remainder to the narrower hanging width."""
    words = text.split(" ")  # ASCII spaces only: the non-breaking spaces inside '(n = x)' hold it together
    taken = 1
    while taken < len(words) and text_width(" ".join(words[: taken + 1]), size, bold) <= first * FIT:
        taken += 1
    head = " ".join(words[:taken])
    if text_width(head, size, bold) > first * FIT:  # a single word wider than the box: let textwrap break it
        return wrap(text, rest, size, bold)
    tail = " ".join(words[taken:])
    return [head, *(wrap(tail, rest, size, bold) if tail else [])]


def block(
    specs: Sequence[tuple[str, int]],
    width: float,
    *,
    align: str = "left",
    size: float = FONT_PT,
    bold: bool = False,
) -> Block:
    """Wrap each (text, indent level) entry; wrapped continuation lines hang under their first line."""
    inner = width - 2 * PAD_X
    lines: list[tuple[str, float]] = []
    origins: list[int] = []
    for index, (text, level) in enumerate(specs):
        if align == "center":
            lines.extend((part, 0.0) for part in wrap(text, inner, size, bold))
        else:
            indent = level * INDENT
            first, *rest = wrap_hanging(text, inner - indent, inner - indent - HANG, size, bold)
            lines.append((first, indent))
            lines.extend((part, indent + HANG) for part in rest)
        origins.extend([index] * (len(lines) - len(origins)))
    return Block(lines, width, align, size, bold, origins=origins)


def n_label(count: int) -> str:
    """'(n = 1,234)' with non-breaking spaces so wrapping never splits the count from its 'n ='."""
    return f"(n\u00a0=\u00a0{count:,})"


def center(label: str, count: int, width: float = LEFT_W, awaiting: tuple[str, int] = ("", 0)) -> Block:
    """A centred box: label and count, then (in a draft, when nonzero) the works of it still awaiting people."""
    extra = [(f"{awaiting[0]} {n_label(awaiting[1])}", 0)] if awaiting[1] else []
    return block([(label, 0), (n_label(count), 0), *extra], width, align="center")


def row_heights(
    rows: Sequence[Sequence[Block | None]], phases: Sequence[tuple[str, list[int]]], w: dict[str, str]
) -> list[float]:
    """Each row as tall as its tallest box (and its phase label); boxes of similar size share the row height."""
    heights = [max(block.height for block in row if block is not None) for row in rows]
    for key, members in phases:  # a phase bar must be tall enough for its rotated label
        need = text_width(w[key], PHASE_PT, bold=True) + 2 * 0.12
        span = sum(heights[i] for i in members) + ROW_GAP * (len(members) - 1)
        if span < need:
            for i in members:
                heights[i] += (need - span) / len(members)
    for row, row_height in zip(rows, heights, strict=True):
        for block in row:  # boxes of similar size share the row height, as in the template
            if block is not None and block.natural_height >= STRETCH * row_height:
                block.min_height = row_height
    return heights


def axes(fig: Figure, width: float, height: float) -> Axes:
    ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    ax.set_xlim(0, width)
    ax.set_ylim(0, height)
    ax.set_axis_off()
    return ax


def rows_from(top: float, heights: Sequence[float]) -> tuple[list[float], list[float]]:
    """Top and middle y of each row, rows stacked downwards from ``top``."""
    row_top: list[float] = []
    row_mid: list[float] = []
    for h in heights:
        row_top.append(top)
        row_mid.append(top - h / 2)
        top -= h + ROW_GAP
    return row_top, row_mid


def phase_bars(ax: Axes, phases: Sequence[tuple[str, list[int]]], row_top: Sequence[float],
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


def box(
    ax: Axes, block: Block, x: float, y_bottom: float, style: dict[str, Any], rounded: bool = False
) -> None:
    """Draw the frame and the wrapped lines of one box whose lower left corner is (x, y_bottom)."""
    if rounded:
        patch = FancyBboxPatch(
            (x, y_bottom), block.width, block.height, boxstyle="round,pad=0,rounding_size=0.06", **style
        )
    else:
        patch = Rectangle((x, y_bottom), block.width, block.height, **style)
    if block.urls:
        patch.set_url(block.urls[0])
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
            url=block.line_url(i),
        )


def arrow(ax: Axes, start: tuple[float, float], end: tuple[float, float]) -> None:
    ax.add_patch(FancyArrowPatch(start, end, shrinkA=0, shrinkB=0, **ARROW_STYLE))

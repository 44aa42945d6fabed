"""Pain (or any score) before and after, one small panel per study, each on its own scale.

Studies measure on different scales (0-10, 0-100, a scale not stated), so a shared axis would compare the
incomparable: each study gets its own panel, its own axis from zero, its label as title and its scale written
under the panel. The caller orders the panels (by group, then label) and supplies the texts.
"""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from reviewflow.report.figures.save import figure_style, new_figure, save_figure

COLUMNS = 3
PANEL_WIDTH, PANEL_HEIGHT = 2.1, 1.75  # inches
TITLE_CHARS, SCALE_CHARS = 28, 34
LINE = "#0072B2"


@dataclass(frozen=True)
class Pair:
    """One study's score before and after, as extracted (decimal text), with the texts shown around it."""

    title: str
    before: str
    after: str
    scale: str = ""


def _axis_top(pair: Pair) -> float:
    return float(max(Decimal(pair.before), Decimal(pair.after))) * 1.25 or 1.0


def draw_before_after(pairs: list[Pair], stem: Path, *, before_label: str = "Before",
                      after_label: str = "After") -> list[Path]:
    """A grid of panels, one per pair; a single note when no study reports both values."""
    for index, pair in enumerate(pairs):
        for value in (pair.before, pair.after):
            if Decimal(value) < 0:
                raise ValueError(f"pairs[{index}] ({pair.title}) has a negative score {value}")
    with figure_style():
        if not pairs:
            fig = new_figure(4.0, 1.0)
            fig.text(0.5, 0.5, "No included study reports both values.", ha="center", va="center", fontsize=8)
            return save_figure(fig, stem)
        columns = min(COLUMNS, len(pairs))
        lines = math.ceil(len(pairs) / columns)
        fig = new_figure(PANEL_WIDTH * columns, PANEL_HEIGHT * lines, layout="constrained")
        axes = fig.subplots(lines, columns, squeeze=False)
        for ax in axes.flat[len(pairs):]:
            ax.set_visible(False)
        for ax, pair in zip(axes.flat, pairs, strict=False):
            values = [float(Decimal(pair.before)), float(Decimal(pair.after))]
            ax.plot([0, 1], values, color=LINE, marker="o", markersize=4, linewidth=1.4)
            for x, text in zip((0, 1), (pair.before, pair.after), strict=True):
                ax.annotate(text, (x, float(Decimal(text))), textcoords="offset points", xytext=(0, 5),
                            ha="center", fontsize=7)
            ax.set_xlim(-0.4, 1.4)
            ax.set_ylim(0, _axis_top(pair))
            ax.set_xticks([0, 1], [before_label, after_label], fontsize=7)
            ax.tick_params(axis="y", labelsize=6.5)
            ax.set_title("\n".join(textwrap.wrap(pair.title, TITLE_CHARS)), fontsize=7.5, loc="left")
            if pair.scale:
                ax.set_xlabel("\n".join(textwrap.wrap(pair.scale, SCALE_CHARS)), fontsize=6.5, color="#444444")
            ax.spines[["top", "right"]].set_visible(False)
    return save_figure(fig, stem)

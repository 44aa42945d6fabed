"""A cross-tabulation chart: studies counted in the cells of two category fields (conditions by target nerve).

Rows and columns arrive labelled and ordered by the caller (the form's code order), so this module only draws:
a grid shaded by count with the count written in each non-empty cell, and each row's and column's total in its
label, so the chart reads without a legend.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
from matplotlib import colormaps
from matplotlib.colors import Normalize

from reviewflow.report.figures.save import figure_style, new_figure, save_figure

ROW_CHARS = 34
COLUMN_CHARS = 18
CELL = 0.45  # inches per cell
ROW_LABELS = 2.6  # inches left of the grid for the wrapped row labels
SHADES = "Blues"


def _wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(text, width, break_long_words=False)) or text


def draw_crosstab(rows: list[str], columns: list[str], counts: list[list[int]], stem: Path, *,
                  xlabel: str, ylabel: str) -> list[Path]:
    """Shaded grid of ``counts[row][column]`` with the totals in the labels; empty cells are left blank."""
    if not rows or not columns:
        raise ValueError("a cross-tabulation needs at least one row and one column")
    if len(counts) != len(rows) or any(len(line) != len(columns) for line in counts):
        raise ValueError(f"counts must be {len(rows)} rows of {len(columns)} columns")
    if any(isinstance(n, bool) or not isinstance(n, int) or n < 0 for line in counts for n in line):
        raise ValueError("counts must be non-negative integers")
    grid = np.array(counts, dtype=float)
    row_labels = [_wrap(f"{label} ({int(total)})", ROW_CHARS) for label, total in zip(rows, grid.sum(1), strict=True)]
    column_labels = [_wrap(f"{label} ({int(total)})", COLUMN_CHARS)
                     for label, total in zip(columns, grid.sum(0), strict=True)]
    label_lines = max(label.count("\n") + 1 for label in column_labels)
    width = ROW_LABELS + CELL * len(columns)
    height = 0.6 + 0.12 * label_lines + CELL * len(rows)
    with figure_style():
        fig = new_figure(width, height, layout="constrained")
        ax = fig.add_subplot()
        norm = Normalize(vmin=0, vmax=max(grid.max(), 1))
        cmap = colormaps[SHADES]
        ax.pcolormesh(np.ma.masked_equal(grid, 0), cmap=cmap, norm=norm, edgecolors="white", linewidth=1.5)
        for (r, c), value in np.ndenumerate(grid):
            if value:
                dark = norm(value) > 0.55
                ax.text(c + 0.5, r + 0.5, str(int(value)), ha="center", va="center", fontsize=8,
                        color="white" if dark else "black")
        ax.set_xlim(0, len(columns))
        ax.set_ylim(len(rows), 0)
        ax.set_xticks([c + 0.5 for c in range(len(columns))], column_labels, rotation=90, fontsize=7)
        ax.set_yticks([r + 0.5 for r in range(len(rows))], row_labels, fontsize=7.5)
        ax.tick_params(length=0)
        ax.set_xlabel(xlabel, fontsize=8)
        ax.set_ylabel(ylabel, fontsize=8)
        for side in ax.spines.values():
            side.set_visible(False)
        ax.set_facecolor("#F4F4F4")
    return save_figure(fig, stem)

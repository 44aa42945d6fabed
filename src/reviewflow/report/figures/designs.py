"""Bar charts of the included studies by design, and of our counts against the published review's.

Categories arrive already labelled and ordered by the caller (the order is a reporting decision, not a
plotting one), so these functions only draw; counts are integers, so the value axis only shows whole
numbers.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from pathlib import Path

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from reviewflow.report.figures.save import figure_style, new_figure, save_figure

WIDTH = 6.0
BAR_ROW = 0.32  # inches of figure height per category
LABEL_CHARS = 32  # category labels longer than this wrap onto further lines
COLOR_SINGLE = "#4C72B0"
COLOR_OURS = "#0072B2"  # Okabe-Ito blue and orange: distinguishable with colour-vision deficiencies
COLOR_PUBLISHED = "#E69F00"


def draw_design_breakdown(
    counts: list[tuple[str, int]],
    stem: Path,
    *,
    title: str | None = None,
    xlabel: str = "Number of studies",
) -> list[Path]:
    """Horizontal bars of included studies per design, first category on top, count at each bar end."""
    labels = _check_labels([label for label, _ in counts], "counts")
    values = [_check_count(n, f"counts[{i}]") for i, (_, n) in enumerate(counts)]
    with figure_style():
        fig, ax = _canvas(labels, extra=0.3 if title else 0.0)
        bars = ax.barh(range(len(values)), values, height=0.6, color=COLOR_SINGLE)
        ax.bar_label(bars, labels=[str(v) for v in values], padding=3, fontsize=8)
        _finish(ax, labels, max(values), xlabel)
        if title:
            ax.set_title(title, fontsize=9, loc="left")
    return save_figure(fig, stem)


def draw_reproduction_comparison(
    rows: list[tuple[str, int, int]],
    stem: Path,
    *,
    ours_label: str,
    published_label: str,
    xlabel: str = "Number of studies",
) -> list[Path]:
    """Paired bars per design category, ours above the published review's, so differences read at a glance."""
    labels = _check_labels([row[0] for row in rows], "rows")
    ours = [_check_count(row[1], f"rows[{i}] (ours)") for i, row in enumerate(rows)]
    published = [_check_count(row[2], f"rows[{i}] (published)") for i, row in enumerate(rows)]
    with figure_style():
        fig, ax = _canvas(labels, per_row=1.5 * BAR_ROW, extra=0.3)
        height = 0.38
        positions = range(len(labels))
        for offset, values, color, name in (
            (-height / 2, ours, COLOR_OURS, ours_label),
            (height / 2, published, COLOR_PUBLISHED, published_label),
        ):
            bars = ax.barh([p + offset for p in positions], values, height=height, color=color, label=name)
            ax.bar_label(bars, labels=[str(v) for v in values], padding=3, fontsize=7.5)
        _finish(ax, labels, max(ours + published), xlabel)
        fig.legend(loc="outside upper center", ncols=2, frameon=False, fontsize=8)
    return save_figure(fig, stem)


def _check_labels(labels: Sequence[object], name: str) -> list[str]:
    if not labels:
        raise ValueError(f"{name} is empty: there is nothing to plot")
    bad = [i for i, label in enumerate(labels) if not isinstance(label, str) or not label.strip()]
    if bad:
        raise ValueError(f"{name} has empty or non-text labels at positions {bad}")
    return [str(label) for label in labels]


def _check_count(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{name} must be a non-negative integer count, got {value!r}")
    return value


def _canvas(labels: list[str], per_row: float = BAR_ROW, extra: float = 0.0) -> tuple[Figure, Axes]:
    """Figure whose height grows with the number of categories and of wrapped label lines."""
    lines = sum(len(textwrap.wrap(label, LABEL_CHARS)) for label in labels)
    height = 0.7 + extra + max(per_row * len(labels), 0.14 * lines)
    fig = new_figure(WIDTH, height, layout="constrained")
    return fig, fig.add_subplot()


def _finish(ax: Axes, labels: list[str], largest: int, xlabel: str) -> None:
    """Shared axis styling: wrapped category labels, whole-number ticks, room for the end-of-bar counts."""
    ax.set_yticks(range(len(labels)), ["\n".join(textwrap.wrap(label, LABEL_CHARS)) for label in labels])
    ax.invert_yaxis()
    ax.tick_params(axis="y", length=0, labelsize=8)
    ax.tick_params(axis="x", labelsize=8)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlim(0, max(largest * 1.12, largest + 1, 1))
    ax.set_xlabel(xlabel, fontsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="x", linewidth=0.4, color="#DDDDDD")
    ax.set_axisbelow(True)

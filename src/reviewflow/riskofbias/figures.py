"""Traffic-light and summary plots of risk-of-bias judgements, in robvis's conventions (colours, symbols,
layout; see tools/robvis.yaml for the sources), saved through ``save_figure`` so every rebuild writes the same
bytes.

Traffic light: one row per assessed study (and result), one column per domain then Overall on a grey
background; each judgement a circle in its colour with its symbol; the domains spelled out below. Summary: one
bar per domain, the share of studies (or of their weights) at each judgement, the overall bar last in bold.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from matplotlib.patches import Circle, Rectangle
from matplotlib.ticker import FixedLocator, PercentFormatter

from reviewflow.report.figures.save import figure_style, new_figure, save_figure
from reviewflow.riskofbias.tools import Tool, robvis_conventions

CELL = 0.42
"""Inches per traffic light."""
STRIP = "#a9a9a9"
BORDER = "#bebebe"
CHAR_WIDTH = 0.066
"""Inches per character of 8 pt text, to size the label column."""


@dataclass(frozen=True)
class Row:
    """One row of the traffic light: its label and a judgement code per column (domains, then overall)."""

    label: str
    judgements: tuple[str | None, ...]
    weight: float = 1.0


def _columns(tool: Tool) -> list[tuple[str, str]]:
    """(short name, full name) per column: D1..Dn (Q1..Qn for a checklist), then Overall when the tool has one."""
    columns = [(domain.id.upper(), domain.name) for domain in tool.domains]
    return columns + ([("Overall", "Overall risk of bias")] if tool.has_overall else [])


def _style(tool: Tool, code: str, palette: str) -> tuple[str, str]:
    conventions = robvis_conventions()
    level = tool.judgement(code).level
    return conventions.palettes[palette][level], conventions.symbols[level]


def _outline(tool: Tool, code: str) -> str:
    """Black around every judgement; none around "not applicable", as robvis draws it."""
    return "none" if tool.judgement(code).level == "not_applicable" else "#000000"


def draw_traffic_light(tool: Tool, rows: Sequence[Row], stem: Path, *, palette: str = "cochrane") -> list[Path]:
    """The traffic-light plot of ``rows`` (studies in the order given) as PNG, PDF and SVG."""
    if not rows:
        raise ValueError("no assessed study to plot")
    columns = _columns(tool)
    caption = ["Items:" if tool.checklist else "Domains:", *(line for short, name in columns if short != "Overall"
                             for line in textwrap.wrap(f"{short}: {name}", 70, subsequent_indent="      "))]
    used = [code for code in (j.code for j in tool.judgements) if any(code in row.judgements for row in rows)]
    label_width = max(0.8, CHAR_WIDTH * max(len(row.label) for row in rows) + 0.2)
    grid_width, grid_height = CELL * len(columns), CELL * len(rows)
    legend_width = max(1.4, CHAR_WIDTH * max(len(tool.label_of(c)) for c in used) + 0.5)
    width = max(0.35 + label_width + grid_width + 0.2, 0.35 + CHAR_WIDTH * 74 + 0.2, 3.0 + legend_width)
    caption_height = 0.16 * max(len(caption), len(used) + 1) + 0.2
    height = 0.55 + CELL + grid_height + caption_height
    conventions = robvis_conventions()
    with figure_style():
        fig = new_figure(width, height)
        ax = fig.add_axes((0, 0, 1, 1))
        ax.set_xlim(0, width)
        ax.set_ylim(0, height)
        ax.set_axis_off()
        left, top = 0.35 + label_width, height - 0.55
        heading = "Checklist items" if tool.checklist else "Risk of bias domains"
        ax.text(left + grid_width / 2, height - 0.3, heading, ha="center", va="center", fontsize=9)
        ax.text(0.18, top - CELL - grid_height / 2, "Study", rotation=90, ha="center", va="center", fontsize=9)
        for j, (short, _) in enumerate(columns):
            x = left + j * CELL
            ax.add_patch(Rectangle((x, top - CELL), CELL, CELL, facecolor=STRIP, edgecolor=BORDER, linewidth=0.6))
            ax.text(x + CELL / 2, top - CELL / 2, short, ha="center", va="center",
                    fontsize=7 if len(short) > 3 else 8)
        for i, row in enumerate(rows):
            y = top - CELL * (i + 2)
            ax.add_patch(Rectangle((0.35, y), label_width, CELL, facecolor=STRIP, edgecolor=BORDER, linewidth=0.6))
            ax.text(0.35 + label_width - 0.08, y + CELL / 2, row.label, ha="right", va="center", fontsize=8)
            for j, code in enumerate(row.judgements):
                x = left + j * CELL
                overall = columns[j][0] == "Overall"
                ax.add_patch(Rectangle((x, y), CELL, CELL, linewidth=0.6, edgecolor=BORDER,
                                       facecolor=conventions.overall_background if overall else "#ffffff"))
                if code is None:
                    continue
                colour, symbol = _style(tool, code, palette)
                ax.add_patch(Circle((x + CELL / 2, y + CELL / 2), CELL * 0.38, facecolor=colour,
                                    edgecolor=_outline(tool, code), linewidth=0.6))
                ax.text(x + CELL / 2, y + CELL / 2, symbol, ha="center", va="center", fontsize=10,
                        fontweight="bold", color="#000000")
        y = top - CELL * (len(rows) + 1) - 0.25
        ax.text(0.35, y, "\n".join(caption), ha="left", va="top", fontsize=7, linespacing=1.5)
        legend_x = width - legend_width
        ax.text(legend_x, y, "Judgement", ha="left", va="top", fontsize=8)
        for k, code in enumerate(used):
            colour, symbol = _style(tool, code, palette)
            cy = y - 0.2 * (k + 1) - 0.08
            ax.add_patch(Circle((legend_x + 0.09, cy), 0.075, facecolor=colour, edgecolor=_outline(tool, code),
                                linewidth=0.5))
            ax.text(legend_x + 0.09, cy, symbol, ha="center", va="center", fontsize=6, fontweight="bold")
            ax.text(legend_x + 0.24, cy, tool.label_of(code), ha="left", va="center", fontsize=7)
    return save_figure(fig, stem)


def summary_shares(tool: Tool, rows: Sequence[Row]) -> list[tuple[str, dict[str, float]]]:
    """(column name, judgement code -> share of the total weight) per column, first domain first, Overall
    last; shares sum to 1 in each column."""
    shares = []
    for j, (_, name) in enumerate(_columns(tool)):
        weights: dict[str, float] = {}
        for row in rows:
            code = row.judgements[j]
            if code is not None:
                weights[code] = weights.get(code, 0.0) + row.weight
        total = sum(weights.values())
        shares.append((name, {code: weights.get(code, 0.0) / total if total else 0.0
                              for code in (jd.code for jd in tool.judgements)}))
    return shares


def draw_summary(tool: Tool, rows: Sequence[Row], stem: Path, *, palette: str = "cochrane",
                 weight_label: str | None = None) -> list[Path]:
    """The summary bar plot: per domain, the proportion of studies at each judgement (of their weights, named
    by ``weight_label``, when given), as PNG, PDF and SVG."""
    if not rows:
        raise ValueError("no assessed study to plot")
    shares = summary_shares(tool, rows)
    used = [j.code for j in tool.judgements if any(s[1][j.code] > 0 for s in shares)]
    names = [textwrap.fill(name, 48) for name, _ in shares]
    label_width = CHAR_WIDTH * max(len(line) for name in names for line in name.split("\n")) + 0.3
    width = label_width + 4.2
    plot_height = 0.4 * len(shares) + 0.12 * sum(n.count("\n") for n in names)
    height = 0.62 + plot_height + 0.35
    with figure_style():
        fig = new_figure(width, height)
        ax = fig.add_axes((label_width / width, 0.62 / height, 3.9 / width, plot_height / height))
        positions = list(range(len(shares)))[::-1]  # first domain on top
        for code in used:
            colour, _ = _style(tool, code, palette)
            lefts = [sum(s[code_before] for code_before in used[:used.index(code)]) for _, s in shares]
            ax.barh(positions, [s[code] for _, s in shares], left=lefts, height=0.7, color=colour,
                    edgecolor="#000000", linewidth=0.6, label=tool.label_of(code))
        ax.set_xlim(0, 1)
        ax.set_ylim(-0.6, len(shares) - 0.4)
        ax.xaxis.set_major_locator(FixedLocator([0, 0.25, 0.5, 0.75, 1.0]))
        ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        ax.set_yticks(positions, labels=names, fontsize=8)
        ax.tick_params(axis="y", length=0)
        for spine in ("top", "right", "left"):
            ax.spines[spine].set_visible(False)
        if tool.has_overall:
            ax.get_yticklabels()[-1].set_fontweight("bold")
        title = f"Weighted by {weight_label}" if weight_label else "Unweighted: each study counts once"
        ax.set_title(title, fontsize=7, loc="right", color="#555555")
        fig.legend(loc="lower center", ncols=min(len(used), 4), fontsize=7, frameon=True, edgecolor="#000000",
                   fancybox=False, bbox_to_anchor=(0.5, 0.0))
    return save_figure(fig, stem)

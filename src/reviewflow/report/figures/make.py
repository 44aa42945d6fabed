"""Figures stage: turns the synthesis outputs into the review's figures (the drawing lives in the other modules
of this package)."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from reviewflow.report.figures import draw_design_breakdown, draw_prisma_flow, draw_reproduction_comparison
from reviewflow.tables import read_table

log = logging.getLogger(__name__)


def design_group_counts(studies_design: list[str], config: dict[str, Any]) -> list[tuple[str, str, int]]:
    """(group code, label, count) for every configured design group, in config order."""
    return [
        (code, group["label"], sum(1 for d in studies_design if d in group["designs"]))
        for code, group in config["extraction"]["design_groups"].items()
    ]


FIGURE_FORMATS = ("png", "pdf", "svg")
ALL_FIGURES = ("prisma_flow", "design_breakdown", "reproduction")


def figure_names(config: dict[str, Any]) -> list[str]:
    """The figures this review has (the workflow declares exactly these as outputs): the comparison with a
    published review only when the config names one."""
    return [name for name in ALL_FIGURES if name != "reproduction" or config.get("published_reference")]


def _remove_figures_not_made(config: dict[str, Any], outdir: Path) -> None:
    """A figure this review no longer has (its published reference was removed) must not linger beside the
    current ones looking current."""
    for name in sorted(set(ALL_FIGURES) - set(figure_names(config))):
        for fmt in FIGURE_FORMATS:
            stale = outdir / f"{name}.{fmt}"
            if stale.exists():
                log.info("removing %s: the config no longer asks for this figure", stale)
                stale.unlink()


def make_figures(config: dict[str, Any], prisma_path: Path, studies_path: Path, outdir: Path) -> list[Path]:
    """PRISMA flow diagram, design breakdown and (when a published reference exists) the comparison plot."""
    outdir.mkdir(parents=True, exist_ok=True)
    _remove_figures_not_made(config, outdir)
    prisma = json.loads(prisma_path.read_text(encoding="utf-8"))
    designs = read_table(studies_path)["design"].tolist()
    written = draw_prisma_flow(prisma, outdir / "prisma_flow")
    groups = design_group_counts(designs, config)
    written += draw_design_breakdown([(label, n) for _, label, n in groups], outdir / "design_breakdown")
    reference = config.get("published_reference")
    if reference:
        rows = [(label, n, reference["design_groups"].get(code, 0)) for code, label, n in groups]
        written += draw_reproduction_comparison(
            rows, outdir / "reproduction", ours_label="This reconstruction", published_label="Published review"
        )
    return written

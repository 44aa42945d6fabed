"""Figures stage: turns the synthesis outputs into the review's figures (the drawing lives in the other modules
of this package)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from reviewflow.report.figures import draw_design_breakdown, draw_prisma_flow, draw_reproduction_comparison
from reviewflow.tables import read_table


def design_group_counts(studies_design: list[str], config: dict[str, Any]) -> list[tuple[str, str, int]]:
    """(group code, label, count) for every configured design group, in config order."""
    return [
        (code, group["label"], sum(1 for d in studies_design if d in group["designs"]))
        for code, group in config["extraction"]["design_groups"].items()
    ]


def make_figures(config: dict[str, Any], prisma_path: Path, studies_path: Path, outdir: Path) -> list[Path]:
    """PRISMA flow diagram, design breakdown and (when a published reference exists) the comparison plot."""
    outdir.mkdir(parents=True, exist_ok=True)
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

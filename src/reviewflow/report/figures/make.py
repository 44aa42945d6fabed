"""Figures stage: turns the synthesis outputs into the review's figures (the drawing lives in the other modules
of this package)."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pandas as pd

from reviewflow.extraction.form import Field, form_from_config
from reviewflow.report.figures import draw_design_breakdown, draw_prisma_flow, draw_reproduction_comparison
from reviewflow.report.figures.grouped import draw_synthesis_figure
from reviewflow.synthesis.groups import design_group_counts
from reviewflow.tables import read_table

log = logging.getLogger(__name__)


FIGURE_FORMATS = ("png", "pdf", "svg")
ALL_FIGURES = ("prisma_flow", "design_breakdown", "reproduction")


FIELD_PREFIX = "field_"
"""Figures of the form's fields are named ``field_<name>``."""


def figure_names(config: dict[str, Any]) -> list[str]:
    """The figures this review has (the workflow declares exactly these as outputs): the comparison with a
    published review only when the config names one, one bar chart per field the form marks ``figure``, and the
    grouped synthesis's figures under their configured names."""
    names = [name for name in ALL_FIGURES if name != "reproduction" or config.get("published_reference")]
    form = form_from_config(config)
    synthesis = [figure.name for figure in form.synthesis.figures] if form.synthesis else []
    return names + [FIELD_PREFIX + f.name for f in form.fields if f.figure] + synthesis


def _remove_figures_not_made(config: dict[str, Any], outdir: Path) -> None:
    """A figure this review no longer has (its published reference was removed, a field lost its figure) must
    not linger beside the current ones looking current."""
    made = set(figure_names(config))
    candidates = {path.stem for fmt in FIGURE_FORMATS for path in outdir.glob(f"{FIELD_PREFIX}*.{fmt}")}
    for name in sorted((set(ALL_FIGURES) | candidates) - made):
        for fmt in FIGURE_FORMATS:
            stale = outdir / f"{name}.{fmt}"
            if stale.exists():
                log.info("removing %s: the config no longer asks for this figure", stale)
                stale.unlink()


def field_counts(studies: pd.DataFrame, field: Field) -> list[tuple[str, int]]:
    """(label, studies) per code of a category or yes/no field, in form order, then "Not reported" if any."""
    column = studies[field.name]
    counts = [(label, int((column == code).sum())) for code, label in field.codes.items()]
    missing = int((column == "").sum())
    return counts + [("Not reported", missing)] if missing else counts


def make_figures(config: dict[str, Any], prisma_path: Path, studies_path: Path, outdir: Path) -> list[Path]:
    """PRISMA flow diagram, design breakdown, the form's field figures, the grouped synthesis's figures and (when a
    published reference exists) the comparison plot."""
    outdir.mkdir(parents=True, exist_ok=True)
    _remove_figures_not_made(config, outdir)
    prisma = json.loads(prisma_path.read_text(encoding="utf-8"))
    studies = read_table(studies_path)
    designs = studies["design"].tolist()
    written = draw_prisma_flow(prisma, outdir / "prisma_flow")
    groups = design_group_counts(designs, config, prisma)
    written += draw_design_breakdown([(label, n) for _, label, n in groups], outdir / "design_breakdown")
    form = form_from_config(config)
    for field in form.fields:
        if field.figure:
            written += draw_design_breakdown(field_counts(studies, field), outdir / f"{FIELD_PREFIX}{field.name}",
                                             title=field.label)
    for figure in form.synthesis.figures if form.synthesis else ():
        written += draw_synthesis_figure(studies, form, figure, outdir)
    reference = config.get("published_reference")
    if reference:
        rows = [(label, n, reference["design_groups"].get(code, 0))
                for code, label, n in design_group_counts(designs, config)]
        written += draw_reproduction_comparison(
            rows, outdir / "reproduction", ours_label="This reconstruction", published_label="Published review"
        )
    return written

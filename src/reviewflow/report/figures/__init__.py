"""The review's figures, drawn with matplotlib's Agg canvas and written byte-deterministically."""

from reviewflow.report.figures.designs import draw_design_breakdown, draw_reproduction_comparison
from reviewflow.report.figures.prisma_flow import draw_prisma_flow
from reviewflow.report.figures.save import save_figure

__all__ = ["draw_design_breakdown", "draw_prisma_flow", "draw_reproduction_comparison", "save_figure"]

"""Write figures so that re-running the pipeline on the same data gives byte-identical files.

A figure that changes bytes on every run (timestamps, random SVG ids, the host's fonts) makes every re-run
look like a change to the manuscript, so all figure output goes through ``save_figure``.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import matplotlib
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

FONT_FAMILY = "DejaVu Sans"
FONT_FILES: tuple[Path, ...] = tuple(
    Path(matplotlib.get_data_path(), "fonts", "ttf", name)
    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf", "DejaVuSans-BoldOblique.ttf")
)
"""The only font files a figure may use: DejaVu Sans as shipped inside the locked matplotlib package. Named by
file, because a host may have its own "DejaVu Sans" (another version, other metrics) in its font folders."""

DPI: dict[str, int] = {"png": 200, "pdf": 72, "svg": 72}
"""Fixed resolution per format: print-quality PNG; vector formats only use it for rasterised parts."""

METADATA: dict[str, dict[str, Any]] = {
    "png": {"Software": None},
    "pdf": {"CreationDate": None, "ModDate": None, "Producer": None, "Creator": None},
    "svg": {"Date": None, "Creator": None},
}
"""Metadata entries that would carry a timestamp or the matplotlib version are dropped."""

STYLE: dict[str, Any] = {
    "font.family": "sans-serif",
    "font.sans-serif": [FONT_FAMILY],
    "font.size": 8.0,
    "svg.hashsalt": "reviewflow",
    "svg.fonttype": "path",
    "pdf.fonttype": 42,
    "path.simplify": True,
    "axes.unicode_minus": True,
}
"""rcParams that fix everything affecting the bytes written; ``svg.hashsalt`` makes SVG ids reproducible."""


@contextmanager
def pinned_fonts() -> Iterator[None]:
    """While a figure is built and saved, matplotlib sees only ``FONT_FILES``: the host's fonts cannot be chosen,
    whatever their names, and a glyph missing from them shows as missing rather than from some other font."""
    manager = font_manager.fontManager
    saved = manager.ttflist
    manager.ttflist = []
    try:
        for path in FONT_FILES:
            manager.addfont(path)  # also clears the lookup cache, so earlier answers are not reused
        yield
    finally:
        manager.ttflist = saved
        manager._findfont_cached.cache_clear()


@contextmanager
def figure_style() -> Iterator[None]:
    """Apply the fixed style while a figure is built: matplotlib's own defaults (never a matplotlibrc of the
    host), our settings on top, and the pinned fonts; fonts are resolved when text is created and when saved."""
    with matplotlib.rc_context(), pinned_fonts():
        matplotlib.rcdefaults()
        matplotlib.rcParams.update(STYLE)
        yield


def new_figure(width: float, height: float, **kwargs: Any) -> Figure:
    """A figure on the Agg canvas, created without pyplot so no global state or GUI backend is involved."""
    fig = Figure(figsize=(width, height), **kwargs)
    FigureCanvasAgg(fig)
    return fig


def save_figure(fig: Figure, stem: Path, formats: Sequence[str] = ("png", "pdf", "svg")) -> list[Path]:
    """Write ``fig`` as ``<stem>.<format>`` for each format, byte-deterministically, then close it.

    ``stem`` is the output path without extension (a dotted name such as ``prisma.v2`` is kept whole).
    Returns the written paths in the order of ``formats``.
    """
    unknown = [fmt for fmt in formats if fmt not in METADATA]
    if unknown:
        raise ValueError(f"unsupported figure format(s) {unknown}; expected some of {sorted(METADATA)}")
    stem = Path(stem)
    stem.parent.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    try:
        with figure_style():
            for fmt in formats:
                path = stem.parent / f"{stem.name}.{fmt}"
                fig.savefig(path, format=fmt, dpi=DPI[fmt], metadata=dict(METADATA[fmt]))
                written.append(path)
    finally:
        _close(fig)
    return written


def svg_bytes(fig: Figure) -> bytes:
    """The figure as SVG in memory, written exactly as ``save_figure`` writes its SVG file, then closed: for a
    variant that is embedded elsewhere (the HTML manuscript's linked flow diagram) rather than saved."""
    buffer = io.BytesIO()
    try:
        with figure_style():
            fig.savefig(buffer, format="svg", dpi=DPI["svg"], metadata=dict(METADATA["svg"]))
    finally:
        _close(fig)
    return buffer.getvalue()


def _close(fig: Figure) -> None:
    """Release the figure; only touch pyplot if the caller already uses it (never switch their backend)."""
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        pyplot.close(fig)
    fig.clear()

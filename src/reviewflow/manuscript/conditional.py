"""Quarto's conditional content: only what is meant for PDF output reaches the PDF (and HTML's the HTML)."""

from __future__ import annotations

import re

from reviewflow.manuscript.markdown import div_blocks

PDF_FORMATS = ("typst", "pdf")
HTML_FORMATS = ("html", "html5")


def _format_matches(spec: str, formats: tuple[str, ...] = PDF_FORMATS) -> bool | None:
    """Whether a ``.content-visible``/``.content-hidden`` div shows in the output; None for other divs."""
    visible = ".content-visible" in spec
    hidden = ".content-hidden" in spec
    if not (visible or hidden):
        return None
    when = re.search(r"when-format\s*=\s*\"?([\w-]+)", spec)
    unless = re.search(r"unless-format\s*=\s*\"?([\w-]+)", spec)
    if when:
        applies = when.group(1) in formats
    elif unless:
        applies = unless.group(1) not in formats
    else:
        applies = True
    return applies if visible else not applies


def drop_conditional_content(body: str, formats: tuple[str, ...] = PDF_FORMATS) -> str:
    """Remove Quarto ``content-visible``/``content-hidden`` divs not meant for the output (PDF unless ``formats``
    names others, e.g. ``HTML_FORMATS``)."""
    lines = body.split("\n")
    drop = [False] * len(lines)
    for opened, closed, spec in div_blocks(body):
        shown = _format_matches(spec, formats)
        if shown is None:
            continue
        if shown:
            drop[opened] = drop[closed] = True
        else:
            for i in range(opened, closed + 1):
                drop[i] = True
    return "\n".join(line for line, gone in zip(lines, drop, strict=True) if not gone)

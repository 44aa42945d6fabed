"""Render the Quarto manuscript to a deterministic PDF, with Quarto when installed and without it otherwise.

Every number in the prose must come from ``results/numbers.json`` (through the generated ``_variables.yml``
and ``{{< var name >}}`` shortcodes), so the manuscript cannot drift from the analysis; ``lint_numbers``
enforces that on the source text. Without Quarto the package does Quarto's share of the work itself: it
expands the ``var`` and ``include`` shortcodes, numbers figure and table cross-references, converts with
pandoc (citeproc) to Typst and compiles the PDF with the ``typst`` Python package, pinning fonts and
timestamps so two renders of the same inputs are byte-identical.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from reviewflow.errors import InputError
from reviewflow.manuscript.enumeration import lint_enumerations
from reviewflow.manuscript.lint import lint_numbers
from reviewflow.manuscript.markdown import normalise_newlines
from reviewflow.manuscript.quarto import render_with_quarto
from reviewflow.manuscript.typst import render_with_typst
from reviewflow.manuscript.variables import load_variables


def render_pdf(manuscript_dir: Path, variables_file: Path, out_pdf: Path, bibliography: Path | None, *,
               number_allow: list[str], csl: Path | None = None, draft_note: str | None = None) -> None:
    """Render ``manuscript_dir/index.qmd`` to ``out_pdf``: with Quarto if it is on PATH, else pandoc + Typst.

    Both paths lint the source first: no hand-typed number, no enumeration that leaves out a group. The
    fallback also writes the intermediate Typst file next to the PDF (``review.typ``). Output depends only on
    the inputs (and SOURCE_DATE_EPOCH when set). With ``draft_note`` every page is marked DRAFT and carries the
    note (what still awaits people); Quarto cannot mark pages this way, so a draft is always rendered with
    pandoc + Typst.
    """
    manuscript_dir, out_pdf, variables_file = Path(manuscript_dir), Path(out_pdf), Path(variables_file)
    index = manuscript_dir / "index.qmd"
    try:
        source = normalise_newlines(index.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError("manuscript source not found", file=index,
                         expected="a Quarto document index.qmd in the manuscript folder") from None
    lint_numbers(source, index, number_allow)
    lint_enumerations(source, index, load_variables(variables_file))
    out_pdf.parent.mkdir(parents=True, exist_ok=True)
    quarto = shutil.which("quarto")
    if quarto and draft_note is None:
        render_with_quarto(quarto, manuscript_dir, variables_file, out_pdf, bibliography, csl, source)
    else:
        render_with_typst(manuscript_dir, variables_file, out_pdf, bibliography, csl, source, draft_note)

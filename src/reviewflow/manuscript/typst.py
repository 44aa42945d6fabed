"""The back end without Quarto: pandoc (citeproc) converts to Typst and the ``typst`` package compiles the PDF,
with fonts and timestamps pinned so two renders of the same inputs are byte-identical."""

from __future__ import annotations

import json
import logging
import os
import posixpath
import re
from pathlib import Path

import yaml

from reviewflow.errors import InputError
from reviewflow.manuscript.conditional import drop_conditional_content
from reviewflow.manuscript.crossref import number_crossrefs
from reviewflow.manuscript.markdown import images
from reviewflow.manuscript.metadata import Prepared, prepare_metadata, split_front_matter
from reviewflow.manuscript.output import write_atomic
from reviewflow.manuscript.shortcodes import expand_shortcodes, other_shortcodes
from reviewflow.manuscript.variables import load_variables

log = logging.getLogger(__name__)


def _check_executable_cells(body: str, index: Path) -> None:
    """Quarto would run ``{python}``/``{r}`` cells; silently dropping them would lose their output."""
    m = re.search(r"^[ \t]{0,3}(?:`{3,}|~{3,})[ \t]*\{[ \t]*([A-Za-z][\w-]*)[^}\n]*\}", body, re.M)
    if m:
        raise InputError(f"executable code cell '{{{m.group(1)}}}' needs Quarto to run", file=index,
                         expected="numbers via {{< var >}}, tables via {{< include >}}, figures as files",
                         hint="install Quarto, or move the computation into the workflow")


def _image_paths(body: str, manuscript_dir: Path, index: Path) -> tuple[str, Path]:
    """Rewrite relative image paths to Typst root-relative ``/...`` paths; return the text and the root.

    Typst only reads files under its root, so the root is the common ancestor of the manuscript folder and
    every figure; root-relative paths keep the Typst source (and the PDF) free of machine-specific paths.
    """
    found: list[tuple[tuple[int, int], Path, str]] = []
    for img in images(body):
        raw = body[img.target[0]:img.target[1]].strip()
        if raw.startswith("<"):
            end = raw.find(">")
            path_text, rest = raw[1:end], raw[end + 1:]
        else:
            path_text, _, rest = raw.partition(" ")
            rest = (" " + rest) if rest else ""
        if not path_text or re.match(r"[A-Za-z][\w+.-]*:", path_text):
            continue
        path = Path(path_text)
        path = path if path.is_absolute() else manuscript_dir / path
        if not path.is_file():
            raise InputError(f"figure file '{path_text}' not found", file=index,
                             expected=f"an image at {path}", hint="run the figures step, or fix the path")
        found.append((img.target, path.resolve(), rest))
    root = Path(os.path.commonpath([str(manuscript_dir.resolve())] + [str(p) for _, p, _ in found]))
    for (a, b), path, rest in sorted(found, key=lambda f: f[0][0], reverse=True):
        rel = "/" + path.relative_to(root).as_posix()
        target = f"<{rel}>" if " " in rel else rel
        body = body[:a] + target + rest + body[b:]
    return body, root


def _build_markdown(meta: dict, body: str) -> str:
    if not meta:
        return body
    dumped = yaml.safe_dump(meta, sort_keys=True, allow_unicode=True, default_flow_style=False, width=10_000)
    return f"---\n{dumped}---\n{body}"


def _pandoc_message(exc: Exception) -> str:
    text = str(exc)
    text = re.sub(r'^Pandoc died with exitcode "\d+" during conversion:\s*', "", text)
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    return "; ".join(lines[:8]) or "pandoc failed"


def _to_typst(markdown: str, prepared: Prepared, manuscript_dir: Path, index: Path) -> str:
    import pypandoc

    args = ["--standalone", "--citeproc", "--fail-if-warnings", "--wrap=auto", "--columns=100",
            f"--resource-path={manuscript_dir.resolve()}"]
    args += [f"--bibliography={b}" for b in prepared.bibliographies]
    if prepared.csl is not None:
        args.append(f"--csl={prepared.csl}")
    try:
        return pypandoc.convert_text(markdown, to="typst", format="markdown", extra_args=args)
    except (RuntimeError, OSError) as exc:
        raise InputError(f"pandoc could not convert the manuscript: {_pandoc_message(exc)}", file=index,
                         hint="unknown citation keys mean the bibliography lacks that work") from None


def draft_marking(note: str) -> list[str]:
    """Typst set rules that mark every page of a draft: DRAFT across the page and the note in the header, so a
    PDF built before screening and extraction are finished cannot pass for the finished review."""
    quoted = json.dumps(note, ensure_ascii=False)  # a JSON string is a valid Typst string literal
    return [
        "// A draft build: every page is marked.",
        "#set page(background: align(center + horizon,",
        '  rotate(-40deg, text(110pt, weight: "bold", fill: luma(86%))[DRAFT])),',
        f"  header: align(right, text(8pt, fill: luma(40%), {quoted})))",
    ]


def _typst_preamble(real_date: bool, draft_note: str | None = None) -> str:
    lines = [
        "// Generated by reviewflow from index.qmd (pandoc -> Typst). Figures use root-relative paths.",
        "// reviewflow numbers figures and tables (captions say 'Figure N: '); Typst's counter is off.",
        "#set figure(numbering: none)",
        "// Long tables may run over several pages; table cells are set small and ragged-right to stay legible.",
        "#show figure.where(kind: table): set block(breakable: true)",
        "#show table: set text(size: 8pt)",
        "#show table: set par(justify: false)",
    ]
    if not real_date:
        lines.append("#set document(date: none)")
    if draft_note is not None:
        lines += draft_marking(draft_note)
    return "\n".join(lines) + "\n\n"


def _compile_typst(typst_source: str, root: Path, timestamp: int, typ_file: Path, line_offset: int) -> bytes:
    """Compile from memory with only Typst's bundled fonts, so the machine's fonts cannot change the PDF."""
    import typst

    try:
        pdf, warnings = typst.compile_with_warnings(
            typst_source.encode("utf-8"), root=str(root), font_paths=[], ignore_system_fonts=True,
            format="pdf", timestamp=timestamp)
    except typst.TypstError as exc:
        hints = "; ".join(getattr(exc, "hints", None) or []) or None
        where = re.search(r"\.typ:(\d+):\d+", getattr(exc, "diagnostic", "") or "")
        raise InputError(f"typst could not compile the manuscript: {getattr(exc, 'message', exc)}",
                         file=typ_file, line=int(where.group(1)) + line_offset if where else None,
                         hint=hints) from None
    for warning in warnings:
        message = str(getattr(warning, "message", warning))
        if "unknown font family" in message:
            # Typst would quietly set the text in another font: the PDF would not be what the settings name.
            raise InputError(f"typst: {message}", file=typ_file, field="mainfont",
                             expected="a font built into the typst package: Libertinus Serif, New Computer Modern, "
                             "DejaVu Sans Mono", hint="fonts are inputs; the system's fonts are never used")
        log.warning("typst: %s", message)
    if not isinstance(pdf, bytes):
        raise InputError("typst returned no PDF", file=typ_file)
    return pdf


def render_with_typst(manuscript_dir: Path, variables_file: Path, out_pdf: Path, bibliography: Path | None,
                       csl: Path | None, source: str, draft_note: str | None = None) -> None:
    index = manuscript_dir / "index.qmd"
    variables = load_variables(variables_file)
    expanded = expand_shortcodes(source, variables, manuscript_dir, index)
    meta, body = split_front_matter(expanded, index)
    prepared = prepare_metadata(meta, manuscript_dir, index, bibliography, csl)
    _check_executable_cells(body, index)
    body = drop_conditional_content(body)
    body = other_shortcodes(body, index)
    body = number_crossrefs(body, index, source)
    body, root = _image_paths(body, manuscript_dir, index)
    typst_source = _typst_preamble(prepared.real_date, draft_note) + _to_typst(
        _build_markdown(prepared.meta, body), prepared, manuscript_dir, index)
    typ_file = out_pdf.with_suffix(".typ")
    root_hint = posixpath.normpath(os.path.relpath(root, out_pdf.parent.resolve()).replace(os.sep, "/"))
    # the compile hint is the one extra line in review.typ; typst error line numbers are shifted to match
    typ_file.write_text(f"// typst compile --root {root_hint} {typ_file.name}\n" + typst_source,
                        encoding="utf-8", newline="\n")
    pdf = _compile_typst(typst_source, root, prepared.timestamp, typ_file, line_offset=1)
    write_atomic(out_pdf, pdf)

"""The HTML manuscript beside the PDF, in which every computed number and every PRISMA box is a link.

The same Quarto source as the PDF goes through the same steps (lint, shortcodes, conditional content, cross-
references) and pandoc writes standalone HTML5. Figures are embedded as ``data:`` URIs and the PRISMA diagram as
inline SVG whose boxes link to ``prisma.html``, so the page needs no other file and no network; numbers link to
``numbers.html``. Quarto cannot make these links, so this path is used whether or not Quarto is installed.
Nothing in the output depends on the time or the machine: two renders of the same inputs give the same bytes.
"""

from __future__ import annotations

import base64
import html
import re
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from reviewflow.errors import InputError
from reviewflow.manuscript.conditional import HTML_FORMATS, drop_conditional_content
from reviewflow.manuscript.crossref import number_crossrefs
from reviewflow.manuscript.html_pages import MANUSCRIPT_STYLE, PRISMA_PAGE
from reviewflow.manuscript.lint import lint_numbers
from reviewflow.manuscript.markdown import images, normalise_newlines
from reviewflow.manuscript.metadata import Prepared, prepare_metadata, split_front_matter
from reviewflow.manuscript.number_links import NumberMarkers
from reviewflow.manuscript.shortcodes import expand_shortcodes, other_shortcodes
from reviewflow.manuscript.typst import _build_markdown, _check_executable_cells, _pandoc_message
from reviewflow.manuscript.variables import load_variables
from reviewflow.safe_yaml import load_yaml_file

PRISMA_FIGURE = "prisma_flow"
"""File stem of the PRISMA diagram among the figures: that image becomes the linked inline SVG."""
_INLINE = "reviewflow-inline:"
_MIME = {".png": "image/png", ".svg": "image/svg+xml", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
         ".gif": "image/gif", ".webp": "image/webp"}
_PRINT_ONLY = ("papersize", "margin", "mainfont", "fontsize", "columns", "page-numbering", "section-numbering")
"""Typst settings that describe a printed page, not a web page."""
_HTML_KEYS = ("toc", "toc-depth", "number-sections", "lang", "abstract-title", "link-citations", "mainfont",
              "fontsize", "linestretch", "maxwidth")


def _html_settings(manuscript_dir: Path, meta: dict) -> dict[str, Any]:
    """``link-citations`` and ``format: html:`` settings from _quarto.yml, then from the front matter."""
    settings: dict[str, Any] = {}
    path = manuscript_dir / "_quarto.yml"
    for cfg in (load_yaml_file(path) if path.exists() else None, meta):
        if not isinstance(cfg, dict):
            continue
        if "link-citations" in cfg:
            settings["link-citations"] = cfg["link-citations"]
        fmt = cfg.get("format")
        if isinstance(fmt, dict) and isinstance(fmt.get("html"), dict):
            settings.update({k: v for k, v in fmt["html"].items() if k in _HTML_KEYS})
    return settings


def _html_meta(prepared: Prepared, settings: dict[str, Any], plain_title: Any, index: Path) -> dict[str, Any]:
    meta = {k: v for k, v in prepared.meta.items() if k not in _PRINT_ONLY}
    if isinstance(meta.get("author"), list):  # pandoc's HTML template prints names, not the Typst template's dicts
        meta["author"] = [a.get("name", "") if isinstance(a, dict) else a for a in meta["author"]]
    if prepared.meta.get("section-numbering"):
        meta["number-sections"] = True
    meta.update(settings)
    meta["pagetitle"] = str(plain_title) if isinstance(plain_title, str) and plain_title.strip() else index.stem
    return meta


def _figure_source(path: Path) -> Path:
    """A browser cannot show a PDF figure inline: use its PNG or SVG sibling."""
    if path.suffix.lower() != ".pdf":
        return path
    for suffix in (".svg", ".png"):
        if path.with_suffix(suffix).is_file():
            return path.with_suffix(suffix)
    return path


def _embed_images(body: str, manuscript_dir: Path, index: Path, inline: set[str]) -> str:
    """Image targets become ``data:`` URIs (the page stands alone); figures named in ``inline`` become markers
    that are replaced by inline SVG after pandoc."""
    for img in sorted(images(body), key=lambda i: i.target[0], reverse=True):
        a, b = img.target
        raw = body[a:b].strip()
        if raw.startswith("<"):
            end = raw.find(">")
            path_text, rest = raw[1:end], raw[end + 1:]
        else:
            path_text, _, rest = raw.partition(" ")
            rest = (" " + rest) if rest else ""
        if not path_text or re.match(r"[A-Za-z][\w+.-]*:", path_text):
            continue
        path = Path(path_text)
        path = _figure_source(path if path.is_absolute() else manuscript_dir / path)
        if not path.is_file():
            raise InputError(f"figure file '{path_text}' not found", file=index,
                             expected=f"an image at {path}", hint="run the figures step, or fix the path")
        if path.stem in inline:
            target = _INLINE + path.stem
        else:
            mime = _MIME.get(path.suffix.lower())
            if mime is None:
                raise InputError(f"figure '{path_text}' cannot be shown in a web page", file=index,
                                 expected=f"one of {', '.join(sorted(_MIME))} (or a PDF with such a sibling)")
            target = f"data:{mime};base64," + base64.b64encode(path.read_bytes()).decode("ascii")
        body = body[:a] + target + rest + body[b:]
    return body


def linked_prisma_svg(prisma: Mapping[str, Any]) -> str:
    """The PRISMA diagram as SVG for inlining, each box of the main flow a link to its list of works."""
    from reviewflow.report.figures.prisma_flow import build_prisma_figure
    from reviewflow.report.figures.save import svg_bytes
    from reviewflow.synthesis.prisma_lists import BOXES

    links = {box: f"{PRISMA_PAGE}#{box}" for box in BOXES}
    svg = svg_bytes(build_prisma_figure(prisma, links=links)).decode("utf-8")
    # matplotlib opens links in a new window; the lists belong to the same reading, in the same tab
    svg = re.sub(r'(<a xlink:href="[^"]*") target="_blank"', r"\1", svg)
    return svg[svg.index("<svg"):].strip()


def _inline_svgs(page: str, svgs: Mapping[str, str]) -> str:
    for stem, svg in svgs.items():
        tag = re.search(rf'<img src="{re.escape(_INLINE + stem)}"[^>]*>', page)
        if tag is None:
            continue
        alt = re.search(r'alt="([^"]*)"', tag.group(0))
        label = f' role="img" aria-label="{alt.group(1)}"' if alt else ' role="img"'
        element = svg.replace("<svg ", f'<svg class="prisma-flow"{label} ', 1)
        page = page[:tag.start()] + element + page[tag.end():]
    return page


def _to_html(markdown: str, prepared: Prepared, manuscript_dir: Path, index: Path, meta: dict[str, Any],
             draft_note: str | None) -> str:
    import pypandoc

    with tempfile.TemporaryDirectory(prefix="reviewflow-html-") as tmp:
        style = Path(tmp, "style.html")
        style.write_text(f"<style>\n{MANUSCRIPT_STYLE}</style>\n", encoding="utf-8")
        args = ["--standalone", "--citeproc", "--fail-if-warnings", "--wrap=none", "--section-divs",
                f"--resource-path={manuscript_dir.resolve()}", f"--include-in-header={style}"]
        if meta.pop("number-sections", False):
            args.append("--number-sections")
        if meta.get("toc"):
            args.append("--toc")
        if draft_note is not None:
            banner = Path(tmp, "draft.html")
            banner.write_text(f'<p class="draft">{html.escape(draft_note)}</p>\n', encoding="utf-8")
            args.append(f"--include-before-body={banner}")
        args += [f"--bibliography={b}" for b in prepared.bibliographies]
        if prepared.csl is not None:
            args.append(f"--csl={prepared.csl}")
        try:
            return pypandoc.convert_text(_build_markdown(meta, markdown), to="html5", format="markdown",
                                         extra_args=args)
        except (RuntimeError, OSError) as exc:
            raise InputError(f"pandoc could not convert the manuscript to HTML: {_pandoc_message(exc)}",
                             file=index, hint="unknown citation keys mean the bibliography lacks that work") from None


def render_html(manuscript_dir: Path, variables_file: Path, bibliography: Path | None, numbers: Mapping[str, Any],
                prisma: Mapping[str, Any] | None, *, number_allow: list[str], csl: Path | None = None,
                draft_note: str | None = None) -> tuple[str, dict[str, list[str]]]:
    """The HTML page of ``manuscript_dir/index.qmd`` and, per number, the anchors of its uses in it."""
    manuscript_dir = Path(manuscript_dir)
    index = manuscript_dir / "index.qmd"
    try:
        source = normalise_newlines(index.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError("manuscript source not found", file=index,
                         expected="a Quarto document index.qmd in the manuscript folder") from None
    lint_numbers(source, index, number_allow)
    variables = load_variables(variables_file)
    markers = NumberMarkers()
    plain_meta, _ = split_front_matter(expand_shortcodes(source, variables, manuscript_dir, index), index)
    meta, body = split_front_matter(
        expand_shortcodes(source, variables, manuscript_dir, index, wrap=markers.wrap), index)
    prepared = prepare_metadata(meta, manuscript_dir, index, bibliography, csl)
    _check_executable_cells(body, index)
    body = drop_conditional_content(body, HTML_FORMATS)
    body = other_shortcodes(body, index)
    body = number_crossrefs(body, index, source)
    inline = {PRISMA_FIGURE} if prisma is not None else set()
    body = _embed_images(body, manuscript_dir, index, inline)
    page = _to_html(body, prepared, manuscript_dir, index,
                    _html_meta(prepared, _html_settings(manuscript_dir, meta), plain_meta.get("title"), index),
                    draft_note)
    if prisma is not None:
        page = _inline_svgs(page, {PRISMA_FIGURE: linked_prisma_svg(prisma)})
    return markers.link(page, numbers), markers.uses()


def write_html_manuscript(manuscript_dir: Path, variables_file: Path, bibliography: Path | None, numbers_file: Path,
                          prisma_file: Path, lists_file: Path, out_html: Path, *, number_allow: list[str],
                          draft_note: str | None = None) -> list[Path]:
    """Write ``out_html`` and, beside it, ``numbers.html`` and ``prisma.html``; returns the three paths."""
    import json

    from reviewflow.manuscript.html_pages import numbers_page, prisma_page
    from reviewflow.manuscript.output import write_atomic
    from reviewflow.tables import read_table

    numbers = json.loads(Path(numbers_file).read_text(encoding="utf-8"))
    prisma = json.loads(Path(prisma_file).read_text(encoding="utf-8"))
    lists = read_table(Path(lists_file), required=["box", "work_id", "record_id", "database", "year", "title",
                                                   "reason"])
    page, uses = render_html(manuscript_dir, variables_file, bibliography, numbers, prisma,
                             number_allow=number_allow, draft_note=draft_note)
    out_html = Path(out_html)
    out_html.parent.mkdir(parents=True, exist_ok=True)
    written = [out_html, out_html.with_name("numbers.html"), out_html.with_name(PRISMA_PAGE)]
    for path, text in zip(written, (page, numbers_page(numbers, uses), prisma_page(lists, numbers)), strict=True):
        write_atomic(path, text.encode("utf-8"))
    return written

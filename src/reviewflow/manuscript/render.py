"""Render the Quarto manuscript to a deterministic PDF, with Quarto when installed and without it otherwise.

Every number in the prose must come from ``results/numbers.json`` (through the generated ``_variables.yml``
and ``{{< var name >}}`` shortcodes), so the manuscript cannot drift from the analysis; ``lint_numbers``
enforces that on the source text. Without Quarto the package does Quarto's share of the work itself: it
expands the ``var`` and ``include`` shortcodes, numbers figure and table cross-references, converts with
pandoc (citeproc) to Typst and compiles the PDF with the ``typst`` Python package, pinning fonts and
timestamps so two renders of the same inputs are byte-identical.
"""

from __future__ import annotations

import bisect
import datetime as dt
import difflib
import logging
import os
import posixpath
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from reviewflow.errors import InputError

log = logging.getLogger(__name__)

# Quarto's shortcode syntax; a doubled outer brace (``{{{< var x >}}}``) escapes a literal shortcode.
_SHORTCODE = re.compile(
    r"(?P<open>\{?)\{\{<\s*(?P<name>[A-Za-z][\w-]*)(?P<args>.*?)>\}\}(?P<close>\}?)", re.S
)
# Pandoc's citation key: starts with a word character, may contain internal punctuation, ends with one.
_KEY = r"\w(?:[\w:.#$%&+?<>~/-]*\w)?"
# Quarto cross-reference labels this renderer numbers itself (pandoc has no cross-referencing).
_XREF_LABEL = r"(?:fig|tbl)-[\w-]*\w"
_XREF_NAMES = {"fig": "Figure", "tbl": "Table"}
# Front-matter fields that are prose and therefore linted like the body.
_PROSE_FIELDS = ("title", "subtitle", "abstract")
# Settings taken from _quarto.yml / ``format: typst:`` that the pandoc Typst template understands.
_TEMPLATE_KEYS = (
    "bibliography", "csl", "lang", "region", "number-sections", "section-numbering", "toc", "toc-depth",
    "papersize", "fontsize", "margin", "mainfont", "columns", "linestretch", "abstract-title",
    "page-numbering",
)
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(?P<yaml>.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_FENCE_OPEN = re.compile(r"^[ \t]{0,3}(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
_DIV_OPEN = re.compile(r"^(?P<colons>:{3,})[ \t]*(?P<spec>[^:\s].*?)[ \t]*:*[ \t]*$")
_DIV_CLOSE = re.compile(r"^:{3,}[ \t]*$")


# ------------------------------------------------------------------------------------------ variables


class _YamlFloat(float):
    """A float that remembers its YAML spelling, so ``1.50`` is rendered as ``1.50`` and not ``1.5``."""

    text: str

    def __new__(cls, value: float, text: str) -> _YamlFloat:
        obj = super().__new__(cls, value)
        obj.text = text
        return obj


class _VariablesLoader(yaml.SafeLoader):
    """Safe loader whose floats keep their source spelling."""


def _construct_float(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> float:
    return _YamlFloat(loader.construct_yaml_float(node), node.value)


_VariablesLoader.add_constructor("tag:yaml.org,2002:float", _construct_float)


def load_variables(path: Path) -> dict:
    """Read the generated ``_variables.yml`` (nested YAML) that the ``var`` shortcodes look values up in."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("variables file not found", file=path,
                         hint="it is generated from results/numbers.json; run the numbers step") from None
    try:
        data = yaml.load(text, Loader=_VariablesLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError(f"not valid YAML: {getattr(exc, 'problem', None) or exc}", file=path,
                         line=mark.line + 1 if mark is not None else None) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise InputError("variables file must be a mapping of names to values", file=path,
                         expected="nested YAML mapping, e.g. 'prisma: {included: 35}'")
    return data


def _flatten_names(variables: dict, prefix: str = "") -> list[str]:
    names: list[str] = []
    for key, value in variables.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            names.extend(_flatten_names(value, name + "."))
        else:
            names.append(name)
    return names


def _lookup(variables: dict, name: str) -> tuple[bool, Any]:
    """Dotted lookup in the nested mapping; a flat key containing dots is accepted too."""
    node: Any = variables
    for part in name.split("."):
        if isinstance(node, dict) and part in node:
            node = node[part]
        else:
            break
    else:
        return True, node
    if name in variables:
        return True, variables[name]
    return False, None


def _format_value(value: Any) -> str | None:
    """Text of a scalar variable; None for values that cannot stand in prose (groups, nulls)."""
    if value is None or isinstance(value, dict | list):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, _YamlFloat):
        return value.text
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


# ------------------------------------------------------------------------------------------ shortcodes


def _line_at(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _strip_quotes(arg: str) -> str:
    arg = arg.strip()
    if len(arg) >= 2 and arg[0] == arg[-1] and arg[0] in "\"'":
        return arg[1:-1]
    return arg


def expand_shortcodes(text: str, variables: dict, base_dir: Path, source: Path) -> str:
    """Replace ``{{< var a.b >}}`` and ``{{< include path >}}`` the way Quarto does, failing loudly.

    Include paths are relative to ``base_dir`` (inside an included file: relative to that file's folder);
    included text is expanded in turn. Other shortcodes are left for the renderer; ``{{{< x >}}}`` (Quarto's
    escape) becomes ``{{< x >}}``.
    """
    source = Path(source)
    return _expand(_normalise_newlines(text), variables, Path(base_dir), source, [_resolved(source)])


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except OSError:
        return path.absolute()


def _expand(text: str, variables: dict, base_dir: Path, source: Path, stack: list[Path]) -> str:
    def replace(m: re.Match[str]) -> str:
        name, args = m.group("name"), m.group("args").strip()
        escaped = m.group("open") == "{" and m.group("close") == "}"
        literal = "{{< " + name + (" " + args if args else "") + " >}}"
        if escaped:
            return literal
        line = _line_at(text, m.start())
        if name == "var":
            value = _var_value(_strip_quotes(args), variables, source, line)
        elif name == "include":
            value = _include(_strip_quotes(args), variables, base_dir, source, line, stack)
        else:
            return m.group(0)
        return m.group("open") + value + m.group("close")

    return _SHORTCODE.sub(replace, text)


def _var_value(name: str, variables: dict, source: Path, line: int) -> str:
    if not name:
        raise InputError("{{< var >}} shortcode without a variable name", file=source, line=line)
    found, value = _lookup(variables, name)
    if not found:
        close = difflib.get_close_matches(name, _flatten_names(variables), n=3)
        raise InputError(f"unknown variable '{name}' in {{{{< var {name} >}}}}", file=source, line=line,
                         field=name, expected="a name in _variables.yml (generated from numbers.json)",
                         hint=f"did you mean {', '.join(close)}?" if close else None)
    text = _format_value(value)
    if text is None:
        kind = "has no value" if value is None else "is a group of values, not a single value"
        raise InputError(f"variable '{name}' {kind}", file=source, line=line, field=name,
                         expected="a number or text")
    return text


def _include(arg: str, variables: dict, base_dir: Path, source: Path, line: int, stack: list[Path]) -> str:
    if not arg:
        raise InputError("{{< include >}} shortcode without a path", file=source, line=line)
    target = base_dir / arg
    resolved = _resolved(target)
    if resolved in stack:
        chain = " -> ".join(p.name for p in [*stack, resolved])
        raise InputError(f"include cycle: {chain}", file=source, line=line)
    try:
        content = target.read_text(encoding="utf-8")
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        raise InputError(f"included file '{arg}' not found", file=source, line=line,
                         expected=f"a file at {target}") from None
    content = _normalise_newlines(content).rstrip("\n")
    return _expand(content, variables, target.parent, target, [*stack, resolved])


# ------------------------------------------------------------------------------------------ number lint


def _fence_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of fenced code blocks (fences included); an unclosed fence runs to the end."""
    spans: list[tuple[int, int]] = []
    pos = 0
    open_start: int | None = None
    fence = ""
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\n")
        if open_start is None:
            m = _FENCE_OPEN.match(body)
            if m and not (m.group("fence")[0] == "`" and "`" in m.group("info")):
                open_start, fence = pos, m.group("fence")
        else:
            stripped = body.strip()
            if stripped and set(stripped) == {fence[0]} and len(stripped) >= len(fence) and \
                    len(body) - len(body.lstrip()) <= 3:
                spans.append((open_start, pos + len(body)))
                open_start = None
        pos += len(line)
    if open_start is not None:
        spans.append((open_start, len(text)))
    return spans


_INLINE_CODE = re.compile(r"(?<!`)(`+)(?!`)((?:(?!\n[ \t]*\n).)+?)(?<!`)\1(?!`)", re.S)


def _code_spans(text: str) -> list[tuple[int, int]]:
    """Fenced and inline code, where nothing is prose and nothing is rewritten."""
    fences = _fence_spans(text)
    spans = list(fences)
    for m in _INLINE_CODE.finditer(text):
        if not _inside(fences, m.start()):
            spans.append(m.span())
    spans.sort()
    return spans


def _inside(spans: list[tuple[int, int]], pos: int) -> bool:
    i = bisect.bisect_right(spans, (pos, float("inf"))) - 1
    return i >= 0 and spans[i][0] <= pos < spans[i][1]


def _front_matter_prose(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Spans of the values of title/subtitle/abstract inside the front matter (they are prose)."""
    spans: list[tuple[int, int]] = []
    current: tuple[int, int] | None = None
    pos = start
    for line in text[start:end].splitlines(keepends=True):
        key = re.match(r"([A-Za-z_][\w-]*)[ \t]*:", line)
        if key:
            if current:
                spans.append(current)
            current = None
            if key.group(1) in _PROSE_FIELDS:
                value_start = pos + key.end()
                if re.fullmatch(r"[ \t]*[|>][+-]?\d*[+-]?[ \t]*\n?", line[key.end():]):
                    value_start = pos + len(line)
                current = (value_start, pos + len(line))
        elif current is not None and (line.strip() == "" or line[0] in " \t"):
            current = (current[0], pos + len(line))
        elif current is not None:
            spans.append(current)
            current = None
        pos += len(line)
    if current:
        spans.append(current)
    return spans


def _lint_mask(text: str, allow: list[str]) -> bytearray:
    """1 for characters that are hand-written prose, 0 for everything a digit may legitimately appear in."""
    prose = bytearray(b"\x01") * len(text)

    def mask(a: int, b: int) -> None:
        prose[a:b] = bytes(b - a)

    fm = _FRONT_MATTER.match(text)
    if fm:
        mask(0, fm.end())
        if fm.group("yaml"):
            for a, b in _front_matter_prose(text, fm.start("yaml"), fm.end("yaml")):
                prose[a:b] = b"\x01" * (b - a)
    for a, b in _code_spans(text):
        mask(a, b)

    def mask_all(pattern: str, flags: int = 0, group: int | str = 0, need_prose: bool = True) -> None:
        for m in re.finditer(pattern, text, flags):
            a, b = m.span(group)
            if a < 0 or (need_prose and not prose[m.start()]):
                continue
            mask(a, b)

    mask_all(r"<!--.*?(?:-->|\Z)", re.S)
    mask_all(r"\{?\{\{<.*?>\}\}\}?", re.S)
    # link and image targets, reference definitions, footnote labels
    mask_all(r"\](\((?:[^()\n]|\([^()\n]*\))*\))", group=1, need_prose=False)
    mask_all(r"^ {0,3}\[[^\]^\n][^\]\n]*\]:[ \t]*\S.*$", re.M)
    mask_all(r"\[\^[^\]\s]+\]")
    # attribute blocks: {#fig-x width=80%}, {.callout-note}, {=typst}
    mask_all(r"\{[ \t]*[#.=][^{}\n]*\}")
    mask_all(r"\{[^{}\n]*=[^{}\n]*\}")
    # URLs, e-mail addresses, HTML tags
    mask_all(r"<[A-Za-z][\w+.-]*:[^<>\s]*>")
    mask_all(r"\b(?:https?|ftp)://[^\s<>\]]+|\bwww\.[^\s<>\]]+|\bdoi:\S+", re.I)
    mask_all(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
    mask_all(r"</?[A-Za-z][\w-]*(?:\s[^<>\n]*)?/?>")
    # citations and cross-references: keys anywhere, locators after a key inside brackets
    for group in re.finditer(r"\[[^\[\]\n]*@[^\[\]\n]*\]", text):
        for m in re.finditer(rf"-?@(?:\{{[^}}\n]*\}}|{_KEY})(?:[ \t]*,[^;\]]*)?", group.group(0)):
            mask(group.start() + m.start(), group.start() + m.end())
    mask_all(rf"(?<![\w@])@(?:\{{[^}}\n]*\}}|{_KEY})")
    # ordered-list markers
    mask_all(r"^[ \t]*(\d+)[.)](?=[ \t]|$)", re.M, group=1, need_prose=False)
    for phrase in allow:
        if phrase:
            mask_all(re.escape(phrase), need_prose=False)
    return prose


def lint_numbers(text: str, source: Path, allow: list[str]) -> None:
    """Fail when the prose holds a digit that was typed by hand instead of coming from a ``var`` shortcode.

    Runs on the source text, before expansion. Code, shortcodes, citation keys and locators, cross-reference
    labels, link and figure targets, attributes, URLs, HTML comments and tags, list markers and the front
    matter (except title, subtitle and abstract) are not prose; ``allow`` lists literal phrases (e.g.
    "PRISMA 2020") that may stay.
    """
    text = _normalise_newlines(text)
    prose = _lint_mask(text, list(allow))
    hits: list[tuple[int, int, str]] = []
    line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
    for m in re.finditer(r"\d+(?:[.,]\d+)*", text):
        first = next((i for i in range(m.start(), m.end()) if prose[i]), None)
        if first is None:
            continue
        line = bisect.bisect_right(line_starts, first)
        hits.append((line, first - line_starts[line - 1] + 1, m.group(0)))
    if hits:
        where = ", ".join(f"{line}:{col} '{token}'" for line, col, token in hits)
        raise InputError(f"{len(hits)} hand-typed number(s) in the manuscript text at {where}",
                         file=Path(source), line=hits[0][0],
                         expected="numbers only through {{< var name >}} shortcodes",
                         hint="add the number to results/numbers.json and write {{< var name >}}, or add the "
                              "literal phrase to the manuscript number allow-list")


# ------------------------------------------------------------------------------------------ rendering


def render_pdf(manuscript_dir: Path, variables_file: Path, out_pdf: Path, bibliography: Path | None, *,
               number_allow: list[str], csl: Path | None = None) -> None:
    """Render ``manuscript_dir/index.qmd`` to ``out_pdf``: with Quarto if it is on PATH, else pandoc + Typst.

    Both paths lint the source first. The fallback also writes the intermediate Typst file next to the PDF
    (``review.typ``). Output depends only on the inputs (and SOURCE_DATE_EPOCH when set).
    """
    manuscript_dir, out_pdf, variables_file = Path(manuscript_dir), Path(out_pdf), Path(variables_file)
    index = manuscript_dir / "index.qmd"
    try:
        source = _normalise_newlines(index.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError("manuscript source not found", file=index,
                         expected="a Quarto document index.qmd in the manuscript folder") from None
    lint_numbers(source, index, number_allow)
    out_pdf.parent.mkdir(parents=True, exist_ok=True)
    quarto = shutil.which("quarto")
    if quarto:
        _render_with_quarto(quarto, manuscript_dir, variables_file, out_pdf, bibliography, csl, source)
    else:
        _render_with_typst(manuscript_dir, variables_file, out_pdf, bibliography, csl, source)


def _source_date_epoch() -> int | None:
    raw = os.environ.get("SOURCE_DATE_EPOCH")
    if raw is None or raw.strip() == "":
        return None
    try:
        return int(raw)
    except ValueError:
        raise InputError(f"SOURCE_DATE_EPOCH must be whole seconds since 1970, got '{raw}'",
                         field="SOURCE_DATE_EPOCH") from None


def _concrete_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _pdf_timestamp(meta: dict) -> tuple[int, bool]:
    """(creation timestamp, whether real): SOURCE_DATE_EPOCH, else the manuscript date, else none at all."""
    epoch = _source_date_epoch()
    if epoch is not None:
        return epoch, True
    day = _concrete_date(meta.get("date"))
    if day is not None:
        return int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp()), True
    return 0, False


def _split_front_matter(text: str, file: Path) -> tuple[dict, str]:
    m = _FRONT_MATTER.match(text)
    if not m:
        return {}, text
    try:
        meta = yaml.safe_load(m.group("yaml") or "") or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError(f"front matter is not valid YAML: {getattr(exc, 'problem', None) or exc}", file=file,
                         line=mark.line + 2 if mark is not None else None) from None
    if not isinstance(meta, dict):
        raise InputError("front matter must be a YAML mapping", file=file, line=1)
    return meta, text[m.end():]


def _quarto_settings(manuscript_dir: Path) -> dict:
    """Document settings from _quarto.yml that the fallback honours (top level, then format: typst:)."""
    path = manuscript_dir / "_quarto.yml"
    if not path.exists():
        return {}
    try:
        cfg = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise InputError(f"not valid YAML: {exc}", file=path) from None
    return _typst_settings(cfg) if isinstance(cfg, dict) else {}


def _typst_settings(cfg: dict) -> dict:
    settings = {k: cfg[k] for k in _TEMPLATE_KEYS if k in cfg}
    fmt = cfg.get("format")
    if isinstance(fmt, dict) and isinstance(fmt.get("typst"), dict):
        settings.update({k: v for k, v in fmt["typst"].items() if k in _TEMPLATE_KEYS})
    return settings


def _author_name(name: Any) -> str:
    if isinstance(name, dict):
        if name.get("literal"):
            return str(name["literal"])
        return " ".join(str(name[k]) for k in ("given", "family") if name.get(k))
    return "" if name is None else str(name)


def _normalise_authors(authors: Any) -> list:
    """Quarto's author forms (string, list, dicts with ``affiliations``) as pandoc's Typst template wants."""
    if authors is None:
        return []
    if not isinstance(authors, list):
        authors = [authors]
    out: list = []
    for author in authors:
        if not isinstance(author, dict):
            out.append(str(author))
            continue
        entry = {"name": _author_name(author.get("name"))}
        affs = author.get("affiliations", author.get("affiliation"))
        if affs is not None:
            affs = affs if isinstance(affs, list) else [affs]
            entry["affiliation"] = "; ".join(
                str(a.get("name", "")) if isinstance(a, dict) else str(a) for a in affs)
        if author.get("email"):
            entry["email"] = str(author["email"])
        out.append(entry)
    return out


def _resolve_paths(value: Any, base: Path, field: str, file: Path) -> list[Path]:
    items = value if isinstance(value, list) else [value]
    paths = []
    for item in items:
        path = Path(str(item))
        path = path if path.is_absolute() else base / path
        if not path.is_file():
            raise InputError(f"{field} file '{item}' not found", file=file, field=field,
                             expected=f"a file at {path}")
        paths.append(path.resolve())
    return paths


@dataclass
class _Prepared:
    """Everything pandoc needs apart from the body text."""

    meta: dict
    bibliographies: list[Path]
    csl: Path | None
    timestamp: int
    real_date: bool


def _prepare_metadata(meta: dict, manuscript_dir: Path, index: Path, bibliography: Path | None,
                      csl: Path | None) -> _Prepared:
    merged = _quarto_settings(manuscript_dir)
    merged.update({k: v for k, v in meta.items() if k != "format"})
    merged.update(_typst_settings(meta) if isinstance(meta.get("format"), dict) else {})
    if "author" in merged or "authors" in merged:
        merged["author"] = _normalise_authors(merged.pop("authors", None) or merged.get("author"))
    if merged.pop("number-sections", False) and "section-numbering" not in merged:
        merged["section-numbering"] = "1.1.1"
    timestamp, real = _pdf_timestamp(merged)
    date = merged.get("date")
    if isinstance(date, str) and date.strip().lower() in ("today", "now", "last-modified"):
        # the wall clock would make the PDF differ on every render; only SOURCE_DATE_EPOCH may stand in for it
        epoch = _source_date_epoch()
        if epoch is None:
            merged.pop("date")
        else:
            merged["date"] = dt.datetime.fromtimestamp(epoch, dt.UTC).date().isoformat()
    elif isinstance(date, dt.date):
        merged["date"] = date.isoformat()
    bib_value = merged.pop("bibliography", None)
    csl_value = merged.pop("csl", None)
    if bibliography is not None:
        bibs = _resolve_paths(str(Path(bibliography).absolute()), manuscript_dir, "bibliography", index)
    elif bib_value:
        bibs = _resolve_paths(bib_value, manuscript_dir, "bibliography", index)
    else:
        bibs = []
    if csl is not None:
        csl_path: Path | None = _resolve_paths(str(Path(csl).absolute()), manuscript_dir, "csl", index)[0]
    elif csl_value:
        csl_path = _resolve_paths(csl_value, manuscript_dir, "csl", index)[0]
    else:
        csl_path = None
    return _Prepared(merged, bibs, csl_path, timestamp, real)


def _check_executable_cells(body: str, index: Path) -> None:
    """Quarto would run ``{python}``/``{r}`` cells; silently dropping them would lose their output."""
    m = re.search(r"^[ \t]{0,3}(?:`{3,}|~{3,})[ \t]*\{[ \t]*([A-Za-z][\w-]*)[^}\n]*\}", body, re.M)
    if m:
        raise InputError(f"executable code cell '{{{m.group(1)}}}' needs Quarto to run", file=index,
                         expected="numbers via {{< var >}}, tables via {{< include >}}, figures as files",
                         hint="install Quarto, or move the computation into the workflow")


def _div_blocks(body: str) -> list[tuple[int, int, str]]:
    """(open line index, close line index, attribute spec) of every fenced div, code blocks skipped."""
    lines = body.split("\n")
    fences = _fence_spans(body)
    starts = []
    pos = 0
    for line in lines:
        starts.append(pos)
        pos += len(line) + 1
    stack: list[tuple[int, str]] = []
    blocks: list[tuple[int, int, str]] = []
    for i, line in enumerate(lines):
        if _inside(fences, starts[i]):
            continue
        if _DIV_CLOSE.match(line) and stack:
            opened, spec = stack.pop()
            blocks.append((opened, i, spec))
        else:
            m = _DIV_OPEN.match(line)
            if m:
                stack.append((i, m.group("spec")))
    return blocks


def _format_matches(spec: str) -> bool | None:
    """Whether a ``.content-visible``/``.content-hidden`` div shows in PDF output; None for other divs."""
    visible = ".content-visible" in spec
    hidden = ".content-hidden" in spec
    if not (visible or hidden):
        return None
    formats = {"typst", "pdf"}
    when = re.search(r"when-format\s*=\s*\"?([\w-]+)", spec)
    unless = re.search(r"unless-format\s*=\s*\"?([\w-]+)", spec)
    if when:
        applies = when.group(1) in formats
    elif unless:
        applies = unless.group(1) not in formats
    else:
        applies = True
    return applies if visible else not applies


def _drop_conditional_content(body: str) -> str:
    """Remove Quarto ``content-visible``/``content-hidden`` divs that are not meant for PDF output."""
    lines = body.split("\n")
    drop = [False] * len(lines)
    for opened, closed, spec in _div_blocks(body):
        shown = _format_matches(spec)
        if shown is None:
            continue
        if shown:
            drop[opened] = drop[closed] = True
        else:
            for i in range(opened, closed + 1):
                drop[i] = True
    return "\n".join(line for line, gone in zip(lines, drop, strict=True) if not gone)


def _replace_outside_code(body: str, pattern: re.Pattern[str], repl: Any) -> str:
    spans = _code_spans(body)

    def sub(m: re.Match[str]) -> str:
        return m.group(0) if _inside(spans, m.start()) else repl(m)

    return pattern.sub(sub, body)


def _other_shortcodes(body: str, index: Path) -> str:
    """``pagebreak`` becomes a raw Typst page break; any other shortcode cannot be honoured without Quarto."""

    def repl(m: re.Match[str]) -> str:
        if m.group("open") == "{" and m.group("close") == "}":
            return m.group(0)
        if m.group("name") == "pagebreak":
            return m.group("open") + "\n```{=typst}\n#pagebreak()\n```\n" + m.group("close")
        raise InputError(f"shortcode '{{{{< {m.group('name')} >}}}}' is not supported without Quarto",
                         file=index, expected="var, include or pagebreak",
                         hint="install Quarto or remove the shortcode")

    return _replace_outside_code(body, _SHORTCODE, repl)


@dataclass
class _Image:
    start: int
    caption: tuple[int, int]
    target: tuple[int, int]
    attrs: tuple[int, int] | None


def _matching(text: str, pos: int, open_ch: str, close_ch: str) -> int | None:
    """Index of the bracket closing the one at ``pos`` (backslash escapes honoured), or None."""
    depth = 0
    i = pos
    while i < len(text):
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "\n" and text.startswith("\n\n", i):
            return None
        if ch == open_ch:
            depth += 1
        elif ch == close_ch:
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return None


def _images(body: str) -> Iterator[_Image]:
    spans = _code_spans(body)
    for m in re.finditer(r"!\[", body):
        if _inside(spans, m.start()):
            continue
        cap_end = _matching(body, m.start() + 1, "[", "]")
        if cap_end is None or not body.startswith("(", cap_end + 1):
            continue
        tgt_end = _matching(body, cap_end + 1, "(", ")")
        if tgt_end is None:
            continue
        attrs = None
        if body.startswith("{", tgt_end + 1):
            attr_end = body.find("}", tgt_end + 1)
            if attr_end != -1 and "\n" not in body[tgt_end + 1:attr_end]:
                attrs = (tgt_end + 2, attr_end)
        yield _Image(m.start(), (m.start() + 2, cap_end), (cap_end + 2, tgt_end), attrs)


def _line_of(text: str, needle: str) -> int | None:
    pos = text.find(needle)
    return _line_at(text, pos) if pos >= 0 else None


def _number_crossrefs(body: str, index: Path, source: str) -> str:
    """Number ``#fig-``/``#tbl-`` labels in order of appearance, caption them, resolve ``@fig-x`` references.

    Pandoc has no cross-referencing and Typst's own counter would also number unlabelled figures, so captions
    get an explicit "Figure N: " prefix (Typst figure numbering is switched off) and references become plain
    text, as Quarto renders them.
    """
    defs: list[tuple[int, str, int, bool]] = []  # (position, label, caption insert position, caption empty)
    for img in _images(body):
        if img.attrs is None:
            continue
        label = re.search(rf"#({_XREF_LABEL})(?![\w-])", body[img.attrs[0]:img.attrs[1]])
        if label and label.group(1).startswith("fig-"):
            caption = body[img.caption[0]:img.caption[1]]
            defs.append((img.start, label.group(1), img.caption[0], caption.strip() == ""))
    spans = _code_spans(body)
    for m in re.finditer(r"^(?:Table)?:[ \t]+(?P<cap>.*?)[ \t]*\{(?P<attrs>[^{}\n]*)\}[ \t]*$", body, re.M):
        label = re.search(r"#(tbl-[\w-]*\w)(?![\w-])", m.group("attrs"))
        if label and not _inside(spans, m.start()):
            defs.append((m.start(), label.group(1), m.start("cap"), m.group("cap") == ""))
    lines = body.split("\n")
    line_start = [0]
    for line in lines[:-1]:
        line_start.append(line_start[-1] + len(line) + 1)
    for opened, closed, spec in _div_blocks(body):
        label = re.search(rf"#({_XREF_LABEL})(?![\w-])", spec)
        if not label:
            continue
        last = closed - 1
        while last > opened and not lines[last].strip():
            last -= 1
        first = last
        while first - 1 > opened and lines[first - 1].strip() and not _DIV_OPEN.match(lines[first - 1]):
            first -= 1
        if last <= opened:
            first = closed
        defs.append((line_start[opened], label.group(1), line_start[first], last <= opened))
    defs.sort()
    numbers: dict[str, str] = {}
    counters = {"fig": 0, "tbl": 0}
    for _, label, _, _ in defs:
        if label in numbers:
            raise InputError(f"cross-reference label '#{label}' is defined more than once", file=index,
                             line=_line_of(source, "#" + label))
        kind = label.split("-", 1)[0]
        counters[kind] += 1
        numbers[label] = str(counters[kind])
    for _, label, insert, empty in sorted(defs, key=lambda d: d[2], reverse=True):
        kind = label.split("-", 1)[0]
        prefix = f"{_XREF_NAMES[kind]} {numbers[label]}" + ("" if empty else ": ")
        if empty and body[insert:insert + 3] == ":::":
            prefix += "\n\n"
        body = body[:insert] + prefix + body[insert:]

    def render(ref: str) -> str:
        suppress = ref.startswith("-")
        label = ref.lstrip("-@")
        kind, rest = label.split("-", 1)
        key = f"{kind.lower()}-{rest}"
        if key not in numbers:
            raise InputError(f"cross-reference '@{label}' points to no figure or table", file=index,
                             line=_line_of(source, "@" + label),
                             expected=f"a '{{#{key}}}' label on a figure or table caption")
        return numbers[key] if suppress else f"{_XREF_NAMES[kind.lower()]} {numbers[key]}"

    ref = r"-?@(?:[Ff]ig|[Tt]bl)-[\w-]*\w"
    group = re.compile(rf"\[[ \t]*({ref}(?:[ \t]*[;,][ \t]*{ref})*)[ \t]*\]")
    body = _replace_outside_code(
        body, group, lambda m: ", ".join(render(r) for r in re.findall(ref, m.group(1))))
    bare = re.compile(r"(?<![\w@\[-])@(?:[Ff]ig|[Tt]bl)-[\w-]*\w")
    return _replace_outside_code(body, bare, lambda m: render(m.group(0)))


def _image_paths(body: str, manuscript_dir: Path, index: Path) -> tuple[str, Path]:
    """Rewrite relative image paths to Typst root-relative ``/...`` paths; return the text and the root.

    Typst only reads files under its root, so the root is the common ancestor of the manuscript folder and
    every figure; root-relative paths keep the Typst source (and the PDF) free of machine-specific paths.
    """
    found: list[tuple[tuple[int, int], Path, str]] = []
    for img in _images(body):
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


def _to_typst(markdown: str, prepared: _Prepared, manuscript_dir: Path, index: Path) -> str:
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


def _typst_preamble(real_date: bool) -> str:
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
        log.warning("typst: %s", getattr(warning, "message", warning))
    if not isinstance(pdf, bytes):
        raise InputError("typst returned no PDF", file=typ_file)
    return pdf


def _write_atomic(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _render_with_typst(manuscript_dir: Path, variables_file: Path, out_pdf: Path, bibliography: Path | None,
                       csl: Path | None, source: str) -> None:
    index = manuscript_dir / "index.qmd"
    variables = load_variables(variables_file)
    expanded = expand_shortcodes(source, variables, manuscript_dir, index)
    meta, body = _split_front_matter(expanded, index)
    prepared = _prepare_metadata(meta, manuscript_dir, index, bibliography, csl)
    _check_executable_cells(body, index)
    body = _drop_conditional_content(body)
    body = _other_shortcodes(body, index)
    body = _number_crossrefs(body, index, source)
    body, root = _image_paths(body, manuscript_dir, index)
    typst_source = _typst_preamble(prepared.real_date) + _to_typst(
        _build_markdown(prepared.meta, body), prepared, manuscript_dir, index)
    typ_file = out_pdf.with_suffix(".typ")
    root_hint = posixpath.normpath(os.path.relpath(root, out_pdf.parent.resolve()).replace(os.sep, "/"))
    # the compile hint is the one extra line in review.typ; typst error line numbers are shifted to match
    typ_file.write_text(f"// typst compile --root {root_hint} {typ_file.name}\n" + typst_source,
                        encoding="utf-8", newline="\n")
    pdf = _compile_typst(typst_source, root, prepared.timestamp, typ_file, line_offset=1)
    _write_atomic(out_pdf, pdf)


def _render_with_quarto(quarto: str, manuscript_dir: Path, variables_file: Path, out_pdf: Path,
                        bibliography: Path | None, csl: Path | None, source: str) -> None:
    """Quarto reads ``_variables.yml`` from the project folder, so a variables file elsewhere is copied in."""
    index = manuscript_dir / "index.qmd"
    project_vars = manuscript_dir / "_variables.yml"
    if variables_file.resolve() != project_vars.resolve():
        data = variables_file.read_bytes()
        if not project_vars.exists() or project_vars.read_bytes() != data:
            project_vars.write_bytes(data)
    meta, _ = _split_front_matter(source, index)
    timestamp, _ = _pdf_timestamp(meta)
    env = dict(os.environ)
    env.setdefault("SOURCE_DATE_EPOCH", str(timestamp))
    with tempfile.TemporaryDirectory(prefix="reviewflow-quarto-") as tmp:
        cmd = [quarto, "render", "index.qmd", "--to", "typst", "--output-dir", tmp, "-M", "keep-typ:true"]
        if bibliography is not None:
            cmd += ["-M", f"bibliography:{Path(bibliography).resolve()}"]
        if csl is not None:
            cmd += ["-M", f"csl:{Path(csl).resolve()}"]
        proc = subprocess.run(cmd, cwd=manuscript_dir, env=env, capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            lines = (proc.stderr or proc.stdout).splitlines()[-8:]
            tail = "; ".join(ln.strip() for ln in lines if ln.strip()) or f"exit code {proc.returncode}"
            raise InputError(f"quarto render failed: {tail}", file=index)
        pdfs = sorted(Path(tmp).rglob("*.pdf"))
        if not pdfs:
            raise InputError("quarto render produced no PDF", file=index)
        _write_atomic(out_pdf, pdfs[0].read_bytes())
        typs = sorted(Path(tmp).rglob("*.typ")) or sorted(manuscript_dir.glob("index.typ"))
        if typs:
            shutil.copyfile(typs[0], out_pdf.with_suffix(".typ"))

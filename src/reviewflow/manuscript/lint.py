"""The number lint: a digit typed by hand in the prose stops the render, so the text cannot drift from the
analysis."""

from __future__ import annotations

import bisect
import re
from pathlib import Path

from reviewflow.errors import InputError
from reviewflow.manuscript.markdown import FRONT_MATTER, code_spans, normalise_newlines

# Pandoc's citation key: starts with a word character, may contain internal punctuation, ends with one.
_KEY = r"\w(?:[\w:.#$%&+?<>~/-]*\w)?"
# Front-matter fields that are prose and therefore linted like the body.
_PROSE_FIELDS = ("title", "subtitle", "abstract")


def front_matter_prose(text: str, start: int, end: int) -> list[tuple[int, int]]:
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

    fm = FRONT_MATTER.match(text)
    if fm:
        mask(0, fm.end())
        if fm.group("yaml"):
            for a, b in front_matter_prose(text, fm.start("yaml"), fm.end("yaml")):
                prose[a:b] = b"\x01" * (b - a)
    for a, b in code_spans(text):
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
    text = normalise_newlines(text)
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

"""Where things are in a Quarto Markdown text (front matter, code, fenced divs, images, lines), so the other
steps rewrite prose and nothing else."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

FRONT_MATTER = re.compile(r"\A---[ \t]*\n(?P<yaml>.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_FENCE_OPEN = re.compile(r"^[ \t]{0,3}(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
DIV_OPEN = re.compile(r"^(?P<colons>:{3,})[ \t]*(?P<spec>[^:\s].*?)[ \t]*:*[ \t]*$")
_DIV_CLOSE = re.compile(r"^:{3,}[ \t]*$")


def line_at(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


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


def code_spans(text: str) -> list[tuple[int, int]]:
    """Fenced and inline code, where nothing is prose and nothing is rewritten."""
    fences = _fence_spans(text)
    spans = list(fences)
    for m in _INLINE_CODE.finditer(text):
        if not inside(fences, m.start()):
            spans.append(m.span())
    spans.sort()
    return spans


def inside(spans: list[tuple[int, int]], pos: int) -> bool:
    i = bisect.bisect_right(spans, (pos, float("inf"))) - 1
    return i >= 0 and spans[i][0] <= pos < spans[i][1]


def div_blocks(body: str) -> list[tuple[int, int, str]]:
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
        if inside(fences, starts[i]):
            continue
        if _DIV_CLOSE.match(line) and stack:
            opened, spec = stack.pop()
            blocks.append((opened, i, spec))
        else:
            m = DIV_OPEN.match(line)
            if m:
                stack.append((i, m.group("spec")))
    return blocks


def replace_outside_code(body: str, pattern: re.Pattern[str], repl: Any) -> str:
    spans = code_spans(body)

    def sub(m: re.Match[str]) -> str:
        return m.group(0) if inside(spans, m.start()) else repl(m)

    return pattern.sub(sub, body)


@dataclass
class Image:
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


def images(body: str) -> Iterator[Image]:
    spans = code_spans(body)
    for m in re.finditer(r"!\[", body):
        if inside(spans, m.start()):
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
        yield Image(m.start(), (m.start() + 2, cap_end), (cap_end + 2, tgt_end), attrs)


def line_of(text: str, needle: str) -> int | None:
    pos = text.find(needle)
    return line_at(text, pos) if pos >= 0 else None

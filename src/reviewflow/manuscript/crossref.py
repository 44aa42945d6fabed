"""Figure and table cross-references numbered as Quarto numbers them, because pandoc alone does not."""

from __future__ import annotations

import re
from pathlib import Path

from reviewflow.errors import InputError
from reviewflow.manuscript.markdown import (
    DIV_OPEN,
    code_spans,
    div_blocks,
    images,
    inside,
    line_of,
    replace_outside_code,
)

# Quarto cross-reference labels this renderer numbers itself (pandoc has no cross-referencing).
_XREF_LABEL = r"(?:fig|tbl)-[\w-]*\w"
_XREF_NAMES = {"fig": "Figure", "tbl": "Table"}


def number_crossrefs(body: str, index: Path, source: str) -> str:
    """Number ``#fig-``/``#tbl-`` labels in order of appearance, caption them, resolve ``@fig-x`` references.

    Pandoc has no cross-referencing and Typst's own counter would also number unlabelled figures, so captions
    get an explicit "Figure N: " prefix (Typst figure numbering is switched off) and references become plain
    text, as Quarto renders them.
    """
    defs: list[tuple[int, str, int, bool]] = []  # (position, label, caption insert position, caption empty)
    for img in images(body):
        if img.attrs is None:
            continue
        label = re.search(rf"#({_XREF_LABEL})(?![\w-])", body[img.attrs[0]:img.attrs[1]])
        if label and label.group(1).startswith("fig-"):
            caption = body[img.caption[0]:img.caption[1]]
            defs.append((img.start, label.group(1), img.caption[0], caption.strip() == ""))
    spans = code_spans(body)
    for m in re.finditer(r"^(?:Table)?:[ \t]+(?P<cap>.*?)[ \t]*\{(?P<attrs>[^{}\n]*)\}[ \t]*$", body, re.M):
        label = re.search(r"#(tbl-[\w-]*\w)(?![\w-])", m.group("attrs"))
        if label and not inside(spans, m.start()):
            defs.append((m.start(), label.group(1), m.start("cap"), m.group("cap") == ""))
    lines = body.split("\n")
    line_start = [0]
    for line in lines[:-1]:
        line_start.append(line_start[-1] + len(line) + 1)
    for opened, closed, spec in div_blocks(body):
        label = re.search(rf"#({_XREF_LABEL})(?![\w-])", spec)
        if not label:
            continue
        last = closed - 1
        while last > opened and not lines[last].strip():
            last -= 1
        first = last
        while first - 1 > opened and lines[first - 1].strip() and not DIV_OPEN.match(lines[first - 1]):
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
                             line=line_of(source, "#" + label))
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
                             line=line_of(source, "@" + label),
                             expected=f"a '{{#{key}}}' label on a figure or table caption")
        return numbers[key] if suppress else f"{_XREF_NAMES[kind.lower()]} {numbers[key]}"

    ref = r"-?@(?:[Ff]ig|[Tt]bl)-[\w-]*\w"
    group = re.compile(rf"\[[ \t]*({ref}(?:[ \t]*[;,][ \t]*{ref})*)[ \t]*\]")
    body = replace_outside_code(
        body, group, lambda m: ", ".join(render(r) for r in re.findall(ref, m.group(1))))
    bare = re.compile(r"(?<![\w@\[-])@(?:[Ff]ig|[Tt]bl)-[\w-]*\w")
    return replace_outside_code(body, bare, lambda m: render(m.group(0)))

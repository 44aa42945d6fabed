"""The enumeration lint: a sentence that lists some groups of a family but not all of them stops the render.

The number lint sees a digit typed by hand, not a missing item: "4 trials, 3 cohorts and 17 case reports" has
every number from the data and still drops a group. A family is declared by the data: the siblings of every
generated ``list`` variable (``group.list`` -> ``group.<g>.n``, ``published.group.list`` ->
``published.group.<g>``, ``field.<f>.list`` -> ``field.<f>.<code>``) whose value is a count (or a mapping
with a count ``n``). A sentence of the body, or the whole abstract (or title, subtitle), that names two or more
members of a family must name every member whose count is not zero, or the family's list; one member alone
is a single fact, not an enumeration.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reviewflow.errors import InputError
from reviewflow.manuscript.lint import front_matter_prose
from reviewflow.manuscript.markdown import FRONT_MATTER, code_spans, line_at, normalise_newlines

LIST = "list"
_VAR = re.compile(r"(?<!\{)\{\{<\s*var\s+[\"']?(?P<name>[^\s\"'>]+)[\"']?\s*>\}\}(?!\})")
# A sentence ends at . ! or ? (after closing quotes, brackets or emphasis) before a capital, a shortcode or a
# citation; "e.g. the" does not end one.
_SENTENCE_END = re.compile(r"[.!?][*_\"')\]]*\s+(?=[*_\"'(\[]*(?:[A-Z]|\{\{<|@))")
_PARAGRAPH = re.compile(r"\n[ \t]*\n")


@dataclass(frozen=True)
class Family:
    """Variables that together enumerate one breakdown: ``prefix.<member>`` for every member."""

    prefix: str
    counts: dict[str, int]
    shapes: dict[str, str]
    list_value: str

    def member_text(self, member: str) -> str:
        return f"{self.prefix}.{member}{self.shapes[member]} = {self.counts[member]}"


def _count(value: Any) -> tuple[int, str] | None:
    """(count, name suffix) of a family member: an integer, or a mapping with an integer ``n``."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value, ""
    if isinstance(value, dict) and isinstance(value.get("n"), int) and not isinstance(value["n"], bool):
        return value["n"], ".n"
    return None


def families(variables: dict, prefix: str = "") -> list[Family]:
    """Every family the variables declare, found through their ``list`` entries."""
    found: list[Family] = []
    if prefix and isinstance(variables.get(LIST), str):
        counts, shapes = {}, {}
        for key, value in variables.items():
            counted = _count(value) if key != LIST else None
            if counted is not None:
                counts[str(key)], shapes[str(key)] = counted
        found.append(Family(prefix, counts, shapes, variables[LIST]))
    for key, value in variables.items():
        if isinstance(value, dict):
            found.extend(families(value, f"{prefix}.{key}" if prefix else str(key)))
    return found


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    """The text with the spans replaced by spaces (newlines kept), so positions and lines stay the same."""
    chars = list(text)
    for a, b in spans:
        for i in range(a, b):
            if chars[i] != "\n":
                chars[i] = " "
    return "".join(chars)


def units(text: str) -> list[tuple[int, str]]:
    """(start, text) of every unit the lint checks: title, subtitle and abstract whole, then each sentence of the
    body. Code, HTML comments and the rest of the front matter are left out."""
    found: list[tuple[int, str]] = []
    hidden = list(code_spans(text)) + [m.span() for m in re.finditer(r"<!--.*?(?:-->|\Z)", text, re.S)]
    body_start = 0
    fm = FRONT_MATTER.match(text)
    if fm:
        body_start = fm.end()
        if fm.group("yaml"):
            found += [(a, text[a:b]) for a, b in front_matter_prose(text, fm.start("yaml"), fm.end("yaml"))]
    body = _blank(text, [(0, body_start), *hidden])
    starts = [body_start] + [m.end() for m in _PARAGRAPH.finditer(body, body_start)]
    ends = [m.start() for m in _PARAGRAPH.finditer(body, body_start)] + [len(body)]
    for start, end in zip(starts, ends, strict=True):
        cut = start
        for m in _SENTENCE_END.finditer(body, start, end):
            found.append((cut, body[cut:m.end()]))
            cut = m.end()
        found.append((cut, body[cut:end]))
    return [(start, unit) for start, unit in found if _VAR.search(unit)]


def _referenced(names: set[str], family: Family) -> set[str]:
    return {member for member in family.counts
            if any(n == f"{family.prefix}.{member}" or n.startswith(f"{family.prefix}.{member}.") for n in names)}


def _excerpt(unit: str, refs: list[tuple[int, int]]) -> str:
    """The unit from a little before its first member to a little after its last, whitespace collapsed."""
    a, b = max(0, refs[0][0] - 80), min(len(unit), refs[-1][1] + 80)
    text = " ".join(unit[a:b].split())
    return ("..." if a else "") + text + ("..." if b < len(unit) else "")


def lint_enumerations(text: str, source: Path, variables: dict) -> None:
    """Fail when a sentence (or the abstract) names two or more members of a family but not every member with a
    non-zero count; the message names the file, line, sentence, the members left out with their values and the
    generated list that says it whole."""
    text = normalise_newlines(text)
    all_families = families(variables)
    problems: list[tuple[int, str, Family]] = []
    for start, unit in units(text):
        names = {m.group("name") for m in _VAR.finditer(unit)}
        for family in all_families:
            named = _referenced(names, family)
            if len(named) < 2 or f"{family.prefix}.{LIST}" in names:  # the list itself names every member
                continue
            missing = [m for m, count in family.counts.items() if count and m not in named]
            if not missing:
                continue
            refs = [m.span() for m in _VAR.finditer(unit) if _referenced({m.group("name")}, family)]
            where = line_at(text, start + refs[0][0])
            left_out = ", ".join(family.member_text(m) for m in missing)
            problems.append((where, f"line {where}: \"{_excerpt(unit, refs)}\" names {len(named)} of the "
                                    f"{family.prefix}.* family but leaves out {left_out}", family))
    if problems:
        line, _, family = problems[0]
        details = "\n  ".join(text for _, text, _ in problems)
        raise InputError(f"{len(problems)} incomplete enumeration(s) in the manuscript text:\n  {details}",
                         file=Path(source), line=line, field=f"{family.prefix}.*",
                         expected="every member with a non-zero count named, or the generated list",
                         hint=f"write {{{{< var {family.prefix}.{LIST} >}}}}, which reads "
                              f"\"{family.list_value}\", or name every member")

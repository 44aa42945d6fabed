"""An Ovid export cut into its numbered records, each with the line of its number and its body lines.

Every Ovid record opens with its number in the result set on a line of its own (``<1>``, ``<3001. >``, ``1.``,
``6. `` and sometimes a database name after it). A bare ``n.`` is also how a numbered paragraph of an abstract
starts, so it opens a record only after a blank line and when field lines follow. Some Ovid tagged files come
with every line shifted right by one space; that uniform indent is removed first. A record number joined to the
end of the line before it (two exports joined without a line break) still opens a record, with a warning. The
sniffer recognises an Ovid export by the same record-number line.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from reviewflow.errors import InputError

log = logging.getLogger(__name__)

_NUMBER_ANGLE = re.compile(r"^\s*<\s*(\d+)\s*\.?\s*>\s*(.*?)\s*$")
_GLUED_NUMBER = re.compile(r"^(.*\S)(<\s*\d+\s*\.?\s*>)\s*$")
_NUMBER_DOT = re.compile(r"^(\d+)\.(?:\s+(.*?))?\s*$")
# A tagged field line (Ovid tagged and Ovid RIS): a 2-5 character tag, "-" after one or two spaces.
TAG = re.compile(r"^([A-Z][A-Z0-9]{1,4}) {1,2}- ?(.*)$")


@dataclass
class Block:
    """One numbered record: the line of its number, the number, what follows it there, its (line, text) body."""

    line: int
    number: str
    label: str
    body: list[tuple[int, str]] = field(default_factory=list)


def _strip_uniform_indent(lines: list[str]) -> list[str]:
    """Undo the one-space shift some Ovid files carry on every line (`` <7. >``, `` VN  - ...``)."""
    content = [line for line in lines if line.strip()]
    if content and all(line.startswith(" ") for line in content) and not content[0].startswith("  "):
        return [line[1:] if line.strip() else "" for line in lines]
    return lines


def _next_content(lines: list[str], index: int) -> int | None:
    """Index of the next non-blank line after ``index``, or None."""
    for j in range(index + 1, len(lines)):
        if lines[j].strip():
            return j
    return None


def _fields_follow(lines: list[str], index: int) -> bool:
    """True when the next non-blank line after ``index`` opens an Ovid field (a tag, or a heading + value)."""
    j = _next_content(lines, index)
    if j is None:
        return False
    if TAG.match(lines[j]):
        return True
    k = _next_content(lines, j)
    return not lines[j][0].isspace() and k is not None and lines[k][0].isspace()


def _record_number(lines: list[str], index: int) -> tuple[str, str] | None:
    """(number, trailing label) when line ``index`` opens a record.

    ``<n>`` always does; a bare ``n.`` only at the start of the file or after a blank line and when fields
    follow, so that a numbered paragraph inside an abstract is not taken for a new record.
    """
    line = lines[index]
    match = _NUMBER_ANGLE.match(line)
    if match:
        return match.group(1), match.group(2)
    match = _NUMBER_DOT.match(line)
    previous_blank = index == 0 or not lines[index - 1].strip()
    if match and previous_blank and _fields_follow(lines, index):
        return match.group(1), match.group(2) or ""
    return None


def looks_like_ovid(text: str) -> bool:
    """True when the first non-blank line is a record number followed by an Ovid field line."""
    lines = _strip_uniform_indent(text.lstrip("\ufeff").split("\n", 80)[:80])
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    return first is not None and _record_number(lines, first) is not None and _fields_follow(lines, first)


def numbered_blocks(path: Path, text: str) -> list[Block]:
    """The records of the file in order; text before the first record number is an error."""
    lines = _strip_uniform_indent(text.lstrip("\ufeff").split("\n"))
    blocks: list[Block] = []
    for index, line in enumerate(lines):
        glued = _GLUED_NUMBER.match(line) if blocks and line.endswith(">") else None
        if glued and not _NUMBER_ANGLE.match(line) and _fields_follow(lines, index):
            log.warning("%s:%d: record number '%s' is joined to the end of this line (two exports joined without a "
                        "line break?): read as the start of a new record", path, index + 1, glued.group(2))
            blocks[-1].body.append((index + 1, glued.group(1)))
            lines[index] = glued.group(2)
        number = _record_number(lines, index) if line.strip() else None
        if number is not None:
            blocks.append(Block(line=index + 1, number=number[0], label=number[1]))
        elif blocks:
            blocks[-1].body.append((index + 1, line))
        elif line.strip():
            raise InputError(
                f"text before the first record: {line.strip()[:40]!r}",
                file=path,
                line=index + 1,
                expected="each record to begin with its number on a line of its own ('<1>' or '1.')",
            )
    return blocks

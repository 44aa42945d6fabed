"""Where a delimited export's header row is, which delimiter it uses, and which profile its column names select.

A table export may start with a preamble (Embase's ``SEARCH QUERY`` block), so the header cannot be assumed to be
the first line, and the delimiter cannot be taken from the file name. The rule: the header is the first line,
among the first 30 non-blank ones, whose cells (split at tab, comma or semicolon, whichever gives the most cells)
name a title column. Lines above it are an export preamble and are skipped. No such line: an ``InputError`` naming
the first line and the title names looked for. The sniffer and the reader both find the header here.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from reviewflow.errors import InputError
from reviewflow.importing.formats.delimited_profiles import TITLE_NAMES, profile_for

_DELIMITERS = ("\t", ",", ";")
DELIMITER_NAMES = {"\t": "tab", ",": "comma", ";": "semicolon"}
_HEADER_SEARCH_LINES = 30


@dataclass
class Header:
    """The header row: its line number (from 1), its offset in the text, its delimiter and column names."""

    line: int
    offset: int
    delimiter: str
    names: list[str]


def _header_name(cell: str) -> str:
    return cell.strip().lstrip("\ufeff").strip()


def _header_cells(line: str, min_cells: int) -> tuple[str, list[str]] | None:
    """(delimiter, column names) when the line reads as a header with a title column."""
    best: tuple[str, list[str]] | None = None
    for delimiter in _DELIMITERS:
        if delimiter not in line:
            continue
        names = [_header_name(cell) for cell in next(csv.reader([line], delimiter=delimiter))]
        titled = any(name.lower() in TITLE_NAMES for name in names)
        if titled and len(names) >= min_cells and (best is None or len(names) > len(best[1])):
            best = (delimiter, names)
    return best


def find_header(text: str, min_cells: int) -> Header | None:
    """The header row under the rule in the module docstring (at least ``min_cells`` cells), or None."""
    offset, number, nonblank = 0, 0, 0
    while offset < len(text) and nonblank < _HEADER_SEARCH_LINES:
        end = text.find("\n", offset)
        end = len(text) if end == -1 else end
        line = text[offset:end]
        number += 1
        if line.strip():
            nonblank += 1
            found = _header_cells(line, min_cells)
            if found:
                return Header(number, offset, found[0], found[1])
        offset = end + 1
    return None


def header_profile(text: str) -> str:
    """Name of the profile the file's header selects ('' when no header is found); for tests and diagnostics."""
    header = find_header(text.lstrip("\ufeff"), min_cells=2)
    return profile_for(header.names).name if header else ""


def no_header(path: Path, text: str) -> InputError:
    """The error for a file in which ``find_header`` finds no header row."""
    number, first = next(((n, line) for n, line in enumerate(text.split("\n", 60), 1) if line.strip()), (1, ""))
    return InputError(
        f"no header row with a title column (first line: {first[:160]!r})",
        file=path,
        line=number,
        field="header",
        expected="a header row of column names separated by commas, tabs or semicolons, one of them a title "
        "column (" + ", ".join(sorted(TITLE_NAMES)) + ") within the first "
        f"{_HEADER_SEARCH_LINES} non-blank lines",
        hint="export with column headers included, or rename the title column to 'Title'",
    )


def named_width(names: list[str]) -> int:
    """Number of columns up to the last named one (a header may end with a delimiter)."""
    width = len(names)
    while width > 1 and not names[width - 1]:
        width -= 1
    return width

"""Damage peculiar to table exports: two exports joined into one file, and a file cut inside its last row.

Joined exports (``cat a.csv b.csv``, or a second download appended) repeat the header row, and Embase's
``SEARCH QUERY`` preamble with it, in the middle of the data. Read as data, the header became a phantom record
titled ``Title``. A row equal to the header is now read as the start of a second export (with a warning, the
preamble lines just above it dropped); a row that looks like a header with other columns is refused, because
its rows cannot be read with the first header's columns.

A file cut inside an unquoted last cell still parses into a complete-looking row whose last value (often the
EID, DOI or link) is cut short; when the file does not end with a line break that is warned about.
"""

from __future__ import annotations

import csv
import logging
from pathlib import Path

from reviewflow.errors import InputError
from reviewflow.importing.formats.delimited_profiles import TITLE_NAMES

log = logging.getLogger(__name__)


def _key(cells: list[str]) -> list[str]:
    names = [cell.strip().lstrip("\ufeff").strip().lower() for cell in cells]
    while names and not names[-1]:
        names.pop()
    return names


class HeaderRepeats:
    """Recognises repeats of one file's header row among its data rows."""

    def __init__(self, path: Path, text: str, offset: int, delimiter: str, names: list[str]) -> None:
        self.path = path
        self.names = _key(names)
        self.known = set(self.names) - {""}
        preamble = [line for line in text[:offset].split("\n") if line.strip()]
        self.preamble = {_key(cells)[0] for cells in csv.reader(preamble, delimiter=delimiter) if _key(cells)}

    def is_repeat(self, line: int, cells: list[str]) -> bool:
        """True for a copy of the header; an error for a header with other columns; False for a data row."""
        key = _key(cells)
        if key == self.names:
            return True
        titled = any(name in TITLE_NAMES for name in key)
        if titled and len(key) >= 3 and sum(name in self.known for name in key) * 2 >= len(key):
            raise InputError(
                "a second header row with other columns: two different exports joined into one file?",
                file=self.path, line=line, field="header",
                expected="one header row per file (a repeated header must name the same columns)",
                hint="split the file into one file per export and list both in config/review.yaml",
            )
        return False

    def drop_preamble(self, rows: list[tuple[int, list[str]]]) -> int:
        """Remove from the end of ``rows`` the lines of an export preamble (the first export's preamble lines
        start with the same words), returning how many were removed."""
        removed = 0
        while rows and self.preamble and _key(rows[-1][1])[:1] and _key(rows[-1][1])[0] in self.preamble:
            rows.pop()
            removed += 1
        return removed

    def warn(self, line: int, preamble_lines: int) -> None:
        skipped = f"; {preamble_lines} preamble line(s) above it skipped" if preamble_lines else ""
        log.warning("%s:%d: the header row is repeated here: read as the start of a second export joined to the "
                    "first%s", self.path, line, skipped)


def warn_if_cut(path: Path, text: str, rows: list[tuple[int, list[str]]]) -> None:
    """Warn when the file ends, without a line break, inside an unquoted last value of its last row."""
    if not rows or text.endswith("\n") or text.rstrip(" \t").endswith('"'):
        return
    line, cells = rows[-1]
    if cells and cells[-1].strip():
        log.warning("%s:%d: the file ends inside the last row (no line break after it): its last value %r, and the "
                    "row (record %d), may be cut short", path, line, cells[-1].strip()[-40:], len(rows))

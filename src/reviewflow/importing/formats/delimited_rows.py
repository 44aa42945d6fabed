"""The data rows of a delimited export: read with the csv module, each with the line it starts on, and brought to
the header's width.

Quoted values may span lines, so a row's line is tracked from the csv reader (counted from the top of the decoded
file, preamble included). Breaking a rule below is an ``InputError`` naming the file and that line:

* Blank rows are skipped; they are not records (nor are a profile's one-cell section separators, nor a repeat of
  the header row: see ``delimited_joins.py``).
* More cells than the header names: an error, except (a) empty cells after the last named column when the header
  itself ends with an unnamed column or every row ends with the same number of empty cells (a delimiter written
  after the last value, as PubMed's legacy CSV and WoS tab-delimited do); (b) Scopus rows with more "Funding Text
  N" columns than the header lists, re-aligned only when the EID then lands in the EID column.
* Fewer cells: padded with empty cells only when every short row of the file has the same number of cells, at
  least two and reaching the title column (an exporter leaving out trailing columns for a block of rows, like
  Abstrackr's unlabelled citations); otherwise an error at the first short row. When the only short row is the
  last one and the file does not end with a newline, the file is reported as truncated instead.
"""

from __future__ import annotations

import csv
import io
import logging
import re
from pathlib import Path

from reviewflow.errors import InputError
from reviewflow.importing.formats.delimited_fields import SCOPUS_EID
from reviewflow.importing.formats.delimited_header import DELIMITER_NAMES, Header, named_width
from reviewflow.importing.formats.delimited_joins import HeaderRepeats
from reviewflow.importing.formats.delimited_profiles import TITLE_NAMES, Profile

log = logging.getLogger(__name__)

_FIELD_SIZE_LIMIT = 100_000_000
_FUNDING_TEXT = re.compile(r"funding text (\d+)")


def parse_rows(path: Path, text: str, header: Header, profile: Profile) -> list[tuple[int, list[str]]]:
    """(starting line, cells) of every non-blank row after the header."""
    csv.field_size_limit(max(csv.field_size_limit(), _FIELD_SIZE_LIMIT))
    reader = csv.reader(
        io.StringIO(text[header.offset :]),
        delimiter=header.delimiter,
        strict=True,
        quoting=csv.QUOTE_MINIMAL if profile.quoting else csv.QUOTE_NONE,
    )
    rows: list[tuple[int, list[str]]] = []
    repeats = HeaderRepeats(path, text, header.offset, header.delimiter, header.names)
    consumed = 0
    try:
        for cells in reader:
            start = header.line + consumed
            consumed = reader.line_num
            if start == header.line:
                if consumed != 1 or len(cells) != len(header.names):
                    raise InputError(
                        "the header row does not close its quotes",
                        file=path,
                        line=header.line,
                        field="header",
                        expected="column names on one line, any quoted name closed by a double quote",
                    )
                continue
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) == 1 and cells[0].strip().lower() in profile.separators:
                continue
            if repeats.is_repeat(start, cells):
                repeats.warn(start, repeats.drop_preamble(rows))
                continue
            rows.append((start, cells))
    except csv.Error as exc:
        raise InputError(
            f"unreadable {DELIMITER_NAMES[header.delimiter]}-separated row ({exc})",
            file=path,
            line=header.line + consumed,
            expected='quoted values closed by a matching double quote ("" for a quote inside a value)',
        ) from None
    return rows


def _too_many(path: Path, line: int, count: int, width: int, header: Header) -> InputError:
    """The error for a row with more cells than the header names."""
    return InputError(
        f"row has {count} cells but the header (line {header.line}) names {width} columns",
        file=path,
        line=line,
        expected=f"{width} {DELIMITER_NAMES[header.delimiter]}-separated cells per row; a "
        f"{DELIMITER_NAMES[header.delimiter]} inside an unquoted value shifts every later column",
    )


def _scopus_realign(cells: list[str], width: int, lower: list[str]) -> tuple[list[str], list[tuple[str, str]]] | None:
    """Scopus writes one column per funding text a record has, but the header may list fewer "Funding Text N"
    columns than some rows carry. Move the surplus cells after the last listed one into the raw record, and accept
    the result only if the row then reads as Scopus writes it: an EID in the EID column (the one inside its Link,
    when the Link has one), a year or nothing under Year, digits or nothing under PubMed ID."""
    funding = [(i, int(m.group(1))) for i, name in enumerate(lower) if (m := _FUNDING_TEXT.fullmatch(name))]
    if not funding or "eid" not in lower:
        return None
    last, number = funding[-1]
    surplus = len(cells) - width
    moved = cells[last + 1 : last + 1 + surplus]
    fitted = cells[: last + 1] + cells[last + 1 + surplus :]
    cell = {name: fitted[i].strip() for i, name in reversed(list(enumerate(lower)))}
    eid = cell["eid"]
    if not SCOPUS_EID.fullmatch(eid):
        return None
    if "eid=" in cell.get("link", "") and f"eid={eid}&" not in cell["link"] + "&":
        return None
    if not re.fullmatch(r"(\d{4})?", cell.get("year", "")) or not re.fullmatch(r"\d*", cell.get("pubmed id", "")):
        return None
    return fitted, [(f"Funding Text {number + 1 + k}", value) for k, value in enumerate(moved) if value.strip()]


def fit_rows(
    path: Path, text: str, header: Header, profile: Profile, rows: list[tuple[int, list[str]]]
) -> list[tuple[int, list[str], list[tuple[str, str]]]]:
    """Every row brought to the header's width under the rules in the module docstring."""
    names = header.names
    width = named_width(names)
    lower = [name.lower() for name in names[:width]]
    title_column = next((i for i, name in enumerate(lower) if name in TITLE_NAMES), 0)
    long_rows = [cells for _, cells in rows if len(cells) > width]
    trailing_delimiters = width < len(names) or (
        len(long_rows) == len(rows) and len({len(cells) for cells in long_rows}) == 1
    )
    short_lengths = sorted({len(cells) for _, cells in rows if len(cells) < width})
    if short_lengths:
        last_line, last_cells = rows[-1]
        only_last = sum(1 for _, cells in rows if len(cells) < width) == 1 and len(last_cells) < width
        if only_last and not text.endswith("\n"):
            raise InputError(
                f"file ends in the middle of a row ({len(last_cells)} of {width} cells)",
                file=path,
                line=last_line,
                expected="a complete last row: the file looks truncated",
            )
        if len(short_lengths) > 1 or short_lengths[0] < 2 or short_lengths[0] <= title_column:
            line, cells = next((line, cells) for line, cells in rows if len(cells) < width)
            raise InputError(
                f"row has {len(cells)} cells but the header (line {header.line}) names {width} columns",
                file=path,
                line=line,
                expected=f"{width} {DELIMITER_NAMES[header.delimiter]}-separated cells per row (rows that are "
                "short by different amounts usually mean a line break inside an unquoted value)",
            )
        log.warning("%s: %d rows have %d of %d cells; padded with empty cells", path,
                    sum(1 for _, cells in rows if len(cells) < width), short_lengths[0], width)
    fitted: list[tuple[int, list[str], list[tuple[str, str]]]] = []
    realigned = 0
    for line, cells in rows:
        extra: list[tuple[str, str]] = []
        if len(cells) > width:
            if trailing_delimiters and not any(cell.strip() for cell in cells[width:]):
                cells = cells[:width]
            else:
                repaired = _scopus_realign(cells, width, lower) if profile.name == "scopus" else None
                if repaired is None:
                    raise _too_many(path, line, len(cells), width, header)
                cells, extra = repaired
                realigned += 1
        elif len(cells) < width:
            cells = cells + [""] * (width - len(cells))
        fitted.append((line, cells, extra))
    if realigned:
        log.warning("%s: %d Scopus rows carry more 'Funding Text' columns than the header; re-aligned on the EID",
                    path, realigned)
    return fitted

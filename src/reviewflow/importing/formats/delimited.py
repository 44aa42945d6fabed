"""Delimited exports (CSV, TSV, semicolon-separated), read with the csv module.

One reader serves every table export. The header row picks a profile from ``delimited_profiles.py`` (Scopus,
Embase, PubMed, Web of Science tab-delimited, Lens, OpenAlex, IEEE, Springer, Abstrackr, RefWorks; a generic
synonym map for reference managers and screening tools) that says which column feeds which field.

The reading is split by job: ``delimited_header.py`` finds the header row among the first lines (an export
preamble above it is skipped) and its delimiter; ``delimited_rows.py`` reads the rows below it with their line
numbers and brings each to the header's width under the structure rules in its docstring (breaking one is an
``InputError`` naming the file and the line where the row starts); ``delimited_joins.py`` catches two exports
joined into one file and a file cut inside its last row; ``delimited_fields.py`` maps each row to a record, with
the cell splitting of ``delimited_values.py``. This module runs them in that order.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

from reviewflow.importing.formats.base import ParsedRecord
from reviewflow.importing.formats.delimited_fields import Table, record
from reviewflow.importing.formats.delimited_header import find_header, named_width, no_header
from reviewflow.importing.formats.delimited_joins import warn_if_cut
from reviewflow.importing.formats.delimited_profiles import profile_for
from reviewflow.importing.formats.delimited_rows import fit_rows, parse_rows

NAME = "delimited"
DESCRIPTION = "CSV / TSV table with a header row (Scopus, Embase, PubMed, WoS tab-delimited, Lens, OpenAlex, ...)"


def read_delimited(path: Path, text: str) -> list[ParsedRecord]:
    """Parse every row of a delimited export into a record, keeping its position and starting line."""
    # The records hold no reference cycles; pausing the cyclic garbage collector while a large table becomes
    # hundreds of thousands of small lists and dicts saves it from re-scanning them (about 40% of the time).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return list(iter_delimited(path, text))
    finally:
        if collecting:
            gc.enable()


def iter_delimited(path: Path, text: str) -> Iterator[ParsedRecord]:
    """The records of a delimited export one by one. The table's rows are split and checked first (the joins
    and cut-row checks need them all); each row becomes a record, with its mapped fields and raw cells, only
    when it is asked for, so the records need not all be held at once."""
    text = text.removeprefix("\ufeff")
    header = find_header(text, min_cells=2)
    if header is None:
        raise no_header(path, text)
    profile = profile_for(header.names)
    parsed = parse_rows(path, text, header, profile)
    warn_if_cut(path, text, parsed)
    rows = fit_rows(path, text, header, profile, parsed)
    del parsed
    table = Table(header.names[: named_width(header.names)], profile)
    for position, (line, cells, extra) in enumerate(rows, start=1):
        yield record(position, line, cells, extra, table, profile)


def sniff(text: str) -> bool:
    """Registry hook (see formats/detect.py): a header line with a title column and two or more delimiters."""
    return find_header(text.removeprefix("\ufeff"), min_cells=3) is not None


def read(path: Path, text: str) -> list[ParsedRecord]:
    """Registry hook (see formats/detect.py)."""
    return read_delimited(path, text)


def iter_read(path: Path, text: str) -> Iterator[ParsedRecord]:
    """Registry hook for streaming (see formats/detect.py)."""
    return iter_delimited(path, text)

"""Independent record counters for the real exports under ../shared/fixtures/exports.

These counters deliberately share no code with ``reviewflow``: each one is a few lines of stdlib that a reader can
check by eye, so that a record count in ``tests/importing/fixture_expectations.csv`` is confirmed by a second, simpler
means than the parser under test. ``count(path, method)`` understands these methods:

``lines:REGEX``
    Physical lines matching ``REGEX`` (``re.search``, so anchor with ``^``). The file is decoded as UTF-16 when it
    starts with a UTF-16 byte-order mark, otherwise as UTF-8 (cp1252 as a fallback), the UTF-8 BOM is dropped, and
    lines are split on ``\\r\\n``, ``\\r`` and ``\\n`` alike. Examples: ``lines:^ER  -``, ``lines:^PMID- ``,
    ``lines:^PT ``.
``xml:TAG``
    Opening tags ``<TAG>`` / ``<TAG attr=...>`` in the raw bytes (``<TAGSet>`` and ``</TAG>`` do not count).
``csv:rows[:OPTION=VALUE...]``
    Data rows read by the stdlib ``csv`` module: header excluded, rows whose cells are all blank excluded. Options:
    ``skip=N`` drops N preamble lines before the header; ``delimiter=comma|tab|semicolon|pipe``; ``min_cells=N``
    does not count rows with fewer than N non-blank cells (a one-cell section heading between records).
``bibtex:entries``
    Lines opening an entry (``@type{`` or ``@type(``), not counting ``@comment``, ``@string`` or ``@preamble``.
``ovid:numbers``
    Ovid record-number lines such as ``<1. >`` or `` <3001. >``.
``xlsx:refused[:skip=N]`` (or ``xlsx:rows[:skip=N]``)
    Rows of the first worksheet that hold at least one value, header excluded, read from the workbook's XML with
    ``zipfile``; ``skip=N`` drops N rows above the header (a title row, a search-query preamble). Our import refuses
    workbooks; the count documents what the file holds.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

LINE_BREAK = re.compile(r"\r\n|\r|\n")
DELIMITERS = {"comma": ",", "tab": "\t", "semicolon": ";", "pipe": "|"}
BIBTEX_ENTRY = re.compile(r"^\s*@(\w+)\s*[{(]")
BIBTEX_NOT_ENTRIES = {"comment", "string", "preamble"}
OVID_NUMBER = re.compile(r"^\s*<\d+\.\s*>\s*$")


def decode(path: Path) -> str:
    """The file as text: UTF-16 when it has a UTF-16 BOM, else UTF-8 (cp1252 fallback); a leading BOM dropped."""
    data = Path(path).read_bytes()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16")
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("cp1252")
    return text.removeprefix("\ufeff")


def physical_lines(path: Path) -> list[str]:
    """Lines split on CRLF, CR and LF alike."""
    return LINE_BREAK.split(decode(path))


def count_lines(path: Path, pattern: str) -> int:
    regex = re.compile(pattern)
    return sum(1 for line in physical_lines(path) if regex.search(line))


def count_xml_tags(path: Path, tag: str) -> int:
    return len(re.findall(rb"<" + re.escape(tag.encode()) + rb"[\s>/]", Path(path).read_bytes()))


def parse_options(options: list[str], allowed: set[str]) -> dict[str, str]:
    settings = dict(option.split("=", 1) for option in options)
    unknown = set(settings) - allowed
    if unknown:
        raise ValueError(f"unknown option(s): {sorted(unknown)}")
    return settings


def filled_cells(row: list[str]) -> int:
    return sum(1 for cell in row if cell.strip())


def count_csv_rows(path: Path, options: list[str]) -> int:
    settings = parse_options(options, {"skip", "delimiter", "min_cells"})
    delimiter = DELIMITERS[settings.get("delimiter", "comma")]
    min_cells = int(settings.get("min_cells", 1))
    stream = io.StringIO(decode(path), newline="")
    for _ in range(int(settings.get("skip", 0))):
        stream.readline()
    csv.field_size_limit(1 << 30)
    rows = [row for row in csv.reader(stream, delimiter=delimiter) if filled_cells(row) >= min_cells]
    return len(rows) - 1 if rows else 0


def count_bibtex_entries(path: Path) -> int:
    total = 0
    for line in physical_lines(path):
        match = BIBTEX_ENTRY.match(line)
        if match and match.group(1).lower() not in BIBTEX_NOT_ENTRIES:
            total += 1
    return total


def count_ovid_numbers(path: Path) -> int:
    return sum(1 for line in physical_lines(path) if OVID_NUMBER.match(line))


def count_xlsx_rows(path: Path, options: list[str]) -> int:
    settings = parse_options(options, {"skip"})
    with zipfile.ZipFile(path) as workbook:
        xml = workbook.read("xl/worksheets/sheet1.xml")
    rows = re.findall(rb"<row(?:\s[^>]*)?(?:/>|>.*?</row>)", xml, flags=re.DOTALL)[int(settings.get("skip", 0)) :]
    filled = [row for row in rows if re.search(rb"<v>[^<]|<t[^>]*>[^<]", row)]
    return len(filled) - 1 if filled else 0


def count(path: Path, method: str) -> int:
    """Number of records in ``path`` by ``method`` (see the module docstring)."""
    kind, _, argument = method.partition(":")
    if kind == "lines":
        return count_lines(path, argument)
    if kind == "xml":
        return count_xml_tags(path, argument)
    if kind == "csv":
        name, *options = argument.split(":")
        if name != "rows":
            raise ValueError(f"unknown csv method: {method}")
        return count_csv_rows(path, options)
    if method == "bibtex:entries":
        return count_bibtex_entries(path)
    if method == "ovid:numbers":
        return count_ovid_numbers(path)
    if kind == "xlsx":
        name, *options = argument.split(":")
        if name not in ("refused", "rows"):
            raise ValueError(f"unknown xlsx method: {method}")
        return count_xlsx_rows(path, options)
    raise ValueError(f"unknown count method: {method}")

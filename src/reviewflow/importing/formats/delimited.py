"""Delimited exports (CSV, TSV, semicolon-separated), read with the csv module.

One reader serves every table export. The header row picks a profile from ``delimited_profiles.py`` (Scopus,
Embase, PubMed, Web of Science tab-delimited, Lens, OpenAlex, IEEE, Springer, Abstrackr, RefWorks; a generic
synonym map for reference managers and screening tools) that says which column feeds which field.

Structure rules; breaking one is an ``InputError`` naming the file and the physical line where the row starts
(counted from the top of the decoded file, preamble included):

* Header: the first line, among the first 30 non-blank ones, whose cells (split at tab, comma or semicolon,
  whichever gives the most cells) name a title column. Lines above it are an export preamble (Embase's
  ``SEARCH QUERY`` block) and are skipped. No such line: error naming the first line and the title names looked for.
* Blank rows are skipped; they are not records.
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
import gc
import io
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlparse

from reviewflow.errors import InputError
from reviewflow.importing.formats.base import ParsedRecord
from reviewflow.importing.formats.delimited_joins import HeaderRepeats, warn_if_cut
from reviewflow.importing.formats.delimited_profiles import TITLE_NAMES, Profile, profile_for
from reviewflow.normalize import extract_year, normalise_doi, normalise_pages

NAME = "delimited"
DESCRIPTION = "CSV / TSV table with a header row (Scopus, Embase, PubMed, WoS tab-delimited, Lens, OpenAlex, ...)"

log = logging.getLogger(__name__)

_DELIMITERS = ("\t", ",", ";")
_DELIMITER_NAMES = {"\t": "tab", ",": "comma", ";": "semicolon"}
_HEADER_SEARCH_LINES = 30
_FIELD_SIZE_LIMIT = 100_000_000
_PLACEHOLDERS = frozenset({"[no abstract available]", "[no author name available]", "[no author id available]",
                           "[no title available]", "null", "none", "nan", "n/a"})
_PLACEHOLDER_LENGTH = max(len(p) for p in _PLACEHOLDERS)
_SCOPUS_AUTHOR_ID = re.compile(r"\s*\(\d+\)\s*$")
_SCOPUS_EID = re.compile(r"2-s2\.0-\d+")
_FUNDING_TEXT = re.compile(r"funding text (\d+)")
_SURNAME_INITIALS = re.compile(r"[^\d,;]+?\s(?:[A-Z]\.?-?){1,4}")
_NAME_PREFIXES = frozenset({"Mc", "Mac", "De", "Di", "Da", "Du", "Le", "La", "Van", "Von", "Des", "Del", "Della"})
_DOI_ANYWHERE = re.compile(r"10\.\d{4,9}/[^\s\"<>&]+")
_PMID_IN_TEXT = re.compile(r"(?:pmid[:\s]*|pubmed\.ncbi\.nlm\.nih\.gov/|/pubmed/)(\d{1,9})", re.IGNORECASE)
_PMCID = re.compile(r"PMC\d+", re.IGNORECASE)
# PubMed's citation string: "Eur J Med Genet. 2020 Feb;63(2):103640. doi: ..." (volume, issue, pages optional).
_PUBMED_CITATION = re.compile(
    r"^(?P<journal>.+?)\.\s+(?P<date>(?:1[5-9]|20)\d\d\b[^;:.]*)"
    r"(?:;(?P<volume>[^(:;.]*)(?:\((?P<issue>[^)]*)\))?)?(?::(?P<pages>[^;]+?))?\.(?:\s|$)"
)
# Embase's Source column: "Endoscopic Ultrasound (2014) 3:3 (152-160). Date of Publication: 2014".
_EMBASE_SOURCE = re.compile(
    r"^(?P<journal>.+?)\s+\((?P<year>\d{4})\)\s*(?P<rest>.*?)(?:\.?\s*Date of Publication:.*)?$"
)


@dataclass
class _Header:
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


def _find_header(text: str, min_cells: int) -> _Header | None:
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
                return _Header(number, offset, found[0], found[1])
        offset = end + 1
    return None


def header_profile(text: str) -> str:
    """Name of the profile the file's header selects ('' when no header is found); for tests and diagnostics."""
    header = _find_header(text.lstrip("\ufeff"), min_cells=2)
    return profile_for(header.names).name if header else ""


def _no_header(path: Path, text: str) -> InputError:
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


# --------------------------------------------------------------------------------------------------------- rows


def _parse_rows(path: Path, text: str, header: _Header, profile: Profile) -> list[tuple[int, list[str]]]:
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
            f"unreadable {_DELIMITER_NAMES[header.delimiter]}-separated row ({exc})",
            file=path,
            line=header.line + consumed,
            expected='quoted values closed by a matching double quote ("" for a quote inside a value)',
        ) from None
    return rows


def _too_many(path: Path, line: int, count: int, width: int, header: _Header) -> InputError:
    return InputError(
        f"row has {count} cells but the header (line {header.line}) names {width} columns",
        file=path,
        line=line,
        expected=f"{width} {_DELIMITER_NAMES[header.delimiter]}-separated cells per row; a "
        f"{_DELIMITER_NAMES[header.delimiter]} inside an unquoted value shifts every later column",
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
    if not _SCOPUS_EID.fullmatch(eid):
        return None
    if "eid=" in cell.get("link", "") and f"eid={eid}&" not in cell["link"] + "&":
        return None
    if not re.fullmatch(r"(\d{4})?", cell.get("year", "")) or not re.fullmatch(r"\d*", cell.get("pubmed id", "")):
        return None
    return fitted, [(f"Funding Text {number + 1 + k}", value) for k, value in enumerate(moved) if value.strip()]


def _named_width(names: list[str]) -> int:
    """Number of columns up to the last named one (a header may end with a delimiter)."""
    width = len(names)
    while width > 1 and not names[width - 1]:
        width -= 1
    return width


def _fit_rows(
    path: Path, text: str, header: _Header, profile: Profile, rows: list[tuple[int, list[str]]]
) -> list[tuple[int, list[str], list[tuple[str, str]]]]:
    """Every row brought to the header's width under the rules in the module docstring."""
    names = header.names
    width = _named_width(names)
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
                expected=f"{width} {_DELIMITER_NAMES[header.delimiter]}-separated cells per row (rows that are "
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


# ------------------------------------------------------------------------------------------------------ values


def _clean(value: str) -> str:
    """Cell text for a field: trimmed, Excel's ``="..."`` guard removed, export placeholders read as empty."""
    value = value.strip()
    if value.startswith('="') and value.endswith('"') and len(value) >= 3:
        value = value[2:-1].strip()
    return "" if len(value) <= _PLACEHOLDER_LENGTH and value.lower() in _PLACEHOLDERS else value


def _split_bracket_aware(value: str, separator: str) -> list[str]:
    parts, depth, start = [], 0, 0
    for i, char in enumerate(value):
        if char in "([":
            depth += 1
        elif char in ")]":
            depth = max(depth - 1, 0)
        elif char == separator and depth == 0:
            parts.append(value[start:i])
            start = i + 1
    parts.append(value[start:])
    return parts


def _split_concatenated(value: str) -> list[str]:
    """Springer writes author names with no separator: split where a lower-case letter meets a capital."""
    names, start = [], 0
    for i in range(1, len(value)):
        if value[i - 1].islower() and value[i].isupper():
            word = value[value.rfind(" ", start, i) + 1 : i]
            if word not in _NAME_PREFIXES:
                names.append(value[start:i])
                start = i
    names.append(value[start:])
    return names


def _split_authors_auto(value: str) -> list[str]:
    if ";" in value:
        return value.split(";")
    if "|" in value:
        return value.split("|")
    parts = re.split(r"\s+and\s+", value)
    if len(parts) > 1 and all("," in part for part in parts):
        return parts
    parts = value.split(",")
    if len(parts) > 1 and all(_SURNAME_INITIALS.fullmatch(part.strip()) for part in parts if part.strip()):
        return parts
    return [value]


def _split(value: str, style: str) -> list[str]:
    """A multi-valued cell as a list, split as its column's style says (see delimited_profiles.py)."""
    if not value:
        return []
    if style == "semicolon":
        parts = value.split(";")
    elif style == "scopus_full":
        parts = [_SCOPUS_AUTHOR_ID.sub("", part) for part in value.split(";")]
    elif style == "scopus":
        parts = value.split(";") if ";" in value else value.split(", ")
    elif style == "comma":
        parts = _split_bracket_aware(value, ",")
    elif style == "pubmed":
        parts = value.rstrip(" .").split(",")
    elif style == "and":
        parts = re.split(r"\s+and\s+", value)
    elif style == "pipe":
        parts = value.split("|")
    elif style == "concatenated":
        parts = _split_authors_auto(value) if ";" in value or "," in value else _split_concatenated(value)
    elif style == "refworks":
        parts = [re.sub(r"\s*,\s*", ", ", re.sub(r"\s*,\s*null\s*$", "", part)) for part in value.split(";")]
    elif style == "list":
        separator = next((s for s in (";", "|") if s in value), ",")
        parts = _split_bracket_aware(value, separator)
    else:
        parts = _split_authors_auto(value)
    items = []
    for part in parts:
        part = part.strip()
        if "  " in part or "\n" in part or "\t" in part:
            part = " ".join(part.split())
        if part and not (len(part) <= _PLACEHOLDER_LENGTH and part.lower() in _PLACEHOLDERS):
            items.append(part)
    return items


def _doi(value: str) -> str:
    doi = normalise_doi(value)
    if doi:
        return doi
    if value.startswith(("http://", "https://")):
        query = parse_qs(urlparse(value).query)
        for key in ("id", "doi", "rft_id"):
            for item in query.get(key, []):
                doi = normalise_doi(item.removeprefix("doi:"))
                if doi:
                    return doi
    match = _DOI_ANYWHERE.search(value)
    return normalise_doi(match.group(0).rstrip(".,;)")) if match else ""


def _pmid(value: str) -> str:
    value = value.strip()
    if value.isdigit():
        return value.lstrip("0")
    match = _PMID_IN_TEXT.search(value)
    return match.group(1).lstrip("0") if match else ""


def _pages(pages: str, start: str, end: str) -> str:
    if pages:
        return normalise_pages(pages)
    if start and end and end != start and "-" not in start:
        return normalise_pages(f"{start}-{end}")
    return normalise_pages(start or end)


class _Table:
    """Column positions of one file's header, resolved once for its profile."""

    def __init__(self, names: list[str], profile: Profile) -> None:
        self.raw_names = [name or f"column {i + 1}" for i, name in enumerate(names)]
        positions: dict[str, list[int]] = {}
        for i, name in enumerate(names):
            positions.setdefault(name.lower(), []).append(i)
        self.lower = [name.lower() for name in names]
        self.fields = {f: [i for c in columns for i in positions.get(c, [])] for f, columns in profile.columns.items()}
        self.authors = [(i, style) for column, style in profile.authors for i in positions.get(column, [])]
        self.keywords = [(i, style) for column, style in profile.keywords for i in positions.get(column, [])]

    def value(self, cells: list[str], field: str) -> str:
        for i in self.fields.get(field, ()):
            value = _clean(cells[i])
            if value:
                return value
        return ""

    def first(self, cells: list[str], field: str, convert: Callable[[str], str]) -> str:
        """The first non-empty result of ``convert`` over the field's columns."""
        for i in self.fields.get(field, ()):
            value = _clean(cells[i])
            converted = convert(value) if value else ""
            if converted:
                return converted
        return ""


# ----------------------------------------------------------------------------------------- profile special cases


def _url_param(url: str, key: str) -> str:
    values = parse_qs(urlparse(url).query).get(key, []) if url.startswith(("http://", "https://")) else []
    return values[0] if values else ""


def _fill_from_citation(fields: dict, citation: str) -> None:
    """Journal, year, volume, issue and pages from a PubMed citation string, where the columns left them empty."""
    match = _PUBMED_CITATION.match(citation or "")
    if not match:
        return
    found = {
        "journal": match.group("journal").strip(),
        "year": extract_year(match.group("date")),
        "volume": (match.group("volume") or "").strip(),
        "issue": (match.group("issue") or "").strip(),
        "pages": normalise_pages(match.group("pages") or ""),
    }
    for key, value in found.items():
        if value and not fields[key]:
            fields[key] = value


def _fill_from_embase_source(fields: dict, source: str) -> None:
    """Older Embase exports have no year/volume/pages columns, only "Journal (2014) 3:3 (152-160). Date ..."."""
    match = _EMBASE_SOURCE.match(source or "")
    if not match:
        return
    rest = re.sub(r"\s*Article Number:.*$", "", match.group("rest")).strip().rstrip(".").strip()
    pages = ""
    paren = re.search(r"\(([^)]*)\)\s*$", rest)
    if paren:
        pages, rest = paren.group(1), rest[: paren.start()].strip()
    volume, _, issue = rest.partition(":")
    found = {"journal": match.group("journal").strip(), "year": match.group("year"), "volume": volume.strip(),
             "issue": issue.strip(), "pages": normalise_pages(pages)}
    for key, value in found.items():
        if value and not fields[key]:
            fields[key] = value


def _special_cases(profile: str, fields: dict, table: _Table, cells: list[str]) -> None:
    if profile == "scopus":
        if not _SCOPUS_EID.fullmatch(fields["accession"]):
            eid = _url_param(fields["url"], "eid")
            fields["accession"] = eid if _SCOPUS_EID.fullmatch(eid) else ""
    elif profile == "embase":
        _fill_from_embase_source(fields, table.value(cells, "source"))
        if not fields["accession"]:
            fields["accession"] = _url_param(fields["url"], "id")
        if not fields["issn"]:
            issn = _url_param(table.value(cells, "openurl"), "issn")
            fields["issn"] = [issn] if issn else []
    elif profile in ("pubmed", "pubmed_legacy"):
        _fill_from_citation(fields, table.value(cells, "citation"))
        fields["accession"] = fields["pmid"]
        if fields["url"].startswith("/"):
            fields["url"] = "https://www.ncbi.nlm.nih.gov" + fields["url"]
    elif profile == "openalex":
        fields["accession"] = fields["accession"].rsplit("/", 1)[-1]
    elif profile == "ieee":
        number = fields["accession"]
        fields["accession"] = number if number.isdigit() else _url_param(number, "arnumber")


# ------------------------------------------------------------------------------------------------------- read


def _record(position: int, line: int, cells: list[str], extra: list[tuple[str, str]], table: _Table,
            profile: Profile) -> ParsedRecord:
    authors: list[str] = []
    for i, style in table.authors:
        authors = _split(_clean(cells[i]), style)
        if authors:
            break
    keywords: list[str] = []
    for i, style in table.keywords:
        keywords.extend(_split(_clean(cells[i]), style))
    issn = [item for i in table.fields.get("issn", ()) for item in _split(_clean(cells[i]), "list")]
    fields = {
        "accession": table.value(cells, "accession"),
        "title": " ".join(table.value(cells, "title").split()),
        "authors": authors,
        "year": table.first(cells, "year", extract_year),
        "journal": table.value(cells, "journal"),
        "journal_abbrev": table.value(cells, "journal_abbrev"),
        "volume": table.value(cells, "volume"),
        "issue": table.value(cells, "issue"),
        "pages": _pages(table.value(cells, "pages"), table.value(cells, "page_start"), table.value(cells, "page_end")),
        "doi": table.first(cells, "doi", _doi),
        "pmid": table.first(cells, "pmid", _pmid),
        "pmcid": table.first(cells, "pmcid", lambda v: m.group(0).upper() if (m := _PMCID.search(v)) else ""),
        "issn": list(dict.fromkeys(issn)),
        "abstract": table.value(cells, "abstract"),
        "language": table.value(cells, "language"),
        "publication_types": _split(table.value(cells, "publication_types"), "semicolon"),
        "keywords": list(dict.fromkeys(keywords)),
        "url": table.value(cells, "url"),
    }
    _special_cases(profile.name, fields, table, cells)
    raw: dict[str, list[str]] = {}
    for name, value in zip(table.raw_names, cells, strict=False):
        if value.strip():
            raw.setdefault(name, []).append(value)
    for name, value in extra:
        raw.setdefault(name, []).append(value)
    return ParsedRecord(position=position, line=line, raw=raw, **fields)


def read_delimited(path: Path, text: str) -> list[ParsedRecord]:
    """Parse every row of a delimited export into a record, keeping its position and starting line."""
    text = text.removeprefix("\ufeff")
    header = _find_header(text, min_cells=2)
    if header is None:
        raise _no_header(path, text)
    profile = profile_for(header.names)
    # The records hold no reference cycles; pausing the cyclic garbage collector while a large table becomes
    # hundreds of thousands of small lists and dicts saves it from re-scanning them (about 40% of the time).
    collecting = gc.isenabled()
    gc.disable()
    try:
        parsed = _parse_rows(path, text, header, profile)
        warn_if_cut(path, text, parsed)
        rows = _fit_rows(path, text, header, profile, parsed)
        table = _Table(header.names[: _named_width(header.names)], profile)
        return [_record(position, line, cells, extra, table, profile)
                for position, (line, cells, extra) in enumerate(rows, start=1)]
    finally:
        if collecting:
            gc.enable()


def sniff(text: str) -> bool:
    """Registry hook (see formats/detect.py): a header line with a title column and two or more delimiters."""
    return _find_header(text.removeprefix("\ufeff"), min_cells=3) is not None


def read(path: Path, text: str) -> list[ParsedRecord]:
    """Registry hook (see formats/detect.py)."""
    return read_delimited(path, text)

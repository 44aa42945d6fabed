"""Ovid exports (Embase, MEDLINE, PsycINFO, BIOSIS, ERIC, CAB, ... searched through Ovid).

Every record opens with its number in the result set on a line of its own (``<1>``, ``<3001. >``, ``1.``,
``6. `` and sometimes a database name after it); the file is split on those lines and each record is read in
one of three layouts, recognised from its first field line:

* **Ovid tagged** (``TI  - Title``): 2-5 letter tags, ``-`` after one or two spaces. A value carries on over
  indented lines and, in some exports (EndNote/Citavi ``.cgi``/``.ovd``, PsycINFO), over unindented lines that
  are not tags; after a blank line such a continuation starts another value of the same tag (one affiliation
  or cited reference each).
* **Ovid "RIS"**: numbered records whose fields are RIS (``TY  - JOUR`` ... ``ER  -``), followed by Ovid
  trailer lines (``NL  - ...``, ``Link to the Ovid Full Text or citation: ...``). Tags mean what they mean in
  RIS (``IS`` is the issue, ``SN`` the ISSN) instead of what they mean in Ovid tagged (``IS`` is the ISSN).
* **Long form**: a field name on its own line (``Title``, ``Authors``) and its values indented below it.

Some Ovid tagged files come with every line shifted right by one space; that uniform indent is removed first.
Volume, issue, pages and journal are taken from their own fields when the export has them, else from the
OpenURL link resolver address Ovid adds (``XL``/``Link to ...``), else from the ``SO`` source citation.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from reviewflow.errors import InputError
from reviewflow.importing.formats.base import ParsedRecord
from reviewflow.importing.formats.base import first_value as _first
from reviewflow.importing.formats.cut_records import expected_tail, warn_if_cut
from reviewflow.normalize import extract_year, find_issns, normalise_doi, normalise_pages

NAME = "ovid"
DESCRIPTION = "Ovid tagged export (numbered records <1> / 1.: Embase, MEDLINE, PsycINFO via Ovid)"

log = logging.getLogger(__name__)

_NUMBER_ANGLE = re.compile(r"^\s*<\s*(\d+)\s*\.?\s*>\s*(.*?)\s*$")
_GLUED_NUMBER = re.compile(r"^(.*\S)(<\s*\d+\s*\.?\s*>)\s*$")
_NUMBER_DOT = re.compile(r"^(\d+)\.(?:\s+(.*?))?\s*$")
_TAG = re.compile(r"^([A-Z][A-Z0-9]{1,4}) {1,2}- ?(.*)$")
_URL = re.compile(r"https?://\S+?(?=Link to |\s|$)")
_PMID = re.compile(r"^\d{1,9}$")
_TITLE_NOTE = re.compile(r"(?<=[.?!])\s+\[[A-Z][A-Za-z &/-]*\]\.?\s*$")  # "Title.  [Miscellaneous]"
_AUTHOR_NOTE = re.compile(r"\s*\[[^\]]*\]\s*$")  # "Walsdorf, Neill B. [Inventor, Reprint Author]"
_ACCESSION_LABEL = re.compile(r"^[A-Za-z][A-Za-z ]*:\s+(\S+)$")  # PsycINFO "Peer Reviewed Journal: 2015-33942-012"
# Source citations: Journals@Ovid "Journal Month Year;Vol(Issue):Pages",
# and Embase "Journal. Vol (Issue) (pp x-y), Year."
_SO_JOURNALS_OVID = re.compile(
    r"^(?P<journal>.+?)\s+(?:[A-Z][a-z]+(?:/[A-Z][a-z]+)?\s+)?(?:\d{1,2},?\s+)?(?P<year>\d{4});\s*"
    r"(?P<volume>[^(:;\s]*)\s*(?:\((?P<issue>[^)]*)\))?\s*(?::\s*(?P<pages>[^\s;]+?))?\.?$"
)
_SO_EMBASE = re.compile(
    r"^(?P<journal>.+?)\.?\s+(?P<volume>[\w.-]+)\s+(?:\((?P<issue>[^)]*)\)\s+)?"
    r"\((?:pp\s*)?(?P<pages>[^)]*)\),\s*(?P<year>\d{4})"
)
_LONG_FORM_HEADINGS: dict[str, str] = {
    "unique identifier": "UI",
    "accession number": "AN",
    "embase accession number": "AN",
    "pubmed id": "PM",
    "pubmed identifier": "PM",
    "pmid": "PM",
    "title": "TI",
    "author": "AU",
    "authors": "AU",
    "source": "SO",
    "journal": "JN",
    "journal name": "JN",
    "journal title": "JN",
    "journal abbreviation": "JA",
    "journal abbreviated title": "JA",
    "volume": "VO",
    "issue": "IP",
    "issue/part": "IP",
    "issue part": "IP",
    "page": "PG",
    "pages": "PG",
    "pagination": "PG",
    "year": "YR",
    "year of publication": "YR",
    "publication year": "YR",
    "date of publication": "DP",
    "publication date": "DP",
    "digital object identifier": "DO",
    "digital object identifier (doi)": "DO",
    "doi": "DO",
    "issn": "IS",
    "issn print": "IS",
    "issn electronic": "IT",
    "international standard serial number": "IS",
    "abstract": "AB",
    "language": "LG",
    "publication type": "PT",
    "document type": "DT",
    "keywords": "KW",
    "keyword heading": "KW",
    "author keywords": "KW",
    "subject headings": "MH",
    "mesh subject headings": "MH",
    "emtree heading": "MH",
    "major subject headings": "MH",
    "minor subject headings": "MH",
    "url": "UR",
    "database": "DB",
}
_LIST_CODES = frozenset({"AU", "PT", "DT", "KW", "MH", "IS", "IT", "UR", "XL"})
_TEXT_TAGS = ("TI", "T1", "AB", "N2", "SO")  # fields whose several values are one text (abstract paragraphs)


@dataclass
class _Block:
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
    for j in range(index + 1, len(lines)):
        if lines[j].strip():
            return j
    return None


def _fields_follow(lines: list[str], index: int) -> bool:
    """True when the next non-blank line after ``index`` opens an Ovid field (a tag, or a heading + value)."""
    j = _next_content(lines, index)
    if j is None:
        return False
    if _TAG.match(lines[j]):
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


def _blocks(path: Path, text: str) -> list[_Block]:
    lines = _strip_uniform_indent(text.lstrip("\ufeff").split("\n"))
    blocks: list[_Block] = []
    for index, line in enumerate(lines):
        glued = _GLUED_NUMBER.match(line) if blocks and line.endswith(">") else None
        if glued and not _NUMBER_ANGLE.match(line) and _fields_follow(lines, index):
            log.warning("%s:%d: record number '%s' is joined to the end of this line (two exports joined without a "
                        "line break?): read as the start of a new record", path, index + 1, glued.group(2))
            blocks[-1].body.append((index + 1, glued.group(1)))
            lines[index] = glued.group(2)
        number = _record_number(lines, index) if line.strip() else None
        if number is not None:
            blocks.append(_Block(line=index + 1, number=number[0], label=number[1]))
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


def _parse_tagged(path: Path, block: _Block, last: bool) -> tuple[bool, dict[str, list[str]]]:
    """Tag -> values of one tagged record (Ovid tagged or Ovid RIS); True when it is the RIS layout."""
    raw: dict[str, list[str]] = {}
    ris = closed = gap = False
    tag: str | None = None
    for number, text in block.body:
        if not text.strip():
            gap = True
            continue
        match = _TAG.match(text)
        if match:
            tag, value = match.group(1), match.group(2).strip()
            if not raw:
                ris = tag == "TY"
            if ris and tag == "TY" and "TY" in raw:
                raise InputError(
                    f"second 'TY  -' in record {block.number} (line {block.line})",
                    file=path,
                    line=number,
                    field="TY",
                    expected="'ER  -' and the next record's number line ('1.') before another 'TY  -'",
                )
            if ris and tag == "ER":
                closed, tag = True, None
            else:
                raw.setdefault(tag, []).append(value)
        elif ris and closed:
            if not text.startswith("Link to "):
                raise InputError(
                    f"unexpected text after 'ER  -' in record {block.number}: {text.strip()[:40]!r}",
                    file=path,
                    line=number,
                    expected="after 'ER  -' only Ovid trailer lines ('NL  - ...', 'Link to ...') or the next "
                    "record's number line",
                )
            raw.setdefault("Link", []).append(text.strip())
            tag = None
        elif tag is None:
            raise InputError(
                f"continuation line with no field before it: {text.strip()[:40]!r}",
                file=path,
                line=number,
                expected="a tag line like 'TI  - Title' to come first",
            )
        else:
            piece, values = text.strip(), raw[tag]
            if gap and values[-1]:
                values.append(piece)
            else:
                values[-1] = f"{values[-1]} {piece}".strip()
        gap = False
    if ris and not closed:
        raise InputError(
            f"record {block.number} (starting on line {block.line}) has no 'ER  -' before the "
            + ("end of the file" if last else "next record number"),
            file=path,
            line=block.line,
            field="ER",
            expected="each RIS-style Ovid record to end with 'ER  -'",
        )
    return ris, raw


def _parse_long_form(block: _Block) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """(raw by field name, values by Ovid tag) of a long-form record: a field name, its values indented below."""
    raw: dict[str, list[str]] = {}
    heading = ""
    for _, text in block.body:
        if not text.strip():
            continue
        if not text[0].isspace():
            heading = text.strip().rstrip(":")
            raw.setdefault(heading, [])
        else:
            raw[heading].append(text.strip())
    coded: dict[str, list[str]] = {}
    for heading, values in raw.items():
        code = _LONG_FORM_HEADINGS.get(heading.lower())
        if code is None or not values:
            continue
        if code == "AU":
            values = [name.strip() for value in values for name in value.split(";") if name.strip()]
        elif code not in _LIST_CODES:
            values = [" ".join(values)]
        coded.setdefault(code, []).extend(values)
    return raw, coded


def _text(raw: dict[str, list[str]], *tags: str) -> str:
    """All values of the first present tag joined into one text (abstracts split into paragraphs)."""
    for tag in tags:
        values = [value.strip() for value in raw.get(tag, []) if value.strip()]
        if values:
            return " ".join(values)
    return ""


def _items(raw: dict[str, list[str]], tags: tuple[str, ...], separator: str | None = None) -> list[str]:
    items: list[str] = []
    for tag in tags:
        for value in raw.get(tag, []):
            pieces = re.split(separator, value) if separator else [value]
            for piece in pieces:
                piece = piece.strip().rstrip(".").strip()
                if piece and piece not in items:
                    items.append(piece)
    return items


def _page_range(value: str) -> str:
    """Pages with at least one digit (``No Pagination Specified`` is no page)."""
    return normalise_pages(value) if any(ch.isdigit() for ch in value) else ""


def _openurl(values: list[str]) -> dict[str, str]:
    """Citation fields from the OpenURL link-resolver addresses Ovid writes into XL / 'Link to ...' lines."""
    found: dict[str, str] = {}
    for value in values:
        for url in _URL.findall(value):
            for key, item in parse_qsl(urlsplit(url).query):
                key, item = key.removeprefix("rft."), item.strip()
                if not item:
                    continue
                if key in ("id", "rft_id"):
                    for scheme in ("doi", "pmid"):
                        for prefix in (f"{scheme}:", f"info:{scheme}/"):
                            if item.startswith(prefix) and item[len(prefix) :]:
                                found.setdefault(scheme, item[len(prefix) :])
                elif key in ("volume", "issue", "pages", "spage", "epage", "issn", "jtitle", "title"):
                    found.setdefault(key, item)
    return found


def _source_parts(source: str) -> dict[str, str]:
    """Journal, volume, issue and pages read from an ``SO`` citation in the two shapes Ovid databases use."""
    for pattern in (_SO_JOURNALS_OVID, _SO_EMBASE):
        match = pattern.match(source.strip())
        if match:
            parts = {key: (value or "").strip() for key, value in match.groupdict().items()}
            parts["journal"] = re.split(r"\.\s+Conference:", parts["journal"])[0].strip()
            return parts
    return {}


def _accession(raw: dict[str, list[str]], *tags: str) -> str:
    value = _first(raw, *tags).rstrip(".").strip()
    match = _ACCESSION_LABEL.match(value)
    return match.group(1) if match else value


def _issns(raw: dict[str, list[str]], *tags: str) -> list[str]:
    issns: list[str] = []
    for tag in tags:
        for value in raw.get(tag, []):
            issns += [issn for issn in find_issns(value) if issn not in issns]
    return issns


def _links(raw: dict[str, list[str]]) -> list[str]:
    return [value for tag in ("UR", "XL", "XP", "L2", "L1", "Link") for value in raw.get(tag, [])]


def _to_record(position: int, line: int, raw: dict[str, list[str]], ris: bool) -> ParsedRecord:
    """Map one record's tags (RIS meanings when ``ris``, Ovid tagged meanings otherwise) to a ParsedRecord."""
    links = _links(raw)
    resolver = _openurl(links)
    source = _source_parts(_first(raw, "SO")) if not ris else {}
    if ris:
        authors = [a for a in (v.strip() for tag in ("A1", "AU") for v in raw.get(tag, [])) if a]
        start, end = _first(raw, "SP"), _first(raw, "EP")
        pages = _page_range(f"{start}-{end}" if start and end and "-" not in start else start)
        year = extract_year(_first(raw, "Y1", "PY", "Y2", "DA"))
        journal = _first(raw, "JF", "JO", "T2")
        abbrev = _first(raw, "J2", "JA", "NL")
        volume, issue = _first(raw, "VL"), _first(raw, "IS")
        accession = _accession(raw, "ID", "AN")
        issn = _issns(raw, "SN")
        publication_types = _items(raw, ("PT",), r",\s+")
        keywords = _items(raw, ("KW",))
        language = _first(raw, "LA", "LG")
    else:
        authors = [_AUTHOR_NOTE.sub("", a).strip() for a in raw.get("AU", []) if a.strip()]
        pages = _page_range(_first(raw, "PG"))
        year = extract_year(_first(raw, "YR", "DP")) or extract_year(_first(raw, "SO"))
        journal = _first(raw, "JN", "JT", "JF", "JO")
        abbrev = _first(raw, "JA", "TA")
        volume, issue = _first(raw, "VO", "VL", "VI"), _first(raw, "IP")
        accession = _accession(raw, "AN", "UI")
        issn = _issns(raw, "IS", "IT", "SN")
        publication_types = _items(raw, ("PT", "DT"))
        keywords = (
            _items(raw, ("KW",), r";")
            + _items(raw, ("ID",), r";" if ";" in _first(raw, "ID") else r",")
            + _items(raw, ("DE", "MH", "MC", "BR"))
        )
        keywords = list(dict.fromkeys(keywords))
        language = _first(raw, "LG", "LA")
    if not pages:
        begin, finish = resolver.get("spage", ""), resolver.get("epage", "")
        pages = _page_range(resolver.get("pages", "")) or _page_range(f"{begin}-{finish}" if finish else begin)
        pages = pages or _page_range(source.get("pages", ""))
    doi = ""
    for candidate in [_first(raw, "DO", "DI"), *links, resolver.get("doi", "")]:
        if not doi and (candidate.startswith("10.") or "doi.org/" in candidate):
            doi = normalise_doi(candidate)
    pmid = _first(raw, "PM") or resolver.get("pmid", "")
    if not pmid and "medline" in _first(raw, "DB").lower():
        pmid = _first(raw, "UI")
    url = next((found for value in links for found in _URL.findall(value)), "")
    return ParsedRecord(
        position=position,
        line=line,
        accession=accession,
        title=_TITLE_NOTE.sub("", _text(raw, "T1", "TI") if ris else _text(raw, "TI")),
        authors=authors,
        year=year,
        journal=journal or resolver.get("jtitle", "") or resolver.get("title", "") or source.get("journal", ""),
        journal_abbrev=abbrev,
        volume=volume or resolver.get("volume", "") or source.get("volume", ""),
        issue=issue or resolver.get("issue", "") or source.get("issue", ""),
        pages=pages,
        doi=doi,
        pmid=pmid if _PMID.match(pmid) else "",
        issn=issn or _issns({"issn": [resolver.get("issn", "")]}, "issn"),
        abstract=_text(raw, "N2", "AB") if ris else _text(raw, "AB"),
        language=language.rstrip(".").strip(),
        publication_types=publication_types,
        keywords=keywords,
        url=url,
        raw=raw,
    )


def read_ovid(path: Path, text: str) -> list[ParsedRecord]:
    """Parse every numbered record of an Ovid export, keeping its position and the line of its number."""
    records = []
    blocks = _blocks(path, text)
    for position, block in enumerate(blocks, start=1):
        first = next((body for _, body in block.body if body.strip()), None)
        if first is None:
            raise InputError(
                f"record {block.number} has no fields",
                file=path,
                line=block.line,
                expected="field lines ('TI  - ...') after the record number",
            )
        if _TAG.match(first):
            ris, raw = _parse_tagged(path, block, last=position == len(blocks))
            coded = raw
        elif not first[0].isspace():
            ris = False
            raw, coded = _parse_long_form(block)
        else:
            number = next(n for n, body in block.body if body.strip())
            raise InputError(
                f"indented text right after the number of record {block.number}: {first.strip()[:40]!r}",
                file=path,
                line=number,
                expected="a tag line like 'TI  - Title' or a field name like 'Title' on its own line",
            )
        if position == len(blocks):  # against up to 49 records before it; an RIS-layout record's ER is not in raw
            tails = [_last_fields(b) for b in blocks[-50:]]
            warn_if_cut(path, text, block.line, f"record {position}, number {block.number}", tails[-1],
                        [*raw, "ER"] if ris else raw, expected_tail(tails[:-1]), any_field=True,
                        blank_line_after=not ris)
        raw = {"record number": [block.number], **({"record label": [block.label]} if block.label else {}), **raw}
        record = _to_record(position, block.line, coded, ris)
        record.raw = raw
        records.append(record)
    return records


def _last_fields(block: _Block) -> list[str]:
    """The tags (or long-form field names) of the record's last two fields; Ovid's ``Link to ...`` lines after an
    RIS-layout record count as a field ``Link``."""
    first = next((body for _, body in block.body if body.strip()), "")
    if _TAG.match(first):
        names = [match.group(1) if (match := _TAG.match(line)) else "Link" for _, line in block.body
                 if _TAG.match(line) or line.startswith("Link to ")]
    else:
        names = [line.strip().rstrip(":") for _, line in block.body if line.strip() and not line[0].isspace()]
    return names[-2:]


def sniff(text: str) -> bool:
    """Registry hook (see formats/detect.py)."""
    return looks_like_ovid(text)


def read(path: Path, text: str) -> list[ParsedRecord]:
    """Registry hook (see formats/detect.py)."""
    return read_ovid(path, text)

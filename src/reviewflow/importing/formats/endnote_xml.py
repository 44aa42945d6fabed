"""EndNote XML (``<xml><records><record>...``), as written by EndNote, Mendeley, Zotero and others.

Read with ``xml.etree.ElementTree.XMLPullParser`` fed the decoded text in chunks; each ``<record>`` is mapped
when its end tag arrives and is then removed from the tree, so memory stays flat however long the file. EndNote
wraps text in ``<style face=... font=...>`` runs and may split one value over several runs (a change of
italics inside a title), so every value is the concatenation of all text below its element.

ElementTree does not report element line numbers, so the text is scanned for ``<record>`` opening tags (comments
and CDATA skipped): the n-th opening gives the n-th record's first line, and the number of openings must equal
the number of records parsed.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from reviewflow.errors import InputError
from reviewflow.importing.formats.base import ParsedRecord
from reviewflow.importing.formats.xml_entities import screen_entities
from reviewflow.importing.formats.xml_root import root_matches
from reviewflow.normalize import extract_year, find_issns, normalise_doi, normalise_pages

NAME = "endnote_xml"
DESCRIPTION = "EndNote XML (<xml><records><record>)"

_CHUNK = 1 << 20
_OPENINGS = re.compile(r"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>|<(record)(?=[\s/>])", re.S)
_SEPARATORS = re.compile(r"[\r\n]+")
_DOI_IN_TEXT = re.compile(r"10\.\d{4,9}/[^\s\"<>]+")
_PUBMED_URL = re.compile(r"(?:ncbi\.nlm\.nih\.gov/pubmed/|pubmed\.ncbi\.nlm\.nih\.gov/)(\d+)")
_PMCID = re.compile(r"^PMC\d+$")


def looks_like_endnote_xml(text: str) -> bool:
    """True when the document starts (after declaration and comments) with ``<xml>`` and then ``<records>``."""
    return root_matches(text, r"<xml\s*>\s*<records(?=[\s/>])")


def _record_lines(text: str) -> list[int]:
    """Line of every ``<record>`` opening tag, in document order."""
    lines: list[int] = []
    line, last = 1, 0
    for match in _OPENINGS.finditer(text):
        if match.group(1):
            line += text.count("\n", last, match.start())
            last = match.start()
            lines.append(line)
    return lines


def _text(element: ET.Element | None) -> str:
    """All text below an element (its ``<style>`` runs joined), whitespace collapsed to single spaces."""
    if element is None:
        return ""
    return " ".join("".join(element.itertext()).split())


def _values(element: ET.Element | None) -> list[str]:
    """The lines of a value: EndNote separates several values in one field with carriage returns."""
    if element is None:
        return []
    return [" ".join(part.split()) for part in _SEPARATORS.split("".join(element.itertext())) if part.strip()]


def _all(record: ET.Element, path: str) -> list[str]:
    return [value for element in record.iterfind(path) for value in _values(element)]


def _first(record: ET.Element, *paths: str) -> str:
    for path in paths:
        for element in record.iterfind(path):
            text = _text(element)
            if text:
                return text
    return ""


def _raw(record: ET.Element) -> dict[str, list[str]]:
    """Every value of the record keyed by its element path (``titles/title``), plus ``ref-type/@name``."""
    raw: dict[str, list[str]] = {}

    def walk(element: ET.Element, prefix: str) -> None:
        for child in element:
            path = f"{prefix}/{child.tag}" if prefix else child.tag
            for name, value in child.attrib.items():
                if child.tag != "style":
                    raw.setdefault(f"{path}/@{name}", []).append(value)
            if all(grandchild.tag == "style" for grandchild in child):
                text = "".join(child.itertext()).strip()
                if text:
                    raw.setdefault(path, []).append(text)
            else:
                walk(child, path)

    walk(record, "")
    return raw


def _doi(record: ET.Element) -> str:
    values = _all(record, "electronic-resource-num")
    for value in values:
        doi = normalise_doi(re.sub(r"\s*\[doi\]\s*$", "", value, flags=re.I))
        if doi:
            return doi
    for value in values:
        match = _DOI_IN_TEXT.search(value)
        if match:
            return normalise_doi(match.group(0))
    return ""


def _identifiers(record: ET.Element, urls: list[str]) -> tuple[str, str, str]:
    """(accession, pmid, pmcid).

    ``accession-num`` is the source database's id (PMID, ``WOS:...``, Embase number); it is taken as the PMID
    only when the record says it came from PubMed/MEDLINE (remote database name or provider), or from a PubMed
    link among the URLs. EndNote's PubMed import puts the PMCID in a custom field.
    """
    accession = _first(record, "accession-num")
    database = " ".join(_all(record, "remote-database-name") + _all(record, "remote-database-provider")).lower()
    pmid = ""
    if accession.isdigit() and any(name in database for name in ("pubmed", "medline", "nlm")):
        pmid = accession
    if not pmid:
        for url in urls:
            match = _PUBMED_URL.search(url)
            if match:
                pmid = match.group(1)
                break
    pmcid = next((v for v in _all(record, "custom2") + _all(record, "custom1") if _PMCID.match(v)), "")
    return accession, pmid, pmcid


def _record(record: ET.Element, position: int, line: int) -> ParsedRecord:
    ref_type = record.find("ref-type")
    kind = ref_type.get("name", "").strip() if ref_type is not None else ""
    kind = kind or _text(ref_type)
    types = list(dict.fromkeys([t for t in [kind, *_all(record, "work-type")] if t]))
    urls = _all(record, "urls/related-urls/url") + _all(record, "urls/web-urls/url") + _all(record, "urls/url")
    accession, pmid, pmcid = _identifiers(record, urls)
    issns = [i for value in _all(record, "isbn") for i in find_issns(value)]
    year = extract_year(_first(record, "dates/year")) or extract_year(_first(record, "dates/pub-dates/date"))
    return ParsedRecord(
        position=position,
        line=line,
        accession=accession,
        title=_first(record, "titles/title"),
        authors=_all(record, "contributors/authors/author"),
        year=year,
        journal=_first(record, "titles/secondary-title", "periodical/full-title"),
        journal_abbrev=_first(record, "periodical/abbr-1", "titles/alt-title", "alt-periodical/abbr-1"),
        volume=_first(record, "volume"),
        issue=_first(record, "number", "issue"),
        pages=normalise_pages(_first(record, "pages")),
        doi=_doi(record),
        pmid=pmid,
        pmcid=pmcid,
        issn=list(dict.fromkeys(issns)),
        abstract=_first(record, "abstract"),
        language=_first(record, "language"),
        publication_types=types,
        keywords=_all(record, "keywords/keyword"),
        url=urls[0] if urls else "",
        raw=_raw(record),
    )


def read_endnote_xml(path: Path, text: str) -> list[ParsedRecord]:
    """Parse every ``<record>`` of an EndNote XML export, keeping its position and starting line."""
    text = screen_entities(path, text)
    lines = _record_lines(text)
    parser = ET.XMLPullParser(events=("start", "end"))
    records: list[ParsedRecord] = []
    stack: list[ET.Element] = []

    def structure_error(message: str, expected: str, tag: str = "record") -> InputError:
        match = re.search(rf"<{re.escape(tag)}(?=[\s/>])", text)
        line = text.count("\n", 0, match.start()) + 1 if match else None
        return InputError(message, file=path, line=line, expected=expected)

    def handle(event: str, element: ET.Element) -> None:
        if event == "start":
            depth = len(stack)
            if depth == 0 and element.tag != "xml":
                raise structure_error(f"root element is <{element.tag}>, not <xml>",
                                      "an EndNote XML export (<xml><records><record>...)", element.tag)
            if depth == 1 and element.tag != "records":
                raise structure_error(f"<{element.tag}> inside <xml>", "only <records> inside <xml>", element.tag)
            if depth == 2 and element.tag != "record":
                raise structure_error(f"<{element.tag}> inside <records>", "only <record> elements inside <records>",
                                      element.tag)
            stack.append(element)
            return
        stack.pop()
        if len(stack) == 2 and element.tag == "record":
            position = len(records) + 1
            if position > len(lines):
                raise structure_error("more records parsed than <record> tags found in the text",
                                      "one <record> opening tag per record")
            records.append(_record(element, position, lines[position - 1]))
            stack[-1].remove(element)

    try:
        for start in range(0, len(text), _CHUNK):
            parser.feed(text[start : start + _CHUNK])
            for event, element in parser.read_events():
                handle(event, element)
        parser.close()
        for event, element in parser.read_events():
            handle(event, element)
    except ET.ParseError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else None
        raise InputError(f"malformed XML: {exc}", file=path, line=line, expected="well-formed EndNote XML") from None
    if len(records) != len(lines):
        raise InputError(
            f"{len(lines)} <record> opening tags in the text but {len(records)} records parsed",
            file=path,
            line=lines[len(records)] if len(records) < len(lines) else None,
            expected="every <record> to be a direct child of <xml><records>",
        )
    return records


def sniff(text: str) -> bool:
    """Registry hook (see formats/detect.py)."""
    return looks_like_endnote_xml(text)


def read(path: Path, text: str) -> list[ParsedRecord]:
    """Registry hook (see formats/detect.py)."""
    return read_endnote_xml(path, text)

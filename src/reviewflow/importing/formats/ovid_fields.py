"""One Ovid record's fields (tag -> values) mapped to a ``ParsedRecord``.

Tags mean what they mean in RIS for an RIS-layout record (``IS`` is the issue, ``SN`` the ISSN) and what they mean
in Ovid tagged otherwise (``IS`` is the ISSN); long-form records arrive with their field names already mapped to
Ovid tags. Volume, issue, pages and journal are taken from their own fields when the export has them, else from
the OpenURL link resolver address Ovid adds (``XL``/``Link to ...``), else from the ``SO`` source citation.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

from reviewflow.importing.formats.base import ParsedRecord
from reviewflow.importing.formats.base import first_value as _first
from reviewflow.normalize import extract_year, find_issns, normalise_doi, normalise_pages

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


def _text(raw: dict[str, list[str]], *tags: str) -> str:
    """All values of the first present tag joined into one text (abstracts split into paragraphs)."""
    for tag in tags:
        values = [value.strip() for value in raw.get(tag, []) if value.strip()]
        if values:
            return " ".join(values)
    return ""


def _items(raw: dict[str, list[str]], tags: tuple[str, ...], separator: str | None = None) -> list[str]:
    """The values of ``tags``, split at ``separator``, trimmed of a closing full stop, without repeats."""
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
    """The first accession value, without a label such as PsycINFO's ``Peer Reviewed Journal:``."""
    value = _first(raw, *tags).rstrip(".").strip()
    match = _ACCESSION_LABEL.match(value)
    return match.group(1) if match else value


def _issns(raw: dict[str, list[str]], *tags: str) -> list[str]:
    """The ISSNs found in the values of ``tags``, without repeats."""
    issns: list[str] = []
    for tag in tags:
        for value in raw.get(tag, []):
            issns += [issn for issn in find_issns(value) if issn not in issns]
    return issns


def _links(raw: dict[str, list[str]]) -> list[str]:
    """The values of the link fields, ``Link to ...`` trailer lines last."""
    return [value for tag in ("UR", "XL", "XP", "L2", "L1", "Link") for value in raw.get(tag, [])]


def to_record(position: int, line: int, raw: dict[str, list[str]], ris: bool) -> ParsedRecord:
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

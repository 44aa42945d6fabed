"""One row of a delimited export as a ``ParsedRecord``: which column feeds which field, and what each database's
cells need beyond that.

The profile chosen from the header (``delimited_profiles.py``) lists, per field, the columns to take it from in
priority order; ``Table`` resolves those names to positions once per file. Identifiers are looked for wherever an
exporter puts them (a DOI inside a link, a PMID in a PubMed URL), and a few profiles fill empty fields from a
combined cell: PubMed's citation string, Embase's Source column, the query string of a Scopus, Embase or IEEE link.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import parse_qs, urlparse

from reviewflow.importing.formats.base import ParsedRecord
from reviewflow.importing.formats.delimited_profiles import Profile
from reviewflow.importing.formats.delimited_values import clean, split
from reviewflow.normalize import extract_year, normalise_doi, normalise_pages

SCOPUS_EID = re.compile(r"2-s2\.0-\d+")
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


def _doi(value: str) -> str:
    """A DOI from a cell: the DOI itself, a resolver link's query, or a DOI anywhere in the text."""
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
    """A PMID from a cell: digits, or the number after ``PMID`` or in a PubMed link."""
    value = value.strip()
    if value.isdigit():
        return value.lstrip("0")
    match = _PMID_IN_TEXT.search(value)
    return match.group(1).lstrip("0") if match else ""


def _pages(pages: str, start: str, end: str) -> str:
    """The page range from a pages column, else from start and end page columns."""
    if pages:
        return normalise_pages(pages)
    if start and end and end != start and "-" not in start:
        return normalise_pages(f"{start}-{end}")
    return normalise_pages(start or end)


class Table:
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
        """The first non-empty cell, cleaned, among the field's columns."""
        for i in self.fields.get(field, ()):
            value = clean(cells[i])
            if value:
                return value
        return ""

    def first(self, cells: list[str], field: str, convert: Callable[[str], str]) -> str:
        """The first non-empty result of ``convert`` over the field's columns."""
        for i in self.fields.get(field, ()):
            value = clean(cells[i])
            converted = convert(value) if value else ""
            if converted:
                return converted
        return ""


def _url_param(url: str, key: str) -> str:
    """The first value of ``key`` in a web address's query ('' for anything that is not an address)."""
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


def _special_cases(profile: str, fields: dict, table: Table, cells: list[str]) -> None:
    """Fields a profile's columns leave empty or in another shape, filled or fixed in place."""
    if profile == "scopus":
        if not SCOPUS_EID.fullmatch(fields["accession"]):
            eid = _url_param(fields["url"], "eid")
            fields["accession"] = eid if SCOPUS_EID.fullmatch(eid) else ""
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


def record(position: int, line: int, cells: list[str], extra: list[tuple[str, str]], table: Table,
           profile: Profile) -> ParsedRecord:
    """One fitted row as a record; ``extra`` holds (column, value) pairs moved out of the row, kept in ``raw``."""
    authors: list[str] = []
    for i, style in table.authors:
        authors = split(clean(cells[i]), style)
        if authors:
            break
    keywords: list[str] = []
    for i, style in table.keywords:
        keywords.extend(split(clean(cells[i]), style))
    issn = [item for i in table.fields.get("issn", ()) for item in split(clean(cells[i]), "list")]
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
        "publication_types": split(table.value(cells, "publication_types"), "semicolon"),
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

"""A BibTeX entry's fields mapped to a ``ParsedRecord``.

Normalised fields have their LaTeX decoded (accents such as ``{\\"u}`` -> ü, ``\\&`` -> &, ``--`` -> en dash,
Zotero's ``{\\textless}`` -> <, grouping braces removed; see ``latex.py``); DOIs and URLs are taken verbatim apart
from escapes. Identifiers come from wherever exporters put them: a Scopus EID in the record's link, a WoS UT in
``unique-id``, a PMID or PMCID in its own field, an ``eprint`` or a note. ``raw`` keeps every field as written
(inside its outer braces or quotes), with the entry type and key under ``@type`` and ``@key``.
"""

from __future__ import annotations

import re

from reviewflow.importing.formats.base import ParsedRecord
from reviewflow.importing.formats.bibtex_entries import Entry
from reviewflow.importing.formats.latex import latex_to_text, verbatim
from reviewflow.normalize import extract_year, find_issns, normalise_doi, normalise_pages

_SCOPUS_EID = re.compile(r"[?&]eid=(2-s2\.0-\d+)")
_PMID_NOTE = re.compile(r"\bPMID:?\s*(\d{1,9})\b")
_PMCID_NOTE = re.compile(r"\b(PMC\d+)\b")


def _first(entry: Entry, *names: str, plain: bool = True) -> str:
    """The first non-empty value among ``names``: LaTeX decoded when ``plain``, else taken verbatim."""
    for name in names:
        for value in entry.fields.get(name, []):
            text = latex_to_text(value) if plain else verbatim(value)
            if text:
                return text
    return ""


def split_authors(value: str) -> list[str]:
    """Names of a BibTeX ``author`` field: split on ``and`` outside braces, decoded, ``others`` left out."""
    names, depth, start = [], 0, 0
    for match in re.finditer(r"[{}]|\s+and\s+", value, re.IGNORECASE):
        token = match.group(0)
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
        elif depth == 0:
            names.append(value[start : match.start()])
            start = match.end()
    names.append(value[start:])
    decoded = [latex_to_text(name) for name in names]
    return [name for name in decoded if name and name.lower() != "others"]


def _keywords(entry: Entry) -> list[str]:
    """Keywords from every keyword field, split at ``;`` (or ``,`` when a value has none), without repeats."""
    found: list[str] = []
    for name in ("keywords", "author_keywords", "index_keywords", "keyword", "mesh"):
        for value in entry.fields.get(name, []):
            text = latex_to_text(value)
            separator = ";" if ";" in text else ","
            found += [k.strip() for k in text.split(separator) if k.strip()]
    return list(dict.fromkeys(found))


def _identifiers(entry: Entry, url: str) -> tuple[str, str, str]:
    """(accession, pmid, pmcid): Scopus EID (in the record's link) or WoS UT; PMID/PMCID fields or notes."""
    accession = ""
    match = _SCOPUS_EID.search(url)
    if match:
        accession = match.group(1)
    else:
        unique = _first(entry, "unique-id", plain=False)
        if re.fullmatch(r"(?:WOS|ISI):\w+", unique):
            accession = unique
    pmid = _first(entry, "pmid", "pubmed_id", "pubmedid", plain=False)
    pmcid = _first(entry, "pmcid", plain=False)
    eprint_type = _first(entry, "eprinttype", "archiveprefix").lower()
    eprint = _first(entry, "eprint", plain=False)
    if eprint and not pmid and eprint_type == "pubmed":
        pmid = eprint
    if eprint and not pmcid and eprint_type == "pmc":
        pmcid = eprint
    notes = " ".join(latex_to_text(v) for name in ("note", "extra", "annote") for v in entry.fields.get(name, []))
    if not pmid and (note_pmid := _PMID_NOTE.search(notes)):
        pmid = note_pmid.group(1)
    if not pmcid and (note_pmcid := _PMCID_NOTE.search(notes)):
        pmcid = note_pmcid.group(1)
    return accession, pmid if pmid.isdigit() else "", pmcid


def record(entry: Entry, position: int) -> ParsedRecord:
    """One entry as a record at ``position`` in the file."""
    url = _first(entry, "url", plain=False)
    accession, pmid, pmcid = _identifiers(entry, url)
    authors = [name for value in entry.fields.get("author", []) for name in split_authors(value)]
    issns = [i for name in ("issn", "eissn") for v in entry.fields.get(name, []) for i in find_issns(verbatim(v))]
    dois = [normalise_doi(verbatim(v)) for v in entry.fields.get("doi", [])]
    types = [_first(entry, "document_type", "type"), entry.kind]
    raw = {"@type": [entry.kind], "@key": [entry.key], **entry.raw}
    return ParsedRecord(
        position=position,
        line=entry.line,
        accession=accession,
        title=_first(entry, "title"),
        authors=authors,
        year=extract_year(_first(entry, "year")) or extract_year(_first(entry, "date")),
        journal=_first(entry, "journal", "journaltitle", "booktitle"),
        journal_abbrev=_first(entry, "shortjournal", "abbrev_source_title", "journal-iso", "journalabbrev"),
        volume=_first(entry, "volume"),
        issue=_first(entry, "number", "issue"),
        pages=normalise_pages(re.sub(r"-{2,}", "-", _first(entry, "pages", plain=False))),
        doi=next((d for d in dois if d), ""),
        pmid=pmid,
        pmcid=pmcid,
        issn=list(dict.fromkeys(issns)),
        abstract=_first(entry, "abstract"),
        language=_first(entry, "language", "langid"),
        publication_types=list(dict.fromkeys(t for t in types if t)),
        keywords=_keywords(entry),
        url=url,
        raw=raw,
    )

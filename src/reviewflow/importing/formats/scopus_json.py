"""Scopus Search API snapshots: the JSON answers `reviewflow search` froze, one after another, each a
``search-results`` object whose ``entry`` list holds the records (COMPLETE view: every author, the abstract, the
author keywords).

Field names are Elsevier's (Scopus Search Views): ``eid`` (the accession, ``2-s2.0-...``), ``dc:title``,
``author`` (``surname``, ``given-name``, ``initials``, ``authname``, ``@seq``), ``dc:creator`` (first author only,
the STANDARD view's), ``prism:coverDate``, ``prism:publicationName``, ``prism:volume``, ``prism:issueIdentifier``,
``prism:pageRange``, ``article-number``, ``prism:doi``, ``pubmed-id``, ``prism:issn``/``prism:eIssn`` (digits
without a hyphen), ``dc:description`` (abstract), ``subtypeDescription``, ``authkeywords`` (joined by `` | ``)
and ``link`` (``@ref`` ``scopus``: the record's page). An entry without an EID is refused, never guessed at.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from reviewflow.errors import InputError
from reviewflow.importing.formats.base import ParsedRecord
from reviewflow.importing.formats.flat_json import flatten, text
from reviewflow.importing.formats.json_pages import first_document_keys, iter_documents
from reviewflow.normalize import extract_year, find_issns, normalise_doi, normalise_pages

NAME = "scopus_json"
DESCRIPTION = "Scopus Search API JSON answers, as `reviewflow search` saves them"
_EXPECTED = "the Scopus Search API's JSON answers exactly as `reviewflow search` saved them"


def sniff(text: str) -> bool:
    """Registry hook (see formats/detect.py): the first answer opens with ``search-results``."""
    return first_document_keys(text).startswith('{"search-results":')


def read(path: Path, text: str) -> list[ParsedRecord]:
    """Registry hook (see formats/detect.py)."""
    return list(iter_read(path, text))


def iter_read(path: Path, text: str) -> Iterator[ParsedRecord]:
    """Every entry of every answer, in file order; ``line`` is the line of the answer holding it."""
    position = 0
    for line, document in iter_documents(path, text):
        for entry in _entries(path, line, document):
            position += 1
            yield _record(path, line, position, entry)


def _entries(path: Path, line: int, document: dict[str, Any]) -> list[dict[str, Any]]:
    results = document.get("search-results")
    if not isinstance(results, dict):
        raise InputError("an answer without a search-results object", file=path, line=line, expected=_EXPECTED)
    entries = results.get("entry") or []
    if not isinstance(entries, list) or not all(isinstance(entry, dict) for entry in entries):
        raise InputError("search-results.entry is not a list of records", file=path, line=line,
                         field="search-results.entry", expected=_EXPECTED)
    if str(results.get("opensearch:totalResults", "")).strip() == "0":
        # Scopus answers an empty result with one {"error": "Result set was empty"} entry, not a record
        return [entry for entry in entries if "eid" in entry or "error" not in entry]
    return entries


def _record(path: Path, line: int, position: int, entry: dict[str, Any]) -> ParsedRecord:
    eid = _value(entry, "eid")
    if not eid:
        raise InputError(f"record {position} has no EID", file=path, line=line, field="eid",
                         expected="every Scopus entry to carry its EID (2-s2.0-...)",
                         hint="a frozen search is never edited: restore the file from git, or search again")
    return ParsedRecord(
        position=position,
        line=line,
        accession=eid,
        title=_value(entry, "dc:title"),
        authors=_authors(entry),
        year=extract_year(_value(entry, "prism:coverDate")),
        journal=_value(entry, "prism:publicationName"),
        volume=_value(entry, "prism:volume"),
        issue=_value(entry, "prism:issueIdentifier"),
        pages=normalise_pages(_value(entry, "prism:pageRange") or _value(entry, "article-number")),
        doi=normalise_doi(_value(entry, "prism:doi")),
        pmid=_value(entry, "pubmed-id"),
        issn=list(dict.fromkeys(find_issns(_value(entry, "prism:issn")) + find_issns(_value(entry, "prism:eIssn")))),
        abstract=_value(entry, "dc:description"),
        publication_types=[kind for kind in [_value(entry, "subtypeDescription")] if kind],
        keywords=_keywords(entry.get("authkeywords")),
        url=_link(entry, "scopus"),
        raw=flatten(entry),
    )


def _value(entry: dict[str, Any], key: str) -> str:
    """A field as text; Scopus sometimes wraps a value as ``[{"$": value}]``."""
    value = entry.get(key)
    if isinstance(value, list) and value and isinstance(value[0], dict):
        value = value[0].get("$")
    return text(value)


def _authors(entry: dict[str, Any]) -> list[str]:
    """``Family, Given`` (or ``Family I.``) for each author of the COMPLETE view's list, by ``@seq``; the STANDARD
    view's ``dc:creator`` (first author only) when there is no list."""
    listed = entry.get("author")
    if isinstance(listed, dict):
        listed = [listed]
    people = [person for person in listed if isinstance(person, dict)] if isinstance(listed, list) else []
    if people and all(text(person.get("@seq")).isdigit() for person in people):
        people.sort(key=lambda person: int(text(person.get("@seq"))))
    names, seen = [], set()
    for person in people:
        family, given = text(person.get("surname")), text(person.get("given-name"))
        initials, author_id = text(person.get("initials")), text(person.get("authid"))
        name = (f"{family}, {given}" if family and given else f"{family} {initials}" if family and initials
                else family or text(person.get("authname")))
        if name and not (author_id and author_id in seen):  # an author listed again under a second affiliation
            names.append(name)
            seen.add(author_id)
    if names:
        return names
    creator = _value(entry, "dc:creator")
    return [creator] if creator else []


def _keywords(value: Any) -> list[str]:
    """``authkeywords`` is one string joined by `` | ``; a list (of strings or ``{"$": ...}``) is read too."""
    if isinstance(value, str):
        items = value.split("|")
    elif isinstance(value, list):
        items = [text(item.get("$")) if isinstance(item, dict) else text(item) for item in value]
    else:
        items = []
    return list(dict.fromkeys(item.strip() for item in items if item.strip()))


def _link(entry: dict[str, Any], ref: str) -> str:
    for link in entry.get("link") or []:
        if isinstance(link, dict) and link.get("@ref") == ref:
            return text(link.get("@href"))
    return ""

"""Web of Science Starter API snapshots: the JSON answers of ``GET /documents`` that `reviewflow search` froze,
one after another, each a ``metadata`` object (``total``, ``page``, ``limit``) and a ``hits`` list of documents.

Field names are Clarivate's (the Starter API's Document model): ``uid`` (the accession, ``WOS:...``), ``title``,
``types``, ``sourceTypes``, ``source`` (``sourceTitle``, ``publishYear``, ``publishMonth``, ``volume``, ``issue``,
``articleNumber``, ``pages.range``), ``names.authors`` (``displayName``, ``wosStandard``, in author order),
``identifiers`` (``doi``, ``issn``, ``eissn``, ``isbn``, ``pmid``), ``keywords.authorKeywords`` and ``links.record``
(the record's page). The Starter API returns no abstract. A document without a uid is refused, never guessed at.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from reviewflow.errors import InputError
from reviewflow.importing.formats.base import ParsedRecord
from reviewflow.importing.formats.flat_json import flatten, text
from reviewflow.importing.formats.json_pages import first_document_keys, iter_documents
from reviewflow.normalize import extract_year, find_issns, normalise_doi, normalise_pages

NAME = "wos_starter_json"
DESCRIPTION = "Web of Science Starter API JSON answers, as `reviewflow search` saves them"
_EXPECTED = "the Web of Science Starter API's JSON answers exactly as `reviewflow search` saved them"
_PMID_PREFIX = re.compile(r"^MEDLINE:\s*", re.IGNORECASE)


def sniff(text: str) -> bool:
    """Registry hook (see formats/detect.py): the first answer opens with ``metadata`` (holding ``total``) and
    ``hits``, the order the API writes them in; ``hits`` first, holding documents with a ``uid``, is read too."""
    keys = first_document_keys(text)
    if keys.startswith('{"metadata":{'):
        return '"total":' in keys and '"hits":' in keys
    return keys.startswith('{"hits":[') and ('"uid":' in keys or '"metadata":{' in keys)


def read(path: Path, text: str) -> list[ParsedRecord]:
    """Registry hook (see formats/detect.py)."""
    return list(iter_read(path, text))


def iter_read(path: Path, text: str) -> Iterator[ParsedRecord]:
    """Every document of every answer, in file order; ``line`` is the line of the answer holding it."""
    position = 0
    for line, answer in iter_documents(path, text):
        hits = answer.get("hits")
        if not isinstance(answer.get("metadata"), dict) or not isinstance(hits, list) \
                or not all(isinstance(hit, dict) for hit in hits):
            raise InputError("an answer without metadata and a hits list of documents", file=path, line=line,
                             field="hits", expected=_EXPECTED)
        for hit in hits:
            position += 1
            yield _record(path, line, position, hit)


def _record(path: Path, line: int, position: int, hit: dict[str, Any]) -> ParsedRecord:
    uid = text(hit.get("uid"))
    if not uid:
        raise InputError(f"record {position} has no uid", file=path, line=line, field="uid",
                         expected="every document to carry its accession number (WOS:...)",
                         hint="a frozen search is never edited: restore the file from git, or search again")
    source = _object(hit, "source")
    identifiers = _object(hit, "identifiers")
    pages = source.get("pages")
    page_range = text(pages.get("range")) if isinstance(pages, dict) else text(pages)
    return ParsedRecord(
        position=position,
        line=line,
        accession=uid,
        title=text(hit.get("title")),
        authors=_authors(_object(hit, "names").get("authors")),
        year=extract_year(text(source.get("publishYear"))),
        journal=text(source.get("sourceTitle")),
        volume=text(source.get("volume")),
        issue=text(source.get("issue")),
        pages=normalise_pages(page_range or text(source.get("articleNumber"))),
        doi=normalise_doi(text(identifiers.get("doi"))),
        pmid=_PMID_PREFIX.sub("", text(identifiers.get("pmid"))),
        issn=list(dict.fromkeys(find_issns(text(identifiers.get("issn"))) +
                                find_issns(text(identifiers.get("eissn"))))),
        publication_types=_strings(hit.get("types")),
        keywords=_strings(_object(hit, "keywords").get("authorKeywords")),
        url=text(_object(hit, "links").get("record")),
        raw=flatten(hit),
    )


def _object(hit: dict[str, Any], key: str) -> dict[str, Any]:
    value = hit.get(key)
    return value if isinstance(value, dict) else {}


def _authors(people: Any) -> list[str]:
    """Each author's ``displayName`` (``Family, Given``), else ``wosStandard`` (``Family, GI``), in order."""
    names = []
    for person in people if isinstance(people, list) else []:
        if isinstance(person, dict):
            name = text(person.get("displayName")) or text(person.get("wosStandard"))
            if name:
                names.append(name)
    return names


def _strings(values: Any) -> list[str]:
    return list(dict.fromkeys(text(value) for value in values if text(value))) if isinstance(values, list) else []

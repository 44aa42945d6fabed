"""Europe PMC search answers (``format=json``, ``resultType=core``) as `reviewflow search` freezes them.

A snapshot is the search endpoint's answers saved one after another, each ``{"version", "hitCount",
"nextCursorMark", "request", "resultList": {"result": [...]}}``; every result is one record, identified by its
``source`` and ``id`` (``MED:12345678`` for a PubMed record, ``PMC:PMC1234567``, ``PPR:PPR123456`` for a preprint),
which becomes the accession. Field names follow Europe PMC's core result: ``authorList.author`` (``fullName``,
``firstName``, ``lastName``, ``initials``, or ``collectiveName``; read as ``Family, Given``, or ``Family Initials``
without a first name), ``journalInfo`` (``volume``, ``issue``,
``yearOfPublication``, ``journal.title``, ``journal.isoabbreviation``, ``journal.medlineAbbreviation``,
``journal.issn``, ``journal.essn``), ``pageInfo``, ``pubYear``, ``abstractText`` (which may carry HTML such as
``<h4>Background</h4>`` or ``<i>``), ``language``, ``pubTypeList.pubType``, ``keywordList.keyword`` and
``meshHeadingList.meshHeading`` (``descriptorName``, ``majorTopic_YN``, ``meshQualifierList.meshQualifier``).
MeSH headings join the keywords written as MEDLINE writes its ``MH`` lines (``Pain/*therapy``), so the same
article has the same keywords whether it came from PubMed or from Europe PMC.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from reviewflow.errors import InputError
from reviewflow.importing.formats.base import ParsedRecord
from reviewflow.importing.formats.json_pages import first_document_keys, iter_documents
from reviewflow.normalize import extract_year, normalise_doi, normalise_pages

NAME = "europepmc_json"
DESCRIPTION = "Europe PMC REST search answers (JSON, resultType=core)"

log = logging.getLogger(__name__)

# Block elements end a sentence or heading: they become a space. Other tags (<i>, <sup>, ...) vanish in place, so
# "<i>E</i>. coli" stays "E. coli". A tag is a name that starts with a letter, then only name="value" attributes,
# so "p<0.05" and "x<y and z>w" are text.
_ATTRIBUTES = r"""(?:\s+[A-Za-z_:][\w:.-]*\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'<>]+))*\s*/?>"""
_BLOCK_TAG = re.compile(r"</?(?:h[1-6]|p|br|div|li|ul|ol|sec|title|abstract|abstracttext|table|tr|td)"
                        + _ATTRIBUTES, re.IGNORECASE)
_TAG = re.compile(r"</?[A-Za-z][\w:.-]*" + _ATTRIBUTES)
_SPACES = re.compile(r"\s+")


def plain_text(value: Any) -> str:
    """Text without HTML tags or entities, spaces collapsed."""
    if not isinstance(value, str):
        return ""
    text = _TAG.sub("", _BLOCK_TAG.sub(" ", value))
    return _SPACES.sub(" ", html.unescape(text)).strip()


def _string(value: Any) -> str:
    if value is None or isinstance(value, (dict, list)):
        return ""
    return str(value).strip()


def _listed(container: Any, key: str) -> list[Any]:
    """``container[key]`` as a list (Europe PMC wraps repeated elements: ``{"keyword": [...]}``)."""
    value = container.get(key) if isinstance(container, dict) else None
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _author(author: Any) -> str:
    """``Family, Given`` when the first name is given, else MEDLINE's ``Family Initials``; a name without a
    family name is its full or collective name as written."""
    if not isinstance(author, dict):
        return plain_text(author)
    last, first = plain_text(author.get("lastName")), plain_text(author.get("firstName"))
    if last and first:
        return f"{last}, {first}"
    if last:
        return f"{last} {plain_text(author.get('initials'))}".strip()
    return plain_text(author.get("fullName")) or plain_text(author.get("collectiveName"))


def _authors(record: dict[str, Any]) -> list[str]:
    names = [name for name in map(_author, _listed(record.get("authorList"), "author")) if name]
    if names:
        return names
    text = plain_text(record.get("authorString")).rstrip(".")
    return [part.strip() for part in text.split(", ") if part.strip()]


def _mesh(heading: Any) -> str:
    """A MeSH heading as MEDLINE's ``MH`` writes it: ``Descriptor/qualifier``, ``*`` marking a major topic."""
    if not isinstance(heading, dict) or not plain_text(heading.get("descriptorName")):
        return ""
    text = ("*" if heading.get("majorTopic_YN") == "Y" else "") + plain_text(heading["descriptorName"])
    for qualifier in _listed(heading.get("meshQualifierList"), "meshQualifier"):
        if isinstance(qualifier, dict) and plain_text(qualifier.get("qualifierName")):
            text += "/" + ("*" if qualifier.get("majorTopic_YN") == "Y" else "") + \
                plain_text(qualifier["qualifierName"])
    return text


def flatten(value: Any, prefix: str = "", into: dict[str, list[str]] | None = None,
            repeated: set[str] | None = None) -> dict[str, list[str] | str]:
    """Every leaf of a record under its dotted path (``journalInfo.journal.title``); a path through a list keeps a
    list of values, any other a single string."""
    top = into is None
    into = {} if into is None else into
    repeated = set() if repeated is None else repeated
    if isinstance(value, dict):
        for key, item in value.items():
            flatten(item, f"{prefix}.{key}" if prefix else str(key), into, repeated)
    elif isinstance(value, list):
        repeated.add(prefix)
        for item in value:
            flatten(item, prefix, into, repeated)
    elif value is not None:
        into.setdefault(prefix, []).append(str(value))
    if not top:
        return {}
    listed = {path for path in into if any(path == r or path.startswith(r + ".") for r in repeated)}
    return {path: values if path in listed or len(values) > 1 else values[0] for path, values in into.items()}


def parse_record(record: Any, path: Path, line: int, position: int) -> ParsedRecord:
    """One core result as a ParsedRecord; a result without source and id stops the import (it has no identity)."""
    if not isinstance(record, dict):
        raise InputError("a result that is not a JSON object", file=path, line=line, record=str(position),
                         expected="each resultList.result entry an object")
    source, identifier = _string(record.get("source")), _string(record.get("id"))
    if not source or not identifier:
        raise InputError("a result without source and id", file=path, line=line, record=str(position),
                         field="source, id", expected="Europe PMC's source (MED, PMC, PPR, ...) and id")
    info = record.get("journalInfo") if isinstance(record.get("journalInfo"), dict) else {}
    journal = info.get("journal") if isinstance(info.get("journal"), dict) else {}
    mesh = [text for text in map(_mesh, _listed(record.get("meshHeadingList"), "meshHeading")) if text]
    keywords = [plain_text(k) for k in _listed(record.get("keywordList"), "keyword") if plain_text(k)]
    year = _string(record.get("pubYear")) or _string(info.get("yearOfPublication")) \
        or extract_year(_string(record.get("firstPublicationDate")))
    return ParsedRecord(
        position=position,
        line=line,
        accession=f"{source}:{identifier}",
        title=plain_text(record.get("title")),
        authors=_authors(record),
        year=extract_year(year),
        journal=plain_text(journal.get("title")),
        journal_abbrev=plain_text(journal.get("isoabbreviation")) or plain_text(journal.get("medlineAbbreviation")),
        volume=_string(info.get("volume")),
        issue=_string(info.get("issue")),
        pages=normalise_pages(_string(record.get("pageInfo"))),
        doi=normalise_doi(_string(record.get("doi"))),
        pmid=_string(record.get("pmid")),
        pmcid=_string(record.get("pmcid")),
        issn=list(dict.fromkeys(i for i in (_string(journal.get("issn")), _string(journal.get("essn"))) if i)),
        abstract=plain_text(record.get("abstractText")),
        language=_string(record.get("language")),
        publication_types=[plain_text(t) for t in _listed(record.get("pubTypeList"), "pubType") if plain_text(t)],
        keywords=list(dict.fromkeys(keywords + mesh)),
        url=f"https://europepmc.org/article/{source}/{identifier}",
        raw=flatten(record),
    )


def iter_europepmc(path: Path, text: str) -> Iterator[ParsedRecord]:
    """The records of every answer in the file, in order; answers that disagree on ``hitCount``, or hold fewer or
    more records than it, are reported (a snapshot holds one whole search)."""
    position = 0
    counts: set[int] = set()
    for line, document in iter_documents(path, text):
        if "errCode" in document:
            raise InputError(f"an answer that is a Europe PMC error ({document.get('errMsg', document['errCode'])})",
                             file=path, line=line, expected="search answers holding records")
        result_list = document.get("resultList")
        results = result_list.get("result", []) if isinstance(result_list, dict) else None
        if not isinstance(results, list) or "hitCount" not in document:
            raise InputError("an answer without hitCount and resultList.result", file=path, line=line,
                             expected="Europe PMC search answers (format=json) as `reviewflow search` saved them")
        counts.add(document["hitCount"])
        for record in results:
            position += 1
            yield parse_record(record, path, line, position)
    if len(counts) > 1:
        log.warning("%s: its answers report different hitCounts (%s): they are not one search", path,
                    ", ".join(map(str, sorted(counts))))
    elif counts and position != next(iter(counts)):
        log.warning("%s: Europe PMC reported %s records and the file holds %d", path, next(iter(counts)), position)


def read_europepmc(path: Path, text: str) -> list[ParsedRecord]:
    """Every record of a Europe PMC snapshot."""
    return list(iter_europepmc(path, text))


def sniff(text: str) -> bool:
    """Registry hook (see formats/detect.py): a JSON object whose first keys include Europe PMC's ``hitCount``
    next to ``resultList``, ``request`` or ``nextCursorMark``."""
    head = first_document_keys(text.lstrip("\ufeff"))
    return head.startswith("{") and '"hitCount":' in head and any(
        key in head for key in ('"resultList":', '"request":{', '"nextCursorMark":'))


def read(path: Path, text: str) -> list[ParsedRecord]:
    """Registry hook (see formats/detect.py)."""
    return read_europepmc(path, text)


def iter_read(path: Path, text: str) -> Iterator[ParsedRecord]:
    """Registry hook for streaming (see formats/detect.py)."""
    return iter_europepmc(path, text)

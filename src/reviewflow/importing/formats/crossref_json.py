"""Crossref snapshots: the works-list answers of the REST API, saved one after another by `reviewflow search`.

Each answer is ``{"status": "ok", "message-type": "work-list", "message": {"total-results": ..., "items": [...]}}``
and each item a work as Crossref documents it (api_format: ``DOI``, ``title``, ``author`` with ``family`` /
``given`` or an organisation's ``name``, ``issued`` / ``published-print`` / ``published-online`` as
``date-parts``, ``container-title``, ``short-container-title``, ``volume``, ``issue``, ``page``, ``ISSN``, a JATS
``abstract``, ``language``, ``type``, ``subject``, ``URL``). Every item becomes one record, in file order; the DOI
is the record's accession, and an item without one stops the import rather than becoming a record that cannot be
traced back. ``raw`` keeps every field of the item, flattened to text.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from reviewflow.errors import InputError
from reviewflow.importing.formats.base import ParsedRecord
from reviewflow.importing.formats.jats_text import jats_to_text, markup_to_text
from reviewflow.importing.formats.json_pages import first_document_keys, iter_documents
from reviewflow.normalize import normalise_doi, normalise_issn, normalise_pages

NAME = "crossref_json"
DESCRIPTION = "Crossref REST API works answers (JSON, as `reviewflow search` saves them)"

YEAR_DATES = ("issued", "published-print", "published-online")
"""Where the year is read, in order: ``issued`` is documented as the earliest of print and online publication."""
PEOPLE = frozenset({"author", "editor", "chair", "translator"})


def looks_like_crossref(text: str) -> bool:
    """True when the file starts with a JSON object that says it is a works list."""
    start = first_document_keys(text)
    return start.startswith("{") and '"message-type":"work-list"' in start


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return ""


def _first(item: dict[str, Any], key: str) -> str:
    value = item.get(key)
    if isinstance(value, list):
        return next((_text(v) for v in value if _text(v)), "")
    return _text(value)


def _strings(item: dict[str, Any], key: str) -> list[str]:
    value = item.get(key)
    values = value if isinstance(value, list) else [value]
    return [text for text in (_text(v) for v in values) if text]


def person(entry: Any) -> str:
    """``Family, Given`` (a suffix after a further comma), an organisation by its name, "" for an empty entry."""
    if not isinstance(entry, dict):
        return _text(entry)
    family, given, name = _text(entry.get("family")), _text(entry.get("given")), _text(entry.get("name"))
    if family:
        parts = [family] + [p for p in (given, _text(entry.get("suffix"))) if p]
        return ", ".join(parts)
    return name or given


def _date(value: Any) -> str:
    """``date-parts`` as ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; "" when the year is unknown."""
    parts = value.get("date-parts") if isinstance(value, dict) else None
    first = parts[0] if isinstance(parts, list) and parts and isinstance(parts[0], list) else []
    numbers = []
    for part in first:
        if not isinstance(part, int) or isinstance(part, bool):
            break
        numbers.append(part)
    if not numbers:
        return ""
    return "-".join([f"{numbers[0]:04d}"] + [f"{n:02d}" for n in numbers[1:3]])


def year(item: dict[str, Any]) -> str:
    """The year of the first of ``issued``, ``published-print``, ``published-online`` that has one."""
    for key in YEAR_DATES:
        found = _date(item.get(key))
        if found:
            return found[:4]
    return ""


def _flat(key: str, value: Any) -> str | list[str] | None:
    if value is None:
        return None
    if isinstance(value, dict) and "date-parts" in value:
        return _date(value)
    if isinstance(value, list):
        if key in PEOPLE:
            return [person(v) for v in value]
        return [_text(v) if isinstance(v, str | int | float) and not isinstance(v, bool) else
                json.dumps(v, ensure_ascii=False, sort_keys=True) for v in value]
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value).lower() if isinstance(value, bool) else str(value)


def _record(item: Any, path: Path, line: int, position: int) -> ParsedRecord:
    doi = item.get("DOI") if isinstance(item, dict) else None
    if not isinstance(doi, str) or not doi.strip():
        raise InputError("a work without a DOI", file=path, line=line, record=str(position), field="DOI",
                         expected="every Crossref work with its DOI",
                         hint="a frozen search is never edited: restore the file from git, or search again")
    issns = [normalise_issn(value) for value in _strings(item, "ISSN")]
    title = markup_to_text(_first(item, "title"))
    subtitle = markup_to_text(_first(item, "subtitle"))
    if subtitle and subtitle.lower() not in title.lower():
        title = f"{title}: {subtitle}" if title else subtitle
    raw = {key: flat for key, value in item.items() if (flat := _flat(key, value)) is not None}
    return ParsedRecord(
        position=position,
        line=line,
        accession=doi.strip().lower(),
        doi=normalise_doi(doi) or doi.strip().lower(),
        title=title,
        authors=[name for name in (person(a) for a in item.get("author") or []) if name],
        year=year(item),
        journal=markup_to_text(_first(item, "container-title")),
        journal_abbrev=markup_to_text(_first(item, "short-container-title")),
        volume=_text(item.get("volume")),
        issue=_text(item.get("issue")),
        pages=normalise_pages(_text(item.get("page"))),
        issn=list(dict.fromkeys(issn for issn in issns if issn)),
        abstract=jats_to_text(_text(item.get("abstract"))),
        language=_text(item.get("language")),
        publication_types=_strings(item, "type"),
        keywords=_strings(item, "subject"),
        url=_text(item.get("URL")),
        raw=raw,
    )


def _items(document: dict[str, Any], path: Path, line: int) -> list[Any]:
    message = document.get("message")
    if document.get("message-type") != "work-list" or not isinstance(message, dict) \
            or not isinstance(message.get("items"), list):
        raise InputError("a JSON answer that is not a Crossref list of works", file=path, line=line,
                         expected='"message-type": "work-list" with message.items, as `reviewflow search` saves '
                                  "Crossref answers")
    return message["items"]


def iter_crossref(path: Path, text: str) -> Iterator[ParsedRecord]:
    """Every work of every answer in the file, in order; ``line`` is where its answer starts."""
    position = 0
    for line, document in iter_documents(path, text):
        for item in _items(document, path, line):
            position += 1
            yield _record(item, path, line, position)


def sniff(text: str) -> bool:
    """Registry hook (see formats/detect.py)."""
    return looks_like_crossref(text)


def read(path: Path, text: str) -> list[ParsedRecord]:
    """Registry hook (see formats/detect.py)."""
    return list(iter_crossref(path, text))


def iter_read(path: Path, text: str) -> Iterator[ParsedRecord]:
    """Registry hook for streaming (see formats/detect.py)."""
    return iter_crossref(path, text)

"""OpenAlex works API answers (``reviewflow search`` and ``reviewflow citations`` snapshots), read work by work.

A snapshot holds the list answers exactly as OpenAlex sent them, one after another; every work of every answer's
``results`` becomes one record, in file order, so none is lost and the count matches the provenance. OpenAlex
gives no plain abstract, only ``abstract_inverted_index`` (word -> positions), so the abstract is rebuilt in word
order; authors come as display names ("Jason Priem") and are turned into "Priem, Jason", the raw names kept too.
A citation snapshot may hold the same work several times (reached from several seeds): each answer is kept as
received and the import's record ids and deduplication take care of the repeats; the log says how many works
are distinct.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from reviewflow.errors import InputError
from reviewflow.importing.formats.base import ParsedRecord
from reviewflow.importing.formats.json_pages import first_document_keys, iter_documents
from reviewflow.normalize import find_issns, normalise_doi, normalise_pages

log = logging.getLogger(__name__)

NAME = "openalex_json"
DESCRIPTION = "OpenAlex works API JSON answers"

_WORK_ID = re.compile(r"^(?:https://openalex\.org/)?(W\d+)$")
_PMID = re.compile(r"(\d+)/?$")
_PMCID = re.compile(r"(PMC\d+)", re.IGNORECASE)
_PARTICLES = frozenset({"van", "von", "der", "den", "de", "del", "della", "da", "das", "do", "dos", "du", "di",
                        "la", "le", "ter", "ten", "bin", "al", "el", "st", "st.", "mac"})
_SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})
_SKIPPED_RAW = frozenset({"abstract_inverted_index"})


def sniff(text: str) -> bool:
    """A JSON list answer (``meta`` first) whose first work has an OpenAlex work id."""
    start = first_document_keys(text)
    return start.startswith('{"meta":{') and '"id":"https://openalex.org/W' in start


def author_name(display: str) -> str:
    """"Family, Given" from a display name ("Jason Priem" -> "Priem, Jason"; particles such as "van der" and
    suffixes such as "Jr." stay with the family name); a single word or a name already inverted is kept."""
    words = display.split()
    if len(words) < 2 or "," in display:
        return " ".join(words)
    suffix = ""
    if words[-1].lower() in _SUFFIXES and len(words) > 2:
        suffix = f", {words.pop()}"
    family_start = len(words) - 1
    while family_start > 1 and words[family_start - 1].lower() in _PARTICLES:
        family_start -= 1
    return f"{' '.join(words[family_start:])}, {' '.join(words[:family_start])}{suffix}"


def rebuild_abstract(index: Any, where: str, path: Path, line: int, record: str | None = None) -> str:
    """The abstract in word order from ``abstract_inverted_index`` (``{word: [positions]}``); empty if null."""
    if index is None:
        return ""
    if not isinstance(index, dict):
        raise InputError(f"{where}: abstract_inverted_index is not an object", file=path, line=line, record=record,
                         field="abstract_inverted_index", expected="{word: [positions]}")
    placed: dict[int, str] = {}
    for word, positions in index.items():
        if not isinstance(positions, list) or not all(isinstance(p, int) and not isinstance(p, bool) and p >= 0
                                                      for p in positions):
            raise InputError(f"{where}: abstract_inverted_index[{word!r}] is not a list of positions", file=path,
                             line=line, record=record, field="abstract_inverted_index", expected="{word: [positions]}")
        for position in positions:
            if position in placed:
                raise InputError(f"{where}: abstract_inverted_index puts {placed[position]!r} and {word!r} at "
                                 f"position {position}", file=path, line=line, record=record,
                                 field="abstract_inverted_index", expected="one word per position")
            placed[position] = word
    return " ".join(placed[p] for p in sorted(placed))


def flatten(work: dict[str, Any]) -> dict[str, list[str] | str]:
    """Every field of a work as ``dotted.path -> value``, a list where the path runs through a list, for the audit
    trail; nulls are left out, and the inverted abstract too (the rebuilt abstract is kept instead)."""
    out: dict[str, list[str]] = {}
    listed: set[str] = set()
    for key, value in work.items():
        if key not in _SKIPPED_RAW:
            _flatten_into(value, str(key), out, listed)
    return {key: values if key in listed or len(values) != 1 else values[0] for key, values in out.items()}


def _flatten_into(value: Any, path: str, out: dict[str, list[str]], listed: set[str], in_list: bool = False
                  ) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _flatten_into(item, f"{path}.{key}", out, listed, in_list)
    elif isinstance(value, list):
        listed.add(path)
        if not value:
            out.setdefault(path, [])
        for item in value:
            _flatten_into(item, path, out, listed, True)
    elif value is not None:
        out.setdefault(path, []).append(str(value).lower() if isinstance(value, bool) else str(value))
        if in_list:
            listed.add(path)


def _text(value: Any) -> str:
    return " ".join(str(value).split()) if value is not None else ""


def _get(work: dict[str, Any], *keys: str) -> Any:
    value: Any = work
    for key in keys:
        value = value.get(key) if isinstance(value, dict) else None
    return value


def record(work: Any, position: int, line: int, path: Path) -> ParsedRecord:
    """One work of an answer's ``results`` as a record."""
    where = f"work {position}"
    if not isinstance(work, dict):
        raise InputError(f"{where} is not a JSON object", file=path, line=line, record=str(position),
                         expected="an OpenAlex Work object")
    match = _WORK_ID.match(str(work.get("id") or ""))
    if not match:
        raise InputError(f"{where} has the id {work.get('id')!r}", file=path, line=line, record=str(position),
                         field="id", expected="an OpenAlex work id (https://openalex.org/W...)")
    authorships = work.get("authorships") or []
    display = [_text(_get(a, "author", "display_name")) for a in authorships if isinstance(a, dict)]
    raw_names = [_text(a.get("raw_author_name")) for a in authorships if isinstance(a, dict)]
    names = [author_name(d or r) for d, r in zip(display, raw_names, strict=True) if d or r]
    source = _get(work, "primary_location", "source") or {}
    issns = source.get("issn") if isinstance(source.get("issn"), list) else []
    first, last = _text(_get(work, "biblio", "first_page")), _text(_get(work, "biblio", "last_page"))
    pages = f"{first}-{last}" if first and last and last != first else first or last
    pmid = _PMID.search(_text(_get(work, "ids", "pmid")))
    pmcid = _PMCID.search(_text(_get(work, "ids", "pmcid")))
    keywords = [_text(k.get("display_name") or k.get("keyword")) for k in work.get("keywords") or []
                if isinstance(k, dict)]
    year = work.get("publication_year")
    raw = flatten(work)
    abstract = rebuild_abstract(work.get("abstract_inverted_index"), where, path, line, str(position))
    if abstract:
        raw["abstract"] = abstract
    return ParsedRecord(
        position=position, line=line, accession=match.group(1),
        title=_text(work.get("title") or work.get("display_name")), authors=names,
        year=str(year) if isinstance(year, int) else "", journal=_text(source.get("display_name")),
        volume=_text(_get(work, "biblio", "volume")), issue=_text(_get(work, "biblio", "issue")),
        pages=normalise_pages(pages), doi=normalise_doi(_text(work.get("doi") or _get(work, "ids", "doi"))),
        pmid=pmid.group(1) if pmid else "", pmcid=pmcid.group(1).upper() if pmcid else "",
        issn=find_issns(" ".join(str(i) for i in [*issns, source.get("issn_l")] if i)), abstract=abstract,
        language=_text(work.get("language")), publication_types=[_text(work["type"])] if work.get("type") else [],
        keywords=[k for k in keywords if k], url=_text(_get(work, "primary_location", "landing_page_url")), raw=raw)


def iter_openalex(path: Path, text: str) -> Iterator[ParsedRecord]:
    """The works of every answer in the file, in order; the log says how many are distinct."""
    position = answers = 0
    distinct: set[str] = set()
    for line, document in iter_documents(path, text):
        answers += 1
        results = document.get("results")
        if not isinstance(results, list) or not isinstance(document.get("meta"), dict):
            raise InputError("an OpenAlex answer without meta and results", file=path, line=line,
                             expected="the works list answers `reviewflow search` saved",
                             hint="a frozen search is never edited: restore the file from git, or search again")
        for work in results:
            position += 1
            parsed = record(work, position, line, path)
            distinct.add(parsed.accession)
            yield parsed
    log.info("%s: %d works in %d OpenAlex answers, %d distinct", path, position, answers, len(distinct))


def read(path: Path, text: str) -> list[ParsedRecord]:
    """Registry hook (see formats/detect.py)."""
    return list(iter_openalex(path, text))


def iter_read(path: Path, text: str) -> Iterator[ParsedRecord]:
    """Registry hook for streaming (see formats/detect.py)."""
    return iter_openalex(path, text)

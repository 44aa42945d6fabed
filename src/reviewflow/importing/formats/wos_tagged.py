"""Web of Science plain-text tagged exports (``savedrecs.txt``, ``.ciw``, ISI format).

Layout: optional ``FN``/``VR`` header lines, then records that open with ``PT <letter>`` and close with ``ER``;
``EF`` ends the file. Every line inside a record is either a two-character tag, a space and its value, or a
continuation indented by three spaces. For author, address and cited-reference tags each continuation line is
another value; for the other tags it carries on the previous line's text. Anything else is reported with its
line number instead of being skipped, and a record that is not closed by ``ER`` is refused.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from reviewflow.errors import InputError
from reviewflow.importing.formats.base import ParsedRecord
from reviewflow.importing.formats.base import first_value as _first
from reviewflow.normalize import extract_year, normalise_doi, normalise_pages

NAME = "wos_tagged"
DESCRIPTION = "Web of Science tagged text (FN/PT ... ER, savedrecs.txt, .ciw)"

_TAG_LINE = re.compile(r"^([A-Z][A-Z0-9])(?: (.*))?$")
_CONTINUATION = re.compile(r"^ {3}")
_SNIFF_FIRST = re.compile(r"^(?:FN |VR |PT [A-Z]\s*$)")
_ER_LINE = re.compile(r"^ER\s*$", re.MULTILINE)
# Tags whose continuation lines are further values (one author / address / cited reference per line).
_ONE_VALUE_PER_LINE = frozenset({"AU", "AF", "BA", "BF", "BE", "CA", "GP", "CR", "C1"})
_OUTSIDE_OK = frozenset({"FN", "VR", "EF"})
_EMAIL_AFTER_NAME = re.compile(r"\s*\([^()]*@[^()]*\)\s*$")  # Zoological Record: "Stillman, Andrew N. (a@b.edu)"
_UNSPECIFIED = re.compile(r"^UNSP\s+")
_EXPECTED_LINE = "a tag line like 'TI Title' or a continuation line indented by three spaces"


def looks_like_wos(text: str) -> bool:
    """True when the first non-blank line is ``FN``/``VR``/``PT x`` and the text has ``ER`` lines."""
    first = next((line for line in text.lstrip("\ufeff").split("\n", 50) if line.strip()), "")
    return bool(_SNIFF_FIRST.match(first)) and bool(_ER_LINE.search(text))


def _records(path: Path, text: str) -> Iterator[tuple[int, dict[str, list[str]]]]:
    """Each record as (line of its ``PT``, tag -> values), checking the structure line by line; yielded as each
    record closes, so a large file's records need not all be held at once."""
    current: dict[str, list[str]] | None = None
    start = 0
    last_tag = ""
    for number, line in enumerate(text.lstrip("\ufeff").split("\n"), start=1):
        line = line.rstrip()
        match = _TAG_LINE.match(line)
        tag = match.group(1) if match else None
        if current is None:
            if not line.strip() or tag in _OUTSIDE_OK:
                continue
            if tag == "PT":
                current, start, last_tag = {"PT": [(match.group(2) or "").strip()]}, number, "PT"
                continue
            if tag == "ER":
                raise InputError(
                    "'ER' with no open record",
                    file=path,
                    line=number,
                    field="ER",
                    expected="'ER' only after a record that began with 'PT'",
                )
            raise InputError(
                f"text outside any record: {line[:40]!r}",
                file=path,
                line=number,
                expected="records that begin with 'PT' and end with 'ER' (only FN, VR, EF or blank lines between)",
            )
        if not line.strip():
            continue
        if tag in ("PT", "EF"):
            raise InputError(
                f"record starting on line {start} has no 'ER' before the next '{tag}'",
                file=path,
                line=number,
                field="ER",
                expected="each record to end with a line 'ER'",
            )
        if tag == "ER":
            yield start, current
            current = None
        elif tag is not None:
            current.setdefault(tag, []).append((match.group(2) or "").strip())
            last_tag = tag
        elif _CONTINUATION.match(line):
            values = current[last_tag]
            if last_tag in _ONE_VALUE_PER_LINE and values[-1]:
                values.append(line.strip())
            else:
                values[-1] = f"{values[-1]} {line.strip()}".strip()
        else:
            raise InputError(
                f"unreadable Web of Science line {line[:40]!r} in the record starting on line {start}",
                file=path,
                line=number,
                expected=_EXPECTED_LINE,
            )
    if current is not None:
        raise InputError(
            f"last record (starting on line {start}) is truncated: no 'ER' before the end of the file",
            file=path,
            line=start,
            field="ER",
            expected="the file to end with a complete record ('ER' line, then 'EF')",
        )


def _split(raw: dict[str, list[str]], *tags: str) -> list[str]:
    """Values of the tags split on ``;`` (DT, DE, ID), in order, without blanks or repeats."""
    items: list[str] = []
    for tag in tags:
        for value in raw.get(tag, []):
            for item in value.split(";"):
                item = item.strip()
                if item and item not in items:
                    items.append(item)
    return items


def _authors(raw: dict[str, list[str]]) -> list[str]:
    names = raw.get("AF") or raw.get("AU") or []
    return [_EMAIL_AFTER_NAME.sub("", name).strip() for name in names if name.strip()]


def _pages(raw: dict[str, list[str]]) -> str:
    begin, end = _first(raw, "BP"), _first(raw, "EP")
    if begin and end:
        return normalise_pages(f"{begin}-{end}")
    # WoS prefixes article numbers it could not verify with "UNSP" ("AR UNSP 1722034").
    return normalise_pages(begin or _UNSPECIFIED.sub("", _first(raw, "AR", "PS")))


def read_wos(path: Path, text: str) -> list[ParsedRecord]:
    """Parse every record of a Web of Science tagged file, keeping its position and ``PT`` line."""
    return list(iter_wos(path, text))


def iter_wos(path: Path, text: str) -> Iterator[ParsedRecord]:
    """The records of a Web of Science tagged file one by one (see ``_records``)."""
    for position, (line, raw) in enumerate(_records(path, text), start=1):
        year = ""
        for tag in ("PY", "EA", "PD"):
            year = extract_year(_first(raw, tag))
            if year:
                break
        yield ParsedRecord(
            position=position,
            line=line,
            accession=_first(raw, "UT", "AN"),
            title=_first(raw, "TI"),
            authors=_authors(raw),
            year=year,
            journal=_first(raw, "SO"),
            journal_abbrev=_first(raw, "JI", "J9"),
            volume=_first(raw, "VL"),
            issue=_first(raw, "IS"),
            pages=_pages(raw),
            doi=normalise_doi(_first(raw, "DI", "D2")),
            pmid=_first(raw, "PM"),
            issn=_split(raw, "SN", "EI"),
            abstract=_first(raw, "AB"),
            language=_first(raw, "LA"),
            publication_types=_split(raw, "DT"),
            keywords=_split(raw, "DE", "ID"),
            url=_first(raw, "UR"),
            raw=raw,
        )


def sniff(text: str) -> bool:
    """Registry hook (see formats/detect.py)."""
    return looks_like_wos(text)


def read(path: Path, text: str) -> list[ParsedRecord]:
    """Registry hook (see formats/detect.py)."""
    return read_wos(path, text)


def iter_read(path: Path, text: str) -> Iterator[ParsedRecord]:
    """Registry hook for streaming (see formats/detect.py)."""
    return iter_wos(path, text)

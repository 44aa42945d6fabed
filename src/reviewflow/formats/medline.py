"""PubMed MEDLINE tagged text (``.nbib`` / ``.txt``), read with Bio.Medline.

The file is first split into records ourselves so every record keeps its starting line (for error messages and
the audit trail) and a malformed line is reported where it is, instead of being swallowed.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from Bio import Medline

from reviewflow.errors import InputError
from reviewflow.formats.base import ParsedRecord
from reviewflow.normalize import extract_year, normalise_doi, normalise_pages

NAME = "medline"
DESCRIPTION = "PubMed MEDLINE tagged text"

_TAG_LINE = re.compile(r"^[A-Z][A-Z0-9]{1,3} {0,3}- ")
_CONTINUATION = re.compile(r"^ {6}")
_DOI_IN_ID = re.compile(r"^(\S+)\s*\[doi\]\s*$")


def looks_like_medline(text: str) -> bool:
    """True when the first non-blank line is a MEDLINE ``PMID-`` tag line."""
    first = next((line for line in text.split("\n", 50) if line.strip()), "")
    return bool(re.match(r"^PMID- ?\d", first))


def _blocks(text: str, path: Path) -> list[tuple[int, str]]:
    """Records as (first line number, text); checks every line is a tag line or a continuation."""
    blocks: list[tuple[int, str]] = []
    start, lines = 0, []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            if lines:
                blocks.append((start, "\n".join(lines)))
                lines = []
            continue
        if _TAG_LINE.match(line):
            if not lines:
                start = number
            lines.append(line.rstrip())
        elif _CONTINUATION.match(line) and lines:
            lines.append(line.rstrip())
        else:
            raise InputError(
                f"unreadable MEDLINE line {line[:40]!r}",
                file=path,
                line=number,
                expected="a tag line like 'TI  - ...' or a continuation line indented by six spaces",
            )
    if lines:
        blocks.append((start, "\n".join(lines)))
    return blocks


def _first(record: dict, tag: str) -> str:
    value = record.get(tag, "")
    if isinstance(value, list):
        return value[0] if value else ""
    return value


def _as_list(record: dict, tag: str) -> list[str]:
    value = record.get(tag, [])
    return [value] if isinstance(value, str) else list(value)


def _doi(record: dict) -> str:
    for tag in ("LID", "AID"):
        for value in _as_list(record, tag):
            match = _DOI_IN_ID.match(value)
            if match:
                return normalise_doi(match.group(1))
    return ""


def read_medline(path: Path, text: str) -> list[ParsedRecord]:
    """Parse every record of a MEDLINE file; each must start with ``PMID-`` as PubMed writes them."""
    records: list[ParsedRecord] = []
    for position, (line, block) in enumerate(_blocks(text, path), start=1):
        if not block.startswith("PMID-"):
            raise InputError(
                "record does not start with a PMID tag",
                file=path,
                line=line,
                field="PMID",
                expected="each record to begin with 'PMID- <number>' (a blank line separates records)",
            )
        parsed = Medline.read(io.StringIO(block + "\n"))
        pmid = _first(parsed, "PMID").strip()
        if not pmid.isdigit():
            raise InputError(
                f"PMID {pmid!r} is not a number", file=path, line=line, field="PMID", expected="digits"
            )
        records.append(
            ParsedRecord(
                position=position,
                line=line,
                accession=pmid,
                pmid=pmid,
                title=_first(parsed, "TI") or _first(parsed, "BTI"),
                authors=_as_list(parsed, "AU"),
                year=extract_year(_first(parsed, "DP")),
                journal=_first(parsed, "JT") or _first(parsed, "BTI"),
                journal_abbrev=_first(parsed, "TA"),
                volume=_first(parsed, "VI"),
                issue=_first(parsed, "IP"),
                pages=normalise_pages(_first(parsed, "PG")),
                doi=_doi(parsed),
                abstract=_first(parsed, "AB"),
                language=_first(parsed, "LA"),
                publication_types=_as_list(parsed, "PT"),
                keywords=_as_list(parsed, "OT") + _as_list(parsed, "MH"),
                pmcid=_first(parsed, "PMC"),
                issn=[re.sub(r"\s*\(.*\)$", "", v) for v in _as_list(parsed, "IS")],
                raw={tag: _as_list(parsed, tag) for tag in parsed},
            )
        )
    return records


def sniff(text: str) -> bool:
    """Registry hook (see formats/detect.py)."""
    return looks_like_medline(text)


def read(path: Path, text: str) -> list[ParsedRecord]:
    """Registry hook (see formats/detect.py)."""
    return read_medline(path, text)

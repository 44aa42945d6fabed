"""PubMed MEDLINE tagged text (``.nbib`` / ``.txt``), read with Bio.Medline.

The file is first split into records ourselves so every record keeps its starting line (for error messages and
the audit trail) and a malformed line is reported where it is, instead of being swallowed.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

from Bio import Medline

from reviewflow.errors import InputError
from reviewflow.importing.formats.base import ParsedRecord
from reviewflow.normalize import extract_year, normalise_doi, normalise_pages

NAME = "medline"
DESCRIPTION = "PubMed MEDLINE tagged text"

_DOI_IN_ID = re.compile(r"^(\S+)\s*\[doi\]\s*$")


def looks_like_medline(text: str) -> bool:
    """True when the first non-blank line is a MEDLINE ``PMID-`` tag line."""
    first = next((line for line in text.split("\n", 50) if line.strip()), "")
    return bool(re.match(r"^PMID- ?\d", first))


def _checked_lines(text: str, path: Path, starts: list[int]) -> Iterator[str]:
    """Lines for Bio.Medline, checked on the way through (in the same pass): each is a tag line (``TAG - ``
    with the tag padded to four characters), a six-space continuation, or blank. Appends to ``starts`` the line
    number where each record begins, for error messages and the audit trail."""
    previous_blank = True
    for number, line in enumerate(io.StringIO(text), start=1):
        if line.isspace() or not line:
            previous_blank = True
            yield "\n"
            continue
        if line[4:6] == "- " and line[0] != " ":
            if previous_blank:
                starts.append(number)
        elif not (line.startswith("      ") and not previous_blank):
            raise InputError(
                f"unreadable MEDLINE line {line[:40]!r}",
                file=path,
                line=number,
                expected="a tag line like 'TI  - ...' or a continuation line indented by six spaces",
            )
        previous_blank = False
        yield line if line.endswith("\n") else line + "\n"


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
    starts: list[int] = []
    records: list[ParsedRecord] = []
    for position, parsed in enumerate(Medline.parse(_checked_lines(text, path, starts)), start=1):
        line = starts[position - 1]
        if "PMID" not in parsed:
            raise InputError(
                "record does not start with a PMID tag",
                file=path,
                line=line,
                field="PMID",
                expected="each record to begin with 'PMID- <number>' (a blank line separates records)",
            )
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
                raw=parsed,
            )
        )
    if len(records) != len(starts):
        raise InputError(f"Bio.Medline read {len(records)} records but the file has {len(starts)} blocks",
                         file=path, expected="records separated by one blank line")
    return records


def sniff(text: str) -> bool:
    """Registry hook (see formats/detect.py)."""
    return looks_like_medline(text)


def read(path: Path, text: str) -> list[ParsedRecord]:
    """Registry hook (see formats/detect.py)."""
    return read_medline(path, text)

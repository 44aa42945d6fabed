"""PubMed MEDLINE tagged text (``.nbib`` / ``.txt``), read with Bio.Medline.

The file is first split into records ourselves so every record keeps its starting line (for error messages and
the audit trail) and a malformed line is reported where it is, instead of being swallowed.
"""

from __future__ import annotations

import io
import logging
import re
from collections import deque
from collections.abc import Iterator, Sequence
from pathlib import Path

from Bio import Medline

from reviewflow.errors import InputError
from reviewflow.importing.formats.base import ParsedRecord
from reviewflow.importing.formats.cut_records import expected_tail, warn_if_cut
from reviewflow.normalize import extract_year, normalise_doi, normalise_pages

NAME = "medline"
DESCRIPTION = "PubMed MEDLINE tagged text"

log = logging.getLogger(__name__)

_DOI_IN_ID = re.compile(r"^(\S+)\s*\[doi\]\s*$")
_GLUED_PMID = re.compile(r"^(.*\S)(PMID- ?\d+)\s*$")


def looks_like_medline(text: str) -> bool:
    """True when the first non-blank line is a MEDLINE ``PMID-`` tag line."""
    first = next((line for line in text.split("\n", 50) if line.strip()), "")
    return bool(re.match(r"^PMID- ?\d", first))


def _unglued(lines: Iterator[tuple[int, str]], path: Path) -> Iterator[tuple[int, str]]:
    """Numbered lines with a ``PMID-`` joined to the end of a line (two exports joined without a line break)
    split off as a line of its own, with a warning."""
    for number, line in lines:
        glued = _GLUED_PMID.match(line) if "PMID-" in line and not line.startswith("PMID-") else None
        if glued:
            log.warning("%s:%d: '%s' is joined to the end of this line (two exports joined without a line "
                        "break?): read as the start of a new record", path, number, glued.group(2))
            yield number, glued.group(1) + "\n"
            yield number, glued.group(2) + "\n"
        else:
            yield number, line


def _checked_lines(text: str, path: Path, starts: list[int]) -> Iterator[str]:
    """Lines for Bio.Medline, checked on the way through (in the same pass): each is a tag line (``TAG - ``
    with the tag padded to four characters), a six-space continuation, or blank. Appends to ``starts`` the line
    number where each record begins.

    A ``PMID-`` line always opens a record, even without the blank line before it; one joined to the end of the
    line before is split off (``_unglued``). Both checks cost time on every line, so they only run when some
    ``PMID-`` in the file does not follow a blank line.
    """
    lines: Iterator[tuple[int, str]] = enumerate(io.StringIO(text), start=1)
    careful = text.count("PMID-") != text.count("\n\nPMID-") + text.startswith("PMID-")
    if careful:
        lines = _unglued(lines, path)
    previous_blank = True
    for number, line in lines:
        if line.isspace() or not line:
            previous_blank = True
            yield "\n"
            continue
        if line[4:6] == "- " and line[0] != " ":
            if careful and not previous_blank and line.startswith("PMID-"):
                yield "\n"
                previous_blank = True
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


def _last_fields(text: str, count: int) -> list[list[str]]:
    """The tags of the last two fields of each of the last ``count`` records, found from the end of the text
    (a ``PMID-`` line opens every record), so the check costs nothing per line of a large file."""
    blocks: list[str] = []
    end = len(text)
    while len(blocks) < count and end > 0:
        start = text.rfind("\nPMID-", 0, end) + 1
        blocks.append(text[start:end])
        end = start - 1
    return [[line[:4].rstrip() for line in block.split("\n") if line[4:6] == "- " and line[:1] != " "][-2:]
            for block in reversed(blocks)]


def _check_last_record(path: Path, text: str, records: Sequence[ParsedRecord]) -> None:
    """Warn when the last record looks cut short (see ``cut_records``), against up to 49 records before it;
    PubMed ends every journal record with ``SO`` (Bookshelf records are the exception, and are left out)."""
    recent = list(records)[-50:]
    books = [any("book" in t.lower() for t in r.publication_types) for r in recent]
    if books[-1]:
        return
    tails = _last_fields(text, len(recent))
    others = [tail for tail, book in zip(tails[:-1], books, strict=False) if not book]
    last = records[-1]
    warn_if_cut(path, text, last.line, f"record {last.position}, PMID {last.pmid}", tails[-1], last.raw,
                expected_tail(others, "SO"), "which ends every other record" if others else
                "which PubMed writes last in every record")


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
    return list(iter_medline(path, text))


def iter_medline(path: Path, text: str) -> Iterator[ParsedRecord]:
    """The records of a MEDLINE file one by one, so a large file's records need not all be held at once; the
    checks that need the whole file (record count, last record cut short) run after the last one."""
    starts: list[int] = []
    records: deque[ParsedRecord] = deque(maxlen=50)  # the last ones, for the cut-record check
    count = 0
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
        record = ParsedRecord(
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
        records.append(record)
        count += 1
        yield record
    if count != len(starts):
        raise InputError(f"Bio.Medline read {count} records but the file has {len(starts)} blocks",
                         file=path, line=1, expected="records separated by one blank line")
    if records:
        _check_last_record(path, text, records)


def sniff(text: str) -> bool:
    """Registry hook (see formats/detect.py)."""
    return looks_like_medline(text)


def read(path: Path, text: str) -> list[ParsedRecord]:
    """Registry hook (see formats/detect.py)."""
    return read_medline(path, text)


def iter_read(path: Path, text: str) -> Iterator[ParsedRecord]:
    """Registry hook for streaming (see formats/detect.py)."""
    return iter_medline(path, text)

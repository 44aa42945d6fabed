"""The Cochrane Library's own plain-text export (CENTRAL trials, Cochrane reviews): ``Record #n of N`` per record.

Layout: an optional header block (search name, date), then every record opens with a line ``Record #3 of 18`` and
goes on with field lines ``TAG: value`` (``ID: CN-00778158``, one ``AU`` line per author, ``TI``, ``SO``, ``YR``,
``VL``, ``NO``, ``PG``, ``XR``, ``PT``, ``KY``, ``DOI``, ``AB``, ``US``, ``CC``, ``PM``, ...). A line that is not a
field line carries on the field before it (wrapped abstracts and titles). The numbers are the records' places in
the search's results and ``N`` is the number of results: an export of a selection skips numbers (the Cochrane RIS
download carries the same headers, ``Record #3``, ``#4``, ``#10 of 18``), so a gap is not an error.

There is no end-of-record marker, so the file is checked by what it does carry: a header that cannot be read, a
record with no fields, numbers beyond ``N`` or a record whose last field every other record ends with is missing
(the download stopped inside it) are refused with the line; a file holding fewer records than its ``N`` is
reported (an export cut at a download limit, or a selection), and the search log's hit count decides.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from reviewflow.errors import InputError
from reviewflow.importing.formats.base import ParsedRecord
from reviewflow.importing.formats.base import first_value as _first
from reviewflow.importing.formats.cut_records import expected_tail, warn_if_cut
from reviewflow.normalize import extract_year, normalise_doi, normalise_pages

NAME = "cochrane_text"
DESCRIPTION = "Cochrane Library plain text (Record #1 of N, then ID:/AU:/TI: lines)"

log = logging.getLogger(__name__)

_HEADER = re.compile(r"^Record #(\d+) of (\d+)\s*$")
_FIELD = re.compile(r"^([A-Z][A-Z0-9]{1,3}):(?:[ \t]+(.*?))?\s*$")
# Tags of the export; a tag-like line inside a title or abstract ("HIV: a trial", "AIM: ...") carries the text on
# unless its tag is one of these.
TAGS = frozenset({"ID", "AU", "TI", "SO", "YR", "VL", "NO", "PG", "XR", "PT", "KY", "DOI", "AB", "US", "CC", "PM",
                  "EM", "LA", "PB", "ED", "IS", "SN", "CN", "NT", "DB"})
_FREE_TEXT = frozenset({"TI", "AB"})
_LIST_TAGS = ("AU", "PT", "KY")  # one value per line, or several joined by ';'
_PUBMED_ID = re.compile(r"(?:^|PUBMED\s*)(\d+)\b", re.IGNORECASE)
_HYPHENS = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2012": "-"})  # Cochrane writes "1279‐1297" (U+2010)
_SNIFF_LINES = 40


@dataclass
class _Record:
    line: int
    number: int
    total: int
    fields: dict[str, list[str]] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)  # the tags in file order, for the cut check


def looks_like_cochrane_text(text: str) -> bool:
    """True when a ``Record #n of N`` line in the first lines (after a header block, if any) is followed by a field
    line of the export; Cochrane's RIS download has the same header but ``Provider:`` and ``TY  -`` lines after it."""
    lines = [line.strip() for line in text.lstrip("\ufeff").split("\n", _SNIFF_LINES)[:_SNIFF_LINES]]
    for index, line in enumerate(lines):
        if _HEADER.match(line):
            match = _FIELD.match(next((rest for rest in lines[index + 1 :] if rest), ""))
            if match and match.group(1) in TAGS:
                return True
    return False


def _header(path: Path, number: int, line: str) -> tuple[int, int]:
    match = _HEADER.match(line.strip())
    if not match:
        raise InputError(f"unreadable record header {line.strip()[:40]!r}", file=path, line=number,
                         expected="a line 'Record #<number> of <results>', like 'Record #3 of 18'",
                         hint="the file may be cut or edited here; download the export again")
    position, total = int(match.group(1)), int(match.group(2))
    if not 1 <= position <= total:
        raise InputError(f"record #{position} of {total} is outside the search's {total} results", file=path,
                         line=number, expected="a record number from 1 to the number after 'of'")
    return position, total


def _records(path: Path, text: str) -> list[_Record]:
    """The records with their header line, number, 'of N' and fields, after checking the structure line by line."""
    records: list[_Record] = []
    current: _Record | None = None
    last_tag = ""
    for number, line in enumerate(text.lstrip("\ufeff").split("\n"), start=1):
        if line.startswith("Record #"):
            position, total = _header(path, number, line)
            if current is not None and not current.order:
                raise InputError(f"record #{current.number} has no fields before the next 'Record #' line",
                                 file=path, line=current.line, record=f"#{current.number}",
                                 expected="field lines ('ID: ...', 'TI: ...') after each 'Record #n of N' line")
            current, last_tag = _Record(number, position, total), ""
            records.append(current)
            continue
        if not line.strip():
            continue
        match = _FIELD.match(line)
        tag = match.group(1) if match else None
        if current is None:
            if tag in TAGS:
                raise InputError(f"field line {line.strip()[:40]!r} before the first 'Record #' line", file=path,
                                 line=number, expected="each record to open with a line 'Record #<number> of "
                                 "<results>'", hint="the start of the export may be missing; download it again")
            continue  # the header block: search name, date and the like
        if tag is not None and (tag in TAGS or last_tag not in _FREE_TEXT):
            current.fields.setdefault(tag, []).append((match.group(2) or "").strip())
            current.order.append(tag)
            last_tag = tag
        elif last_tag:
            values = current.fields[last_tag]
            values[-1] = f"{values[-1]} {line.strip()}".strip()
        else:
            raise InputError(f"text {line.strip()[:40]!r} right after the header of record #{current.number}",
                             file=path, line=number, record=f"#{current.number}",
                             expected="a field line like 'ID: CN-01234567' or 'TI: Title'")
    if current is not None and not current.order:
        raise InputError(f"the last record (#{current.number}) has no fields: the file ends after its 'Record #' "
                         "line", file=path, line=current.line, record=f"#{current.number}",
                         expected="field lines ('ID: ...', 'TI: ...') after each 'Record #n of N' line",
                         hint="the download was cut short; download the export again")
    return records


def _check_last_record(path: Path, text: str, records: list[_Record]) -> None:
    """Refuse a last record lacking the field every other record ends with (the download stopped inside it);
    warn, like MEDLINE and Ovid, when the evidence is weaker (see ``cut_records``)."""
    last = records[-1]
    others = [record.order[-2:] for record in records[-50:-1]]
    expected = expected_tail(others)
    where = f"record #{last.number} of {last.total}"
    if expected and expected[-1] not in last.fields:
        raise InputError(f"the last record ({where}) has no '{expected[-1]}' field, which ends every other record: "
                         "the file looks cut inside this record", file=path, line=last.line, record=f"#{last.number}",
                         field=expected[-1], expected=f"the record to go on to its '{expected[-1]}' field",
                         hint="the download was cut short; download the export again")
    # A download cut inside the last field leaves the file without its final line break, whatever the field.
    warn_if_cut(path, text, last.line, where, last.order[-2:], last.fields, expected, any_field=True)


def _check_counts(path: Path, records: list[_Record]) -> None:
    """Numbers rise through an export; when they start again a second export was joined on (said, and each part is
    counted on its own). A part holding fewer records than its ``N`` is reported: a cut or a selection."""
    parts: list[list[_Record]] = []
    for record in records:
        if parts and record.number > parts[-1][-1].number and record.total == parts[-1][-1].total:
            parts[-1].append(record)
            continue
        if parts:
            log.warning("%s:%d: record numbering starts again (#%d of %d after #%d of %d): read as a second export "
                        "joined into this file", path, record.line, record.number, record.total,
                        parts[-1][-1].number, parts[-1][-1].total)
        parts.append([record])
    for part in parts:
        total, held = part[0].total, len(part)
        if held < total:
            log.warning("%s:%d: the 'Record #' headers say the search found %d records, but this export holds %d "
                        "(#%d to #%d): the export was cut at a download limit, or only a selection was exported; "
                        "check that the other files of this search hold the other %d", path, part[0].line, total,
                        held, part[0].number, part[-1].number, total - held)


def _split(raw: dict[str, list[str]], tag: str) -> list[str]:
    return [item.strip() for value in raw.get(tag, []) for item in value.split(";") if item.strip()]


def _pmid(raw: dict[str, list[str]]) -> str:
    match = _PUBMED_ID.search(_first(raw, "PM"))
    return match.group(1) if match else ""


def _to_record(position: int, record: _Record) -> ParsedRecord:
    raw = record.fields
    return ParsedRecord(
        position=position,
        line=record.line,
        accession=_first(raw, "ID"),
        title=_first(raw, "TI"),
        authors=_split(raw, "AU"),
        year=extract_year(_first(raw, "YR")),
        journal=_first(raw, "SO"),
        volume=_first(raw, "VL"),
        issue=_first(raw, "NO"),
        pages=normalise_pages(_first(raw, "PG").translate(_HYPHENS)),
        doi=normalise_doi(_first(raw, "DOI")),
        pmid=_pmid(raw),
        abstract=_first(raw, "AB"),
        language=_first(raw, "LA"),
        publication_types=_split(raw, "PT"),
        keywords=_split(raw, "KY"),
        url=_first(raw, "US"),
        raw={"record number": [f"{record.number} of {record.total}"], **raw},
    )


def read_cochrane_text(path: Path, text: str) -> list[ParsedRecord]:
    """Parse every record of a Cochrane Library plain-text export, keeping its position and header line."""
    records = _records(path, text)
    if not records:
        raise InputError("no 'Record #' line in the file", file=path, line=1,
                         expected="records opening with 'Record #<number> of <results>'")
    _check_last_record(path, text, records)
    _check_counts(path, records)
    return [_to_record(position, record) for position, record in enumerate(records, start=1)]


def sniff(text: str) -> bool:
    """Registry hook (see formats/detect.py)."""
    return looks_like_cochrane_text(text)


def read(path: Path, text: str) -> list[ParsedRecord]:
    """Registry hook (see formats/detect.py)."""
    return read_cochrane_text(path, text)

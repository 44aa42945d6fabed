"""RIS exports (Scopus, Embase, EndNote, Zotero, ...), parsed with rispy.

rispy is given an identity mapping with every tag repeatable, so we receive the raw ``{tag: [values]}`` record
and decide field mapping ourselves. A structural pass beforehand finds record boundaries with line numbers and
refuses the inputs rispy would silently lose: a record with no ``ER`` at the end of the file, or text between
records.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import rispy

from reviewflow.errors import InputError
from reviewflow.importing.formats.base import ParsedRecord
from reviewflow.normalize import extract_year, normalise_doi, normalise_pages

NAME = "ris"
DESCRIPTION = "RIS"

# Cochrane Library RIS downloads wrap each record in a small header ("Record #3 of 18", "Provider: ...",
# "Content: ..."); those lines are metadata of the download, not text lost between records.
_WRAPPER = re.compile(r"^(Record #\d+ of \d+|Provider: .*|Content: .*)$")
_SCOPUS_EID = re.compile(r"[?&]eid=(2-s2\.0-\d+)")
_PMCID = re.compile(r"^PMC\d+$")


def looks_like_ris(text: str) -> bool:
    """True when the first non-blank line is an RIS ``TY  -`` line."""
    lines = (line.strip() for line in text.split("\n", 50))
    first = next((line for line in lines if line and not _WRAPPER.match(line)), "")
    return bool(re.match(r"^TY  - ", first.lstrip("\ufeff")))


def _record_starts(text: str, path: Path) -> list[int]:
    """Line number of each record's ``TY`` line, after checking every record is closed by ``ER``."""
    starts: list[int] = []
    open_line: int | None = None
    for number, line in enumerate(text.split("\n"), start=1):
        tag = line[:2] if line[2:5] == "  -" else None
        if tag == "TY":
            if open_line is not None:
                raise InputError(
                    f"record starting on line {open_line} has no 'ER  -' before the next 'TY  -'",
                    file=path,
                    line=number,
                    field="ER",
                    expected="each record to end with a line 'ER  - '",
                )
            open_line = number
            starts.append(number)
        elif tag == "ER":
            if open_line is None:
                raise InputError(
                    "'ER  -' with no open record",
                    file=path,
                    line=number,
                    field="ER",
                    expected="'ER  -' only after a record that began with 'TY  -'",
                )
            open_line = None
        elif open_line is None and line.strip() and not _WRAPPER.match(line.strip()):
            raise InputError(
                f"text outside any record: {line[:40]!r}",
                file=path,
                line=number,
                expected="records that begin with 'TY  -' and end with 'ER  -'",
            )
    if open_line is not None:
        raise InputError(
            f"last record (starting on line {open_line}) is truncated: no 'ER  -' before the end of the file",
            file=path,
            line=open_line,
            field="ER",
            expected="the file to end with a complete record",
        )
    return starts


class _RawRisParser(rispy.RisParser):
    """rispy's line parser, keeping every tag as a list of values in file order.

    A line without a tag continues the previous field's last value (joined with a space): a field wrapped over
    several lines, or split by a bare carriage return, stays one value instead of becoming several.
    """

    def _add_tag(self, record: dict, tag: str | None, content: str, extend_multiline: bool = False) -> None:
        values = record.setdefault(tag or "TY", [])
        if extend_multiline and values:
            if content:
                values[-1] = f"{values[-1]} {content}" if values[-1] else content
        else:
            values.append(content)

    def iter_records(self, text: str) -> Iterator[dict]:
        """rispy's ``parse_lines``, yielding each record as its ``ER`` line closes it (rispy returns the whole
        list), so a large file's records need not all be held at once."""
        lines = iter(text.split(self.newline))
        last_tag = None
        try:
            record = self._iter_till_start(lines)
            while True:
                tag, content = self.parse_line(next(lines))
                if tag is None:
                    self._add_tag(record, last_tag, content, extend_multiline=True)
                    continue
                if tag in self.ignore:
                    continue
                if tag == self.END_TAG:
                    yield record
                    record = self._iter_till_start(lines)
                    continue
                self._add_tag(record, tag, content)
                last_tag = tag
        except StopIteration:
            return


def _first(record: dict[str, list[str]], *tags: str) -> str:
    for tag in tags:
        for value in record.get(tag, ()):
            if value:
                return value
    return ""


def _all(record: dict[str, list[str]], *tags: str) -> list[str]:
    return [value for tag in tags for value in record.get(tag, ()) if value]


def _pages(record: dict[str, list[str]]) -> str:
    start, end = _first(record, "SP"), _first(record, "EP")
    if start and end and "-" not in start:
        return normalise_pages(f"{start}-{end}")
    return normalise_pages(start)


def _accession(raw: dict[str, list[str]]) -> str:
    """The source database's own id when the RIS carries one: WoS UT and CENTRAL id (AN), Embase accession
    number (U2 ``L...``), Scopus EID (inside the UR link), or the AN of an Ovid/PubMed record."""
    for value in raw.get("AN", []):
        value = value.strip()
        if re.match(r"^(WOS:\w+|CN-\d+)$", value):
            return value
    database = " ".join(raw.get("DB", [])).lower()
    if "embase" in database:
        for value in raw.get("U2", []):
            if re.match(r"^L\d+$", value.strip()):
                return value.strip()
    for value in raw.get("UR", []):
        match = _SCOPUS_EID.search(value)
        if match:
            return match.group(1)
    if database and ("embase" in database or "medline" in database or "pubmed" in database):
        for value in raw.get("AN", []):
            if re.match(r"^\d+$", value.strip()):
                return value.strip()
    return ""


def _pmid(raw: dict[str, list[str]]) -> str:
    database = " ".join(raw.get("DB", [])).lower()
    if "medline" in database or "pubmed" in database:
        for value in raw.get("AN", []):
            if re.match(r"^\d{1,9}$", value.strip()):
                return value.strip()
    for value in raw.get("C3", []):
        match = re.match(r"^PUBMED (\d+)$", value.strip())
        if match:
            return match.group(1)
    return ""


def _journal_abbrev(raw: dict[str, list[str]]) -> str:
    """J2/JA/J1 are abbreviations; JO is one too when the record also has a full JF (Embase.com writes both),
    while some exporters use JO for the full name (then it is the journal, not its abbreviation)."""
    abbrev = _first(raw, "J2", "JA", "J1")
    if not abbrev and _first(raw, "JF") and _first(raw, "JO") != _first(raw, "JF"):
        abbrev = _first(raw, "JO")
    return abbrev


def _issns(raw: dict[str, list[str]]) -> list[str]:
    found = []
    for value in raw.get("SN", []):
        found += re.findall(r"\b\d{4}-?\d{3}[\dXx]\b", value)
    return list(dict.fromkeys(found))


def read_ris(path: Path, text: str) -> list[ParsedRecord]:
    """Parse every record of an RIS file, keeping its position and starting line."""
    return list(iter_ris(path, text))


def iter_ris(path: Path, text: str) -> Iterator[ParsedRecord]:
    """The records of an RIS file one by one, after the structural pass over the whole file."""
    starts = _record_starts(text, path)
    if "Record #" in text:
        text = "\n".join(line for line in text.split("\n") if not _WRAPPER.match(line.strip()))
    parser = _RawRisParser(mapping={"TY": "TY"}, list_tags=[], delimiter_tags_mapping={}, ignore=[], newline="\n")
    count = 0
    for raw in parser.iter_records(text):
        count += 1
        if count > len(starts):
            break
        yield _record(count, starts[count - 1], raw)
    if count != len(starts):
        raise InputError(
            f"rispy read {count} records but the file has {len(starts)} 'TY  -' lines",
            file=path,
            expected="one record per 'TY  -' ... 'ER  -' block",
        )


def _record(position: int, line: int, raw: dict[str, list[str]]) -> ParsedRecord:
    """One RIS record's fields, from its raw tags."""
    if isinstance(raw.get("TY"), str):
        raw["TY"] = [raw["TY"]]
    journal = _first(raw, "T2", "JF", "JO", "BT")
    return ParsedRecord(
        position=position,
        line=line,
        accession=_accession(raw),
        title=_first(raw, "TI", "T1", "CT"),
        authors=_all(raw, "AU", "A1"),
        year=extract_year(_first(raw, "PY", "Y1", "DA")),
        journal=journal,
        journal_abbrev=_journal_abbrev(raw),
        volume=_first(raw, "VL"),
        issue=_first(raw, "IS"),
        pages=_pages(raw),
        doi=normalise_doi(_first(raw, "DO", "DI", "L3")),
        pmid=_pmid(raw),
        pmcid=next((v.strip() for v in raw.get("C2", []) if _PMCID.match(v.strip())), ""),
        issn=_issns(raw),
        abstract=_first(raw, "AB", "N2"),
        language=_first(raw, "LA"),
        publication_types=_all(raw, "M3"),
        keywords=_all(raw, "KW"),
        url=_first(raw, "UR", "L2"),
        raw=raw,
    )


def sniff(text: str) -> bool:
    """Registry hook (see formats/detect.py)."""
    return looks_like_ris(text)


def read(path: Path, text: str) -> list[ParsedRecord]:
    """Registry hook (see formats/detect.py)."""
    return read_ris(path, text)


def iter_read(path: Path, text: str) -> Iterator[ParsedRecord]:
    """Registry hook for streaming (see formats/detect.py)."""
    return iter_ris(path, text)

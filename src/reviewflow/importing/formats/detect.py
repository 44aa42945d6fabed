"""Pick the reader for an export from its content, not its file name.

Each reader is a module of ``reviewflow.importing.formats`` with ``NAME``, ``DESCRIPTION``, ``sniff(text) -> bool``
and ``read(path, text) -> list[ParsedRecord]``; a reader may also offer ``iter_read(path, text)``, yielding the
same records one by one, which the streamed import (``iter_export``) uses so a large file's records are not all
held at once (a reader with only ``read`` works everywhere, its list iterated). Sniffers are tried in the order
below: the most specific signatures first (XML roots, MEDLINE's ``PMID-``, WoS's ``FN``/``PT``), the Cochrane
Library's ``Record #n of N`` before RIS (whose Cochrane download has the same header), the delimited tables last.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

from reviewflow.errors import InputError
from reviewflow.importing.formats import (
    bibtex,
    cochrane_text,
    crossref_json,
    delimited,
    endnote_xml,
    europepmc_json,
    medline,
    openalex_json,
    ovid,
    pubmed_xml,
    ris,
    scopus_json,
    wos_starter_json,
    wos_tagged,
)
from reviewflow.importing.formats.base import ParsedRecord
from reviewflow.importing.formats.encoding import Decoded, decode_export, report_repairs

READERS: list[ModuleType] = [pubmed_xml, endnote_xml, medline, wos_tagged, ovid, cochrane_text, ris, bibtex,
                             europepmc_json, openalex_json, scopus_json, wos_starter_json, crossref_json,
                             delimited]
BY_NAME: dict[str, ModuleType] = {module.NAME: module for module in READERS}
_ARCHIVES = {b"PK\x03\x04": ("a ZIP archive or an Excel workbook", "unzip it, or save the workbook as CSV (UTF-8)"),
             b"\x1f\x8b": ("gzip-compressed", "decompress it (gunzip) first")}


def detect_format(path: Path, text: str) -> str:
    """Name of the format whose signature the text carries; a clear error when none does."""
    for module in READERS:
        if module.sniff(text):
            return module.NAME
    first = next((line for line in text.split("\n") if line.strip()), "")
    raise InputError(
        f"unrecognised export format (first line: {first[:60]!r})",
        file=path,
        line=1,
        expected="one of the supported formats: " + ", ".join(f"{m.NAME} ({m.DESCRIPTION})" for m in READERS),
        hint="state the format in config/review.yaml if the file is a supported format with an unusual start",
    )


def _decoded(path: Path) -> Decoded:
    """The export's text, refusing archives and empty files."""
    data = path.read_bytes()
    for signature, (what, hint) in _ARCHIVES.items():
        if data.startswith(signature):
            raise InputError(f"file is {what}, not a text export", file=path, line=1,
                             expected="the database's text export (RIS, CSV, tagged text, XML)", hint=hint)
    decoded = decode_export(path, data)
    text = decoded.text
    del data  # the bytes are not needed while the reader runs (a large export is hundreds of MB)
    if not text.strip():
        report_repairs(path, decoded.repairs, None)
        raise InputError("export file is empty", file=path, line=1, expected="at least one record")
    return decoded


def _reader(path: Path, text: str, fmt: str) -> ModuleType:
    name = detect_format(path, text) if fmt == "auto" else fmt
    if name not in BY_NAME:
        raise InputError(f"unknown format {name!r}", file=path, expected=f"one of {', '.join(BY_NAME)}")
    return BY_NAME[name]


def read_export(path: Path, fmt: str = "auto") -> tuple[str, list[ParsedRecord]]:
    """Read one export file; returns the format used and its records in file order."""
    decoded = _decoded(path)
    text = decoded.text
    # Readers build hundreds of thousands of small lists and dicts with no reference cycles; pausing the cyclic
    # garbage collector meanwhile keeps it from re-scanning them again and again (reading stays linear in time).
    collecting = gc.isenabled()
    gc.disable()
    try:
        reader = _reader(path, text, fmt)
        records = reader.read(path, text)
    except InputError:
        report_repairs(path, decoded.repairs, None)  # the repaired bytes may be what the reader stumbled on
        raise
    finally:
        if collecting:
            gc.enable()
    report_repairs(path, decoded.repairs, records)
    return reader.NAME, records


def iter_export(path: Path, fmt: str = "auto") -> tuple[str, Iterator[ParsedRecord]]:
    """Read one export file record by record: the format used (detected now, so an unreadable file fails
    before any record is used) and an iterator over its records in file order. The file's text is held while
    the iterator runs; records are held only by the caller. Unlike ``read_export``, the cyclic garbage collector
    is left as the caller set it (a caller streaming many records pauses it for the whole run)."""
    decoded = _decoded(path)
    try:
        reader = _reader(path, decoded.text, fmt)
    except InputError:
        report_repairs(path, decoded.repairs, None)
        raise
    return reader.NAME, _records(path, decoded, reader)


def _records(path: Path, decoded: Decoded, reader: ModuleType) -> Iterator[ParsedRecord]:
    """The reader's records, one by one; repairs of the text are reported at the end, with the record each falls
    in (only then are the records' starting lines known), or at once when the reader stops with an error."""
    places: list[ParsedRecord] = []  # position and line only, kept just when there are repairs to place
    read = getattr(reader, "iter_read", reader.read)
    try:
        for record in read(path, decoded.text):
            if decoded.repairs:
                places.append(ParsedRecord(position=record.position, line=record.line))
            yield record
    except InputError:
        report_repairs(path, decoded.repairs, None)
        raise
    report_repairs(path, decoded.repairs, places)

"""Pick the reader for an export from its content, not its file name.

Each reader is a module of ``reviewflow.importing.formats`` with ``NAME``, ``DESCRIPTION``, ``sniff(text) -> bool``
and ``read(path, text) -> list[ParsedRecord]``. Sniffers are tried in the order below: the most specific
signatures first (XML roots, MEDLINE's ``PMID-``, WoS's ``FN``/``PT``), the Cochrane Library's ``Record #n of N``
before RIS (whose Cochrane download has the same header), the delimited tables last.
"""

from __future__ import annotations

import gc
from pathlib import Path
from types import ModuleType

from reviewflow.errors import InputError
from reviewflow.importing.formats import (
    bibtex,
    cochrane_text,
    delimited,
    endnote_xml,
    medline,
    ovid,
    pubmed_xml,
    ris,
    wos_tagged,
)
from reviewflow.importing.formats.base import ParsedRecord
from reviewflow.importing.formats.encoding import decode_export, report_repairs

READERS: list[ModuleType] = [pubmed_xml, endnote_xml, medline, wos_tagged, ovid, cochrane_text, ris, bibtex, delimited]
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


def read_export(path: Path, fmt: str = "auto") -> tuple[str, list[ParsedRecord]]:
    """Read one export file; returns the format used and its records in file order."""
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
    # Readers build hundreds of thousands of small lists and dicts with no reference cycles; pausing the cyclic
    # garbage collector meanwhile keeps it from re-scanning them again and again (reading stays linear in time).
    collecting = gc.isenabled()
    gc.disable()
    try:
        name = detect_format(path, text) if fmt == "auto" else fmt
        if name not in BY_NAME:
            raise InputError(f"unknown format {name!r}", file=path, expected=f"one of {', '.join(BY_NAME)}")
        records = BY_NAME[name].read(path, text)
    except InputError:
        report_repairs(path, decoded.repairs, None)  # the repaired bytes may be what the reader stumbled on
        raise
    finally:
        if collecting:
            gc.enable()
    report_repairs(path, decoded.repairs, records)
    return name, records

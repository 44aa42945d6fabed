"""Pick the reader for an export from its content, not its file name.

Each reader is a module of ``reviewflow.importing.formats`` with ``NAME``, ``DESCRIPTION``, ``sniff(text) -> bool``
and ``read(path, text) -> list[ParsedRecord]``. Sniffers are tried in the order below: the most specific
signatures first (XML roots, MEDLINE's ``PMID-``, WoS's ``FN``/``PT``), the delimited tables last.
"""

from __future__ import annotations

import gc
from pathlib import Path
from types import ModuleType

from reviewflow.errors import InputError
from reviewflow.importing.formats import bibtex, delimited, endnote_xml, medline, ovid, pubmed_xml, ris, wos_tagged
from reviewflow.importing.formats.base import ParsedRecord
from reviewflow.importing.formats.encoding import read_text

READERS: list[ModuleType] = [pubmed_xml, endnote_xml, medline, wos_tagged, ovid, ris, bibtex, delimited]
BY_NAME: dict[str, ModuleType] = {module.NAME: module for module in READERS}
_ZIP = b"PK\x03\x04"


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
    with path.open("rb") as handle:
        signature = handle.read(len(_ZIP))
    if signature == _ZIP:
        raise InputError(
            "file is a ZIP archive or an Excel workbook, not a text export",
            file=path,
            expected="the database's text export (RIS, CSV, tagged text, XML)",
            hint="unzip it, or save the workbook as CSV (UTF-8)",
        )
    text = read_text(path)
    if not text.strip():
        raise InputError("export file is empty", file=path, expected="at least one record")
    name = detect_format(path, text) if fmt == "auto" else fmt
    if name not in BY_NAME:
        raise InputError(f"unknown format {name!r}", file=path, expected=f"one of {', '.join(BY_NAME)}")
    # Readers build hundreds of thousands of small lists and dicts with no reference cycles; pausing the cyclic
    # garbage collector meanwhile keeps it from re-scanning them again and again (reading stays linear in time).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return name, BY_NAME[name].read(path, text)
    finally:
        if collecting:
            gc.enable()

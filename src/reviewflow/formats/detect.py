"""Pick the reader for an export from its content, not its file name."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from reviewflow.errors import InputError
from reviewflow.formats.base import ParsedRecord
from reviewflow.formats.encoding import read_text
from reviewflow.formats.medline import looks_like_medline, read_medline
from reviewflow.formats.ris import looks_like_ris, read_ris

Reader = Callable[[Path, str], list[ParsedRecord]]

READERS: dict[str, Reader] = {"medline": read_medline, "ris": read_ris}
_SNIFFERS: list[tuple[str, Callable[[str], bool]]] = [("medline", looks_like_medline), ("ris", looks_like_ris)]


def detect_format(path: Path, text: str) -> str:
    """Name of the format whose signature the text carries; a clear error when none does."""
    for name, sniff in _SNIFFERS:
        if sniff(text):
            return name
    first = next((line for line in text.split("\n") if line.strip()), "")
    raise InputError(
        f"unrecognised export format (first line: {first[:60]!r})",
        file=path,
        line=1,
        expected=f"one of the supported formats: {', '.join(READERS)}",
        hint="state the format in config/review.yaml if the file is a supported format with an unusual start",
    )


def read_export(path: Path, fmt: str = "auto") -> tuple[str, list[ParsedRecord]]:
    """Read one export file; returns the format used and its records in file order."""
    text = read_text(path)
    if not text.strip():
        raise InputError("export file is empty", file=path, expected="at least one record")
    name = detect_format(path, text) if fmt == "auto" else fmt
    if name not in READERS:
        raise InputError(f"unknown format {name!r}", file=path, expected=f"one of {', '.join(READERS)}")
    return name, READERS[name](path, text)

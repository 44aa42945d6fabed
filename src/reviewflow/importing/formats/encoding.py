"""Turn an export's bytes into text the readers can trust, whatever encoding and line endings it came with."""

from __future__ import annotations

import codecs
import logging
from pathlib import Path

from reviewflow.errors import InputError

log = logging.getLogger(__name__)


def read_text(path: Path) -> str:
    """Decode an export file: UTF-8 (with or without BOM), UTF-16 (by BOM), else cp1252 with a warning.

    Line endings are normalised to ``\\n`` (CRLF, and CR-only files); a binary file is refused with a clear
    message rather than parsed into nonsense.
    """
    data = path.read_bytes()
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = data.decode("utf-16")
    elif data.startswith(codecs.BOM_UTF8):
        text = data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="strict")
    else:
        if b"\x00" in data[:4096]:
            raise InputError(
                "file looks binary (NUL bytes), not a text export",
                file=path,
                expected="a text export (MEDLINE, RIS, ...) in UTF-8 or UTF-16 with a byte-order mark",
            )
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            log.warning("%s:%d: not valid UTF-8; decoded as cp1252 (Windows Latin-1)", path, line)
            text = data.decode("cp1252", errors="replace")
    return text.replace("\r\n", "\n").replace("\r", "\n")

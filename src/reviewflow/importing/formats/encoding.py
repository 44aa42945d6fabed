"""Turn an export's bytes into text the readers can trust, whatever encoding and line endings it came with.

The encoding is decided once per file: by its byte-order mark (UTF-8, UTF-16, UTF-32; repeated marks are
dropped), else UTF-8, else (when no valid UTF-8 character occurs anywhere in it) Windows-1252 with a warning.
A file is never re-decoded as a whole because of one bad byte: that turned every ``Akdağ`` of a UTF-8 export into
``AkdaÄŸ`` and sent it on to the works, exports and references.

A mostly-UTF-8 file with a few bad bytes (an invalid or cut multi-byte sequence, a stray NUL or control
character) keeps its text: each bad sequence becomes U+FFFD, each control character is removed, and every such
repair is reported with the file, line and record (``report_repairs``) once the reader has found the records.
Why repair rather than refuse: the damage is one character in one field, the record's identity and the PRISMA
counts are unaffected, and the warning points at the exact line to check; refusing would hold up a whole review
over a byte that a re-export may well reproduce. A file with more than ``MAX_REPAIRS`` such places is not "one
bad byte" but a binary file, a wrong encoding or a mix of encodings, and is refused with the first place named.
"""

from __future__ import annotations

import bisect
import codecs
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from reviewflow.errors import InputError
from reviewflow.importing.formats.base import ParsedRecord

log = logging.getLogger(__name__)

MAX_REPAIRS = 10  # damaged characters (undecodable sequences, control characters) repaired before refusing
_MARK = "\udc00"  # stands for an undecodable byte sequence; a strict decode never yields a lone surrogate
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"), (codecs.BOM_UTF8, "utf-8"),
         (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_DAMAGE = re.compile("[\udc00\x00-\x08\x0e-\x1f\x7f]+")
_VALID_NON_ASCII = re.compile("[^\x00-\x7f\udc00\ufeff]")
_FIRST_NON_ASCII = re.compile("[^\x00-\x7f]")
_NOT_CONTROL_BYTES = bytes(b for b in range(256) if not (b <= 0x08 or 0x0E <= b <= 0x1F or b == 0x7F))


def _mark(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeDecodeError):  # pragma: no cover - registered for decoding only
        raise error
    return _MARK, error.end


codecs.register_error("reviewflow-mark", _mark)


@dataclass(frozen=True)
class Repair:
    """One place where the decoded text differs from the bytes: its line and what was done."""

    line: int
    what: str


@dataclass
class Decoded:
    text: str
    encoding: str
    repairs: list[Repair] = field(default_factory=list)


def _encoding(data: bytes) -> tuple[str, int, str]:
    """(codec, length of the byte-order mark, note): by BOM, or UTF-16 recognised by its NUL bytes, else UTF-8."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name, len(bom), ""
    head = data[:4096]
    even, odd = head[0::2], head[1::2]
    if len(head) >= 64:
        for name, text_bytes, nul_bytes in (("utf-16-le", even, odd), ("utf-16-be", odd, even)):
            if nul_bytes.count(0) >= 0.9 * len(nul_bytes) and text_bytes.count(0) <= 0.1 * len(text_bytes):
                return name, 0, f"no byte-order mark; read as {name.upper()} (NUL bytes between the letters)"
    return "utf-8", 0, ""


def _has_controls(data: bytes, encoding: str, text: str) -> bool:
    """Whether the text holds NUL or other control characters; for single-byte and UTF-8 files this is a pass of
    ``bytes.translate`` over the raw bytes (a control byte is never part of a UTF-8 sequence), ten times faster
    than a regular expression over the text."""
    if encoding in ("utf-8", "cp1252"):
        return bool(data.translate(None, _NOT_CONTROL_BYTES))
    return _DAMAGE.search(text) is not None


def _describe(piece: str, encoding: str) -> str:
    """What a repair did, for the warning: 'invalid UTF-8 byte replaced by U+FFFD', 'control character NUL removed'."""
    marks = piece.count(_MARK)
    if marks:
        unit = "byte" if encoding in ("utf-8", "cp1252") else "code unit"
        what = f"{marks} invalid {encoding.upper()} {unit}s" if marks > 1 else f"invalid {encoding.upper()} {unit}"
        return f"{what} replaced by U+FFFD"
    names = ", ".join(sorted({"NUL" if ch == "\x00" else f"U+{ord(ch):04X}" for ch in piece}))
    return f"control character {names} removed"


def _repair(path: Path, text: str, encoding: str) -> tuple[str, list[Repair]]:
    """Bad sequences to U+FFFD, control characters removed, BOMs after the first removed; each one noted."""
    newlines = [m.start() for m in re.finditer("\n", text)]

    def line(position: int) -> int:
        return bisect.bisect_left(newlines, position) + 1

    damaged = list(_DAMAGE.finditer(text))
    count = sum(len(m.group(0)) for m in damaged)
    if count > MAX_REPAIRS:
        raise InputError(
            f"file looks binary or damaged: {count} characters that are not {encoding.upper()} text (undecodable "
            "bytes or control characters such as NUL), the first on this line",
            file=path, line=line(damaged[0].start()),
            expected=f"a text export (UTF-8, UTF-16 with a byte-order mark, or Windows-1252) with at most "
            f"{MAX_REPAIRS} damaged bytes",
            hint="re-export the file from the database; unzip or convert a ZIP, gzip or Excel file to text first",
        )
    repairs = [Repair(line(m.start()), _describe(m.group(0), encoding)) for m in damaged]
    repairs += [Repair(line(m.start()), "byte-order mark inside the file removed (two exports joined into one?)")
                for m in re.finditer("\ufeff", text)]
    text = _DAMAGE.sub(lambda m: "\ufffd" * m.group(0).count(_MARK), text) if damaged else text
    return text.replace("\ufeff", ""), sorted(repairs, key=lambda r: r.line)


def decode_export(path: Path, data: bytes | None = None) -> Decoded:
    """Decode an export file (see the module docstring); line endings become ``\\n`` (CRLF, CR-only, mixed)."""
    data = path.read_bytes() if data is None else data
    encoding, skip, note = _encoding(data)
    body = memoryview(data)[skip:]  # no copy of a large file just to drop its BOM
    repairs: list[Repair] = []
    text = str(body, encoding, "reviewflow-mark")
    extra_boms = len(text) - len(text.lstrip("\ufeff"))
    text = text.lstrip("\ufeff")
    cp1252 = _MARK in text and encoding == "utf-8" and not skip and not _VALID_NON_ASCII.search(text)
    if cp1252:
        encoding = "cp1252"
        text = str(body, "cp1252", "reviewflow-mark").lstrip("\ufeff")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if cp1252:
        high = _FIRST_NON_ASCII.search(text)
        log.warning("%s:%d: not valid UTF-8; decoded as cp1252 (Windows Latin-1), as no valid UTF-8 character "
                    "occurs anywhere in the file; check accented letters, or re-save the file as UTF-8", path,
                    text.count("\n", 0, high.start()) + 1 if high else 1)
    elif note:
        log.warning("%s:1: %s", path, note)
    if _MARK in text or "\ufeff" in text or _has_controls(data, encoding, text):
        text, repairs = _repair(path, text, encoding)
    if extra_boms:
        repairs.insert(0, Repair(1, f"{extra_boms + (skip > 0)} byte-order marks at the start; only one belongs "
                                    "there, the others removed"))
    return Decoded(text=text, encoding=encoding, repairs=repairs)


def report_repairs(path: Path, repairs: list[Repair], records: list[ParsedRecord] | None) -> None:
    """Log each repair with its file and line, and the record it falls in (when the line tells which: not in a
    one-line XML file, where every record starts on line 1)."""
    if not repairs:
        return  # nothing to allocate: the caller has just re-enabled the garbage collector over millions of objects
    starts = [record.line for record in records or []]
    for repair in repairs:
        index = bisect.bisect_right(starts, repair.line) - 1
        where = ""
        if records and index >= 0 and (index == 0 or starts[index - 1] != starts[index]):
            where = f" (in record {records[index].position}, which starts on line {starts[index]})"
        log.warning("%s:%d: %s%s", path, repair.line, repair.what, where)

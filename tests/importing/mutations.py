"""Mutations of a real export's bytes, each paired with the import outcome it implies.

Why: readers are tested on clean files, but users bring exports that were cut short by a download, re-saved by
Excel in another encoding, concatenated with ``cat``, or damaged by one byte. Each function here takes an
``Original`` (the export's bytes and what importing them gives) and returns ``Case`` objects: mutated bytes plus an
``Expect`` that says which records must come out (or that the file must be refused), what text the mutation itself
inserted (tolerated in fields), and whether a warning is owed. ``tests/importing/mutation_runner.py`` imports a case and
judges it; ``tests/importing/test_import_fuzz.py`` and ``benchmarks/mutate_exports.py`` drive both.
"""

from __future__ import annotations

import codecs
import contextlib
import gzip
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, replace

BOM = codecs.BOM_UTF8
UTF16_BOMS = {"utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE}
XML_FORMATS = {"pubmed_xml": (rb"<PubmedArticle(?=[\s/>])|<PubmedBookArticle(?=[\s/>])",
                              (b"</PubmedArticle>", b"</PubmedBookArticle>")),
               "endnote_xml": (rb"<record(?=[\s/>])", (b"</record>",))}
_LINE_BREAK = re.compile(rb"\r\n|\r|\n")
_WORD = re.compile(r"(?<![\w&;])[a-z]{7,}(?![\w])")


@dataclass(frozen=True)
class Record:
    """What a mutation must preserve of one imported record: title, authors, and (for spotting a record that
    was cut short) the other bibliographic fields."""

    title: str
    authors: str
    rest: tuple[str, ...] = ()


@dataclass(frozen=True)
class Original:
    """A clean export: its bytes, format, records and the byte offset where each record begins."""

    name: str
    fmt: str
    data: bytes
    records: tuple[Record, ...]
    starts: tuple[int, ...]
    warnings: frozenset[str] = frozenset()

    @property
    def text(self) -> str:
        return self.data.decode("utf-8-sig")


@dataclass(frozen=True)
class Expect:
    """The outcome a mutation implies.

    ``records`` is None when the file must be refused. With ``cut``, ``records`` are the complete records before
    the cut; ``partial`` (the original of the record the cut falls in, if any) may follow, and when it is imported
    changed, or dropped although part of it is in the file, a warning is owed. ``noise`` is text the mutation put
    into fields (e.g. U+FFFD for a bad byte), removed before comparing.
    """

    records: tuple[Record, ...] | None
    may_refuse: bool = False
    must_warn: bool = False
    cut: bool = False
    partial: Record | None = None
    partial_present: bool = False
    noise: tuple[str, ...] = ()


@dataclass(frozen=True)
class Case:
    kind: str
    data: bytes
    expect: Expect


# ------------------------------------------------------------------------------------------------- locating


def line_offsets(data: bytes) -> list[int]:
    """Byte offset of the start of every line (CRLF, CR and LF all end a line, as the decoder counts them)."""
    return [0] + [m.end() for m in _LINE_BREAK.finditer(data)]


def record_starts(data: bytes, fmt: str, lines: list[int]) -> tuple[int, ...]:
    """Byte offset of each record's start: its opening tag in XML, else the start of its first line."""
    if fmt in XML_FORMATS:
        return tuple(m.start() for m in re.finditer(XML_FORMATS[fmt][0], data))
    offsets = line_offsets(data)
    starts = [offsets[line - 1] for line in lines]
    if starts and starts[0] == 0 and data.startswith(BOM):
        starts[0] = len(BOM)
    return tuple(starts)


def excerpt(data: bytes, fmt: str, starts: tuple[int, ...], count: int) -> bytes:
    """The export cut down to its first ``count`` records (kept well-formed), so a large fixture stays fast."""
    if count >= len(starts):
        return data
    if fmt not in XML_FORMATS:
        return data[: starts[count]]
    end = max(data.rfind(tag) + len(tag) for tag in XML_FORMATS[fmt][1])
    return data[: starts[count]] + data[end:]


def _word_positions(original: Original) -> list[int]:
    """Byte offsets in the middle of title words (seven or more lower-case letters) as they occur in the file:
    places where an inserted byte lands inside field text, not inside a tag, a header or markup."""
    positions: list[int] = []
    for record in original.records:
        for word in _WORD.findall(record.title):
            found = original.data.find(b" " + word.encode())
            if found >= 0:
                positions.append(found + 1 + len(word) // 2)
                break
    return positions


def _insert(original: Original, rng: random.Random, piece: bytes) -> bytes | None:
    positions = _word_positions(original)
    if not positions:
        return None
    at = rng.choice(positions)
    return original.data[:at] + piece + original.data[at:]


def _same(original: Original, **changes: object) -> Expect:
    return replace(Expect(records=original.records), **changes)


def _refuse() -> Expect:
    return Expect(records=None, may_refuse=True)


def _cut_expect(original: Original, starts: tuple[int, ...], data: bytes, cut: int) -> Expect:
    """Records before the cut are complete; the record the cut falls in may follow, cut short, with a warning."""
    inside = [i for i, start in enumerate(starts) if start < cut]
    if not inside:
        return Expect(records=(), may_refuse=True, cut=True)
    j = inside[-1]
    present = bool(data[starts[j] : cut].strip())
    return Expect(records=original.records[:j], may_refuse=True, cut=True, partial=original.records[j],
                  partial_present=present)


# ------------------------------------------------------------------------------------------------- mutations


def truncations(original: Original, rng: random.Random, count: int = 10) -> list[Case]:
    """Cut at random points, at a random point of the last record, and inside a multi-byte character."""
    data, cases = original.data, []
    for _ in range(count):
        cut = rng.randrange(1, len(data))
        cases.append(Case("truncate", data[:cut], _cut_expect(original, original.starts, data, cut)))
    last = original.starts[-1]
    cut = last + 1 + rng.randrange(max(1, (len(data) - last) * 9 // 10))
    cases.append(Case("truncate last record", data[:cut], _cut_expect(original, original.starts, data, cut)))
    leads = [m.start() for m in re.finditer(rb"[\xc2-\xf4]", data[len(BOM) if data.startswith(BOM) else 0 :])]
    if leads:
        cut = rng.choice(leads) + 1 + (len(BOM) if data.startswith(BOM) else 0)
        cases.append(Case("truncate inside a character", data[:cut],
                          replace(_cut_expect(original, original.starts, data, cut), noise=("\ufffd",))))
    return cases


def reencodings(original: Original, rng: random.Random) -> list[Case]:
    """UTF-8 with BOM, two BOMs, UTF-16 LE/BE with BOM (also with a lone surrogate, and cut at an odd byte),
    and cp1252 when every character of a file with non-ASCII text has a cp1252 byte."""
    text = original.text
    cases = [Case("utf-8 with BOM", BOM + text.encode(), _same(original)),
             Case("two BOMs", BOM + BOM + text.encode(), _same(original, must_warn=True))]
    for name, bom in UTF16_BOMS.items():
        cases.append(Case(f"{name} with BOM", bom + text.encode(name), _same(original)))
    word = _WORD.search(original.records[0].title) if original.records else None
    at = text.find(" " + word.group(0)) + 4 if word else -1
    if at > 3:
        damaged = text[:at] + "\ud800" + text[at:]
        cases.append(Case("utf-16 lone surrogate", UTF16_BOMS["utf-16-le"] + damaged.encode("utf-16-le",
                          "surrogatepass"), _same(original, may_refuse=True, must_warn=True, noise=("\ufffd",))))
    encoded = UTF16_BOMS["utf-16-le"] + text.encode("utf-16-le")
    starts16 = tuple(2 + len(original.data[_bom(original.data) : s].decode().encode("utf-16-le"))
                     for s in original.starts)
    cut = rng.randrange(len(encoded) // 4, len(encoded)) | 1
    cases.append(Case("utf-16 cut at an odd byte", encoded[:cut],
                      replace(_cut_expect(original, starts16, encoded, cut), noise=("\ufffd",))))
    if any(ord(ch) > 127 for ch in text):
        with contextlib.suppress(UnicodeEncodeError):
            cases.append(Case("cp1252", text.encode("cp1252"), _same(original, must_warn=True)))
    return cases


def _bom(data: bytes) -> int:
    return len(BOM) if data.startswith(BOM) else 0


def line_endings(original: Original, rng: random.Random) -> list[Case]:
    """CRLF, CR only, LF only, and a random mix of the three."""
    lines = _LINE_BREAK.split(original.data)
    mixed = lines[0]
    for line in lines[1:]:
        # after a lone CR, an LF would merge with it into one CRLF (one line break lost), so it is not drawn
        ends = (b"\r\n", b"\r") if mixed.endswith(b"\r") else (b"\r\n", b"\n", b"\r")
        mixed += rng.choice(ends) + line
    return [Case(f"{name} line endings", end.join(lines), _same(original))
            for name, end in (("CRLF", b"\r\n"), ("CR", b"\r"), ("LF", b"\n"))] + [
        Case("mixed line endings", mixed, _same(original))]


def duplicates(original: Original, rng: random.Random, count: int = 3) -> list[Case]:
    """One record's bytes repeated right after it: one more record, nothing else changed."""
    n = len(original.records)
    if n < 2:
        return []
    cases = []
    for i in sorted(rng.sample(range(n - 1), min(count, n - 1))):
        span = original.data[original.starts[i] : original.starts[i + 1]]
        data = original.data[: original.starts[i + 1]] + span + original.data[original.starts[i + 1] :]
        records = original.records[: i + 1] + (original.records[i],) + original.records[i + 1 :]
        cases.append(Case("duplicated record", data, Expect(records=records)))
    return cases


def concatenations(original: Original, rng: random.Random) -> list[Case]:
    """The export twice over (as ``cat a a`` makes it, with a line break between, with a BOM on each), and for
    a table its rows appended again without the header: twice the records, or a clear refusal."""
    data, body = original.data, original.data[_bom(original.data) :]
    head = data[: original.starts[0]] if original.starts else b""
    twice = original.records * 2
    repeated_head = original.fmt == "delimited" or data.startswith(BOM)
    expect = Expect(records=twice, may_refuse=True, must_warn=repeated_head)
    cases = [Case("concatenated", data + data, expect),
             Case("concatenated with a line break", data + b"\n" + data, expect),
             Case("concatenated, both with a BOM", BOM + body + BOM + body, replace(expect, must_warn=True))]
    if original.fmt == "delimited" and head.strip():
        joint = b"" if data.endswith((b"\n", b"\r")) else b"\n"
        cases.append(Case("rows appended again", data + joint + data[original.starts[0] :],
                          Expect(records=twice, may_refuse=True)))
    return cases


def binaries(original: Original, rng: random.Random) -> list[Case]:
    """Random bytes, the export gzipped, and a block of random bytes inside it: all must be refused."""
    noise = bytes(rng.randrange(256) for _ in range(min(len(original.data), 4096)))
    block = bytes(rng.randrange(256) for _ in range(300))
    middle = original.starts[len(original.starts) // 2] if original.starts else len(original.data) // 2
    return [Case("random bytes", noise, _refuse()),
            Case("gzipped", gzip.compress(original.data, mtime=0), _refuse()),
            Case("random block inside", original.data[:middle] + block + original.data[middle:], _refuse())]


def damaged_bytes(original: Original, rng: random.Random) -> list[Case]:
    """A NUL inside a field, and one invalid UTF-8 byte or cut sequence inside a title (with and without BOM).

    The bad byte may be refused (with file and line) or replaced by U+FFFD; a file with no valid UTF-8 anywhere
    may be read as cp1252, so the byte's cp1252 character is tolerated too. Nothing else may change.
    """
    cases = []
    for kind, piece in (("NUL in a field", b"\x00"), ("NUL in a field", b"\x00"), ("invalid byte 0xFF", b"\xff"),
                        ("cut sequence 0xE2 0x80", b"\xe2\x80"), ("lone continuation byte", b"\x80")):
        data = _insert(original, rng, piece)
        if data is None:
            continue
        noise = () if piece == b"\x00" else ("\ufffd", piece.decode("cp1252"))
        cases.append(Case(kind, data, _same(original, may_refuse=True, must_warn=True, noise=noise)))
        if piece == b"\xff":
            with_bom = data if data.startswith(BOM) else BOM + data
            cases.append(Case("invalid byte 0xFF with BOM", with_bom, _same(original, may_refuse=True,
                                                                            must_warn=True, noise=noise)))
    return cases


def _doctype(original: Original, subset: bytes) -> bytes:
    """The XML export with ``subset`` as its DOCTYPE's internal subset (a DOCTYPE is added when it has none)."""
    data = original.data
    doctype = re.search(rb"<!DOCTYPE[^\[>]*", data)
    if doctype:
        end = data.index(b">", doctype.end())
        return data[: doctype.end()] + b" [" + subset + b"]" + data[end:]
    root = re.search(rb"<([A-Za-z][\w.:-]*)", data)
    declaration = re.match(rb"\s*<\?xml.*?\?>", data, re.S)
    at = declaration.end() if declaration else 0
    return data[:at] + b"<!DOCTYPE " + root.group(1) + b" [" + subset + b"]>" + data[at:]


def xml_attacks(original: Original, rng: random.Random) -> list[Case]:
    """Billion laughs, an external entity (XXE), an external parameter entity, and an undefined entity."""
    if original.fmt not in XML_FORMATS:
        return []
    laughs = b'<!ENTITY lol "lol">' + b"".join(
        b"<!ENTITY lol%d \"%s\">" % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10) for i in range(1, 10))
    attacks = [("billion laughs", laughs, b"&lol9;"),
               ("external entity", b'<!ENTITY xxe SYSTEM "file:///etc/passwd">', b"&xxe;"),
               ("external parameter entity", b'<!ENTITY % ext SYSTEM "file:///nonexistent/reviewflow.dtd"> %ext;',
                b"")]
    cases = []
    for kind, subset, reference in attacks:
        prepared = replace(original, data=_doctype(original, subset))
        data = _insert(prepared, rng, reference) if reference else prepared.data
        if data is not None:
            cases.append(Case(kind, data, _refuse()))
    name = "&reviewflowundefined;"
    data = _insert(original, rng, name.encode())
    if data is not None:
        cases.append(Case("undefined entity", data, _same(original, may_refuse=True, must_warn=True, noise=(name,))))
    return cases


MUTATIONS: dict[str, Callable[[Original, random.Random], list[Case]]] = {
    "truncation": truncations,
    "encoding": reencodings,
    "line endings": line_endings,
    "duplicate": duplicates,
    "concatenation": concatenations,
    "binary": binaries,
    "damaged bytes": damaged_bytes,
    "xml attacks": xml_attacks,
}


def group_cases(original: Original, group: str, seed: int, truncations_per_file: int = 10) -> list[Case]:
    """The cases of one mutation group, seeded by ``seed`` (each group draws from its own stream)."""
    rng = random.Random(seed * 1000 + list(MUTATIONS).index(group))
    if group == "truncation":
        return truncations(original, rng, truncations_per_file)
    return MUTATIONS[group](original, rng)


def all_cases(original: Original, seed: int, truncations_per_file: int = 10) -> list[Case]:
    """Every mutation of one export."""
    return [case for group in MUTATIONS for case in group_cases(original, group, seed, truncations_per_file)]

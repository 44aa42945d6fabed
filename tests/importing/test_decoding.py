"""The export decoder: one bad byte costs one character (named by file, line and record), never the whole file's
text; BOMs, NULs, UTF-16 and binary files are handled with a warning or a clear error, never a traceback."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from reviewflow.errors import InputError
from reviewflow.importing.formats.detect import read_export
from reviewflow.importing.formats.encoding import MAX_REPAIRS, decode_export
from tests.conftest import MEDLINE_TEXT, RIS_TEXT

TURKISH = RIS_TEXT.replace("Smith, A.B.", "Akdağ, A.B.").replace("Green, E.", "Şahin, E.")


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("bom", [b"", codecs.BOM_UTF8])
def test_one_invalid_byte_keeps_the_utf8_text_and_names_line_and_record(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, bom: bytes
) -> None:
    data = bom + TURKISH.encode().replace(b"phantom limb", b"phantom \xfflimb")
    _, records = read_export(write(tmp_path, "one.ris", data))
    assert [r.authors[0] for r in records[:2]] == ["Akdağ, A.B.", "Şahin, E."]
    assert records[1].title == "Cryoneurolysis for phantom \ufffdlimb pain: a retrospective study"
    assert "one.ris:15: invalid UTF-8 byte replaced by U+FFFD (in record 2, which starts on line 14)" in caplog.text


def test_a_cut_multibyte_sequence_at_the_end_is_a_replaced_character(tmp_path: Path) -> None:
    data = TURKISH.encode() + "TY  - JOUR\nTI  - Ağ".encode()[:-1]
    decoded = decode_export(write(tmp_path, "cut.ris", data))
    assert decoded.text.endswith("TI  - A\ufffd") and decoded.repairs[0].line == TURKISH.count("\n") + 2


def test_utf16_with_a_lone_surrogate_or_an_odd_last_byte(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    text = TURKISH.replace("phantom limb", "phantom \ud800limb")
    data = codecs.BOM_UTF16_LE + text.encode("utf-16-le", "surrogatepass")
    _, records = read_export(write(tmp_path, "wide.ris", data))
    assert records[0].authors[0] == "Akdağ, A.B." and "\ufffdlimb" in records[1].title
    assert "wide.ris:15: invalid UTF-16-LE code unit replaced by U+FFFD (in record 2" in caplog.text
    decoded = decode_export(write(tmp_path, "odd.ris", data + b"T"))
    assert decoded.text.endswith("\n\ufffd") and decoded.repairs[-1].line == TURKISH.count("\n") + 1


def test_a_file_without_any_utf8_is_read_as_cp1252(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    text = RIS_TEXT.replace("Smith, A.B.", "Müller, A.B.").replace("Green, E.", "Gómez, E.")
    _, records = read_export(write(tmp_path, "latin.ris", text.encode("cp1252")))
    assert [r.authors[0] for r in records[:2]] == ["Müller, A.B.", "Gómez, E."]
    assert "latin.ris:8: not valid UTF-8; decoded as cp1252" in caplog.text


def test_repeated_and_inner_byte_order_marks_are_removed_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    bom = codecs.BOM_UTF8
    _, records = read_export(write(tmp_path, "two.txt", bom + bom + MEDLINE_TEXT.encode() + bom + b"\n"))
    assert len(records) == 4
    assert "two.txt:1: 2 byte-order marks at the start" in caplog.text
    assert f"two.txt:{MEDLINE_TEXT.count(chr(10)) + 1}: byte-order mark inside the file removed" in caplog.text


def test_nul_is_removed_with_a_warning_naming_the_line(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    data = MEDLINE_TEXT.encode().replace(b"Jones C", b"Jo\x00nes C")
    _, records = read_export(write(tmp_path, "nul.txt", data))
    assert records[0].authors == ["Smith AB", "Jones C"]
    assert "nul.txt:11: control character NUL removed (in record 1, which starts on line 1)" in caplog.text


def test_utf16_without_a_bom_is_recognised(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    _, records = read_export(write(tmp_path, "bare.txt", MEDLINE_TEXT.encode("utf-16-le")))
    assert len(records) == 4
    assert "no byte-order mark; read as UTF-16-LE" in caplog.text


@pytest.mark.parametrize("junk", [bytes(range(256)) * 4, b"\x00" * 40, "é".encode("latin-1") * 12 + "ü".encode() * 4])
def test_binary_or_widely_damaged_files_are_refused_naming_the_first_place(tmp_path: Path, junk: bytes) -> None:
    data = MEDLINE_TEXT.encode() + junk
    with pytest.raises(InputError, match="file looks binary or damaged") as caught:
        read_export(write(tmp_path, "junk.txt", data))
    assert caught.value.line == MEDLINE_TEXT.count("\n") + 1
    assert MAX_REPAIRS < 12


@pytest.mark.parametrize(("signature", "what"), [(b"PK\x03\x04", "ZIP archive"), (b"\x1f\x8b\x08", "gzip")])
def test_archives_are_refused_at_line_1(tmp_path: Path, signature: bytes, what: str) -> None:
    with pytest.raises(InputError, match=what) as caught:
        read_export(write(tmp_path, "packed.ris", signature + b"\x00" * 64))
    assert caught.value.line == 1

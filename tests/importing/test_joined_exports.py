"""Exports joined into one file, or cut inside their last record: the right records or a clear error naming the
export, never a phantom record (a repeated header read as data), a lost one, or a cut record without a word."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from reviewflow.errors import InputError
from reviewflow.importing.exports import import_files
from reviewflow.importing.formats.detect import read_export
from tests.importing.test_formats_wos_ovid import WOS_SMALL

CSV = 'Title,Authors,Year,DOI\n"First study","Smith J",2001,10.1000/a\n"Second study","Jones K",2002,10.1000/b\n'
EMBASE = '"SEARCH QUERY","knee:ti"\n-------\n\n' + CSV


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode())
    return path


@pytest.mark.parametrize(("first", "second", "line"), [
    (CSV, CSV, 4), (EMBASE, EMBASE, 10), (CSV, codecs.BOM_UTF8.decode() + CSV, 4)])
def test_a_repeated_header_starts_a_second_export(tmp_path: Path, caplog: pytest.LogCaptureFixture, first: str,
                                                 second: str, line: int) -> None:
    _, records = read_export(write(tmp_path, "joined.csv", first + second))
    assert [r.title for r in records] == ["First study", "Second study"] * 2
    assert f"joined.csv:{line}: the header row is repeated here: read as the start of a second export" in caplog.text


def test_a_second_header_with_other_columns_is_refused(tmp_path: Path) -> None:
    other = "Title,Year,Authors,Source\nThird,2003,Brown D,X\n"
    with pytest.raises(InputError, match="second header row with other columns") as caught:
        read_export(write(tmp_path, "mixed.csv", CSV + other))
    assert caught.value.line == 4


def test_a_table_cut_inside_its_last_value_is_warned_about(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    _, records = read_export(write(tmp_path, "cut.csv", CSV[:-4]))
    assert len(records) == 2
    assert "cut.csv:3: the file ends inside the last row (no line break after it): its last value '10.100'" \
        in caplog.text


def test_a_bad_record_id_is_reported_at_the_export_line(tmp_path: Path) -> None:
    path = write(tmp_path, "savedrecs.txt", WOS_SMALL.replace("UT WOS:000000000000001", "UT WOS:0000 01"))
    with pytest.raises(InputError) as caught:
        import_files([path])
    assert Path(caught.value.file) == path and caught.value.line == 3 and caught.value.record == "1"
    assert caught.value.field == "accession (it becomes the record id)"


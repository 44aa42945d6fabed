"""Exports joined into one file, or cut inside their last record: the right records or a clear error naming the
export, never a phantom record (a repeated header read as data), a lost one, or a cut record without a word."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from reviewflow.errors import InputError
from reviewflow.importing.exports import import_files
from reviewflow.importing.formats.detect import read_export
from tests.conftest import MEDLINE_TEXT
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


def test_medline_joined_without_a_line_break_keeps_both_records(tmp_path: Path,
                                                               caplog: pytest.LogCaptureFixture) -> None:
    text = MEDLINE_TEXT.rstrip("\n")
    _, records = read_export(write(tmp_path, "joined.txt", text + text))
    assert [r.pmid for r in records] == ["30000001", "30000002", "30000003", "30000004"] * 2
    assert "joined.txt:37: 'PMID- 30000001' is joined to the end of this line" in caplog.text


def test_medline_record_without_a_blank_line_before_it_is_still_a_record(tmp_path: Path) -> None:
    text = MEDLINE_TEXT.replace("\n\nPMID- 30000003", "\nPMID- 30000003")
    _, records = read_export(write(tmp_path, "tight.txt", text))
    assert [r.pmid for r in records] == ["30000001", "30000002", "30000003", "30000004"]


@pytest.mark.parametrize("cut", ["TI  - Cryoneurolysis for knee pain", "TI  - Cryoneurolysis for knee pain: a "
                                 "randomized trial.\n"])
def test_medline_cut_inside_its_last_record_is_warned_about(tmp_path: Path, caplog: pytest.LogCaptureFixture,
                                                           cut: str) -> None:
    blocks = [block + "\nSO  - Pain Med. 2015" for block in MEDLINE_TEXT.strip("\n").split("\n\n")]
    text = "\n\n".join(blocks) + "\n"
    _, whole = read_export(write(tmp_path, "whole.txt", text))
    assert len(whole) == 4 and "cut short" not in caplog.text
    _, records = read_export(write(tmp_path, "cut.txt", text[: text.index(cut) + len(cut)]))
    assert len(records) == 4 and records[3].title.startswith("Cryoneurolysis for knee pain")
    assert f"cut.txt:{records[3].line}: the last record (record 4, PMID 30000004) looks cut short" in caplog.text


def test_a_single_medline_record_without_its_source_line_is_warned_about(tmp_path: Path,
                                                                         caplog: pytest.LogCaptureFixture) -> None:
    read_export(write(tmp_path, "one.txt", MEDLINE_TEXT.split("\n\n")[0] + "\n"))
    assert "one.txt:1: the last record (record 1, PMID 30000001) looks cut short: it has no 'SO' field" in caplog.text


def test_a_bad_record_id_is_reported_at_the_export_line(tmp_path: Path) -> None:
    path = write(tmp_path, "savedrecs.txt", WOS_SMALL.replace("UT WOS:000000000000001", "UT WOS:0000 01"))
    with pytest.raises(InputError) as caught:
        import_files([path])
    assert Path(caught.value.file) == path and caught.value.line == 3 and caught.value.record == "1"
    assert caught.value.field == "accession (it becomes the record id)"


OVID = "".join(f"<{n}>\nTI  - Title {n}\nAU  - Smith J\nYR  - 200{n}\nXL  - http://ovid/{n}\n"
               f"XL  - http://resolver/?volume={n}&spage=1{n}\n\n" for n in (1, 2, 3))


@pytest.mark.parametrize(("cut", "reason"), [
    ("XL  - http://ovid/3\n", "it ends with fields YR, XL where every other record ends with XL, XL"),
    ("YR  - 2003\n", "it has no 'XL' field, which ends every other record"),
    ("XL  - http://resolver/?volu", "may be cut short: the file ends inside its 'XL' field, without a line break"),
])
def test_ovid_cut_inside_its_last_record_is_warned_about(tmp_path: Path, caplog: pytest.LogCaptureFixture,
                                                         cut: str, reason: str) -> None:
    _, whole = read_export(write(tmp_path, "whole.txt", OVID))
    assert [r.volume for r in whole] == ["1", "2", "3"] and "cut short" not in caplog.text
    text = OVID[: OVID.rindex(cut) + len(cut)]
    _, records = read_export(write(tmp_path, "cut.txt", text))
    assert len(records) == 3
    assert "cut.txt:15: the last record (record 3, number 3)" in caplog.text and reason in caplog.text


def test_ovid_joined_without_a_line_break_keeps_both_exports(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    text = OVID.rstrip("\n")
    _, records = read_export(write(tmp_path, "joined.txt", text + text))
    assert [r.title for r in records] == ["Title 1", "Title 2", "Title 3"] * 2
    assert [r.volume for r in records] == ["1", "2", "3"] * 2
    assert "joined.txt:20: record number '<1>' is joined to the end of this line" in caplog.text


def test_ovid_ris_layout_cut_inside_its_link_lines_is_warned_about(tmp_path: Path,
                                                                  caplog: pytest.LogCaptureFixture) -> None:
    text = "".join(f"{n}.\nTY  - JOUR\nTI  - Title {n}\nER  -\n\nLink to the Ovid Full Text or citation: "
                   f"http://ovid/{n}\n\n" for n in (1, 2, 3))
    _, records = read_export(write(tmp_path, "ris.txt", text[:-6]))
    assert len(records) == 3 and records[2].url == "http://ov"
    assert "ris.txt:15: the last record (record 3, number 3) may be cut short: the file ends inside its 'Link'" \
        in caplog.text


def test_ovid_ris_layout_without_link_lines_is_not_taken_for_cut(tmp_path: Path,
                                                                 caplog: pytest.LogCaptureFixture) -> None:
    text = "".join(f"{n}.\nTY  - JOUR\nTI  - Title {n}\nUR  - http://x/{n}\nER  -\n\n" for n in (1, 2, 3))
    assert len(read_export(write(tmp_path, "plain.txt", text))[1]) == 3
    assert "cut short" not in caplog.text

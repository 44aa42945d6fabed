"""Import stage: MEDLINE and RIS readers on small files written here, their errors, and the records table."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from reviewflow.config import load_config
from reviewflow.errors import InputError
from reviewflow.importing.exports import import_exports
from reviewflow.importing.formats.detect import read_export
from tests.conftest import MEDLINE_TEXT, RIS_TEXT


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


def test_medline_fields_are_normalised(tmp_path: Path) -> None:
    fmt, records = read_export(write(tmp_path, "a.txt", MEDLINE_TEXT))
    assert fmt == "medline"
    assert [r.pmid for r in records] == ["30000001", "30000002", "30000003", "30000004"]
    first = records[0]
    assert first.title.startswith("Ultrasound-guided cryoneurolysis") and "chronic shoulder" in first.title
    assert first.pages == "221-228"
    assert first.doi == "10.1000/abc.2015.1"
    assert first.authors == ["Smith AB", "Jones C"]
    assert (first.year, first.journal, first.journal_abbrev, first.language) == ("2015", "Pain medicine",
                                                                                 "Pain Med", "eng")
    assert [r.line for r in records] == [1, 17, 25, 32]


def test_ris_fields_are_normalised(tmp_path: Path) -> None:
    fmt, records = read_export(write(tmp_path, "a.ris", RIS_TEXT))
    assert fmt == "ris"
    assert len(records) == 3
    first = records[0]
    assert first.doi == "10.1000/abc.2015.1"
    assert first.pages == "221-228"
    assert first.authors == ["Smith, A.B.", "Jones, C."]
    assert first.journal == "Pain Medicine"


@pytest.mark.parametrize(
    "encoding,line_end",
    [("utf-8-sig", "\r\n"), ("utf-16", "\r\n"), ("utf-8", "\r"), ("utf-8", "\n")],
)
def test_encodings_and_line_endings_give_same_records(tmp_path: Path, encoding: str, line_end: str) -> None:
    data = RIS_TEXT.replace("\n", line_end).encode(encoding)
    if encoding == "utf-16":
        assert data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    _, records = read_export(write(tmp_path, "x.ris", data))
    _, reference = read_export(write(tmp_path, "ref.ris", RIS_TEXT))
    assert [(r.title, r.doi, r.authors) for r in records] == [(r.title, r.doi, r.authors) for r in reference]


def test_truncated_ris_record_is_an_error_not_a_loss(tmp_path: Path) -> None:
    text = RIS_TEXT.rstrip().rsplit("ER  -", 1)[0]
    with pytest.raises(InputError) as caught:
        read_export(write(tmp_path, "cut.ris", text))
    message = str(caught.value)
    assert "cut.ris:23" in message and "truncated" in message and "'ER'" in message


def test_stray_er_line_is_reported_with_its_line(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"stray.ris:13: 'ER  -' with no open record"):
        read_export(write(tmp_path, "stray.ris", RIS_TEXT.replace("ER  - \n\nTY", "ER  - \nER  - \nTY", 1)))


def test_malformed_medline_line_names_file_and_line(tmp_path: Path) -> None:
    broken = MEDLINE_TEXT.replace("AB  - We treated", "We treated")
    with pytest.raises(InputError, match=r"bad.txt:9: unreadable MEDLINE line"):
        read_export(write(tmp_path, "bad.txt", broken))


def test_unknown_and_binary_files_are_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="unrecognised export format"):
        read_export(write(tmp_path, "notes.txt", "Dear colleague,\nhere are the results.\n"))
    with pytest.raises(InputError, match="binary"):
        read_export(write(tmp_path, "image.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"))
    with pytest.raises(InputError, match="empty"):
        read_export(write(tmp_path, "empty.ris", ""))


def test_import_counts_every_record_per_file(mini_project: Path) -> None:
    config = load_config(mini_project / "config" / "review.yaml")
    records, report = import_exports(config, mini_project)
    assert report["records_per_database"] == {"pubmed": 4, "scopus": 3}
    assert report["records_total"] == len(records) == 7
    assert records["record_id"].is_unique
    assert records.loc[records["database"] == "pubmed", "record_id"].tolist()[0] == "pubmed:30000001"
    scopus_ids = records.loc[records["database"] == "scopus", "record_id"]
    assert scopus_ids.str.match(r"^scopus:h[0-9a-f]{12}$").all()
    assert [f["without_doi"] for f in report["files"]] == [3, 2]


def test_record_ids_survive_reordering_and_new_files(mini_project: Path) -> None:
    config = load_config(mini_project / "config" / "review.yaml")
    before, _ = import_exports(config, mini_project)
    blocks = RIS_TEXT.strip().split("\n\n")
    (mini_project / "data/raw/scopus/scopus.ris").write_text("\n\n".join(reversed(blocks)) + "\n")
    (mini_project / "data/raw/scopus/update.ris").write_text(RIS_TEXT.split("\n\n")[1] + "\n")
    after, _ = import_exports(config, mini_project)
    assert set(before["record_id"]) < set(after["record_id"])
    assert len(after) == 8


def test_missing_export_pattern_is_an_error(mini_project: Path) -> None:
    config = load_config(mini_project / "config" / "review.yaml")
    for path in (mini_project / "data/raw/scopus").iterdir():
        path.unlink()
    with pytest.raises(InputError, match="no export file matches 'data/raw/scopus/\\*'"):
        import_exports(config, mini_project)


def test_utf16_big_endian_and_leading_blank_lines(tmp_path: Path) -> None:
    data = ("\n\n\n" + RIS_TEXT).encode("utf-16-be")
    _, records = read_export(write(tmp_path, "be.ris", codecs.BOM_UTF16_BE + data))
    assert len(records) == 3 and records[0].line == 4


def test_cp1252_file_is_read_with_a_warning(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    text = RIS_TEXT.replace("Smith, A.B.", "Müller, A.B.")
    _, records = read_export(write(tmp_path, "latin.ris", text.encode("cp1252")))
    assert records[0].authors[0] == "Müller, A.B."
    assert "latin.ris:8: not valid UTF-8; decoded as cp1252" in caplog.text


def test_tags_without_trailing_space_and_trailing_spaces_after_values(tmp_path: Path) -> None:
    text = RIS_TEXT.replace("ER  - \n", "ER  -\n").replace("PY  - 2015", "PY  - 2015   ")
    _, records = read_export(write(tmp_path, "tight.ris", text))
    assert len(records) == 3 and records[0].year == "2015"
    medline = MEDLINE_TEXT.replace("LA  - eng", "LA  - eng   ")
    _, records = read_export(write(tmp_path, "spaces.txt", medline))
    assert records[0].language == "eng"


def test_issns_are_found_in_export_cells_and_written_one_way() -> None:
    from reviewflow.normalize import find_issns, normalise_issn

    assert find_issns("1526-2375 (Print); 15262375 (Linking); 1526-4637 (Electronic)") == ["1526-2375", "1526-4637"]
    assert find_issns("0306453x") == ["0306-453X"]
    assert find_issns("ISBN 978-1234-5678-9") == []  # digits inside an ISBN are not an ISSN
    assert normalise_issn("no issn here") == ""

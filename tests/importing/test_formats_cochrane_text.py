"""The Cochrane Library plain-text reader, on hand-made exports and against every real export of other formats.

No Cochrane plain-text export is among the real fixtures (../shared/fixtures/exports), so the files here are made by
hand. What they are based on:

* the ``Record #n of N`` header, with the numbers of a selection (``#3``, ``#4``, ``#10 of 18``), and the records'
  content (CENTRAL ids, authors, titles, pages written with U+2010, ``PUBMED 38407106,EMBASE 643589775``, the
  ``https://www.cochranelibrary.com/central/doi/10.1002/central/CN-.../full`` link) are those of the genuine Cochrane
  RIS download in the fixtures (asreview+citation-file-formatting/Datasets/RIS/_baseline_cochrane_refman.ris),
  whose records carry the same header (see also rispy's README, "Record #1 of 2 / Provider: / Content:");
* the plain-text tags (``ID``, ``AU``, ``TI``, ``SO``, ``YR``, ``VL``, ``NO``, ``PG``, ``XR``, ``PT``, ``KY``, ``DOI``,
  ``AB``, ``US``, ``CC``, ``PM``) are the field list of issue 11 (item 4); searches of public docs and code (revtools,
  synthesisr, CiteSource, asreview) found no stored sample of the plain-text file to check them against.
"""

from __future__ import annotations

import codecs
import logging
from pathlib import Path

import pytest

from reviewflow.errors import InputError
from reviewflow.importing.exports import import_files
from reviewflow.importing.formats import cochrane_text
from reviewflow.importing.formats.detect import read_export
from reviewflow.importing.formats.encoding import decode_export
from tests.conftest import FIXTURES

RECORD_3 = """Record #3 of 18
ID: CN-00778158
AU: Bywater T
AU: Hutchings J
AU: Whitaker C
TI: The Incredible Years Therapeutic Dinosaur Programme to build social and emotional competence in Welsh primary
schools: study protocol for a randomised controlled trial
SO: Trials
YR: 2011
VL: 12
PG: 39
PM: PUBMED 21314913
PT: Journal article
KY: Child; Child Behavior; Schools
DOI: 10.1186/1745-6215-12-39
AB: BACKGROUND: School interventions such as the Incredible Years Classroom Dinosaur Programme target pupil
behaviour across whole classrooms.
AIM: to test the Therapeutic Dinosaur Programme.
CC: Common Mental Disorders
US: https://www.cochranelibrary.com/central/doi/10.1002/central/CN-00778158/full
"""
RECORD_4 = """Record #4 of 18
ID: CN-02677909
AU: Kim JS
AU: Gilbert JB
TI: Time to transfer: long-term effects of a sustained and spiraled content literacy intervention
in the elementary grades
SO: Developmental psychology
YR: 2024
VL: 60
NO: 7
PG: 1279\u20101297
PM: PUBMED 38407106,EMBASE 643589775
XR: EMBASE 643589775
PT: Journal article
DOI: https://doi.org/10.1037/DEV0001710
AB: We investigated the effectiveness of a sustained and spiraled content literacy intervention.
US: https://www.cochranelibrary.com/central/doi/10.1002/central/CN-02677909/full
"""
# No DOI, no volume or issue: a conference abstract.
RECORD_10 = """Record #10 of 18
ID: CN-02575572
AU: Arruabarrena I
AU: Rivas GR
AU: Ca\u00f1as M
TI: The Incredible Years Parenting and Child Treatment Programs: a Randomized Controlled Trial in Spain
SO: Psychosocial intervention = intervencion psicosocial
YR: 2022
PT: Conference proceeding
US: https://www.cochranelibrary.com/central/doi/10.1002/central/CN-02575572/full
"""
HEADER = "Cochrane Library\nSearch name: incredible years\nDate run: 12/03/2025 10:12:41\n\n"
EXPORT = HEADER + RECORD_3 + "\n" + RECORD_4 + "\n" + RECORD_10


def write(tmp_path: Path, data: bytes | str, name: str = "cochrane.txt") -> Path:
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode())
    return path


def full_export(last: int = 3) -> str:
    """Records #1..#last of ``last``, each complete (for the count checks)."""
    body = RECORD_10.split("\n", 1)[1]
    return "".join(f"Record #{n} of {last}\n" + body.replace("CN-02575572", f"CN-0000000{n}") + "\n"
                   for n in range(1, last + 1))


def test_fields_are_mapped_like_the_other_readers(tmp_path: Path) -> None:
    fmt, records = read_export(write(tmp_path, EXPORT))
    assert fmt == "cochrane_text"
    assert [r.accession for r in records] == ["CN-00778158", "CN-02677909", "CN-02575572"]
    assert [r.position for r in records] == [1, 2, 3]
    assert [r.line for r in records] == [5, 26, 44]
    first = records[0]
    assert first.title.startswith("The Incredible Years Therapeutic Dinosaur Programme to build social and "
                                  "emotional competence in Welsh primary schools: study protocol")
    assert first.authors == ["Bywater T", "Hutchings J", "Whitaker C"]
    assert (first.journal, first.year, first.volume, first.issue, first.pages) == ("Trials", "2011", "12", "", "39")
    assert (first.doi, first.pmid) == ("10.1186/1745-6215-12-39", "21314913")
    assert first.publication_types == ["Journal article"]
    assert first.keywords == ["Child", "Child Behavior", "Schools"]
    # A wrapped abstract, and a structured-abstract heading ("AIM:") that is not a field of the export.
    assert first.abstract.endswith("across whole classrooms. AIM: to test the Therapeutic Dinosaur Programme.")
    assert first.url == "https://www.cochranelibrary.com/central/doi/10.1002/central/CN-00778158/full"
    assert first.raw["CC"] == ["Common Mental Disorders"]
    assert first.raw["record number"] == ["3 of 18"]
    second = records[1]
    assert (second.issue, second.pages) == ("7", "1279-1297")
    assert (second.doi, second.pmid) == ("10.1037/dev0001710", "38407106")
    assert second.title.endswith("content literacy intervention in the elementary grades")
    third = records[2]
    assert (third.doi, third.volume, third.pmid, third.abstract) == ("", "", "", "")
    assert third.authors[2] == "Ca\u00f1as M"


def test_records_table_rows(tmp_path: Path) -> None:
    frame, _ = import_files([write(tmp_path, EXPORT)], database="central")
    assert frame["record_id"].tolist() == ["central:CN-00778158", "central:CN-02677909", "central:CN-02575572"]
    assert frame.loc[0, "first_author"] == "Bywater T"
    assert frame.loc[0, "format"] == "cochrane_text"


@pytest.mark.parametrize("encoding", ["bom_cr", "crlf", "bom_crlf", "utf16_bom_crlf"])
def test_bom_and_line_endings_read_the_same(tmp_path: Path, encoding: str) -> None:
    """Cochrane downloads come with a BOM and CR-only or CRLF line endings; every variant reads identically."""
    _, expected = read_export(write(tmp_path, EXPORT, "plain.txt"))
    text = EXPORT.replace("\n", "\r" if encoding == "bom_cr" else "\r\n")
    data = codecs.BOM_UTF16_LE + text.encode("utf-16-le") if encoding.startswith("utf16") else \
        (codecs.BOM_UTF8 if encoding.startswith("bom") else b"") + text.encode()
    fmt, records = read_export(write(tmp_path, data))
    assert fmt == "cochrane_text"
    assert [(r.line, r.title, r.authors, r.doi, r.abstract) for r in records] == \
        [(r.line, r.title, r.authors, r.doi, r.abstract) for r in expected]


def test_a_file_without_the_header_block_and_a_single_record(tmp_path: Path) -> None:
    _, records = read_export(write(tmp_path, "\ufeff" + RECORD_3.replace("#3 of 18", "#1 of 1")))
    assert len(records) == 1 and records[0].line == 1


def test_a_file_cut_inside_its_last_record_is_refused(tmp_path: Path) -> None:
    cut = EXPORT[: EXPORT.index("PT: Conference proceeding")] + "PT: Confer"
    with pytest.raises(InputError) as error:
        read_export(write(tmp_path, cut))
    assert error.value.line == 44 and error.value.field == "US"
    assert "cut inside this record" in str(error.value) and "cochrane.txt:44" in str(error.value)


def test_a_file_ending_inside_its_last_field_is_warned_about(tmp_path: Path,
                                                              caplog: pytest.LogCaptureFixture) -> None:
    """Cut inside the link every record ends with: the record is whole but for that field, so it is imported
    (its fields so far are real) with a warning naming it, as MEDLINE and Ovid records cut short are."""
    with caplog.at_level(logging.WARNING):
        _, records = read_export(write(tmp_path, EXPORT.rstrip("\n")[:-20]))
    assert len(records) == 3
    assert "cochrane.txt:44: the last record (record #10 of 18) may be cut short" in caplog.text


@pytest.mark.parametrize(("text", "line", "words"), [
    (EXPORT + "\nRecord #11 o", 55, "unreadable record header"),
    (EXPORT + "\nRecord #11 of 18\n", 55, "has no fields"),
    (RECORD_3 + "Record #4 of 18\nRecord #5 of 18\n" + RECORD_10, 21, "has no fields before the next"),
    ("ID: CN-00778158\nTI: A title\n" + RECORD_3, 1, "before the first 'Record #' line"),
    (RECORD_3.replace("#3 of 18", "#19 of 18"), 1, "outside the search's 18 results"),
    ("Record #1 of 2\nnot a field line\n" + RECORD_4, 2, "right after the header of record #1"),
])
def test_damage_is_a_clear_error_with_its_line(tmp_path: Path, text: str, line: int, words: str) -> None:
    with pytest.raises(InputError) as error:
        read_export(write(tmp_path, text))
    assert error.value.line == line and words in error.value.message


def test_fewer_records_than_the_headers_say_is_reported(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    cut_at_limit = full_export(5).split("Record #4 of 5")[0]
    with caplog.at_level(logging.WARNING):
        _, records = read_export(write(tmp_path, cut_at_limit))
    assert len(records) == 3
    assert "the search found 5 records, but this export holds 3 (#1 to #3)" in caplog.text
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        _, records = read_export(write(tmp_path, full_export(3)))
    assert len(records) == 3 and not caplog.text


def test_a_second_export_joined_on_is_counted_on_its_own(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        _, records = read_export(write(tmp_path, full_export(2) + "\n" + full_export(3)))
    assert len(records) == 5
    assert "numbering starts again (#1 of 3 after #2 of 2)" in caplog.text
    assert "this export holds" not in caplog.text


def test_cochrane_ris_download_is_still_ris() -> None:
    """The Cochrane RIS download carries the same 'Record #' header, followed by 'Provider:' and RIS lines."""
    ris = "Record #3 of 18\nProvider: John Wiley & Sons, Ltd.\nContent: text/plain; charset=\"UTF-8\"\n\nTY  - JOUR\n"
    assert not cochrane_text.sniff(ris)
    assert cochrane_text.sniff(EXPORT)


def _real_exports() -> list[Path]:
    if not FIXTURES.exists():
        return []
    return sorted(p for p in FIXTURES.rglob("*") if p.is_file() and p.name != "README.md"
                  and not p.read_bytes()[:4].startswith((b"PK\x03\x04", b"\x1f\x8b")))


def test_no_real_export_of_another_format_is_taken_for_cochrane_text() -> None:
    paths = _real_exports()
    if not paths:
        pytest.skip(f"real export fixtures not available: {FIXTURES}")
    claimed = []
    for path in paths:
        try:
            text = decode_export(path).text
        except InputError:
            continue  # binary or damaged on purpose: no reader takes it
        if cochrane_text.sniff(text):
            claimed.append(path.relative_to(FIXTURES).as_posix())
    assert claimed == []
    assert len(paths) > 100

"""The MEDLINE and RIS readers on genuine exports from public projects (../shared/fixtures/exports).

Expected record counts are computed here independently of the readers, by counting the lines that open a
record (``PMID-`` for MEDLINE, ``TY  -`` for RIS) in the raw bytes; spot checks compare fields with values read
by eye from the files.
"""

from __future__ import annotations

import re

import pytest

from reviewflow.importing.formats.detect import read_export
from tests.conftest import FIXTURES, shared_fixture

MEDLINE_FILES = [
    "biopython+biopython/Tests/Medline/pubmed_result1.txt",
    "biopython+biopython/Tests/Medline/pubmed_result2.txt",
    "biopython+biopython/Tests/Medline/pubmed_result3.txt",
    "mjwestgate+synthesisr/tests/testthat/testdata/PubMed_example.txt",
    "dennishazelett+asian_study/citations.nbib",
    "asreview+citation-file-formatting/Datasets/RIS/_baseline_pubmed.ris",
]
RIS_FILES = [
    "mjwestgate+synthesisr/tests/testthat/testdata/Scopus_ris_example.ris",
    "asreview+asreview/tests/demo_data/scopus.ris",
    "asreview+asreview/tests/demo_data/embase.ris",
    "asreview+asreview/tests/demo_data/web_of_science.txt",
    "asreview+asreview/tests/demo_data/baseline_zotero.ris",
    "ESHackathon+CiteSource/vignettes/valid_data/WoS_79.ris",
    "ESHackathon+CiteSource/vignettes/topic_data/20221207_gambling-harms_scopus_255.ris",
    "ESHackathon+CiteSource/vignettes/new_stage_data/lens_343.ris",
    "ESHackathon+CiteSource/vignettes/benchmark_data/Search1_1.ris",
    "NLeSC+litstudy/tests/resources/example.ris",
]


def count_lines(relative: str, pattern: bytes) -> int:
    lines = re.split(rb"\r\n|\r|\n", shared_fixture(relative).read_bytes())
    return sum(1 for line in lines if re.match(pattern, line))


@pytest.mark.parametrize("relative", MEDLINE_FILES)
def test_medline_record_count_matches_pmid_lines(relative: str) -> None:
    expected = count_lines(relative, rb"PMID- ")
    fmt, records = read_export(shared_fixture(relative))
    assert fmt == "medline"
    assert len(records) == expected > 0
    assert all(r.pmid.isdigit() and r.title for r in records)


@pytest.mark.parametrize("relative", RIS_FILES)
def test_ris_record_count_matches_ty_lines(relative: str) -> None:
    expected = count_lines(relative, rb"(?:\xef\xbb\xbf)?TY  -")
    fmt, records = read_export(shared_fixture(relative))
    assert fmt == "ris"
    assert len(records) == expected > 0


def test_pubmed_example_fields() -> None:
    _, records = read_export(shared_fixture("mjwestgate+synthesisr/tests/testthat/testdata/PubMed_example.txt"))
    first = records[0]
    assert first.pmid == "28441597"
    assert first.title.startswith("Differences in nitrate and phosphorus export between wooded and grassed")
    assert first.authors[0] == "Neilen AD"
    assert first.year == "2017"
    assert first.doi == "10.1016/j.scitotenv.2017.04.075"
    assert first.pages == "188-197"


def test_scopus_ris_fields() -> None:
    _, records = read_export(shared_fixture("mjwestgate+synthesisr/tests/testthat/testdata/Scopus_ris_example.ris"))
    first = records[0]
    assert first.title.startswith("Soil fauna diversity at different stages of reed restoration")
    assert first.authors[:2] == ["Li, W.", "Dou, Z."]
    assert (first.year, first.journal, first.journal_abbrev) == ("2020", "Ecosystem Health and Sustainability",
                                                                 "Ecosyst. Health Sustain.")
    assert first.doi == "10.1080/20964129.2020.1722034"


def test_ris_with_bom_and_bare_carriage_returns_keeps_every_record() -> None:
    relative = "ESHackathon+CiteSource/vignettes/valid_data/WoS_79.ris"
    raw = shared_fixture(relative).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r" in raw.replace(b"\r\n", b"")
    _, records = read_export(FIXTURES / relative)
    assert len(records) == 79
    assert records[0].authors[0] == "Elton-Marshall, T"
    assert records[0].doi == "10.1017/s071498081800017x"

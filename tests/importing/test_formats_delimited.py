"""The delimited (CSV / TSV) reader on genuine exports (../shared/fixtures/exports) and on small hand-written files.

Expected record counts are computed here with the standard library's csv module, independently of the reader:
rows after the header (and after any preamble rows, counted by eye), minus blank rows. First-record values were
read by eye from the files and are hard-coded.
"""

from __future__ import annotations

import codecs
import csv
import re
from pathlib import Path

import pytest

from reviewflow.errors import InputError
from reviewflow.importing.formats import delimited, delimited_header
from reviewflow.importing.formats.detect import read_export
from tests.conftest import MEDLINE_TEXT, RIS_TEXT, shared_fixture

CFF = "asreview+citation-file-formatting/Datasets/"
ABSTRACKR_SECTION = "citations that are not yet labeled by anyone"

# (file, delimiter, preamble rows above the header, profile the header should select)
REAL_FILES = [
    ("NLeSC+litstudy/tests/resources/scopus.csv", ",", 0, "scopus"),
    ("networks-lab+metaknowledge/metaknowledge/tests/scopus_testing.csv.scopus", ",", 0, "scopus"),
    ("massimoaria+bibliometrix/tests/testthat/fixtures/scopus_sample.csv", ",", 0, "scopus"),
    (CFF + "CSV/_baseline_scopus.csv", ",", 0, "scopus"),
    ("asreview+asreview/tests/demo_data/embase.csv", ",", 0, "embase"),
    ("asreview+asreview/tests/demo_data/embase_newpage.csv", ",", 0, "embase"),
    (CFF + "CSV/_baseline_embase.csv", ",", 3, "embase"),
    (CFF + "CSV/_baseline_excel.csv", ";", 3, "embase"),
    (CFF + "CSV/_baseline_pubmed.csv", ",", 0, "pubmed"),
    ("p1m-ortho+qs-global-ortho-search-queries/legacy/pubmed_result_ssb_2019-07-28_thru_2019-07-29_44.csv", ",", 0,
     "pubmed_legacy"),
    ("NLeSC+litstudy/tests/resources/ieee.csv", ",", 0, "ieee"),
    ("NLeSC+litstudy/tests/resources/springer.csv", ",", 0, "springer"),
    ("massimoaria+bibliometrix/tests/testthat/fixtures/lens_sample.csv", ",", 0, "lens"),
    (CFF + "CSV/_baseline.csv", ",", 0, "lens"),
    (CFF + "TSV/_baseline.tsv", "\t", 0, "lens"),
    ("massimoaria+bibliometrix/tests/testthat/fixtures/openalex_sample.csv", ",", 0, "openalex"),
    (CFF + "CSV/_baseline_openalex.csv", ",", 0, "openalex"),
    (CFF + "TSV/_baseline_refworks.tsv", "\t", 0, "refworks"),
    (CFF + "CSV/_baseline_abstrackr.csv", ",", 0, "abstrackr"),
    (CFF + "CSV/_baseline_cinahl.csv", ",", 0, "generic"),
    (CFF + "CSV/_baseline_cochrane.csv", ",", 0, "generic"),
    (CFF + "CSV/_baseline_covidence.csv", ",", 0, "generic"),
    (CFF + "CSV/_baseline_googlescholar.csv", ",", 0, "generic"),
    (CFF + "CSV/_baseline_rayyan.csv", ",", 0, "generic"),
    (CFF + "CSV/_baseline_zotero.csv", ",", 0, "generic"),
]


def stdlib_rows(relative: str, delimiter: str, preamble: int) -> list[list[str]]:
    """Data rows of a real export as the csv module sees them: header and preamble rows dropped, blank rows and
    Abstrackr's one-cell section line left out."""
    with shared_fixture(relative).open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=delimiter))[preamble + 1 :]
    return [row for row in rows if any(cell.strip() for cell in row) and row != [ABSTRACKR_SECTION]]


@pytest.mark.parametrize(("relative", "delimiter", "preamble", "profile"), REAL_FILES)
def test_real_export_record_count(relative: str, delimiter: str, preamble: int, profile: str) -> None:
    expected = len(stdlib_rows(relative, delimiter, preamble))
    path = shared_fixture(relative)
    fmt, records = read_export(path)
    assert fmt == "delimited"
    assert delimited_header.header_profile(path.read_bytes().decode("utf-8-sig")) == profile
    assert len(records) == expected > 0
    assert [r.position for r in records] == list(range(1, expected + 1))
    assert all(r.title for r in records)
    assert all(r.line > preamble + 1 for r in records)
    assert [r.line for r in records] == sorted({r.line for r in records})


# (file, title starts with, first author, year, DOI) of the first record, read by eye.
FIRST_RECORDS = [
    ("NLeSC+litstudy/tests/resources/scopus.csv", "Scalable molecular dynamics with NAMD", "Phillips J.C.", "2005",
     "10.1002/jcc.20289"),
    ("networks-lab+metaknowledge/metaknowledge/tests/scopus_testing.csv.scopus",
     "Strain Distribution of Complex-Bending YBCO Tape", "Yagai T.", "2016", "10.1109/tasc.2016.2541670"),
    ("massimoaria+bibliometrix/tests/testthat/fixtures/scopus_sample.csv",
     "Quantitative analysis of studies that use artificial intelligence on spinal diseases", "Liu, Fengyuan", "2026",
     "10.1177/20552076261415846"),
    (CFF + "CSV/_baseline_scopus.csv", "Global latitudinal gradients and the evolution of body size",
     "Wilson, Lauren N.", "2024", "10.1038/s41467-024-46843-2"),
    ("asreview+asreview/tests/demo_data/embase.csv", "Duplication cysts: Diagnosis, management, and the role",
     "Liu R.", "2014", "10.4103/2303-9027.138783"),
    ("asreview+asreview/tests/demo_data/embase_newpage.csv", "Duplication cysts: Diagnosis, management, and the role",
     "Liu R.", "2014", "10.4103/2303-9027.138783"),
    (CFF + "CSV/_baseline_embase.csv", "Cellular structure of dinosaur scales reveals retention", "Yang Z.", "2024",
     "10.1038/s41467-024-48400-3"),
    (CFF + "CSV/_baseline_excel.csv", "Cellular structure of dinosaur scales reveals retention", "Yang Z.", "2024",
     "10.1038/s41467-024-48400-3"),
    (CFF + "CSV/_baseline_pubmed.csv", "Time lapse: A glimpse into prehistoric genomics", "Griffin DK", "2020",
     "10.1016/j.ejmg.2019.03.004"),
    ("p1m-ortho+qs-global-ortho-search-queries/legacy/pubmed_result_ssb_2019-07-28_thru_2019-07-29_44.csv",
     "Diagnosing Pseudoarthrosis After Anterior Cervical Discectomy and Fusion.", "Lin W", "2018",
     "10.14245/ns.1836192.096"),
    ("NLeSC+litstudy/tests/resources/ieee.csv", 'Exascale Computing Trends: Adjusting to the "New Normal"',
     "P. Kogge", "2013", "10.1109/mcse.2013.95"),
    ("NLeSC+litstudy/tests/resources/springer.csv", "Graph-Based Load Balancing Model for Exascale Computing",
     "Araz R. Aliev", "2022", "10.1007/978-3-030-92127-9_33"),
    ("massimoaria+bibliometrix/tests/testthat/fixtures/lens_sample.csv",
     "Dynamic real-time risk analytics of uncontrollable states", "Petar Radanliev", "2020",
     "10.1007/s10669-020-09792-x"),
    (CFF + "CSV/_baseline.csv", "The Value of Radiologic Interventions and 18 F-DOPA PET", "Björn A. Blomberg",
     "2012", "10.1007/s11307-012-0572-0"),
    (CFF + "TSV/_baseline.tsv", "The Value of Radiologic Interventions and 18 F-DOPA PET", "Björn A. Blomberg",
     "2012", "10.1007/s11307-012-0572-0"),
    ("massimoaria+bibliometrix/tests/testthat/fixtures/openalex_sample.csv",
     "bibliometrix : An R-tool for comprehensive science mapping analysis", "Massimo Aria", "2017",
     "10.1016/j.joi.2017.08.007"),
    (CFF + "CSV/_baseline_openalex.csv", "A bioprovince for the Barremian–Aptian charophytes", "Alba Vicente", "2024",
     "10.1016/j.cretres.2023.105752"),
    (CFF + "TSV/_baseline_refworks.tsv", "The effect of intra-arterial angiotensin II on the hepatic tumor",
     "van den Hoven", "2014", "10.1016/j.jvir.2013.12.293"),
    (CFF + "CSV/_baseline_abstrackr.csv", "A new small duckbilled dinosaur (Hadrosauridae: Lambeosaurinae)",
     "Longrich, N.R.", "", ""),
    (CFF + "CSV/_baseline_cinahl.csv", "Osteohistological insight into the growth dynamics of early dinosaurs",
     "Curry Rogers, Kristina", "2024", "10.1371/journal.pone.0298242"),
    (CFF + "CSV/_baseline_cochrane.csv", "The Incredible Years Therapeutic Dinosaur Programme", "Bywater, T", "2011",
     "10.1186/1745-6215-12-39"),
    (CFF + "CSV/_baseline_covidence.csv", "Cellular structure of dinosaur scales reveals retention", "Yang, Z.",
     "2024", "10.1038/s41467-024-48400-3"),
    (CFF + "CSV/_baseline_googlescholar.csv", "Did dinosaurs invent flowers?", "Barrett, Paul M", "2001", ""),
    (CFF + "CSV/_baseline_rayyan.csv", "Cellular structure of dinosaur scales reveals retention", "Yang, Z.", "2024",
     "10.1038/s41467-024-48400-3"),
    (CFF + "CSV/_baseline_zotero.csv", "Cellular structure of dinosaur scales reveals retention", "Yang, Z.", "2024",
     "10.1038/s41467-024-48400-3"),
]


@pytest.mark.parametrize(("relative", "title", "author", "year", "doi"), FIRST_RECORDS)
def test_real_export_first_record(relative: str, title: str, author: str, year: str, doi: str) -> None:
    _, records = read_export(shared_fixture(relative))
    first = records[0]
    assert first.title.startswith(title)
    assert first.authors[0] == author
    assert (first.year, first.doi) == (year, doi)
    assert first.raw  # every non-empty cell kept under its column header


@pytest.mark.parametrize("relative", [r[0] for r in REAL_FILES if r[3] == "scopus"])
def test_scopus_accessions_are_the_eids(relative: str) -> None:
    eids = [row[-1] for row in stdlib_rows(relative, ",", 0)]  # EID is the last column of these exports
    assert all(re.fullmatch(r"2-s2\.0-\d+", eid) for eid in eids)
    _, records = read_export(shared_fixture(relative))
    assert [r.accession for r in records] == eids


def test_scopus_fields_current_and_older_author_columns() -> None:
    _, records = read_export(shared_fixture(CFF + "CSV/_baseline_scopus.csv"))
    first = records[0]
    assert first.authors[:2] == ["Wilson, Lauren N.", "Gardner, Jacob D."]  # "(58975547800)" ids stripped
    assert len(first.authors) == 8
    assert (first.journal, first.journal_abbrev, first.volume, first.issue) == (
        "Nature Communications", "Nat. Commun.", "15", "1")
    assert (first.pmid, first.issn, first.language, first.publication_types) == (
        "38580657", ["20411723"], "English", ["Article"])
    assert "Body Size" in first.keywords and "Models, Biological" in first.keywords
    _, older = read_export(shared_fixture("networks-lab+metaknowledge/metaknowledge/tests/scopus_testing.csv.scopus"))
    assert older[0].authors[:3] == ["Yagai T.", "Kimura Y.", "Kamada H."]  # ", " between "Surname I." names
    assert len(older[0].authors) == 11


def test_scopus_rows_with_more_funding_texts_than_the_header_are_realigned() -> None:
    """litstudy's scopus.csv: the header lists "Funding Text 1" only, but 56 rows carry a second funding text
    column; without re-alignment ISSN, PubMed ID, language and EID would all be read one column off."""
    relative = "NLeSC+litstudy/tests/resources/scopus.csv"
    rows = stdlib_rows(relative, ",", 0)
    assert sorted({len(row) for row in rows}) == [45, 46]
    _, records = read_export(shared_fixture(relative))
    third = records[2]
    assert third.title.startswith("Petri nets and ODEs as complementary methods")
    assert (third.accession, third.pmid, third.issn, third.language, third.publication_types) == (
        "2-s2.0-85123480963", "35064163", ["20452322"], "English", ["Article"])
    mufins = next(r for r in records if r.title.startswith("MUFINS"))
    assert mufins.raw["Funding Text 2"][0].startswith("Development of MUFINS was funded by BBSRC")
    assert [r.line for r in records[:4]] == [2, 3, 4, 6]  # record 3 has a line break inside a quoted value
    assert sum(1 for r in records if not r.authors) == sum(1 for row in rows if row[0] == "[No author name available]")


def test_embase_preamble_accession_and_pmid() -> None:
    _, records = read_export(shared_fixture(CFF + "CSV/_baseline_embase.csv"))
    first = records[0]
    assert first.line == 5  # SEARCH QUERY line, dashes and a blank line above the header on line 4
    assert first.accession == "L2029880245"  # "Embase Accession ID" is empty in this export: the PUI column
    assert first.pmid == "38773066"
    assert first.authors == ["Yang Z.", "Jiang B.", "Xu J.", "McNamara M.E."]
    assert (first.journal, first.volume, first.issue, first.language) == ("Nature Communications", "15", "1",
                                                                         "English")
    assert "keratin (endogenous compound)" in first.keywords
    _, excel = read_export(shared_fixture(CFF + "CSV/_baseline_excel.csv"))  # same export re-saved by Excel (;)
    assert [(r.title, r.authors, r.pmid, r.line) for r in excel] == [(r.title, r.authors, r.pmid, r.line)
                                                                      for r in records]


def test_embase_older_layout_source_column_and_newpage_lines() -> None:
    _, records = read_export(shared_fixture("asreview+asreview/tests/demo_data/embase.csv"))
    first = records[0]
    # Source: "Endoscopic Ultrasound (2014) 3:3 (152-160). Date of Publication: 2014"
    assert (first.journal, first.year, first.volume, first.issue, first.pages) == (
        "Endoscopic Ultrasound", "2014", "3", "3", "152-160")
    assert (first.doi, first.issn) == ("10.4103/2303-9027.138783", ["22267190"])  # from the Open URL link
    assert first.accession == ""  # this layout has no accession column
    _, newpage = read_export(shared_fixture("asreview+asreview/tests/demo_data/embase_newpage.csv"))
    assert [r.line for r in newpage] == [2, 5, 8, 11, 14, 17]  # each abstract starts with "TEST" + blank line
    assert newpage[0].abstract.startswith("TEST\n\nGastrointestinal tract duplication cysts")


def test_pubmed_csv_citation_parsed() -> None:
    _, records = read_export(shared_fixture(CFF + "CSV/_baseline_pubmed.csv"))
    pmids = [row[0] for row in stdlib_rows(CFF + "CSV/_baseline_pubmed.csv", ",", 0)]
    assert [r.accession for r in records] == [r.pmid for r in records] == pmids
    first = records[0]  # "Eur J Med Genet. 2020 Feb;63(2):103640. doi: ..."
    assert (first.journal_abbrev, first.volume, first.issue, first.pages, first.pmcid) == (
        "Eur J Med Genet", "63", "2", "103640", "PMC7026692")
    assert first.authors == ["Griffin DK", "Larkin DM", "O'Connor RE"]
    elife = records[2]  # "Elife. 2022 Nov 30;11:e80092. doi: ..." (no issue)
    assert (elife.volume, elife.issue, elife.pages) == ("11", "", "e80092")
    biol_rev = records[4]  # "Biol Rev Camb Philos Soc. 2011 Feb;86(1):117-55."
    assert biol_rev.pages == "117-155"


def test_pubmed_legacy_csv_trailing_comma_and_details() -> None:
    relative = "p1m-ortho+qs-global-ortho-search-queries/legacy/pubmed_result_ssb_2019-07-28_thru_2019-07-29_44.csv"
    rows = stdlib_rows(relative, ",", 0)
    assert {len(row) for row in rows} == {12} and {row[-1] for row in rows} == {""}  # 11 columns + trailing comma
    _, records = read_export(shared_fixture(relative))
    assert [r.pmid for r in records] == [row[9] for row in rows]
    first = records[0]  # "Neurospine. 2018 Sep;15(3):194-205. doi: 10.14245/ns.1836192.096. Epub 2018 Sep 28."
    assert (first.journal, first.volume, first.issue, first.pages) == ("Neurospine", "15", "3", "194-205")
    assert first.url == "https://www.ncbi.nlm.nih.gov/pubmed/31352693"
    ahead = records[1]  # "Diabetes Metab Res Rev. 2019 Jul 28:e3211. doi: ... [Epub ahead of print]"
    assert (ahead.year, ahead.volume, ahead.pages, ahead.doi) == ("2019", "", "e3211", "10.1002/dmrr.3211")


def test_springer_concatenated_authors_split() -> None:
    _, records = read_export(shared_fixture("NLeSC+litstudy/tests/resources/springer.csv"))
    assert records[1].authors[:2] == ["Prof. Rafik A. Aliev", "Prof. Dr. Janusz Kacprzyk"]
    assert records[2].authors == ["Barnabás Bede", "Prof. Martine Ceberio", "Dr. Martine De Cock",
                                  "Prof. Vladik Kreinovich"]
    assert records[9].authors == ["Mario Rüttgers", "Moritz Waldmann", "Wolfgang Schröder", "Andreas Lintermann"]


def test_lens_openalex_ieee_refworks_fields() -> None:
    _, lens_csv = read_export(shared_fixture(CFF + "CSV/_baseline.csv"))
    _, lens_tsv = read_export(shared_fixture(CFF + "TSV/_baseline.tsv"))
    assert [(r.accession, r.title, r.authors, r.doi) for r in lens_csv] == [
        (r.accession, r.title, r.authors, r.doi) for r in lens_tsv]
    first = lens_csv[0]
    assert (first.accession, first.pmid, first.pmcid, first.issn) == (
        "000-463-679-101-319", "22752652", "PMC3553406", ["18602002", "15361632"])
    _, openalex = read_export(shared_fixture(CFF + "CSV/_baseline_openalex.csv"))
    assert (openalex[0].accession, openalex[0].journal, openalex[0].volume, openalex[0].pages) == (
        "W4387881419", "Cretaceous Research", "154", "105752")
    _, ieee = read_export(shared_fixture("NLeSC+litstudy/tests/resources/ieee.csv"))
    assert (ieee[0].accession, ieee[0].pages, ieee[0].journal) == ("6634083", "16-26",
                                                                   "Computing in Science & Engineering")
    _, refworks = read_export(shared_fixture(CFF + "TSV/_baseline_refworks.tsv"))
    assert refworks[0].authors[:3] == ["van den Hoven", "Smits, Maarten L. J.", "Rosenbaum, Charlotte E. N. M."]


def test_abstrackr_section_line_skipped_and_short_rows_padded() -> None:
    """Abstrackr writes labelled citations (17 cells), a one-cell line "citations that are not yet labeled by
    anyone", then unlabelled citations with only their first 8 cells: consistently short, so padded."""
    relative = CFF + "CSV/_baseline_abstrackr.csv"
    rows = stdlib_rows(relative, ",", 0)
    assert sorted({len(row) for row in rows}) == [8, 17]
    _, records = read_export(shared_fixture(relative))
    assert len(records) == 10
    unlabelled = records[6]
    assert unlabelled.title.startswith("Erratum: Correction: A juvenile bird")
    assert "consensus" not in unlabelled.raw and "consensus" in records[0].raw
    assert records[0].authors == ["Longrich, N.R.", "Pereda-Suberbiola, X.", "Bardet, N.", "Jalil, N.-E."]
    assert records[0].pmid == ""  # abstrackr writes 0 for "no PubMed id"


def test_cinahl_excel_guarded_cells_and_cochrane_accession() -> None:
    _, cinahl = read_export(shared_fixture(CFF + "CSV/_baseline_cinahl.csv"))
    assert (cinahl[0].issn, cinahl[0].year, cinahl[0].accession) == (["19326203"], "2024", "176404503")
    _, cochrane = read_export(shared_fixture(CFF + "CSV/_baseline_cochrane.csv"))
    assert cochrane[0].accession == "CN-00778158"


# ------------------------------------------------------------------------------------------ WoS tab-delimited

WOS_TAGGED = "mjwestgate+synthesisr/tests/testthat/testdata/WoS_txt_example.txt"
WOS_HEADER = re.findall(r"\w\w", "PT AU BA BE GP AF BF CA TI SO SE BS LA DT CT CY CL SP HO DE ID AB C1 C3 RP EM RI OI "
                        "FU FP FX CR NR TC Z9 U1 U2 PU PI PA SN EI BN J9 JI PD PY VL IS PN SU SI MA BP EP AR DI DL D2 "
                        "EA PG WC WE SC GA PM OA HC HP DA UT")
WOS_LIST_TAGS = {"AU", "AF", "CA", "BA", "BF", "CR", "C1", "EM", "RI", "OI"}  # one value per line in tagged text


def wos_tagged_records(text: str) -> list[dict[str, str]]:
    """The records of a WoS tagged file as {tag: value}: list tags joined with '; ', wrapped lines with ' '."""
    records: list[dict[str, list[str]]] = []
    current: dict[str, list[str]] | None = None
    tag = ""
    for line in text.split("\n"):
        if line.startswith("PT "):
            current = {}
            records.append(current)
        if current is None or not line.strip() or line.startswith("ER"):
            if line.startswith("ER"):
                current = None
            continue
        if line[:2].strip() and line[2:3] == " ":
            tag = line[:2]
            current.setdefault(tag, []).append(line[3:].strip())
        else:
            current[tag].append(line.strip())
    return [{tag: ("; " if tag in WOS_LIST_TAGS else " ").join(values) for tag, values in record.items()}
            for record in records]


def write_wos_tab_delimited(target: Path, records: list[dict[str, str]], header_tab: bool) -> list[str]:
    tags = WOS_HEADER + sorted({t for r in records for t in r} - set(WOS_HEADER))
    lines = ["\t".join(tags) + ("\t" if header_tab else "")]
    lines += ["\t".join(record.get(tag, "") for tag in tags) + "\t" for record in records]  # WoS ends rows with \t
    target.write_bytes(codecs.BOM_UTF16_LE + ("\r\n".join(lines) + "\r\n").encode("utf-16-le"))
    return tags


@pytest.mark.parametrize("header_tab", [False, True])
def test_wos_tab_delimited_utf16_bom_crlf(tmp_path: Path, header_tab: bool) -> None:
    tagged = shared_fixture(WOS_TAGGED).read_text(encoding="utf-8-sig")
    source = wos_tagged_records(tagged)
    assert len(source) == len(re.findall(r"^ER\s*$", tagged, flags=re.MULTILINE)) == 4
    target = tmp_path / "savedrecs.txt"
    write_wos_tab_delimited(target, source, header_tab)
    assert target.read_bytes()[:2] == codecs.BOM_UTF16_LE
    fmt, records = read_export(target)
    assert fmt == "delimited"
    assert len(records) == 4
    assert [r.line for r in records] == [2, 3, 4, 5]
    first = records[0]
    assert first.accession == "WOS:000514379300001"
    assert first.title == ("Soil fauna diversity at different stages of reed restoration in a lakeshore wetland "
                           "at Lake Taihu, China")
    assert first.authors[:2] == ["Li, Wei", "Dou, Zhiguo"] and len(first.authors) == 10
    assert (first.year, first.doi, first.volume, first.issue) == ("2020", "10.1080/20964129.2020.1722034", "6", "1")
    assert (first.journal, first.issn) == ("ECOSYSTEM HEALTH AND SUSTAINABILITY", ["2096-4129", "2332-8878"])
    second = records[1]
    assert second.pages == "9-20"
    assert '"world"' in second.abstract  # a quote character inside an unquoted WoS value is plain text
    assert first.raw["UT"] == ["WOS:000514379300001"]


# ------------------------------------------------------------------------------------- small hand-written files


def write(tmp_path: Path, text: str, name: str = "export.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_row_with_too_many_cells_names_file_line_and_column_count(tmp_path: Path) -> None:
    path = write(tmp_path, "Title,Authors,Year\nFirst study,Smith J,2001\nSecond, with comma,Jones K,2002\n")
    with pytest.raises(InputError) as caught:
        read_export(path)
    message = str(caught.value)
    assert f"{path}:3:" in message
    assert "4 cells" in message and "3 columns" in message


def test_missing_title_column_names_header_and_expectation(tmp_path: Path) -> None:
    path = write(tmp_path, "Name,Authors,Year\nFirst study,Smith J,2001\n")
    with pytest.raises(InputError) as caught:
        delimited.read(path, path.read_text(encoding="utf-8"))
    message = str(caught.value)
    assert f"{path}:1:" in message
    assert "Name,Authors,Year" in message
    assert "title column" in message and "document title" in message


def test_unterminated_quote_reports_row_start(tmp_path: Path) -> None:
    path = write(tmp_path, 'Title,Authors,Year\nFine,Smith J,2001\n"Never closed,Jones K,2002\nNext,Brown D,2003\n')
    with pytest.raises(InputError, match=re.escape(f"{path}:3:")):
        read_export(path)


def test_short_rows_padded_only_when_consistent(tmp_path: Path) -> None:
    consistent = write(tmp_path, "Title,Authors,Year,DOI\nA,Smith J,2001,10.1000/a\nB,Jones K\nC,Brown D\n")
    _, records = read_export(consistent)
    assert [(r.title, r.year, r.line) for r in records] == [("A", "2001", 2), ("B", "", 3), ("C", "", 4)]
    ragged = write(tmp_path, "Title,Authors,Year,DOI\nA,Smith J,2001,10.1000/a\nB,Jones\nK,2002,10.1000/b\n",
                   "ragged.csv")
    with pytest.raises(InputError, match=re.escape(f"{ragged}:3:") + ".*2 cells.*4 columns"):
        read_export(ragged)


def test_truncated_last_row(tmp_path: Path) -> None:
    path = write(tmp_path, "Title,Authors,Year,DOI\nA,Smith J,2001,10.1000/a\nB,Jon")
    with pytest.raises(InputError, match=re.escape(f"{path}:3:") + ".*truncated"):
        read_export(path)


def test_trailing_delimiters_only_when_every_row_has_them(tmp_path: Path) -> None:
    every = write(tmp_path, "Title,Authors,Year\nA,Smith J,2001,\nB,Jones K,2002,\n")
    assert [r.title for r in read_export(every)[1]] == ["A", "B"]
    one = write(tmp_path, "Title,Authors,Year\nA,Smith J,2001\nB,Jones K,2002,\n", "one.csv")
    with pytest.raises(InputError, match=re.escape(f"{one}:3:")):
        read_export(one)


def test_blank_rows_skipped_and_lines_are_row_starts(tmp_path: Path) -> None:
    path = write(tmp_path, 'Title,Year,DOI\n\nA,2001,\n\n"B\nspans\n\nlines",2002,\n,,\nC,2003,\n')
    _, records = read_export(path)
    assert [(r.title, r.line) for r in records] == [("A", 3), ("B spans lines", 5), ("C", 10)]
    assert [r.position for r in records] == [1, 2, 3]


def test_semicolon_and_tab_delimiters_and_preamble(tmp_path: Path) -> None:
    semicolon = write(tmp_path, "Exported 2024-01-01\n\nTitle;Authors;Year\nA;Smith J, Jones K;2001\n", "s.csv")
    _, records = read_export(semicolon)
    assert (records[0].line, records[0].authors, records[0].raw["Title"]) == (4, ["Smith J", "Jones K"], ["A"])
    tab = write(tmp_path, "title\tauthor\tpublication year\tdoi\nA\tSmith, J. and Jones, K.\t2001\thttps://doi.org/"
                "10.1000/ABC\n", "t.tsv")
    _, records = read_export(tab)
    assert (records[0].authors, records[0].year, records[0].doi) == (["Smith, J.", "Jones, K."], "2001", "10.1000/abc")


def test_scopus_surplus_cells_rejected_when_eid_does_not_line_up(tmp_path: Path) -> None:
    header = "Authors,Title,Year,Source title,Funding Text 1,ISSN,EID\n"
    good = "Smith J.,A,2001,J,fund one,fund two,12345678,2-s2.0-1\n"
    bad = "Smith J.,A, with comma,2001,J,fund one,12345678,2-s2.0-2\n"
    _, records = read_export(write(tmp_path, header + good, "good.csv"))
    assert (records[0].accession, records[0].issn, records[0].raw["Funding Text 2"]) == (
        "2-s2.0-1", ["12345678"], ["fund two"])
    path = write(tmp_path, header + good + bad, "bad.csv")
    with pytest.raises(InputError, match=re.escape(f"{path}:3:") + ".*8 cells.*7 columns"):
        read_export(path)


def test_sniff() -> None:
    assert delimited.sniff("Title,Authors,Year\nA,B,2001\n")
    assert delimited.sniff('"SEARCH QUERY","x"\n------\n\n"Title","Author Names","Source"\n')
    assert not delimited.sniff("Title,Year\nA,2001\n")  # one delimiter only
    assert not delimited.sniff("Name,Authors,Year\nA,B,2001\n")  # no title column
    assert not delimited.sniff(MEDLINE_TEXT)
    assert not delimited.sniff(RIS_TEXT)

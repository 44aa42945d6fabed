"""The Web of Science tagged and Ovid readers, on genuine exports (../shared/fixtures/exports) and small inputs.

Expected record counts are counted here from the raw bytes with regular expressions, independently of the
readers: ``PT x`` lines (checked against ``ER`` lines) for Web of Science, record-number lines (``<1>``,
``<3001. >``, ``1.``) for Ovid. The first-record values were read by eye from the files.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from reviewflow.errors import InputError
from reviewflow.importing.formats import ovid, wos_tagged
from reviewflow.importing.formats.detect import detect_format, read_export
from tests.conftest import shared_fixture

# relative path -> (title, first author, year, DOI, accession) of the first record, read from the file.
WOS_FIRST: dict[str, tuple[str, str, str, str, str]] = {
    # Named .ris but it is Web of Science tagged text (FN/VR header, PT ... ER, EF), not RIS.
    "MrTango+rispy/tests/data/example_wos.ris": (
        "Interactions stabilizing the structure of the core light-harvesting complex (LHl) of photosynthetic "
        "bacteria and its subunit (B820)",
        "Parkes-Loach, PS",
        "2004",
        "10.1021/bi049798f",
        "WOS:000221807500019",
    ),
    "mjwestgate+synthesisr/tests/testthat/testdata/WoS_ciw_example.ciw": (
        "Soil fauna diversity at different stages of reed restoration in a lakeshore wetland at Lake Taihu, China",
        "Li, Wei",
        "2020",
        "10.1080/20964129.2020.1722034",
        "WOS:000514379300001",
    ),
    "mjwestgate+synthesisr/tests/testthat/testdata/WoS_txt_example.txt": (
        "Soil fauna diversity at different stages of reed restoration in a lakeshore wetland at Lake Taihu, China",
        "Li, Wei",
        "2020",
        "10.1080/20964129.2020.1722034",
        "WOS:000514379300001",
    ),
    "knh11545+commandline4expertsearchers/test/data/WoS_other_reference_software_r4001-4012.txt": (
        "Caregivers' views on stigmatization and discrimination of people affected by leprosy in Ghana",
        "Asampong, Emmanuel",
        "2018",
        "10.1371/journal.pntd.0006219",
        "WOS:000424022700066",
    ),
    "massimoaria+bibliometrix/tests/testthat/fixtures/wos_sample.txt": (
        "Mapping the application of Geographic Information System (GIS) in real estate: a bibliometric analysis "
        "using bibliometrix and QGIS",
        "Toh, Ming Liang",
        "2026",
        "10.1080/00396265.2026.2635057",
        "WOS:001702577900001",
    ),
    "networks-lab+metaknowledge/metaknowledge/tests/ManyAuthors.isi": (
        "Defining biochemical failure following radiotherapy with or without hormonal therapy in men with "
        "clinically localized prostate cancer: Recommendations of the RTOG-ASTRO Phoenix Consensus Conference",
        "Roach, Mack, III",
        "2006",
        "10.1016/j.ijrobp.2006.04.029",
        "WOS:000238878800002",
    ),
    "networks-lab+metaknowledge/docs/examples/savedrecs.txt": (
        "EXPERIMENTS IN PHENOMENOLOGICAL ELECTRODYNAMICS AND THE ELECTROMAGNETIC ENERGY-MOMENTUM TENSOR",
        "BREVIK, I",
        "1979",
        "10.1016/0370-1573(79)90074-7",
        "WOS:A1979GV55600001",
    ),
    # Zoological Record through Web of Science: the author line carries an e-mail in brackets, dropped from
    # the name ("Stillman, Andrew N. (andrew.stillman@uconn.edu)"); no DI in the first record.
    "rmetaverse+synthesisr/inst/extdata/zoorec.txt": (
        "Nest site selection and nest survival of Black-backed Woodpeckers after wildfire.",
        "Stillman, Andrew N.",
        "2019",
        "",
        "ZOOREC:ZOOR15512090342",
    ),
    "zotero+translators/test-case-inputs/Web_of_Science_Tagged__import0.txt": (
        "Anaplerotic Role for Cytosolic Malic Enzyme in Engineered Saccharomyces cerevisiae Strains",
        "Zelle, Rintze M.",
        "2011",
        "10.1128/aem.02132-10",
        "WOS:000286597100004",
    ),
    # A Derwent patent (PT P): no year, journal or DOI in the record.
    "zotero+translators/test-case-inputs/Web_of_Science_Tagged__import7.txt": (
        "Use of reagent for detecting syntaxin 12 protein autoantibodies in preparation of lung cancer screening kit",
        "YANG Y",
        "",
        "",
        "DIIDW:202018799C",
    ),
}

OVID_FIRST: dict[str, tuple[str, str, str, str, str]] = {
    # Embase, Ovid tagged ("Complete Reference" saved for Citavi / EndNote). In the .cgi the abstract goes on
    # over unindented lines ("Method(s): ..."), which are continuations, not stray text.
    "knh11545+commandline4expertsearchers/test/data/Embase_citavi_r3001-3002.ovd": (
        "Quality of life in patients with primary ciliary dyskinesia: A systematic review.",
        "Behan L.",
        "2018",
        "10.1186/s12919-018-0099-8",
        "621381829",
    ),
    "knh11545+commandline4expertsearchers/test/data/Embase_endnote_r3001-3002.cgi": (
        "Quality of life in patients with primary ciliary dyskinesia: A systematic review.",
        "Behan L.",
        "2018",
        "10.1186/s12919-018-0099-8",
        "621381829",
    ),
    # BIOSIS Previews; the author's role in brackets ("[Inventor, Reprint Author]") is not part of the name.
    "zotero+translators/test-case-inputs/OVID_Tagged__import0.txt": (
        "Dietary supplements containing ultradense calcium citrate and carbonyl iron",
        "Walsdorf, Neill B.",
        "2004",
        "",
        "PREV200400474164",
    ),
    "zotero+translators/test-case-inputs/OVID_Tagged__import1.txt": (
        "Legitimacy crises in Pakistan.",
        "AHMED, Mughees.",
        "2007",
        "",
        "63-7578",
    ),
    # Journals@Ovid: no YR, the year is in SO ("January/February 2010;14(1):56"); "[Miscellaneous]" is Ovid's
    # article-type note after the title.
    "zotero+translators/test-case-inputs/OVID_Tagged__import2.txt": (
        "Take Ten: Need-to-Know Facts About Breast Cancer.",
        "Peterson, James A. Ph.D., FACSM",
        "2010",
        "10.1249/fit.0b013e3181c6723d",
        "00135124-201001000-00018",
    ),
    # Zoological Record: the first record has no year at all (a book, "[undated]").
    "zotero+translators/test-case-inputs/OVID_Tagged__import3.txt": (
        "Spiders (Arachnida, Aranei) from Sakhalin and the Kuril Islands.",
        "Marusik, YuM",
        "",
        "",
        "ZOOR14305031738",
    ),
    # PsycINFO with every line shifted right by one space; AN is "Peer Reviewed Journal: 2015-33942-012.".
    "zotero+translators/test-case-inputs/OVID_Tagged__import5.txt": (
        "A comparison of manifestations and impact of reassurance seeking among Japanese individuals with OCD and "
        "depression.",
        "Kobori, Osamu",
        "2015",
        "10.1017/s1352465814000277",
        "2015-33942-012",
    ),
    # PsycINFO with one space before the dash ("TI - ...").
    "zotero+translators/test-case-inputs/OVID_Tagged__import6.txt": (
        "Academic procrastination as mediated by executive functioning, perfectionism, and frustration "
        "intolerance in college students.",
        "Sudler, Eric L",
        "2014",
        "",
        "2014-99150-257",
    ),
    # Books@Ovid: editors (ED) but no authors, a five-letter tag (SCORE), no accession number.
    "zotero+translators/test-case-inputs/OVID_Tagged__import9.txt": (
        "Colour Atlas of Companion Animal Parasites, A: Life Cycles and Morphological Identification",
        "",
        "2024",
        "",
        "",
    ),
    # Ovid "RIS": numbered records holding RIS fields, then "Link to the Ovid Full Text ..." lines.
    "mjwestgate+synthesisr/tests/testthat/testdata/Ovid_ris_example.ris": (
        "Detection of retention trees on clearcuts, a 50-year perspective.",
        "Holmstrom, E.",
        "2020",
        "10.4236/ojf.2020.101008",
        "20203152553",
    ),
    "asreview+asreview/tests/demo_data/ovid_psycinfo.ris": (
        "The influence of self-criticism on depression symptoms among ambulatory patients with inflammatory "
        "bowel disease.",
        "Trindade, Ines A",
        "2019",
        "10.1002/cpp.2398",
        "2019-65183-001",
    ),
    "asreview+citation-file-formatting/Datasets/RIS/_baseline_eric_ovid.ris": (
        "Creationism and the Dinosaur Boom.",
        "Stokes, William Lee",
        "1989",
        "",
        "EJ389705",
    ),
    "asreview+citation-file-formatting/Datasets/RIS/_baseline_psychInfo_ovid.ris": (
        "DINOSAUR: An integrated cognitive-behavioral treatment for anxiety in young children with ASD.",
        "Keefer, Amy",
        "2021",
        "10.1186/s11689-021-09396-9",
        "2021-94054-001",
    ),
}


def _lines(relative: str) -> list[bytes]:
    return re.split(rb"\r\n|\r|\n", shared_fixture(relative).read_bytes())


def _count(relative: str, pattern: bytes) -> int:
    return sum(1 for line in _lines(relative) if re.match(pattern, line))


# ---------------------------------------------------------------------------------------------- Web of Science


@pytest.mark.parametrize("relative", sorted(WOS_FIRST))
def test_wos_record_count_matches_pt_and_er_lines(relative: str) -> None:
    expected = _count(relative, rb"PT [A-Z]\s*$")
    assert expected == _count(relative, rb"ER\s*$") > 0
    fmt, records = read_export(shared_fixture(relative))
    assert fmt == "wos_tagged"
    assert len(records) == expected
    assert [r.position for r in records] == list(range(1, expected + 1))
    assert all(r.title and r.accession for r in records)


@pytest.mark.parametrize("relative", sorted(WOS_FIRST))
def test_wos_first_record_fields(relative: str) -> None:
    title, author, year, doi, accession = WOS_FIRST[relative]
    _, records = read_export(shared_fixture(relative))
    first = records[0]
    assert first.title == title
    assert first.authors[0] == author
    assert first.year == year
    assert first.doi == doi
    assert first.accession == accession
    assert first.line == 3  # after the FN and VR header lines


def test_wos_field_mapping_on_a_full_record() -> None:
    _, records = read_export(shared_fixture("MrTango+rispy/tests/data/example_wos.ris"))
    first, second = records
    assert first.authors == ["Parkes-Loach, PS", "Majeed, AP", "Law, CJ", "Loach, PA"]
    assert (first.journal, first.journal_abbrev, first.volume, first.issue) == (
        "BIOCHEMISTRY",
        "Biochemistry",
        "43",
        "22",
    )
    assert (first.pages, first.pmid, first.issn, first.language) == ("7003-7016", "15170338", ["0006-2960"], "English")
    assert first.publication_types == ["Article"]
    assert first.keywords[:2] == ["CHEMICALLY SYNTHESIZED POLYPEPTIDES", "IN-VITRO RECONSTITUTION"]
    assert "AMINO-ACID-SEQUENCE" in first.keywords  # a keyword that starts a continuation line
    assert len(first.raw["CR"]) == 59 == int(first.raw["NR"][0])  # one cited reference per line
    assert first.raw["TI"] == [first.title]
    assert second.line == 112 and second.accession == "WOS:000221807500020"


def test_wos_article_number_and_full_author_names() -> None:
    _, records = read_export(
        shared_fixture("knh11545+commandline4expertsearchers/test/data/WoS_other_reference_software_r4001-4012.txt")
    )
    first = records[0]
    assert first.pages == "e0006219"  # AR: no BP/EP
    assert first.raw["AU"][:2] == ["Asampong, E", "Gyeke, MDP"]
    assert first.authors[:2] == ["Asampong, Emmanuel", "Gyeke, Mavis Dako Plusminus"]


WOS_SMALL = """\
FN Clarivate Analytics Web of Science
VR 1.0
PT J
AU Smith, J
   Jones, K
TI A title that runs
   over two lines
SO JOURNAL OF TESTS
DT Article; Early Access
DE cryoneurolysis; knee
   pain
EA MAR 2024
AR UNSP 12345
SN 1234-5678
EI 8765-432X
UT WOS:000000000000001
ER

EF
"""


def test_wos_small_record(tmp_path: Path) -> None:
    path = tmp_path / "savedrecs.txt"
    path.write_text(WOS_SMALL, encoding="utf-8")
    fmt, [record] = read_export(path)
    assert fmt == "wos_tagged"
    assert record.authors == ["Smith, J", "Jones, K"]
    assert record.title == "A title that runs over two lines"
    assert record.year == "2024"  # no PY: early-access date
    assert record.pages == "12345"
    assert record.publication_types == ["Article", "Early Access"]
    assert record.keywords == ["cryoneurolysis", "knee pain"]
    assert record.issn == ["1234-5678", "8765-432X"]
    assert (record.position, record.line, record.accession) == (1, 3, "WOS:000000000000001")


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("FN Web of Science\nVR 1.0\nPT J\nTI Cut short\nAU Smith, J\n", 3, "truncated"),
        ("PT J\nTI First\nPT J\nTI Second\nER\nEF\n", 3, "no 'ER' before the next 'PT'"),
        ("PT J\nTI First\nEF\n", 3, "no 'ER' before the next 'EF'"),
        ("PT J\nTI First\nthis line is stray\nER\nEF\n", 3, "unreadable"),
        ("FN Web of Science\nVR 1.0\nhello there\nPT J\nTI A\nER\nEF\n", 3, "outside any record"),
        ("PT J\nTI A\nER\nER\nEF\n", 4, "no open record"),
    ],
)
def test_wos_structure_errors_name_file_and_line(tmp_path: Path, text: str, line: int, words: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        wos_tagged.read(path, text)
    assert caught.value.line == line
    assert f"{path}:{line}:" in str(caught.value)
    assert words in str(caught.value)
    assert caught.value.expected


def test_wos_sniff_needs_header_or_pt_and_er_lines() -> None:
    assert wos_tagged.sniff("FN Clarivate Analytics Web of Science\nVR 1.0\nPT J\nTI A\nER\nEF\n")
    assert wos_tagged.sniff("PT J\nTI A\nER\n")
    assert not wos_tagged.sniff("PT J\nTI A\n")  # no ER line
    assert not wos_tagged.sniff("TY  - JOUR\nTI  - A\nER  - \n")
    assert not wos_tagged.sniff("PMID- 1\nTI  - A\n")


# ------------------------------------------------------------------------------------------------------- Ovid

_OVID_NUMBER = rb" ?(?:<\d+\.? ?>|\d+\. ?)\s*$"


@pytest.mark.parametrize("relative", sorted(OVID_FIRST))
def test_ovid_record_count_matches_number_lines(relative: str) -> None:
    expected = _count(relative, _OVID_NUMBER)
    assert expected > 0
    fmt, records = read_export(shared_fixture(relative))
    assert fmt == "ovid"
    assert len(records) == expected
    assert [r.position for r in records] == list(range(1, expected + 1))
    assert all(r.title for r in records)
    numbers = [i for i, line in enumerate(_lines(relative), start=1) if re.match(_OVID_NUMBER, line)]
    assert [r.line for r in records] == numbers


@pytest.mark.parametrize("relative", sorted(OVID_FIRST))
def test_ovid_first_record_fields(relative: str) -> None:
    title, author, year, doi, accession = OVID_FIRST[relative]
    _, records = read_export(shared_fixture(relative))
    first = records[0]
    assert first.title == title
    assert (first.authors[0] if first.authors else "") == author
    assert first.year == year
    assert first.doi == doi
    assert first.accession == accession


def test_ovid_embase_tagged_fields() -> None:
    citavi = read_export(shared_fixture("knh11545+commandline4expertsearchers/test/data/Embase_citavi_r3001-3002.ovd"))
    endnote = read_export(
        shared_fixture("knh11545+commandline4expertsearchers/test/data/Embase_endnote_r3001-3002.cgi")
    )
    first = citavi[1][0]
    assert first.authors == ["Behan L.", "Rubbo B.", "Lucas J.S.", "Galvin A.D."]
    assert (first.journal, first.volume, first.issue, first.pages) == ("BMC Proceedings", "12", "Supplement 3", "")
    assert (first.issn, first.language, first.publication_types) == (["1753-6561"], "English", ["Conference Abstract"])
    assert "*Kartagener syndrome" in first.keywords
    assert first.raw["record number"] == ["3001"]
    # The EndNote file breaks the abstract over unindented lines; the text read is the same as the Citavi one.
    assert endnote[1][0].abstract == first.abstract
    assert "Method(s): We searched MEDLINE" in first.abstract
    assert endnote[1][0].abstract.endswith("Interventions that ameliorate these issues need investigation.")


def test_ovid_psycinfo_tagged_fields() -> None:
    _, records = read_export(shared_fixture("zotero+translators/test-case-inputs/OVID_Tagged__import5.txt"))
    first = records[0]
    assert (first.journal, first.volume, first.issue, first.pages) == (
        "Behavioural and Cognitive Psychotherapy",
        "43",
        "5",
        "623-634",
    )
    assert first.pmid == "24892981"
    assert first.issn == ["1352-4658", "1469-1833"]
    assert first.authors == ["Kobori, Osamu", "Sawamiya, Yoko", "Iyo, Masaomi", "Shimizu, Eiji"]
    assert len(first.raw["IN"]) == 4  # blank line then indented line: one affiliation each
    assert first.raw["AN"] == ["Peer Reviewed Journal: 2015-33942-012."]


def test_ovid_citation_parts_from_source_and_link_resolver() -> None:
    _, journals = read_export(shared_fixture("zotero+translators/test-case-inputs/OVID_Tagged__import2.txt"))
    # SO "Acta Biochimica et Biophysica Sinica August 2011;43(8):647-653"
    assert (journals[1].journal, journals[1].volume, journals[1].issue, journals[1].pages) == (
        "Acta Biochimica et Biophysica Sinica",
        "43",
        "8",
        "647-653",
    )
    _, biosis = read_export(shared_fixture("zotero+translators/test-case-inputs/OVID_Tagged__import0.txt"))
    # XL ...&issn=0378-1127&isbn=&volume=201&issue=2&spage=327&pages=327-334&date=2004&title=Forest+Ecology...
    assert (biosis[1].journal, biosis[1].volume, biosis[1].pages) == ("Forest Ecology & Management", "201", "327-334")


def test_ovid_ris_layout_fields() -> None:
    _, records = read_export(shared_fixture("mjwestgate+synthesisr/tests/testthat/testdata/Ovid_ris_example.ris"))
    first = records[0]
    assert (first.journal, first.volume, first.issue, first.pages) == ("Open Journal of Forestry", "10", "1", "110-123")
    assert first.issn == ["2163-0429"]
    assert first.url == "https://www.scirp.org/html/8-1620633_97627.htm"
    assert first.raw["Link"][0].startswith("Link to the Ovid Full Text or citation:")
    _, psyc = read_export(shared_fixture("asreview+asreview/tests/demo_data/ovid_psycinfo.ris"))
    assert psyc[0].journal_abbrev == "Clin Psychol Psychother"  # NL after ER belongs to the record
    assert psyc[0].pages == ""  # SP "No" / EP "Specified"
    _, eric = read_export(shared_fixture("asreview+citation-file-formatting/Datasets/RIS/_baseline_eric_ovid.ris"))
    assert eric[3].pages == "215-220"  # SP 215 / EP 20
    assert eric[0].publication_types == ["Journal Articles", "Reports - Descriptive"]


OVID_LONG_FORM = """\
<1>
Unique Identifier
  2001234567
Title
  Cryoneurolysis for knee pain.
Authors
  Smith J.; Jones K.
Source
  Pain Medicine. 21 (4) (pp 700-709), 2020. Date of Publication: April 2020.
Year of Publication
  2020
Digital Object Identifier
  https://dx.doi.org/10.1000/XYZ.1
Abstract
  We treated
  knees.
MeSH Subject Headings
  Cryosurgery
  Knee Joint

<2>
Title
  Second record.
"""


def test_ovid_long_form_layout(tmp_path: Path) -> None:
    path = tmp_path / "ovid.txt"
    path.write_text(OVID_LONG_FORM, encoding="utf-8")
    fmt, records = read_export(path)
    assert fmt == "ovid"
    first, second = records
    assert (first.accession, first.title, first.authors) == (
        "2001234567",
        "Cryoneurolysis for knee pain.",
        ["Smith J.", "Jones K."],
    )
    assert (first.year, first.doi, first.abstract) == ("2020", "10.1000/xyz.1", "We treated knees.")
    assert (first.journal, first.volume, first.issue, first.pages) == ("Pain Medicine", "21", "4", "700-709")
    assert first.keywords == ["Cryosurgery", "Knee Joint"]
    assert first.raw["Authors"] == ["Smith J.; Jones K."]
    assert (second.position, second.line, second.title) == (2, 21, "Second record.")


def test_ovid_numbered_paragraph_is_not_a_record(tmp_path: Path) -> None:
    text = "1.\nTI  - One\nAB  - Aims:\n2. Methods were used.\nYR  - 2020\n\n2.\nTI  - Two\n"
    path = tmp_path / "ovid.txt"
    path.write_text(text, encoding="utf-8")
    _, records = read_export(path)
    assert [r.title for r in records] == ["One", "Two"]
    assert records[0].abstract == "Aims: 2. Methods were used."
    assert records[1].line == 7


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("Search history\n\n<1>\nTI  - A\n", 1, "text before the first record"),
        ("1.\nTY  - JOUR\nT1  - A\n\n2.\nTY  - JOUR\nT1  - B\nER  - \n", 1, "no 'ER  -' before the next record"),
        ("1.\nTY  - JOUR\nT1  - A\n", 1, "no 'ER  -' before the end of the file"),
        ("1.\nTY  - JOUR\nT1  - A\nER  - \nstray words\n", 5, "unexpected text after 'ER  -'"),
        ("<1>\n\n<2>\nTI  - B\n", 1, "has no fields"),
        ("<1>\n    indented\nTI  - B\n", 2, "indented text"),
    ],
)
def test_ovid_structure_errors_name_file_and_line(tmp_path: Path, text: str, line: int, words: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        ovid.read(path, text)
    assert caught.value.line == line
    assert f"{path}:{line}:" in str(caught.value)
    assert words in str(caught.value)
    assert caught.value.expected


def test_ovid_sniff() -> None:
    assert ovid.sniff("<1>\nVN  - Ovid Technologies\nTI  - A\n")
    assert ovid.sniff(" <7. >\n VN  - Ovid Technologies\n")
    assert ovid.sniff("1. Embase\nTY  - JOUR\n")
    assert ovid.sniff("<1>\nTitle\n  A title\n")
    assert not ovid.sniff("TY  - JOUR\nTI  - A\nER  - \n")
    assert not ovid.sniff("1. Introduction\nThis is prose.\n")
    assert not ovid.sniff("PT J\nTI A\nER\n")


def test_detect_picks_the_new_readers_and_leaves_plain_ris_alone() -> None:
    assert detect_format(Path("x"), "FN Clarivate Analytics Web of Science\nVR 1.0\nPT J\nER\nEF\n") == "wos_tagged"
    assert detect_format(Path("x"), "<1>\nVN  - Ovid Technologies\n") == "ovid"
    assert detect_format(Path("x"), "TY  - JOUR\nTI  - A\nER  - \n") == "ris"
    # Zotero's RIS export of Ovid records is plain RIS, not an Ovid layout.
    fmt, _ = read_export(shared_fixture("asreview+asreview/tests/demo_data/ovid_zotero.ris"))
    assert fmt == "ris"

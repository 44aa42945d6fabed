"""The sheets people fill in: readable titles, abstract and keywords shown, and sheets saved back part-done
(blank rows = still awaiting) accepted as decision and extraction files."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from reviewflow.errors import InputError
from reviewflow.importing.exports import import_files
from reviewflow.screening.sheets import AWAITING_COLUMNS, known_acronyms, readable_title
from tests.conftest import shared_fixture
from tests.test_screening_extraction import EXTRACTION_HEADER, Review, extract

SHEET = "results/awaiting_screening.csv"


@pytest.fixture
def review(mini_project: Path) -> Review:
    return Review(mini_project)


@pytest.mark.parametrize(("title", "shown"), [
    ("CRYOANALGESIA FOR CHRONIC KNEE PAIN: A CASE SERIES", "Cryoanalgesia for chronic knee pain: a case series"),
    ("ULTRASOUND-GUIDED CRYONEUROLYSIS IN PHASE II AND TYPE III PAIN", "Ultrasound-guided cryoneurolysis in phase II "
     "and type III pain"),
    ("COVID-19 AND IL-6 IN 24-HOUR CARE OF 3RD-DEGREE BURNS IN THE 1990S",
     "COVID-19 and IL-6 in 24-hour care of 3rd-degree burns in the 1990s"),
    ("T-CELL RESPONSE IN HEPATITIS B: A DOG'S VITAMIN-A STATUS", "T-cell response in hepatitis B: a dog's "
     "vitamin-A status"),
    ("PAIN RELIEF. A TRIAL OF CRYOTHERAPY VS. PLACEBO", "Pain relief. A trial of cryotherapy vs. placebo"),
    ("24-HOUR PAIN SCORES AFTER CRYONEUROLYSIS", "24-hour pain scores after cryoneurolysis"),
    ("INTRACELLULAR pH AFTER FREEZING OF NERVES", "Intracellular pH after freezing of nerves"),
    ("ALGORİTMALARDAN AKUSTİĞE YAPAY ZEKÂ", "Algoritmalardan akustiğe yapay zekâ"),  # İ lowers to a plain i
])
def test_titles_written_in_capitals_are_shown_in_sentence_case(title: str, shown: str) -> None:
    assert readable_title(title) == shown


@pytest.mark.parametrize("title", [
    "Cryoneurolysis of the LFCN for meralgia paresthetica: a case series",  # acronyms in a normal title stay
    "CRPS UPDATE",  # too short to tell acronyms from shouting
    "Cryoneurolysis for CHRONIC pain",
    "",
])
def test_other_titles_are_shown_as_exported(title: str) -> None:
    assert readable_title(title) == title


def test_the_works_own_abstract_and_keywords_name_its_acronyms_and_proper_names() -> None:
    abstract = ("BACKGROUND: Complex regional pain syndrome (CRPS) is hard to treat. MATERIALS AND METHODS: We "
                "treated patients in Japan with computed tomography (CT) guidance. RESULTS: Pain fell.")
    assert known_acronyms(abstract) == {"CRPS", "CT"}
    title = "CT-GUIDED CRYONEUROLYSIS FOR CRPS IN JAPAN: RESULTS AND METHODS"
    assert readable_title(title, abstract) == "CT-guided cryoneurolysis for CRPS in Japan: results and methods"
    assert readable_title(title, "", "Cryoneurolysis; CRPS; Ultrasound") == (
        "Ct-guided cryoneurolysis for CRPS in japan: results and methods")
    # A source written in capitals (WoS Keywords Plus) names nothing.
    assert known_acronyms("DOGS; C-MYC ONCOPROTEIN; DNA PLOIDY") == set()


@pytest.mark.parametrize(("export", "title", "shown"), [
    ("camaradesuk+ASySD/tests/testthat/zotero_export.ris", "CONGENITAL HEREDITARY CATARACT IN COCKER SPANIELS",
     "Congenital hereditary cataract in cocker spaniels"),
    ("camaradesuk+ASySD/tests/testthat/wos_test.ris", "INHERITED XX SEX REVERSAL IN THE COCKER SPANIEL DOG",
     "Inherited XX sex reversal in the cocker spaniel dog"),
    ("camaradesuk+ASySD/tests/testthat/zotero_export.ris",
     "THE FACTOR-VIII-COMPLEX AND ITS ROLE IN INHERITED COAGULATION DISORDERS IN DOGS",
     "The factor-VIII-complex and its role in inherited coagulation disorders in dogs"),
    ("ESHackathon+CiteSource/tests/testthat/data/1_WoS.ris",
     "SYSTEMATIC COMPARISON OF ILWAS, MAGIC, AND ETD WATERSHED ACIDIFICATION MODELS .1. MAPPING AMONG MODEL "
     "INPUTS AND DETERMINISTIC RESULTS",
     "Systematic comparison of ILWAS, MAGIC, and ETD watershed acidification models .1. Mapping among model "
     "inputs and deterministic results"),  # the abstract writes the three models' acronyms
    ("ESHackathon+CiteSource/vignettes/new_stage_data/envindex_100.ris",
     "FIRE EFFECTS ON NITROGEN POOLS AND DYNAMICS IN TERRESTRIAL ECOSYSTEMS: A META-ANALYSIS.",
     "Fire effects on nitrogen pools and dynamics in terrestrial ecosystems: a meta-analysis."),
])
def test_real_all_caps_titles_from_exports(export: str, title: str, shown: str) -> None:
    records, _ = import_files([shared_fixture(export)])
    row = records.loc[records["title"] == title].iloc[0]
    assert readable_title(row.title, row.abstract, row.keywords) == shown


@pytest.mark.parametrize("export", [
    "camaradesuk+ASySD/tests/testthat/zotero_export.ris",
    "networks-lab+metaknowledge/metaknowledge/tests/ManyAuthors.isi",
    "ESHackathon+CiteSource/vignettes/benchmark_data/Search1_1.ris",
])
def test_on_whole_real_exports_only_the_case_of_capitals_titles_changes(export: str) -> None:
    records, _ = import_files([shared_fixture(export)])
    changed = 0
    for row in records.itertuples():
        shown = readable_title(row.title, row.abstract, row.keywords)
        assert shown.lower() == row.title.lower(), row.title
        letters = [c for c in row.title if c.isalpha()]
        if shown != row.title:
            changed += 1
            assert sum(c.isupper() for c in letters) >= 0.9 * len(letters), row.title
            assert sum(c.isupper() for c in shown) < 0.5 * len(letters), shown
    assert changed >= 10


def _sheet(review: Review) -> pd.DataFrame:
    return pd.read_csv(review.project / SHEET, dtype=str, keep_default_na=False)


def test_awaiting_sheet_shows_abstract_keywords_and_a_readable_title(review: Review) -> None:
    knee = review.work("Cryoneurolysis for knee")
    works = review.works.copy()
    works.loc[works["work_id"] == knee, ["title", "abstract", "keywords"]] = [
        "CRYONEUROLYSIS FOR KNEE PAIN: A RANDOMIZED TRIAL", "We froze the IPBN in 40 patients.", "Knee; IPBN"]
    review.works = works
    with pytest.raises(InputError):
        review.screen()
    sheet = _sheet(review)
    assert list(sheet.columns) == AWAITING_COLUMNS
    assert AWAITING_COLUMNS[AWAITING_COLUMNS.index("pmid") + 1:][:2] == ["abstract", "keywords"]
    row = sheet.set_index("work_id").loc[knee]
    assert row.title == "Cryoneurolysis for knee pain: a randomized trial"
    assert (row.abstract, row.keywords) == ("We froze the IPBN in 40 patients.", "Knee; IPBN")
    assert works.set_index("work_id").at[knee, "title"] == "CRYONEUROLYSIS FOR KNEE PAIN: A RANDOMIZED TRIAL"


def test_a_sheet_saved_back_part_done_is_a_decision_file_and_blank_rows_still_await(review: Review) -> None:
    works = review.works.copy()
    works["abstract"] = "An abstract, with a comma and\na line break."
    works["keywords"] = "Cryoneurolysis; Pain"
    review.works = works
    with pytest.raises(InputError, match=r"4 work\(s\) have no title_abstract"):
        review.screen()
    sheet = _sheet(review)
    knee, surgery = review.work("Cryoneurolysis for knee"), review.work("Cryoablation of intercostal")
    sheet.loc[sheet["work_id"] == knee, ["reviewer", "decision"]] = ["AB", "include"]
    sheet.loc[sheet["work_id"] == surgery, ["reviewer", "decision", "reason"]] = ["AB", "exclude", "intraoperative"]
    phantom = review.work("Cryoneurolysis for phantom")
    sheet.loc[sheet["work_id"] == phantom, ["reviewer", "note"]] = ["AB", "read the full text first?"]
    sheet.to_csv(review.project / "data/screening/ta_part1.csv", index=False)

    with pytest.raises(InputError, match=r"3 work\(s\) have no full_text / title_abstract decision") as caught:
        review.screen()
    assert "rows left without a decision stay awaiting" in str(caught.value)
    shoulder = review.work("Ultrasound-guided")
    awaiting = set(zip(_sheet(review)["work_id"], _sheet(review)["stage"], strict=True))
    assert awaiting == {(phantom, "title_abstract"), (shoulder, "title_abstract"), (knee, "full_text")}

    rest = _sheet(review).assign(reviewer="AB", decision="include")
    rest.to_csv(review.project / "data/screening/ta_part2.csv", index=False)
    with pytest.raises(InputError, match=r"2 work\(s\) have no full_text decision"):
        review.screen()


def test_wrongly_filled_rows_beside_blank_rows_keep_their_precise_errors(review: Review) -> None:
    knee, phantom = review.work("Cryoneurolysis for knee"), review.work("Cryoneurolysis for phantom")
    blank = [f"{phantom},title_abstract,,,,", ",,,,,", f"{knee},title_abstract,AB,,,a note"]
    review.decide([*blank, f"{knee},full_text,AB,,intraoperative,"])
    with pytest.raises(InputError, match=r"ta.csv:5: a reason \('intraoperative'\) but no decision; "
                                         rf"record {knee}; field 'decision'"):
        review.screen()
    review.decide([*blank, f"{knee},full_text,AB,maybe,,"])
    with pytest.raises(InputError, match=r"ta.csv:5: unknown decision 'maybe' at stage full_text"):
        review.screen()
    review.decide([*blank, f"{knee},fulltext,AB,include,,"])
    with pytest.raises(InputError, match=rf"ta.csv:5: value 'fulltext' fails .*record {knee}; field 'stage'"):
        review.screen()


def test_the_extraction_template_saved_back_part_done_is_accepted(review: Review) -> None:
    review.complete_decisions()
    screening = review.screen()
    sheet_path = review.project / "data/extraction/studies.csv"
    with pytest.raises(InputError, match="extraction sheet not found"):
        extract(review, sheet_path, screening)
    template = pd.read_csv(review.project / "results/awaiting_extraction.csv", dtype=str, keep_default_na=False)
    sheet_columns = [c for c in EXTRACTION_HEADER.strip().split(",") if c != "study_label"]
    assert list(template.columns) == [*sheet_columns, "report_of", "first_author", "year", "title"]
    shoulder, knee = review.work("Ultrasound-guided"), review.work("Cryoneurolysis for knee")
    filled = ["case_series", "shoulder pain", "", "", "", "3", "", "3 months", "", "NRS", "nrs", "7",
              "3", "na", "", ""]
    template.loc[template["work_id"] == shoulder, template.columns[1:17]] = filled
    template.to_csv(sheet_path, index=False)
    with pytest.raises(InputError, match=rf"1 problem\(s\) .*record {knee}; field 'work_id'; expected a row for"):
        extract(review, sheet_path, screening)
    assert pd.read_csv(review.project / "results/awaiting_extraction.csv", dtype=str)["work_id"].tolist() == [knee]

    template.loc[template["work_id"] == knee, "condition"] = "knee pain"
    template.to_csv(sheet_path, index=False)
    # A row begun is checked like any other.
    with pytest.raises(InputError, match=rf"problem\(s\) .*record {knee}; field 'design'; expected one of rct"):
        extract(review, sheet_path, screening)
    template.loc[template["work_id"] == knee, template.columns[1:17]] = [
        "rct", "knee pain", "", "", "", "40", "sham", "6 months", "", "VAS", "vas10", "6.5", "3.5",
        "yes", "", ""]
    template.to_csv(sheet_path, index=False)
    studies = extract(review, sheet_path, screening)
    labels = {shoulder: "Smith and Jones (2015)", knee: "Brown (2020)"}
    assert studies["study_label"].tolist() == [labels[w] for w in studies["work_id"]]
    assert studies["title"].tolist() == review.works.set_index("work_id").loc[studies["work_id"], "title"].tolist()


def test_unfilled_extraction_rows_among_a_handwritten_sheet(review: Review) -> None:
    review.complete_decisions()
    screening = review.screen()
    shoulder, knee = review.work("Ultrasound-guided"), review.work("Cryoneurolysis for knee")
    path = review.project / "data/extraction/studies.csv"
    path.write_text(EXTRACTION_HEADER + f"{knee},,,,,,,,,,,,,,,,,\n"
                    f"{shoulder},Smith 2015,case_series,shoulder pain,,,,three,,3 months,,NRS,nrs,7,3,na,,\n",
                    encoding="utf-8")
    with pytest.raises(InputError, match=rf"studies.csv:3: 2 problem\(s\) .*record {shoulder}; field 'n_patients'"):
        extract(review, path, screening)

"""BibTeX writer: stable keys (collisions, no year, no author, ASCII folding), escaping, determinism."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pypandoc
import pytest

from reviewflow.errors import InputError
from reviewflow.report.bibliography import citation_keys, write_bibtex

COLUMNS = ["work_id", "title", "authors", "year", "journal", "journal_abbrev", "volume", "issue", "pages",
           "doi", "pmid"]


def _works(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame([{c: row.get(c, "") for c in COLUMNS} for row in rows], columns=COLUMNS)


ROWS = [
    {"work_id": "W3", "title": "Zeta trial of cryoneurolysis", "authors": "Smith JA; Lee K", "year": "2020"},
    {"work_id": "W1", "title": "Alpha study", "authors": "Smith B", "year": "2020"},
    {"work_id": "W2", "title": "Beta cohort", "authors": "SMITH C", "year": "2020"},
    {"work_id": "W4", "title": "Knee pain", "authors": "Müller K; Ødegård T", "year": "2019"},
    {"work_id": "W5", "title": "Undated report", "authors": "Øster P", "year": ""},
    {"work_id": "W6", "title": "  Cryoneurolysis: a consensus", "authors": "", "year": "2021"},
    {"work_id": "W7", "title": "Particles", "authors": "van der Berg J-P", "year": "2018"},
]


def test_keys_surname_year_with_collision_suffixes_in_title_order() -> None:
    keys = citation_keys(_works(ROWS))
    # three Smith 2020 (case-insensitive clash), suffixed by title: Alpha, Beta, Zeta
    assert (keys["W1"], keys["W2"], keys["W3"]) == ("Smith2020a", "Smith2020b", "Smith2020c")
    assert keys["W4"] == "Muller2019"  # ASCII-folded
    assert keys["W5"] == "Osternd"  # no year
    assert keys["W6"] == "Cryoneurolysis2021"  # no author: first word of the title
    assert keys["W7"] == "vanderBerg2018"


def test_keys_do_not_depend_on_row_order() -> None:
    forward = citation_keys(_works(ROWS))
    backward = citation_keys(_works(list(reversed(ROWS))))
    assert forward == backward


def test_duplicate_work_id_is_an_input_error() -> None:
    with pytest.raises(InputError, match="W1"):
        citation_keys(_works([ROWS[1], ROWS[1]]))


def test_write_bibtex_sorted_escaped_and_deterministic(tmp_path: Path) -> None:
    rows = [*ROWS, {"work_id": "W8", "title": "Costs & 50% of {x}_1 #2",
                    "authors": "World Health Organization", "year": 2017, "journal": "Pain Med",
                    "journal_abbrev": "Pain Med.", "volume": "18",
                    "issue": "4", "pages": "100-9", "doi": "10.1093/pm/x_1", "pmid": "28000001"}]
    one, two = tmp_path / "a.bib", tmp_path / "b.bib"
    keys = write_bibtex(_works(rows), one)
    write_bibtex(_works(list(reversed(rows))), two)
    assert one.read_bytes() == two.read_bytes()
    text = one.read_text(encoding="utf-8")
    entry_keys = [line.split("{", 1)[1].rstrip(",") for line in text.splitlines() if line.startswith("@")]
    assert entry_keys == sorted(keys.values())
    assert r"title = {Costs \& 50\% of \{x\}\_1 \#2}," in text
    assert "author = {{World Health Organization}}," in text
    assert "doi = {10.1093/pm/x_1}," in text  # read verbatim: an escaped underscore would print as \_
    assert "@article{WorldHealthOrganization2017," in text and "pages = {100--9}," in text
    assert "author = {Smith, J. A. and Lee, K.}," in text
    assert "author = {van der Berg, J.-P.}," in text
    assert "\r" not in text and text.endswith("}\n")


def test_bibtex_reads_back_through_pandoc_from_a_csv_with_gaps(tmp_path: Path) -> None:
    csv = "work_id,title,authors,year,journal,journal_abbrev,volume,issue,pages,doi,pmid\n" \
          "W1,Über alles & more,Müller K; Smith JA,2020,J Pain,,3,,1-10,10.1/abc,123\n" \
          "W2,No date,Lee K,,,,,,,,\n"
    works = pd.read_csv(io.StringIO(csv), dtype=str, keep_default_na=False)
    works_nan = pd.read_csv(io.StringIO(csv))  # NaN gaps and a float year column
    path = tmp_path / "refs.bib"
    keys = write_bibtex(works, path)
    assert keys == {"W1": "Muller2020", "W2": "Leend"} == citation_keys(works_nan)
    write_bibtex(works_nan, tmp_path / "nan.bib")
    assert (tmp_path / "nan.bib").read_bytes() == path.read_bytes()
    items = {item["id"]: item for item in json.loads(pypandoc.convert_file(str(path), "csljson",
                                                                          format="bibtex"))}
    assert items["Muller2020"]["title"] == "Über alles & more"
    assert items["Muller2020"]["author"][0] == {"family": "Müller", "given": "K."}
    assert items["Muller2020"]["DOI"] == "10.1/abc" and items["Muller2020"]["page"] == "1-10"
    assert set(items) == {"Muller2020", "Leend"}


def test_empty_works_give_an_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "refs.bib"
    assert write_bibtex(_works([]), path) == {}
    assert path.read_text() == ""


# ------------------------------------------------------------------------------------ thin records, verbatim links

THIN = [
    {"work_id": "W1", "authors": "Friedman", "year": "2012"},  # a surname and a year, nothing else
    {"work_id": "W2", "title": "Ice, Ice, Baby: Cryoneurolysis as a Novel Approach: A Case Study"},
    {"work_id": "W3", "title": "[Untitled; design: case report; condition: neuroma pain]", "year": "2011"},
    {"work_id": "W4"},
    {"work_id": "W5", "title": "Cryoablation of the Infrapatellar Branch of the Saphenous Nerve", "year": "2020",
     "journal_abbrev": "AANA J", "volume": "92"},
    {"work_id": "W6", "title": "Linked", "authors": "Lee K", "year": "2021", "doi": "10.1/a_b",
     "url": "https://example.org/a_b%20c~d#frag"},
    {"work_id": "W9", "title": "[Kryoneurolyse: eine Übersicht]", "year": "2015"},  # MEDLINE: translated title
    {"work_id": "W8", "title": "Resolved", "authors": "Ng A", "year": "2018", "doi": "10.1/c_d",
     "url": "http://dx.doi.org/10.1/C_D"},
    {"work_id": "W7", "title": "Only a link", "authors": "Kim J", "year": "2019",
     "url": "https://example.org/x_y%20z~w#top"},
]


def _thin_bib(tmp_path: Path) -> tuple[dict[str, str], str]:
    works = pd.DataFrame([{c: row.get(c, "") for c in [*COLUMNS, "url"]} for row in THIN])
    path = tmp_path / "refs.bib"
    return write_bibtex(works, path), path.read_text(encoding="utf-8")


def _rendered(tmp_path: Path, keys: dict[str, str]) -> tuple[str, str]:
    """(citations, reference list) as pandoc's citeproc prints them with its default (Chicago) style."""
    cites = "; ".join(f"@{keys[w]}" for w in sorted(keys))
    (tmp_path / "doc.md").write_text(f"---\nbibliography: refs.bib\n---\n\nCited [{cites}].\n", encoding="utf-8")
    text = pypandoc.convert_file(str(tmp_path / "doc.md"), "plain", extra_args=["--citeproc", "--wrap=none"],
                                 cworkdir=str(tmp_path))
    body, _, references = text.partition("\n\n")
    return body, references


def test_thin_records_say_what_the_exports_did_not_give(tmp_path: Path) -> None:
    keys, text = _thin_bib(tmp_path)
    assert keys["W3"] == "Untitled2011" and keys["W4"] == "Anonnd"
    assert "author = {{Friedman}},\n  title = {{[Title not reported in the search exports]}}," in text
    assert "shorttitle = {Ice, Ice, Baby}" in text and "type = {Authors not reported in the search exports}" in text
    assert "shorttitle = {{[Untitled]}}" in text and "type = {Title and authors not reported" in text
    assert "shorttitle = {Cryoablation of the Infrapatellar Branch}" in text  # five words, not ending on "of"
    assert "@article{Cryoablation2020," in text and "journal = {AANA J}" in text  # abbreviation when no name
    assert "doi = {10.1/a_b}," in text and "url = {https://example.org/a_b%20c~d#frag}," in text
    assert "doi = {10.1/c_d}," in text and "dx.doi.org" not in text  # a URL that only resolves the DOI
    translated = text[text.index("@misc{Kryoneurolyse2015"):].split("\n}")[0]
    assert "shorttitle = {{[Kryoneurolyse]}}" in translated and "type = {Authors not reported" in translated


def test_thin_records_render_honestly_through_citeproc(tmp_path: Path) -> None:
    keys, _ = _thin_bib(tmp_path)
    citations, references = _rendered(tmp_path, keys)
    # cited by author, short title or supplied title, never by a title fragment; no year reads n.d.
    assert "Friedman 2012" in citations and "Ice, Ice, Baby, n.d." in citations
    assert "[Untitled] 2011" in citations and "Cryoablation of the Infrapatellar Branch" in citations
    assert "[Untitled;" not in citations and "Case Study" not in citations
    assert "Friedman. 2012. [Title not reported in the search exports]." in references
    assert "A Case Study. n.d. Authors not reported in the search exports." in references
    assert ("[Untitled; design: case report; condition: neuroma pain]. 2011. Title and authors not reported in "
            "the search exports.") in references  # as written: no title case
    assert "[Untitled]. n.d. Title and authors not reported in the search exports." in references
    assert "AANA J 92." in references
    # DOIs and URLs reach the reader as written
    assert "https://doi.org/10.1/a_b" in references and "https://example.org/x_y%20z~w#top" in references
    assert "\\" not in references


def test_published_reference_doi_is_verbatim() -> None:
    from reviewflow.report.tables import published_reference_bibtex

    reference = {"key": "r", "authors": ["Lee K"], "title": "T", "year": 2020, "doi": "10.1/x_y%z"}
    assert "doi = {10.1/x_y%z}" in published_reference_bibtex(reference)

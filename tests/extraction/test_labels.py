"""Study labels generated from the main work's bibliographic fields (extraction/labels.py)."""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd
import pytest

from reviewflow.extraction.labels import drop_typed_labels, short_title, study_labels, surname


def work(work_id: str, authors: str = "", year: str = "", title: str = "", first_author: str = "") -> dict:
    return {"work_id": work_id, "authors": authors, "year": year, "title": title, "first_author": first_author}


@pytest.mark.parametrize(("authors", "label"), [
    ("Wolter T", "Wolter (2011)"),
    ("Hota SR; Das G", "Hota and Das (2011)"),
    ("Wolter T; Deininger M; Hubbe U", "Wolter et al. (2011)"),
    ("von Falck", "von Falck (2011)"),
    ("van der Berg JA; Smith B; Jones C", "van der Berg et al. (2011)"),
    ("Smith, J.A.; Jones, B.", "Smith and Jones (2011)"),
    ("Kvarstein G; Högström H", "Kvarstein and Högström (2011)"),
])
def test_one_two_and_many_authors(authors: str, label: str) -> None:
    assert study_labels([work("W1", authors, "2011")]) == {"W1": label}


def test_first_author_alone_when_the_list_is_empty() -> None:
    assert study_labels([work("W1", first_author="Friedman", year="2012")]) == {"W1": "Friedman (2012)"}


def test_no_year_is_nd() -> None:
    assert study_labels([work("W1", "Prologo JD")]) == {"W1": "Prologo (n.d.)"}
    assert study_labels([work("W1", "Prologo JD", "in press")]) == {"W1": "Prologo (n.d.)"}


def test_no_authors_gives_a_short_title_in_quotes() -> None:
    title = "Ice, Ice, Baby: Cyroneurolysis as a Novel Approach to Facet-Mediated Chronic Lower Back Pain"
    assert study_labels([work("W1", title=title, year="2020")]) == {"W1": "\u201cIce, Ice, Baby\u201d (2020)"}
    long = "Use of ultrasound-guided cryotherapy for the management of chronic pain states"
    assert short_title(long) == "Use of ultrasound-guided cryotherapy\u2026"  # no "for the" before the cut


def test_neither_authors_nor_title_names_the_work() -> None:
    assert study_labels([work("W01861af6722a")]) == {"W01861af6722a": "Work W01861af6722a (n.d.)"}


def test_duplicates_get_letters_in_title_order_whatever_the_row_order() -> None:
    rows = [work("W3", "Smith A; Jones B; Lee C", "2012", "Zebra trial"),
            work("W1", "Smith A; Brown D; Lee C", "2012", "Apple trial"),
            work("W2", "Smith A; Jones B", "2012", "Middle"),
            work("W4", "Smith A", "", "B"), work("W5", "Smith A", "", "A")]
    expected = {"W1": "Smith et al. (2012a)", "W3": "Smith et al. (2012b)", "W2": "Smith and Jones (2012)",
                "W4": "Smith (n.d.-b)", "W5": "Smith (n.d.-a)"}
    assert study_labels(rows) == expected
    assert study_labels(list(reversed(rows))) == expected


def test_duplicates_with_the_same_title_are_ordered_by_work_id() -> None:
    rows = [work("W9", "Smith A", "2012", "Same"), work("W2", "SMITH A", "2012", "Same")]
    assert study_labels(rows) == {"W2": "SMITH (2012a)", "W9": "Smith (2012b)"}


def test_surname_keeps_particles_and_organisations() -> None:
    assert surname("von Falck C") == "von Falck"
    assert surname("De La Cruz MJ") == "De La Cruz"
    assert surname("World Health Organization") == "World Health Organization"


def test_a_typed_label_column_is_ignored_with_a_note(caplog: pytest.LogCaptureFixture) -> None:
    sheet = pd.DataFrame({"work_id": ["W1"], "study_label": ["PMC7075583_PTPS"], "design": ["rct"]})
    with caplog.at_level(logging.INFO):
        assert list(drop_typed_labels(sheet, Path("studies.csv")).columns) == ["work_id", "design"]
    assert "study_label column is ignored" in caplog.text

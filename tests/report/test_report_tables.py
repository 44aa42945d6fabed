"""Manuscript tables: escaping of extracted text, design counts beside the published ones."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from reviewflow.config import load_config
from reviewflow.report.tables import cell, design_table, published_reference_bibtex

CONFIG = load_config(Path(__file__).resolve().parents[2] / "reviews" / "cryoneurolysis" / "config" / "review.yaml")


def test_cell_escapes_markdown_and_marks_missing_values() -> None:
    assert cell("a | b *c* @d") == r"a \| b \*c\* \@d"
    assert cell("two\nlines") == "two lines"
    assert cell("") == "NR"


def test_design_table_counts_groups_and_quotes_the_published_review() -> None:
    studies = pd.DataFrame({"design": ["rct", "case_report", "case_series", "retrospective"]})
    table = design_table(studies, CONFIG)
    assert "| Randomised controlled trials | 1 | 25.0 | 4 |" in table
    assert "| Case reports or small series | 2 | 50.0 | 31 |" in table
    assert "| Total | 4 | 100.0 | 55 |" in table
    assert table.rstrip().endswith("{#tbl-designs}")


def test_published_reference_entry_uses_surname_comma_initials() -> None:
    entry = published_reference_bibtex(CONFIG["published_reference"])
    assert entry.startswith("@article{published_review,")
    assert "Tinnirello, A and Marchesini, M" in entry and "Lo Bianco, G" in entry
    assert "doi = {10.3390/medicina61061090}" in entry


def test_published_reference_entry_escapes_bibtex_specials() -> None:
    reference = CONFIG["published_reference"] | {"title": "Pain & cryoneurolysis: 100% of {cases}",
                                                 "journal": "J_Pain"}
    entry = published_reference_bibtex(reference)
    assert r"title = {{Pain \& cryoneurolysis: 100\% of \{cases\}}}" in entry
    assert r"journal = {J\_Pain}" in entry


def test_works_without_title_or_authors_are_described_from_the_extraction() -> None:
    from reviewflow.report.tables import _describe_untitled

    studies = pd.DataFrame({"title": ["", "Known title", ""], "authors": ["", "", "Smith J"],
                            "design": ["case_report", "rct", "rct"], "condition": ["neuroma pain", "x", "y"]})
    described = _describe_untitled(studies, "condition")  # the form's topic field
    assert described["title"].tolist() == [
        "[Untitled; design: case report; condition: neuroma pain]", "Known title", ""]
    without_topic = _describe_untitled(studies)
    assert without_topic["title"].iloc[0] == "[Untitled; design: case report]"

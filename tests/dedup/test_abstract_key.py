"""The abstract key read from a prefix of a long abstract is the key of the whole abstract."""

from __future__ import annotations

import pytest

from reviewflow.dedup.abstract_forms import ABSTRACT_CHARS, ABSTRACT_MIN_CHARS, abstract_key, abstract_words
from reviewflow.importing.exports import import_files
from tests.conftest import shared_fixture


def whole_text_key(text: str) -> str:
    key = abstract_words(text or "")[:ABSTRACT_CHARS]
    return key if len(key) >= ABSTRACT_MIN_CHARS else ""


LONG = "word " * 300


@pytest.mark.parametrize("text", [
    "",
    "short abstract",
    LONG,
    "x" * 3000,                                                          # no space to cut at
    ("Background " * 100) + "<span class='a-very-long-attribute-value'>" + LONG,   # a tag across the cut
    ("Hazard " * 170) + "R&D " + LONG,                                   # an ampersand with no entity
    ("T&amp;E " * 150) + "&eacute;t&eacute; " + LONG,                    # entities before the cut
    ("Übergewicht " * 90) + "—" + ("naïve " * 200),                     # accents and dashes
    ("<b>Methods</b> " * 100) + LONG,                                    # closed tags only
    ("a " * 700),                                                        # many one-letter words
])
def test_the_prefix_key_equals_the_whole_text_key(text: str) -> None:
    assert abstract_key(text) == whole_text_key(text)


@pytest.mark.parametrize("relative", [
    "asreview+citation-file-formatting/Datasets/RIS/_baseline_pubmed.ris",
    "ESHackathon+CiteSource/vignettes/valid_data/WoS_79.ris",
    "ESHackathon+CiteSource/vignettes/topic_data/20221207_gambling-harms_scopus_255.ris",
    "NLeSC+litstudy/tests/resources/scopus.csv",
])
def test_real_abstracts_get_the_same_key(relative: str) -> None:
    records, _ = import_files([shared_fixture(relative)])
    abstracts = [a for a in records["abstract"] if a]
    assert abstracts, "the export should hold abstracts"
    assert [abstract_key(a) for a in abstracts] == [whole_text_key(a) for a in abstracts]


def unguarded_prefix_key(text: str) -> str:
    """What the key would be if the prefix were cut at any space, ignoring tags (the bug the guard prevents)."""
    return abstract_words(text[:text.rfind(" ", 0, 2 * ABSTRACT_CHARS)])[:ABSTRACT_CHARS]


def test_a_tag_cut_by_the_prefix_does_not_change_the_key() -> None:
    """Padding that normalises away puts a short tag right across the cut, where its words would enter the key."""
    tag = "<span class='aaaaaaaaaa bbbbbbbbbbbbbbb'>"
    for repeats in range(60, 200):
        text = "ab ;;;;;;;; " * repeats + "cd " * 40 + tag + " " + LONG
        if unguarded_prefix_key(text) != whole_text_key(text):
            break
    else:
        pytest.fail("no padding puts the tag across the cut; the case proves nothing")
    assert abstract_key(text) == whole_text_key(text)

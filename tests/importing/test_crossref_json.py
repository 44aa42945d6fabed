"""The Crossref reader: real records in Crossref's documented shape read back field by field, the documented
date precedence, JATS abstracts, organisations, and the errors that stop an import."""

from __future__ import annotations

import copy
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from Bio import Medline

from reviewflow.errors import InputError
from reviewflow.importing.formats import crossref_json
from reviewflow.importing.formats.detect import detect_format, iter_export, read_export
from reviewflow.importing.formats.jats_text import jats_to_text, markup_to_text
from reviewflow.normalize import normalise_pages
from tests.search.crossref_works import real_works, works_page
from tests.search.fake_eutils import real_medline_records

PATH = Path("data/raw/crossref/crossref-2025-01-10.json")


@pytest.fixture(scope="module")
def works() -> list[dict[str, Any]]:
    return real_works()


@pytest.fixture(scope="module")
def medline_by_doi() -> dict[str, dict[str, Any]]:
    """The source MEDLINE records, parsed by Bio.Medline, by their DOI: the expected values."""
    found = {}
    for text in real_medline_records():
        record = next(Medline.parse(io.StringIO(text)))
        ids = " ".join(_list(record, "LID") + _list(record, "AID"))
        match = re.search(r"(\S+) \[doi\]", ids)
        if match:
            found[match.group(1).lower()] = record
    return found


def _list(record: dict[str, Any], tag: str) -> list[str]:
    value = record.get(tag, [])
    return [value] if isinstance(value, str) else list(value)


def _pages(items: list[dict[str, Any]], size: int) -> str:
    """A snapshot: works answers one after another, as `reviewflow search` writes them (here indented, so each
    answer starts on its own line)."""
    bodies = []
    for start in range(0, len(items), size):
        page = json.loads(works_page(items[start:start + size], len(items), f"cursor-{start}", size))
        bodies.append(json.dumps(page, indent=1, ensure_ascii=False) + "\n")
    return "".join(bodies)


def _one(item: dict[str, Any]) -> crossref_json.ParsedRecord:
    [record] = crossref_json.read(PATH, works_page([item], 1, "c", 20).decode("utf-8"))
    return record


def test_real_records_are_read_back_field_by_field(works: list[dict[str, Any]],
                                                   medline_by_doi: dict[str, dict[str, Any]]) -> None:
    text = _pages(works, 3)
    records = crossref_json.read(PATH, text)
    assert [r.position for r in records] == list(range(1, len(works) + 1))
    assert [r.accession for r in records] == [w["DOI"].lower() for w in works]
    starts = [number for number, line in enumerate(text.split("\n"), start=1) if line.startswith("{")]
    assert [r.line for r in records] == [starts[i // 3] for i in range(len(works))]
    for record in records:
        source = medline_by_doi[record.accession]
        assert record.doi == record.accession
        assert record.title == " ".join(source["TI"].split())
        assert record.authors == _list(source, "FAU") + _list(source, "CN")
        years = [source["DP"][:4]] + ([source["DEP"][:4]] if source.get("DEP") else [])
        assert record.year == min(years)  # issued: the earliest of print and online publication
        assert (record.journal, record.journal_abbrev) == (source["JT"], source["TA"])
        assert (record.volume, record.issue) == (source.get("VI", ""), source.get("IP", ""))
        assert record.pages == normalise_pages(source["PG"])
        assert record.issn and all(issn in " ".join(_list(source, "IS")) for issn in record.issn)
        assert record.abstract.lower().split() == source["AB"].lower().split()
        assert (record.language, record.publication_types) == ("en", ["journal-article"])
        assert record.keywords and record.url == "https://doi.org/" + record.raw["DOI"]
        assert all(isinstance(v, str) or (isinstance(v, list) and all(isinstance(x, str) for x in v))
                   for v in record.raw.values())
        assert isinstance(record.raw["DOI"], str) and record.raw["DOI"].lower() == record.accession
    assert list(crossref_json.iter_read(PATH, text)) == records


def test_an_organisation_author_keeps_its_place_by_name(works: list[dict[str, Any]]) -> None:
    [group] = [w for w in works if any("name" in a for a in w["author"])]
    record = _one(group)
    assert record.authors[-1] == "Australian Ovarian Cancer Study Group"
    assert record.authors[0] == f"{group['author'][0]['family']}, {group['author'][0]['given']}"
    assert len(record.authors) == len(group["author"])


@pytest.mark.parametrize(("dates", "expected"), [
    ({"issued": [[2019, 3, 13]], "published-print": [[2019, 5]], "published-online": [[2019, 3, 13]]}, "2019"),
    ({"issued": [[2018, 12]], "published-print": [[2019]], "published-online": [[2020]]}, "2018"),
    ({"published-print": [[2017, 1]], "published-online": [[2016, 12, 30]]}, "2017"),
    ({"issued": [[None]], "published-print": [[2015]], "published-online": [[2014]]}, "2015"),
    ({"published-online": [[2014, 2]]}, "2014"),
    ({"issued": [[None]]}, ""),
])
def test_the_year_follows_the_documented_precedence(works: list[dict[str, Any]], dates: dict, expected: str
                                                    ) -> None:
    item = copy.deepcopy(works[0])
    for key in crossref_json.YEAR_DATES:
        item.pop(key, None)
    item.update({key: {"date-parts": parts} for key, parts in dates.items()})
    assert _one(item).year == expected


def test_title_subtitle_markup_and_people(works: list[dict[str, Any]]) -> None:
    item = copy.deepcopy(works[0])
    item["title"] = ["Cryoneurolysis of the <i>genicular</i> nerves &amp; knee pain"]
    item["subtitle"] = ["a randomised trial"]
    item["author"] = [{"given": "Ann", "family": "Smith", "suffix": "Jr.", "sequence": "first", "affiliation": []},
                      {"family": "Nakamura", "sequence": "additional", "affiliation": []},
                      {"name": "The CRYO Trial Group", "sequence": "additional", "affiliation": []}]
    item["short-container-title"] = []
    record = _one(item)
    assert record.title == "Cryoneurolysis of the genicular nerves & knee pain: a randomised trial"
    assert record.authors == ["Smith, Ann, Jr.", "Nakamura", "The CRYO Trial Group"]
    assert record.journal_abbrev == ""
    item["title"], item["subtitle"] = ["Knee pain: a randomised trial"], ["A randomised trial"]
    assert _one(item).title == "Knee pain: a randomised trial"  # a subtitle already in the title is not repeated
    assert _one(item).raw["author"] == ["Smith, Ann, Jr.", "Nakamura", "The CRYO Trial Group"]


@pytest.mark.parametrize(("jats", "text"), [
    ("<jats:title>Abstract</jats:title><jats:p>Pain fell (p &lt; 0.05).</jats:p>", "Pain fell (p < 0.05)."),
    ("<jats:sec><jats:title>Background</jats:title><jats:p>One.</jats:p></jats:sec>"
     "<jats:sec><jats:title>Results:</jats:title><jats:p>CO<jats:sub>2</jats:sub> at 5 <jats:italic>°C"
     "</jats:italic>.</jats:p></jats:sec>", "Background: One. Results: CO2 at 5 °C."),
    ("<p>Plain HTML&#160;paragraph</p><p>and a second</p>", "Plain HTML paragraph and a second"),
    ("No markup at all; p < 0.05 and x > 1.", "No markup at all; p < 0.05 and x > 1."),
    ("<jats:p>Abstract</jats:p>", "Abstract"),
])
def test_jats_abstracts_become_text(jats: str, text: str) -> None:
    assert jats_to_text(jats) == text


def test_markup_to_text_keeps_comparisons() -> None:
    assert markup_to_text("Effect of <scp>TENS</scp>\n on pain < 3 months") == "Effect of TENS on pain < 3 months"


def test_detection_picks_the_reader_and_no_other_api(tmp_path: Path, works: list[dict[str, Any]]) -> None:
    path = tmp_path / "crossref-2025-01-10.json"
    path.write_bytes(works_page(works[:2], 3, "a", 2) + works_page(works[2:3], 3, "b", 2))
    assert detect_format(path, path.read_text(encoding="utf-8")) == "crossref_json"
    name, records = read_export(path)
    assert (name, [r.position for r in records]) == ("crossref_json", [1, 2, 3])
    name, streamed = iter_export(path)
    assert [r.accession for r in streamed] == [r.accession for r in records]
    other = '{"version":"6.9","hitCount":0,"request":{},"resultList":{"result":[]}}'
    assert not crossref_json.sniff(other)
    assert not crossref_json.sniff("TY  - JOUR\nER  - \n")


def test_a_work_without_a_doi_stops_the_import_naming_its_place(works: list[dict[str, Any]]) -> None:
    items = copy.deepcopy(works[:4])
    del items[3]["DOI"]
    text = _pages(items, 2)
    with pytest.raises(InputError) as caught:
        crossref_json.read(PATH, text)
    second = [number for number, line in enumerate(text.split("\n"), start=1) if line.startswith("{")][1]
    assert (caught.value.line, caught.value.record, caught.value.field) == (second, "4", "DOI")
    assert str(caught.value).startswith(f"{PATH}:{second}: a work without a DOI")


def test_a_damaged_or_foreign_answer_stops_the_import_with_its_line(works: list[dict[str, Any]]) -> None:
    good = _pages(works[:2], 2)
    lines = good.count("\n")
    with pytest.raises(InputError, match="not readable JSON") as caught:
        crossref_json.read(PATH, good + good[: len(good) // 2])
    assert caught.value.line == lines + 1
    failure = '{"status":"failed","message-type":"validation-failure","message":[]}\n'
    with pytest.raises(InputError, match="not a Crossref list of works") as caught:
        crossref_json.read(PATH, good + failure)
    assert caught.value.line == lines + 1

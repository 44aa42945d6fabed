"""The Scopus Search API snapshot reader: real Scopus records, re-expressed as COMPLETE-view answers, read back
field for field as the Scopus CSV reader reads the same records; the STANDARD view; refusals with their line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from reviewflow.errors import InputError
from reviewflow.importing.formats import scopus_json
from reviewflow.importing.formats.detect import detect_format, read_export
from reviewflow.normalize import find_issns
from tests.conftest import FIXTURES
from tests.search.api_records import SCOPUS_SOURCES, real_scopus_entries
from tests.search.fake_scopus import RESPONSES


def _page(entries: list[dict[str, Any]], total: int, indent: int | None = 2) -> str:
    body = json.loads((RESPONSES / "scopus/page.json").read_text(encoding="utf-8"))
    body["search-results"].update({"opensearch:totalResults": str(total), "entry": entries})
    return json.dumps(body, indent=indent, ensure_ascii=False)


@pytest.fixture(scope="module")
def entries() -> list[dict[str, Any]]:
    return real_scopus_entries()


@pytest.fixture
def snapshot(tmp_path: Path, entries: list[dict[str, Any]]) -> Path:
    """Two answers one after another, as `reviewflow search` writes them."""
    path = tmp_path / "scopus-2025-01-10.json"
    path.write_text(_page(entries[:7], len(entries)) + _page(entries[7:], len(entries)), encoding="utf-8")
    return path


def test_every_entry_is_read_in_order_with_its_answers_line(snapshot: Path, entries: list[dict[str, Any]]) -> None:
    fmt, records = read_export(snapshot)
    assert fmt == "scopus_json" and detect_format(snapshot, snapshot.read_text()) == "scopus_json"
    assert [r.accession for r in records] == [e["eid"] for e in entries]
    assert [r.position for r in records] == list(range(1, len(entries) + 1))
    second = snapshot.read_text().count("\n", 0, snapshot.read_text().index('{\n  "search-results"', 10)) + 1
    assert {r.line for r in records[:7]} == {1} and {r.line for r in records[7:]} == {second}
    streamed = list(scopus_json.iter_read(snapshot, snapshot.read_text()))
    assert [r.accession for r in streamed] == [r.accession for r in records]


def test_fields_match_what_the_scopus_csv_reader_reads_from_the_same_records(snapshot: Path) -> None:
    from_csv = {}
    for relative in SCOPUS_SOURCES:
        for record in read_export(FIXTURES / relative)[1]:
            from_csv[record.accession] = record
    for record in read_export(snapshot)[1]:
        csv = from_csv[record.accession]
        assert (record.title, record.authors, record.year, record.journal) == \
            (csv.title, csv.authors, csv.year, csv.journal), record.accession
        assert (record.volume, record.issue, record.doi, record.pmid) == \
            (csv.volume, csv.issue, csv.doi, csv.pmid), record.accession
        assert record.issn == [find for issn in csv.issn for find in find_issns(issn)], record.accession
        assert record.abstract == " ".join(csv.abstract.split()), record.accession  # white space made one
        assert record.keywords == [k.strip() for k in csv.raw.get("Author Keywords", [""])[0].split(";") if k.strip()
                                   and k.strip() != "NA"]
        assert record.publication_types == csv.publication_types[:1] and record.url.startswith("https://www.scopus")
        assert record.issn and all(len(issn) == 9 and issn[4] == "-" for issn in record.issn)
    first = read_export(snapshot)[1][0]
    assert first.raw["eid"] == first.accession and isinstance(first.raw["author.surname"], list)
    assert first.raw["author-count.$"] == str(len(first.authors))


def test_the_standard_view_gives_the_first_author_and_a_null_page_range_the_article_number(tmp_path: Path) -> None:
    entry = {"eid": "2-s2.0-85112205136", "dc:title": "A title", "dc:creator": "Kanakkanthara A.",
             "prism:coverDate": "2021-12-01", "prism:pageRange": None, "article-number": "188607",
             "prism:issn": "0304419X", "prism:eIssn": "18792561", "subtypeDescription": "Review",
             "link": [{"@ref": "self", "@href": "https://api.elsevier.com/x"},
                      {"@ref": "scopus", "@href": "https://www.scopus.com/inward/record.uri?scp=85112205136"}]}
    path = tmp_path / "s.json"
    path.write_text(_page([entry], 1, indent=None), encoding="utf-8")
    [record] = read_export(path)[1]
    assert record.authors == ["Kanakkanthara A."] and record.pages == "188607" and record.year == "2021"
    assert record.issn == ["0304-419X", "1879-2561"] and record.url.endswith("scp=85112205136")
    assert "prism:pageRange" not in record.raw


def test_authors_follow_seq_and_an_author_listed_twice_is_kept_once(tmp_path: Path) -> None:
    authors = [{"@seq": "2", "authid": "2", "surname": "Thompson", "given-name": "Simon G."},
               {"@seq": "1", "authid": "1", "surname": "Higgins", "initials": "J.P.T."},
               {"@seq": "2", "authid": "2", "surname": "Thompson", "given-name": "Simon G."}]
    path = tmp_path / "s.json"
    path.write_text(_page([{"eid": "2-s2.0-1", "author": authors, "authkeywords": "a | b |  | a"}], 1), "utf-8")
    [record] = read_export(path)[1]
    assert record.authors == ["Higgins J.P.T.", "Thompson, Simon G."] and record.keywords == ["a", "b"]


def test_an_empty_results_answer_holds_no_record(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_bytes((RESPONSES / "scopus/empty.json").read_bytes())
    assert scopus_json.read(path, path.read_text()) == []


def test_an_entry_without_an_eid_is_refused_naming_its_answers_line(tmp_path: Path,
                                                                    entries: list[dict[str, Any]]) -> None:
    broken = dict(entries[0])
    del broken["eid"]
    path = tmp_path / "s.json"
    first = _page(entries[:2], 3)
    path.write_text(first + "\n" + _page([broken], 3), encoding="utf-8")
    with pytest.raises(InputError) as refused:
        read_export(path)
    assert refused.value.line == first.count("\n") + 2 and refused.value.field == "eid"
    assert "record 3 has no EID" in str(refused.value)


def test_an_answer_cut_off_is_refused_naming_its_line(tmp_path: Path, entries: list[dict[str, Any]]) -> None:
    path = tmp_path / "s.json"
    first = _page(entries[:2], 3)
    path.write_text(first + (RESPONSES / "scopus/malformed.json").read_text(), encoding="utf-8")
    with pytest.raises(InputError, match="not readable JSON") as refused:
        read_export(path)
    assert refused.value.line == first.count("\n") + 1


@pytest.mark.parametrize("text", ['{"search-results": {"entry": {"eid": "x"}}}', '{"search-results": []}'])
def test_an_answer_of_another_shape_is_refused(tmp_path: Path, text: str) -> None:
    path = tmp_path / "s.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match="search-results"):
        scopus_json.read(path, text)


def test_sniffing_claims_scopus_answers_only() -> None:
    assert scopus_json.sniff(' \n{ "search-results" : {"opensearch:totalResults": "1"}}')
    assert not scopus_json.sniff('{"metadata": {"total": 1}, "hits": []}')
    assert not scopus_json.sniff('{"meta": {"count": 1}, "results": []}')
    assert not scopus_json.sniff("TY  - JOUR\nER  -\n")


def test_raw_keeps_every_value_flattened_by_path() -> None:
    from reviewflow.importing.formats.flat_json import flatten

    record = {"a": {"b": 1, "c": [{"d": "x"}, {"d": "y"}], "g": []}, "e": None, "f": True, "h": "", "i": ["z"]}
    assert flatten(record) == {"a.b": "1", "a.c.d": ["x", "y"], "f": "true", "i": ["z"]}

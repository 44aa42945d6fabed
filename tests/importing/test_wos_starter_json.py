"""The Web of Science Starter API snapshot reader: real Web of Science records, re-expressed as Starter API
answers, read back field for field as the tagged-export reader reads the same records; refusals with their line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from reviewflow.errors import InputError
from reviewflow.importing.formats import wos_starter_json
from reviewflow.importing.formats.detect import detect_format, read_export
from tests.conftest import FIXTURES
from tests.search.api_records import WOS_SOURCES, real_wos_documents
from tests.search.fake_wos_starter import RESPONSES


def _page(hits: list[dict[str, Any]], total: int, page: int = 1, indent: int | None = 2) -> str:
    body = json.loads((RESPONSES / "wos_starter/page.json").read_text(encoding="utf-8"))
    body.update({"metadata": {"total": total, "page": page, "limit": 50}, "hits": hits})
    return json.dumps(body, indent=indent, ensure_ascii=False)


@pytest.fixture(scope="module")
def documents() -> list[dict[str, Any]]:
    return real_wos_documents()


@pytest.fixture
def snapshot(tmp_path: Path, documents: list[dict[str, Any]]) -> Path:
    path = tmp_path / "wos-2025-01-10.json"
    path.write_text(_page(documents[:20], len(documents)) + _page(documents[20:], len(documents), 2),
                    encoding="utf-8")
    return path


def test_every_document_is_read_in_order_with_its_answers_line(snapshot: Path,
                                                                documents: list[dict[str, Any]]) -> None:
    text = snapshot.read_text()
    fmt, records = read_export(snapshot)
    assert fmt == "wos_starter_json" and detect_format(snapshot, text) == "wos_starter_json"
    assert [r.accession for r in records] == [d["uid"] for d in documents]
    assert [r.position for r in records] == list(range(1, len(documents) + 1))
    second = text.count("\n", 0, text.index('{\n  "metadata"', 10)) + 1
    assert {r.line for r in records[:20]} == {1} and {r.line for r in records[20:]} == {second}
    assert [r.accession for r in wos_starter_json.iter_read(snapshot, text)] == [r.accession for r in records]


def test_fields_match_what_the_tagged_reader_reads_from_the_same_records(snapshot: Path) -> None:
    tagged = {}
    for relative in WOS_SOURCES:
        for record in read_export(FIXTURES / relative)[1]:
            tagged[record.accession] = record
    for record in read_export(snapshot)[1]:
        wos = tagged[record.accession]
        assert (record.title, record.authors, record.year, record.journal) == \
            (wos.title, wos.authors, wos.year, wos.journal), record.accession
        assert (record.volume, record.issue, record.pages, record.doi, record.pmid, record.issn) == \
            (wos.volume, wos.issue, wos.pages, wos.doi, wos.pmid, wos.issn), record.accession
        assert record.keywords == [k for k in wos.keywords if k in record.keywords]  # DE, without Keywords Plus
        assert record.publication_types == wos.publication_types[:1] and record.abstract == ""
        assert record.url == f"https://www.webofscience.com/wos/woscc/full-record/{record.accession}"
    first = read_export(snapshot)[1][0]
    assert first.raw["uid"] == first.accession and isinstance(first.raw["names.authors.displayName"], list)
    assert first.raw["source.publishYear"] == first.year


def test_wos_standard_names_a_pmid_prefix_and_an_article_number(tmp_path: Path) -> None:
    hit = {"uid": "WOS:000123456700001", "title": "T", "types": ["Article"],
           "source": {"sourceTitle": "J", "publishYear": 2023, "articleNumber": "e0281234"},
           "names": {"authors": [{"wosStandard": "Kowalski, J"}, {"displayName": "Nowak, Anna", "wosStandard": "x"}]},
           "identifiers": {"pmid": "MEDLINE:12345678", "issn": "1234-5678", "eissn": "8765-4321"}}
    path = tmp_path / "w.json"
    path.write_text(_page([hit], 1, indent=None), encoding="utf-8")
    [record] = read_export(path)[1]
    assert record.authors == ["Kowalski, J", "Nowak, Anna"] and record.pmid == "12345678"
    assert record.pages == "e0281234" and record.issn == ["1234-5678", "8765-4321"] and record.year == "2023"
    assert record.raw["identifiers.pmid"] == "MEDLINE:12345678"


def test_an_empty_answer_holds_no_record(tmp_path: Path) -> None:
    path = tmp_path / "w.json"
    path.write_bytes((RESPONSES / "wos_starter/page.json").read_bytes())
    assert wos_starter_json.read(path, path.read_text()) == []


def test_a_document_without_a_uid_is_refused_naming_its_answers_line(tmp_path: Path,
                                                                     documents: list[dict[str, Any]]) -> None:
    broken = {k: v for k, v in documents[0].items() if k != "uid"}
    first = _page(documents[:2], 3)
    path = tmp_path / "w.json"
    path.write_text(first + "\n" + _page([broken], 3, 2), encoding="utf-8")
    with pytest.raises(InputError) as refused:
        read_export(path)
    assert refused.value.line == first.count("\n") + 2 and refused.value.field == "uid"
    assert "record 3 has no uid" in str(refused.value)


def test_an_answer_cut_off_is_refused_naming_its_line(tmp_path: Path, documents: list[dict[str, Any]]) -> None:
    first = _page(documents[:2], 3)
    path = tmp_path / "w.json"
    path.write_text(first + (RESPONSES / "wos_starter/malformed.json").read_text(), encoding="utf-8")
    with pytest.raises(InputError, match="not readable JSON") as refused:
        read_export(path)
    assert refused.value.line == first.count("\n") + 1


@pytest.mark.parametrize("text", ['{"metadata": {"total": 1}, "hits": {"uid": "x"}}',
                                  '{"metadata": {"total": 1}, "hits": ["WOS:1"]}'])
def test_an_answer_of_another_shape_is_refused(tmp_path: Path, text: str) -> None:
    path = tmp_path / "w.json"
    with pytest.raises(InputError, match="hits list"):
        wos_starter_json.read(path, text)


def test_sniffing_claims_starter_answers_only() -> None:
    assert wos_starter_json.sniff('{\n "metadata": {"total": 0, "page": 1, "limit": 50},\n "hits": []}')
    assert wos_starter_json.sniff('{"hits": [{"uid": "WOS:000123456700001"}], "metadata": {"total": 1}}')
    assert not wos_starter_json.sniff('{"search-results": {"opensearch:totalResults": "1"}}')
    assert not wos_starter_json.sniff('{"hits": [{"id": "W1"}]}')
    assert not wos_starter_json.sniff('{"meta": {"count": 1}, "results": []}')
    assert not wos_starter_json.sniff("FN Clarivate Analytics Web of Science\nVR 1.0\nPT J\nER\n")

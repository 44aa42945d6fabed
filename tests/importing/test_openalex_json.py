"""The OpenAlex works JSON reader on answers built from the real OpenAlex records of ../shared: every work of every
answer read, fields mapped as documented, the abstract rebuilt in word order, bad input stopped with its line."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest

from reviewflow.errors import InputError
from reviewflow.importing.formats import openalex_json
from reviewflow.importing.formats.detect import detect_format, read_export
from tests.search.fake_openalex import list_body
from tests.search.openalex_works import real_works


@pytest.fixture(scope="module")
def works() -> list[dict[str, Any]]:
    return real_works()


def _snapshot(tmp_path: Path, works: list[dict[str, Any]], per_page: int = 5) -> Path:
    """The answers of a cursor-paged search saved one after another, as `reviewflow search` writes them."""
    pages = [works[i:i + per_page] for i in range(0, len(works), per_page)]
    body = b"".join(list_body(page, len(works), per_page, f"cursor{i}" if i < len(pages) - 1 else None)
                    for i, page in enumerate(pages))
    path = tmp_path / "openalex-2026-01-10.json"
    path.write_bytes(body)
    return path


def _by_id(records: list, accession: str) -> Any:
    return next(r for r in records if r.accession == accession)


def test_every_work_of_every_answer_is_read_in_order(tmp_path: Path, works: list[dict[str, Any]]) -> None:
    path = _snapshot(tmp_path, works)
    fmt, records = read_export(path)
    assert fmt == "openalex_json"
    assert [r.accession for r in records] == [w["id"].rsplit("/", 1)[-1] for w in works]
    assert [r.position for r in records] == list(range(1, len(works) + 1))
    assert {r.line for r in records} == {1}  # the answers are saved without newlines between them


def test_fields_are_mapped_from_the_documented_work_object(tmp_path: Path, works: list[dict[str, Any]]) -> None:
    _, records = read_export(_snapshot(tmp_path, works))
    first = _by_id(records, "W4387881419")
    assert first.title == "A bioprovince for the Barremian–Aptian charophytes of the Central Tethyan Archipelago"
    assert first.authors[:2] == ["Vicente, Alba", "Sanjuan, Josep"]
    assert first.raw["authorships.author.display_name"][:2] == ["Alba Vicente", "Josep Sanjuan"]
    assert first.raw["authorships.raw_author_name"][0] == "Alba Vicente"
    assert (first.year, first.journal, first.volume, first.issue, first.pages) == (
        "2024", "Cretaceous Research", "154", "", "105752")
    assert first.doi == "10.1016/j.cretres.2023.105752" and first.issn == ["0195-6671", "1095-998X"]
    assert (first.language, first.publication_types) == ("en", ["article"])
    assert first.keywords == ["Archipelago", "Aptian", "Paleoclimatology"]
    source = next(w for w in works if w["id"].endswith("W4387881419"))
    words = sorted((p, w) for w, ps in source["abstract_inverted_index"].items() for p in ps)
    assert first.abstract == " ".join(w for _, w in words) and first.abstract.startswith("A comprehensive")
    assert first.raw["abstract"] == first.abstract and "abstract_inverted_index" not in first.raw
    assert first.raw["id"] == "https://openalex.org/W4387881419"  # a single value stays a string
    assert len(first.raw["referenced_works"]) == 39

    pubmed = _by_id(records, "W4393870979")
    assert (pubmed.pmid, pubmed.volume, pubmed.issue, pubmed.pages) == ("38584612", "143", "1", "")
    gondwana = _by_id(records, "W4389158994")
    assert gondwana.pages == "1-22" and gondwana.issn == ["1342-937X", "1878-0571"]
    bibliometrix = _by_id(records, "W2755950973")
    assert bibliometrix.authors == ["Aria, Massimo", "Cuccurullo, Corrado"] and bibliometrix.abstract == ""
    assert bibliometrix.issn == ["1751-1577"] and bibliometrix.raw["referenced_works"] == []


def test_pmcid_and_a_missing_source(tmp_path: Path, works: list[dict[str, Any]]) -> None:
    work = json.loads(json.dumps(works[0]))
    work["ids"]["pmcid"] = "https://www.ncbi.nlm.nih.gov/pmc/articles/PMC7075583"
    work["primary_location"] = None
    [record] = openalex_json.read(Path("x.json"), list_body([work], 1, 25, None).decode())
    assert record.pmcid == "PMC7075583" and record.journal == "" and record.issn == []


@pytest.mark.parametrize(("display", "expected"), [
    ("Jason Priem", "Priem, Jason"), ("Maciej J. Bojanowski", "Bojanowski, Maciej J."),
    ("Aisha Al Suwaidi", "Al Suwaidi, Aisha"), ("Ludwig van der Berg", "van der Berg, Ludwig"),
    ("Martin Luther King Jr.", "King, Martin Luther, Jr."), ("Plato", "Plato"), ("Smith, J", "Smith, J")])
def test_display_names_become_family_given(display: str, expected: str) -> None:
    assert openalex_json.author_name(display) == expected


def test_sniffing_tells_openalex_answers_from_other_json_and_tables(tmp_path: Path, works: list[dict[str, Any]]
                                                                    ) -> None:
    text = list_body(works[:2], 2, 25, None).decode()
    assert openalex_json.sniff(text) and openalex_json.sniff(json.dumps(json.loads(text), indent=2))
    assert not openalex_json.sniff('{"status":"ok","message-type":"work-list","message":{"items":[]}}')
    assert not openalex_json.sniff("id,title\nhttps://openalex.org/W1,x\n")
    assert detect_format(tmp_path / "x.json", text) == "openalex_json"


def test_the_log_says_how_many_works_are_distinct(tmp_path: Path, works: list[dict[str, Any]],
                                                  caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "citations.json"  # the same work reached twice (two seeds): both kept, as received
    path.write_bytes(list_body(works[:3], 3, 25, None) + b"\n" + list_body(works[:1], 1, 25, None))
    with caplog.at_level(logging.INFO):
        records = openalex_json.read(path, path.read_text(encoding="utf-8"))
    assert [r.line for r in records] == [1, 1, 1, 2] and records[3].accession == records[0].accession
    assert "4 works in 2 OpenAlex answers, 3 distinct" in caplog.text


def test_a_cut_answer_stops_naming_its_line(tmp_path: Path, works: list[dict[str, Any]]) -> None:
    path = tmp_path / "openalex.json"
    text = list_body(works[:2], 4, 2, "c") + b"\n" + list_body(works[2:4], 4, 2, None)[:-40]
    path.write_bytes(text)
    with pytest.raises(InputError) as caught:
        read_export(path)
    assert caught.value.line == 2 and "not readable JSON" in caught.value.message


@pytest.mark.parametrize(("change", "message"), [
    (lambda w: w.update(id="https://example.org/1"), "has the id"),
    (lambda w: w.update(abstract_inverted_index={"a": [0], "b": [0]}), "puts 'a' and 'b' at position 0"),
    (lambda w: w.update(abstract_inverted_index={"a": "0"}), "not a list of positions"),
])
def test_a_work_that_is_not_a_work_stops_the_reader(works: list[dict[str, Any]], change: Any, message: str
                                                    ) -> None:
    work = json.loads(json.dumps(works[0]))
    change(work)
    with pytest.raises(InputError, match=message) as caught:
        openalex_json.read(Path("x.json"), list_body([works[1], work], 2, 25, None).decode())
    assert (caught.value.record, caught.value.line) == ("2", 1)


def test_an_answer_without_results_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="without meta and results"):
        openalex_json.read(Path("x.json"), '{"meta":{"count":0},"results":[]}\n{"error":"Invalid"}')

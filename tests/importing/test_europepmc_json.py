"""The Europe PMC snapshot reader: real MEDLINE records re-expressed as Europe PMC core results read back to the
fields the MEDLINE reader gives for the same records; HTML in abstracts, author fallbacks, preprints, the raw
fields, detection, and the errors of a damaged snapshot."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path
from typing import Any

import pytest

from reviewflow.errors import InputError
from reviewflow.importing.formats import europepmc_json, medline
from reviewflow.importing.formats.detect import detect_format, read_export
from reviewflow.normalize import normalise_issn, short_author, surname
from tests.search.europepmc_records import core_result
from tests.search.fake_eutils import real_medline_records


def _page(results: list[dict[str, Any]], hit_count: int, cursor: str | None = "AoIIP") -> str:
    body: dict[str, Any] = {"version": "6.9", "hitCount": hit_count}
    if cursor:
        body["nextCursorMark"] = cursor
    body["request"] = {"queryString": "cryoneurolysis", "resultType": "core", "cursorMark": "*",
                       "pageSize": 25, "sort": "", "synonym": False}
    body["resultList"] = {"result": results}
    return json.dumps(body, ensure_ascii=False, indent=1)


def _snapshot(pages: list[str]) -> str:
    return "".join(pages)  # the answers exactly as saved: one after another, nothing between them


@pytest.fixture(scope="module")
def medline_texts() -> list[str]:
    """The real MEDLINE records, each with its own PMID (as the loopback servers number them)."""
    return [re.sub(r"^PMID- *\d+", f"PMID- {40_000_000 + i}", text, count=1)
            for i, text in enumerate(real_medline_records())]


def test_real_records_read_back_to_the_fields_the_medline_reader_gives(tmp_path: Path,
                                                                       medline_texts: list[str]) -> None:
    results = [core_result(text, 40_000_000 + i, "2025-01-02") for i, text in enumerate(medline_texts)]
    half = len(results) // 2
    path = tmp_path / "europepmc-2025-01-10.json"
    path.write_text(_snapshot([_page(results[:half], len(results)), _page(results[half:], len(results), None)]),
                    encoding="utf-8")
    ours = europepmc_json.read(path, path.read_text(encoding="utf-8"))
    theirs = medline.read(tmp_path / "x.txt", "\n".join(medline_texts))
    assert len(ours) == len(theirs) == len(medline_texts) >= 10
    for mine, expected in zip(ours, theirs, strict=True):
        assert mine.accession == f"MED:{expected.pmid}" and mine.pmid == expected.pmid
        assert mine.url == f"https://europepmc.org/article/MED/{expected.pmid}"
        assert mine.title == " ".join(expected.title.split())
        full = expected.raw.get("FAU", [])
        assert mine.authors == (full if len(full) == len(expected.authors) else expected.authors)
        assert [surname(short_author(a)) for a in mine.authors] == [surname(a) for a in expected.authors]
        assert (mine.year, mine.journal, mine.journal_abbrev, mine.volume, mine.issue, mine.pages, mine.doi,
                mine.pmcid, mine.language) == \
            (expected.year, expected.journal, expected.journal_abbrev, expected.volume, expected.issue,
             expected.pages, expected.doi, expected.pmcid, expected.language)
        assert mine.abstract == " ".join(expected.abstract.split())
        assert mine.publication_types == expected.publication_types
        assert mine.keywords == list(dict.fromkeys(expected.keywords))
        assert set(map(normalise_issn, mine.issn)) <= set(map(normalise_issn, expected.issn))
    # real content, not placeholders: MeSH headings with qualifiers and major topics, DOIs, full author names
    assert any("/" in k and "*" in k for r in ours for k in r.keywords)
    assert sum(bool(r.doi) for r in ours) >= 3 and any("," in a for r in ours for a in r.authors)
    # positions run across the answers; each record names the line its answer starts on
    assert [r.position for r in ours] == list(range(1, len(ours) + 1))
    second = path.read_text(encoding="utf-8").count("\n", 0, path.read_text(encoding="utf-8").index("}{") + 1) + 1
    assert {r.line for r in ours[:half]} == {1} and {r.line for r in ours[half:]} == {second}


def test_the_streamed_reader_and_the_import_detection_agree(tmp_path: Path, medline_texts: list[str]) -> None:
    results = [core_result(text, 40_000_000 + i, "2025-01-02") for i, text in enumerate(medline_texts[:4])]
    path = tmp_path / "snapshot.json"
    path.write_text(_snapshot([_page(results[:2], 4), _page(results[2:], 4, None)]), encoding="utf-8")
    text = path.read_text(encoding="utf-8")
    assert detect_format(path, text) == "europepmc_json"
    fmt, records = read_export(path)
    assert fmt == "europepmc_json"
    assert [r.accession for r in europepmc_json.iter_read(path, text)] == [r.accession for r in records]
    assert [r.accession for r in records] == [f"MED:{40_000_000 + i}" for i in range(4)]


def test_html_in_titles_and_abstracts_becomes_plain_text(tmp_path: Path) -> None:
    result = {"id": "PMC7487765", "source": "PMC", "pmcid": "PMC7487765",
              "title": "<h1>Virological failure</h1>, HIV-1 drug resistance in <i>Malawi</i>",
              "abstractText": "<h4>Background</h4>Growth of <i>E</i>. coli fell (p<0.05, n = 3 &amp; 4)."
                              "<h4 id=\"s2\">Methods</h4>We used C<sub>2</sub>H<sub>6</sub> where x<y and z>w.<br/>",
              "journalInfo": {"journal": {"title": "The lancet. <h2>HIV</h2>", "isoabbreviation": "Lancet HIV"}},
              "pubYear": "2020"}
    path = tmp_path / "s.json"
    path.write_text(_page([result], 1, None), encoding="utf-8")
    [record] = europepmc_json.read(path, path.read_text(encoding="utf-8"))
    assert record.title == "Virological failure , HIV-1 drug resistance in Malawi"
    assert record.abstract == ("Background Growth of E. coli fell (p<0.05, n = 3 & 4). Methods We used C2H6 where "
                               "x<y and z>w.")
    assert (record.journal, record.accession, record.pmid) == ("The lancet. HIV", "PMC:PMC7487765", "")


def test_authors_fall_back_from_the_list_to_the_author_string_and_keep_groups(tmp_path: Path) -> None:
    listed = {"id": "1", "source": "MED", "pmid": "1", "title": "A",
              "authorList": {"author": [{"fullName": "van Oosterhout J", "firstName": "Joep J",
                                         "lastName": "van Oosterhout", "initials": "JJ"},
                                        {"fullName": "Berger MM", "lastName": "Berger", "initials": "MM"},
                                        {"collectiveName": "STAMP trial team"}]}}
    string_only = {"id": "PPR204727", "source": "PPR", "title": "B",
                   "authorString": "Westmeier J, Paniskaki K, Karaköse Z."}
    path = tmp_path / "s.json"
    path.write_text(_page([listed, string_only], 2, None), encoding="utf-8")
    first, second = europepmc_json.read(path, path.read_text(encoding="utf-8"))
    assert first.authors == ["van Oosterhout, Joep J", "Berger MM", "STAMP trial team"]
    assert [short_author(a) for a in first.authors] == ["van Oosterhout JJ", "Berger MM", "STAMP trial team"]
    assert second.authors == ["Westmeier J", "Paniskaki K", "Karaköse Z"]
    assert (second.accession, second.journal, second.year) == ("PPR:PPR204727", "", "")


def test_raw_keeps_every_field_flattened(tmp_path: Path, medline_texts: list[str]) -> None:
    result = core_result(medline_texts[0], 40_000_000, "2025-01-02")
    path = tmp_path / "s.json"
    path.write_text(_page([result], 1, None), encoding="utf-8")
    [record] = europepmc_json.read(path, path.read_text(encoding="utf-8"))
    raw = record.raw
    assert raw["id"] == "40000000" and raw["firstIndexDate"] == "2025-01-02"
    assert raw["journalInfo.journal.title"] == result["journalInfo"]["journal"]["title"]
    assert raw["authorList.author.lastName"] == [a["lastName"] for a in result["authorList"]["author"]]
    assert raw["pubTypeList.pubType"] == result["pubTypeList"]["pubType"]
    assert raw["citedByCount"] == "0"
    assert all(isinstance(v, str) or (isinstance(v, list) and all(isinstance(i, str) for i in v))
               for v in raw.values())


def test_sniff_knows_europe_pmc_answers_from_other_apis_and_formats() -> None:
    assert europepmc_json.sniff('{"version":"6.9","hitCount":0,"request":{"queryString":"x"},'
                                '"resultList":{"result":[]}}')
    assert europepmc_json.sniff('\ufeff{\n "hitCount": 3,\n "nextCursorMark": "AoII",\n "resultList": {}}')
    assert not europepmc_json.sniff('{"meta": {"count": 3, "next_cursor": "x"}, "results": []}')  # OpenAlex
    assert not europepmc_json.sniff('{"status":"ok","message-type":"work-list","message":{"total-results":1}}')
    assert not europepmc_json.sniff("PMID- 1\nTI  - hitCount\n")


def test_a_damaged_snapshot_is_refused_at_its_line(tmp_path: Path) -> None:
    good = _page([{"id": "1", "source": "MED", "title": "A"}], 2)
    path = tmp_path / "s.json"
    path.write_text(good + "\n" + good[: len(good) // 2], encoding="utf-8")
    with pytest.raises(InputError, match="not readable JSON") as caught:
        list(europepmc_json.iter_read(path, path.read_text(encoding="utf-8")))
    assert caught.value.line == good.count("\n") + 2


@pytest.mark.parametrize("document, message", [
    ({"hitCount": 1, "resultList": {"result": [{"source": "MED", "title": "no id"}]}}, "without source and id"),
    ({"hitCount": 1, "resultList": {"result": ["MED:1"]}}, "not a JSON object"),
    ({"errCode": 404, "errMsg": "Invalid page size provided"}, "Europe PMC error"),
    ({"hitCount": 1, "resultList": "none"}, "without hitCount and resultList.result"),
])
def test_answers_that_hold_no_readable_record_are_refused(tmp_path: Path, document: dict, message: str) -> None:
    path = tmp_path / "s.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(InputError, match=message):
        europepmc_json.read(path, path.read_text(encoding="utf-8"))


def test_a_snapshot_holding_fewer_records_than_its_count_is_reported(tmp_path: Path,
                                                                     caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "s.json"
    path.write_text(_page([{"id": "1", "source": "MED", "title": "A"}], 5, None), encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        assert len(europepmc_json.read(path, path.read_text(encoding="utf-8"))) == 1
    assert "Europe PMC reported 5 records and the file holds 1" in caplog.text

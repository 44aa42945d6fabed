"""Citation searching against the loopback OpenAlex: seeds resolved by DOI or PMID (or reported), references fetched
in OR batches, citing works cursor-paged, one frozen snapshot whose provenance says each work's seed and direction,
read back by the openalex_json reader, and a changed byte caught."""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from reviewflow.errors import InputError
from reviewflow.importing.formats.detect import read_export
from reviewflow.search import citations
from reviewflow.search.citations import search_citations, verify_citations
from reviewflow.search.run import SearchOptions
from reviewflow.search.snapshot import file_sha256
from tests.conftest import PROJECT
from tests.search.fake_openalex import FakeOpenAlex
from tests.search.loopback import serving
from tests.search.openalex_works import make_works, real_works

DAY = date(2026, 3, 1)
SECRET = "secret-OPENALEX-key-c1t3s"
SNAPSHOT = "data/raw/citations/citations-2026-03-01.json"
PROVENANCE = "data/raw/citations/citations-2026-03-01.provenance.json"
MISSING_REF = "https://openalex.org/W9999999999"


def _short(work: dict[str, Any]) -> str:
    return work["id"].rsplit("/", 1)[-1]


@pytest.fixture(scope="module")
def templates() -> list[dict[str, Any]]:
    return real_works()


@pytest.fixture
def network(templates: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """40 works made from the real ones. Seed A (works[0], found by DOI) cites works 2-8 and one work OpenAlex
    lacks; seed B (works[1], found by PMID) cites works 6-10; works 11-25 cite A and works 20-30 cite B, so works
    6, 7 and 20-25 are reached from both seeds."""
    works = make_works(templates, 40, date(2025, 1, 1), per_day=5)
    a, b = works[0], works[1]
    b["doi"] = None
    b["ids"] = {"openalex": b["id"], "pmid": "https://pubmed.ncbi.nlm.nih.gov/31000001"}
    a["referenced_works"] = [w["id"] for w in works[2:9]] + [MISSING_REF]
    b["referenced_works"] = [w["id"] for w in works[6:11]]
    for i, work in enumerate(works[2:], start=2):
        work["referenced_works"] = ([a["id"]] if 11 <= i <= 25 else []) + ([b["id"]] if 20 <= i <= 30 else [])
    return works


@pytest.fixture
def fake(network: list[dict[str, Any]]) -> Iterator[FakeOpenAlex]:
    with serving(FakeOpenAlex(works=network)) as server:
        yield server


@pytest.fixture
def project(tmp_path: Path, network: list[dict[str, Any]]) -> Path:
    """A project whose build wrote results/studies.csv: two seeds OpenAlex knows, two it cannot be asked about."""
    root = tmp_path / "review"
    (root / "results").mkdir(parents=True)
    rows = [["work_id", "study_label", "doi", "pmid", "title"],
            ["Wa0000000001", "Seed A 2024", network[0]["doi"].removeprefix("https://doi.org/").upper(), "", "A"],
            ["Wb0000000002", "Seed B 2023", "", "31000001", "B"],
            ["Wc0000000003", "Unknown 2019", "10.9999/not-in-openalex", "30999999", "C"],
            ["Wd0000000004", "No ids 2001", "", "", "D"]]
    with (root / "results/studies.csv").open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return root


def _options(fake: FakeOpenAlex, sleeps: list[float], batch: int = 4, environ: dict[str, str] | None = None
             ) -> SearchOptions:
    return SearchOptions(base_url=fake.url, batch=batch, environ=environ or {}, sleep=sleeps.append)


def test_backward_and_forward_from_two_seeds_with_one_unresolvable(
        project: Path, fake: FakeOpenAlex, network: list[dict[str, Any]], sleeps: list[float],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(citations, "OR_LIMIT", 3)  # references asked 3 at a time: several batches
    done = search_citations(project, today=DAY, options=_options(fake, sleeps))
    a, b = _short(network[0]), _short(network[1])
    assert (done["seeds"], done["resolved"]) == (4, 2)
    assert done["unresolved"] == [
        ("Wc0000000003", "OpenAlex has no work with DOI 10.9999/not-in-openalex or PMID 30999999"),
        ("Wd0000000004", "the seeds file gives no DOI or PMID")]
    assert (done["export"], done["provenance"]) == (SNAPSHOT, PROVENANCE)

    provenance = json.loads((project / PROVENANCE).read_text())
    seeds = {s["seed"]: s for s in provenance["seeds"]}
    assert (seeds["Wa0000000001"]["openalex_id"], seeds["Wa0000000001"]["resolved_by"]) == (a, "doi")
    assert (seeds["Wb0000000002"]["openalex_id"], seeds["Wb0000000002"]["resolved_by"]) == (b, "pmid")
    assert seeds["Wc0000000003"]["openalex_id"] is None and provenance["unresolved_seeds"] == [
        "Wc0000000003", "Wd0000000004"]
    assert seeds["Wa0000000001"]["references_listed"] == 8
    assert seeds["Wa0000000001"]["references_not_found"] == ["W9999999999"]
    assert seeds["Wa0000000001"]["backward"] == {"count_reported": 7, "records": 7}
    assert seeds["Wa0000000001"]["forward"] == {"count_reported": 15, "records": 15}
    assert seeds["Wb0000000002"]["backward"] == {"count_reported": 5, "records": 5}
    assert seeds["Wb0000000002"]["forward"] == {"count_reported": 11, "records": 11}

    hits = {(h["work"], h["seed"], h["direction"]) for h in provenance["hits"]}
    both = _short(network[6])
    assert {(both, "Wa0000000001", "backward"), (both, "Wb0000000002", "backward")} <= hits
    assert {(_short(network[22]), "Wa0000000001", "forward"), (_short(network[22]), "Wb0000000002", "forward")} <= hits
    assert provenance["hits"] == sorted(provenance["hits"], key=lambda h: (h["work"], h["seed"], h["direction"]))
    assert provenance["records_retrieved"] == provenance["count_reported"] == 7 + 15 + 5 + 11 == len(hits)
    assert provenance["distinct_works"] == len({h[0] for h in hits}) == 29
    assert provenance["counts"] == {"backward": {"records": 12, "distinct": 9},
                                    "forward": {"records": 26, "distinct": 20}}

    # every request named with its seed and direction; references in OR batches, citing works cursor-paged
    assert all(r["seed"] and r["direction"] in ("resolve", "backward", "forward") for r in provenance["requests"])
    lists = [(path, p) for path, p in fake.requests if path == "/works"]
    backward = [p["filter"] for _, p in lists if p["filter"].startswith("openalex:")]
    assert backward[0] == "openalex:" + "|".join(_short(w) for w in network[2:5])
    assert len(backward) == 3 + 2  # seed A: 8 references in 3s, seed B: 5 in 3s
    forward = [p for _, p in lists if p["filter"] == f"cites:{a}"]
    assert [p["per_page"] for p in forward] == ["4"] * 4 and forward[0]["cursor"] == "*"
    singles = [path for path, _ in fake.requests if path != "/works"]
    assert singles == [f"/works/doi:{network[0]['doi'][16:]}".lower(), "/works/pmid:31000001",
                       "/works/doi:10.9999/not-in-openalex", "/works/pmid:30999999"]

    # the snapshot: the answers as received, read back whole by the openalex_json reader
    export = project / SNAPSHOT
    assert provenance["export"] == {"file": SNAPSHOT, "bytes": export.stat().st_size, "sha256": file_sha256(export)}
    fmt, records = read_export(export)
    assert fmt == "openalex_json" and len(records) == 38
    assert Counter(r.accession for r in records) == Counter(h[0] for h in hits)
    assert verify_citations(export) == {"records": 38, "distinct": 29}
    assert sorted(p.name for p in (project / "data/raw/citations").iterdir()) == [
        "citations-2026-03-01.json", "citations-2026-03-01.provenance.json"]


def test_one_changed_byte_is_caught_naming_the_file(project: Path, fake: FakeOpenAlex, sleeps: list[float]) -> None:
    search_citations(project, today=DAY, options=_options(fake, sleeps))
    export = project / SNAPSHOT
    data = bytearray(export.read_bytes())
    at = data.index(b'"title": "') + 10
    data[at] = ord("X") if data[at] != ord("X") else ord("Y")
    export.write_bytes(bytes(data))
    with pytest.raises(InputError, match="the export changed after it was downloaded") as caught:
        verify_citations(export)
    assert caught.value.file == export


def test_a_provenance_whose_hits_were_edited_is_caught(project: Path, fake: FakeOpenAlex, sleeps: list[float]
                                                       ) -> None:
    search_citations(project, today=DAY, options=_options(fake, sleeps))
    path = project / PROVENANCE
    provenance = json.loads(path.read_text())
    provenance["hits"].pop()
    path.write_text(json.dumps(provenance))
    with pytest.raises(InputError, match="lists 38 seed/direction hits"):
        verify_citations(project / SNAPSHOT)


def test_a_result_set_that_changes_while_paged_keeps_nothing(
        project: Path, fake: FakeOpenAlex, network: list[dict[str, Any]], sleeps: list[float]) -> None:
    def uncite(server: FakeOpenAlex) -> None:
        network[12]["referenced_works"] = []

    fake.after = {len(fake.requests) + 5: uncite}  # while the works citing seed A are paged
    with pytest.raises(InputError, match="reported 14 records where the first page reported 15"):
        search_citations(project, today=DAY, options=_options(fake, sleeps))
    assert not (project / "data/raw/citations").exists() or not any((project / "data/raw/citations").iterdir())


def test_faults_are_retried_without_losing_or_repeating_a_page(
        project: Path, fake: FakeOpenAlex, sleeps: list[float]) -> None:
    fake.faults = {1: ("429", "7"), 4: ("cut",), 7: ("drop",)}
    search_citations(project, today=DAY, options=_options(fake, sleeps))
    assert 7.0 in sleeps
    assert verify_citations(project / SNAPSHOT) == {"records": 38, "distinct": 29}


def test_no_seed_found_keeps_the_provenance_only(project: Path, fake: FakeOpenAlex, sleeps: list[float]) -> None:
    fake.works = []
    done = search_citations(project, today=DAY, options=_options(fake, sleeps))
    assert done["export"] is None and done["resolved"] == 0 and len(done["unresolved"]) == 4
    assert sorted(p.name for p in (project / "data/raw/citations").iterdir()) == [
        "citations-2026-03-01.provenance.json"]
    assert verify_citations(project / SNAPSHOT) == {"records": 0, "distinct": 0}


def test_a_frozen_day_is_never_replaced_and_a_missing_seeds_file_is_named(
        project: Path, fake: FakeOpenAlex, sleeps: list[float]) -> None:
    search_citations(project, today=DAY, options=_options(fake, sleeps))
    with pytest.raises(InputError, match="already frozen"):
        search_citations(project, today=DAY, options=_options(fake, sleeps))
    with pytest.raises(InputError, match="does not exist") as caught:
        search_citations(project, "results/included.csv", today=date(2026, 3, 2), options=_options(fake, sleeps))
    assert "reviewflow build" in (caught.value.hint or "")


def test_the_shipped_reviews_included_studies_are_read_as_seeds() -> None:
    studies = PROJECT / "results/studies.csv"
    if not studies.is_file():
        pytest.skip(f"the shipped review has no {studies} (built by `reviewflow build`)")
    seeds = citations.read_seeds(studies)
    with studies.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [s.label for s in seeds] == [r["work_id"] for r in rows]
    assert sum(1 for s in seeds if s.doi or s.pmid) == sum(1 for r in rows if r["doi"] or r["pmid"].isdigit())
    assert all(s.doi == s.doi.lower() and not s.doi.startswith("http") for s in seeds)

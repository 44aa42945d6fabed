"""Dedup (exact passes, stable work ids, audit pairs) and rule-based eligibility on small inputs."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from reviewflow.config import load_config
from reviewflow.dedup.outputs import MERGED_FIELDS, work_id_for
from reviewflow.dedup.run import deduplicate
from reviewflow.importing.exports import import_exports
from reviewflow.screening.eligibility import apply_eligibility, languages_of
from tests.conftest import RIS_TEXT


def _pipeline(project: Path):
    config = load_config(project / "config" / "review.yaml")
    records, _ = import_exports(config, project)
    return config, records, deduplicate(records, config)


def test_same_doi_across_databases_is_one_work_anchored_on_pubmed(mini_project: Path) -> None:
    _, records, result = _pipeline(mini_project)
    assert len(result.works) == len(records) - 1
    merged = result.works[result.works["n_members"] == 2].iloc[0]
    assert merged["anchor_record_id"] == "pubmed:30000001"
    assert merged["work_id"] == work_id_for("pubmed:30000001")
    assert merged["databases"] == "pubmed; scopus"
    pair = result.pairs.iloc[0]
    assert pair["record_id_a"] == "pubmed:30000001" and pair["record_id_b"].startswith("scopus:h")
    assert pair["rule"] == "doi" and pair["verdict"] == "duplicate"
    assert pair["title_similarity"] > 0.95 and pair["doi"] == 1


def test_every_record_belongs_to_exactly_one_work(mini_project: Path) -> None:
    _, records, result = _pipeline(mini_project)
    members = [m for cell in result.works["member_record_ids"] for m in cell.split("; ")]
    assert sorted(members) == sorted(records["record_id"])
    assert result.works["n_members"].sum() == len(records)


def test_work_ids_are_stable_when_a_new_export_arrives(mini_project: Path) -> None:
    _, _, before = _pipeline(mini_project)
    extra = RIS_TEXT.replace("Cryoneurolysis for phantom", "Cryoneurolysis for occipital").split("\n\n")[1]
    (mini_project / "data/raw/scopus/update.ris").write_text(extra + "\n", encoding="utf-8")
    _, _, after = _pipeline(mini_project)
    assert set(before.works["work_id"]) < set(after.works["work_id"])
    assert len(after.works) == len(before.works) + 1


def test_same_title_different_year_or_doi_is_not_merged() -> None:
    config = load_config(Path(__file__).resolve().parents[2] / "reviews" / "cryoneurolysis" / "config" / "review.yaml")
    base = dict.fromkeys(MERGED_FIELDS, "")
    rows = [
        base | {"record_id": "scopus:ha", "database": "scopus", "title": "Annual report of the society",
                "year": "2019"},
        base | {"record_id": "scopus:hb", "database": "scopus", "title": "Annual report of the society",
                "year": "2020"},
        base | {"record_id": "scopus:hc", "database": "scopus", "title": "Correction to cryoneurolysis trial",
                "year": "2020", "doi": "10.1/a"},
        base | {"record_id": "scopus:hd", "database": "scopus", "title": "Correction to cryoneurolysis trial",
                "year": "2020", "doi": "10.1/b"},
        base | {"record_id": "scopus:he", "database": "scopus", "title": "", "year": ""},
        base | {"record_id": "scopus:hf", "database": "scopus", "title": "", "year": ""},
        base | {"record_id": "scopus:hg", "database": "scopus", "title": "Erratum", "year": "2021"},
        base | {"record_id": "scopus:hh", "database": "scopus", "title": "Erratum", "year": "2021"},
        base | {"record_id": "scopus:hi", "database": "scopus", "title": "Cryoneurolysis of the genicular nerves",
                "year": "", "first_author": "Smith A", "authors": "Smith A"},
        base | {"record_id": "scopus:hj", "database": "scopus", "title": "Cryoneurolysis of the genicular nerves",
                "year": "2019", "first_author": "Jones B", "authors": "Jones B"},
    ]
    result = deduplicate(pd.DataFrame(rows), config)
    assert len(result.works) == 10
    assert (result.pairs["verdict"] != "duplicate").all()
    rules = dict(zip(zip(result.pairs["record_id_a"], result.pairs["record_id_b"], strict=True), result.pairs["rule"],
                     strict=True))
    assert rules[("scopus:ha", "scopus:hb")] == "similar_title"  # a year apart, nothing else: for a person
    assert rules[("scopus:hc", "scopus:hd")] == "doi_conflict"


def test_same_title_with_a_missing_year_merges_on_the_authors() -> None:
    config = load_config(Path(__file__).resolve().parents[2] / "reviews" / "cryoneurolysis" / "config" / "review.yaml")
    base = dict.fromkeys(MERGED_FIELDS, "")
    title = "Cryoneurolysis of the genicular nerves"
    rows = [
        base | {"record_id": "scopus:ha", "database": "scopus", "title": title, "year": "",
                "first_author": "Smith A", "authors": "Smith A; Jones B"},
        base | {"record_id": "pubmed:1", "database": "pubmed", "title": title.upper() + ".", "year": "2019",
                "first_author": "Smith AB", "authors": "Smith AB; Jones BC", "pmid": "1"},
    ]
    result = deduplicate(pd.DataFrame(rows), config)
    assert len(result.works) == 1
    pair = result.pairs.iloc[0]
    assert (pair["record_id_a"], pair["record_id_b"]) == ("pubmed:1", "scopus:ha")
    assert (pair["rule"], pair["verdict"]) == ("title_authors", "duplicate")
    assert result.works.iloc[0]["anchor_record_id"] == "pubmed:1"


def test_eligibility_excludes_only_on_evidence(mini_project: Path) -> None:
    config, _, result = _pipeline(mini_project)
    excluded = apply_eligibility(result.works, config)
    by_reason = dict(zip(excluded["reason"], excluded["detail"], strict=True))
    assert by_reason == {"outside_dates": "year 2008, outside 2010-2024", "non_english": "language ger"}
    works = result.works.assign(year="", language="")
    assert apply_eligibility(works, config).empty


def test_language_codes_and_names_agree() -> None:
    assert languages_of("eng") == ["english"]
    assert languages_of("English; French") == ["english", "french"]
    assert languages_of("English (Italian summary)") == ["english"]

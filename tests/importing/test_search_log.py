"""PRISMA-S search log: hit counts reconciled with the records the export files hold."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from reviewflow.config import load_config
from reviewflow.errors import InputError
from reviewflow.importing.exports import import_exports


def write_log(project: Path, hits: dict[str, int]) -> dict:
    searches = {
        db: {"database": db.title(), "platform": f"{db} web", "date_searched": "2024-05-01",
             "query": "cryoneurolysis OR cryoanalgesia", "hits_reported": n}
        for db, n in hits.items()
    }
    (project / "data/search_log.yaml").write_text(yaml.safe_dump({"searches": searches}), encoding="utf-8")
    config = load_config(project / "config/review.yaml")
    config["search_log"] = "data/search_log.yaml"
    return config


def test_matching_hits_are_reported_per_database(mini_project: Path) -> None:
    config = write_log(mini_project, {"pubmed": 4, "scopus": 3})
    _, report = import_exports(config, mini_project)
    assert [(s["database"], s["hits_reported"], s["records_imported"]) for s in report["searches"]] == [
        ("pubmed", 4, 4), ("scopus", 3, 3)]


def test_an_export_cut_short_stops_the_import(mini_project: Path) -> None:
    config = write_log(mini_project, {"pubmed": 4, "scopus": 2000})
    with pytest.raises(InputError) as caught:
        import_exports(config, mini_project)
    message = str(caught.value)
    assert "Scopus reported 2000 hits but its export files hold 3 records (data/raw/scopus/scopus.ris: 3)" in message
    assert "searches.scopus.hits_reported" in message and "download limit" in message


def test_every_database_needs_a_search_entry(mini_project: Path) -> None:
    config = write_log(mini_project, {"pubmed": 4})
    with pytest.raises(InputError, match=r"no search recorded for database\(s\) scopus"):
        import_exports(config, mini_project)


def test_an_incomplete_entry_names_the_missing_field(mini_project: Path) -> None:
    config = write_log(mini_project, {"pubmed": 4, "scopus": 3})
    log = yaml.safe_load((mini_project / "data/search_log.yaml").read_text())
    del log["searches"]["scopus"]["query"]
    (mini_project / "data/search_log.yaml").write_text(yaml.safe_dump(log))
    with pytest.raises(InputError, match=r"'query' is a required property; field 'searches.scopus'"):
        import_exports(config, mini_project)

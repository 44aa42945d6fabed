"""PRISMA-S search log: hit counts reconciled with the records the export files hold."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from reviewflow.config import load_config
from reviewflow.errors import InputError
from reviewflow.importing.exports import import_exports
from reviewflow.importing.search_log import load_search_log


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
    assert ("Scopus reported 2000 hits on 2024-05-01 but the export files of that search hold 3 records "
            "(data/raw/scopus/scopus.ris: 3)") in message
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


def write_update(project: Path, update: dict | None = None, first: dict | None = None) -> dict:
    """Scopus searched twice: the first search (scopus.ris, 3 records) and an update a year later (1 record)."""
    from tests.conftest import RIS_TEXT

    one_record = RIS_TEXT.split("ER  - \n")[0] + "ER  - \n"
    (project / "data/raw/scopus/scopus-update-2025.ris").write_text(one_record, encoding="utf-8")
    config = write_log(project, {"pubmed": 4, "scopus": 3})
    log = yaml.safe_load((project / "data/search_log.yaml").read_text())
    base = log["searches"]["scopus"]
    log["searches"]["scopus"] = [
        base | {"export_files": ["data/raw/scopus/scopus.ris"]} | (first or {}),
        base | {"date_searched": "2025-05-01", "hits_reported": 1,
                "export_files": ["data/raw/scopus/scopus-update-2025.ris"]} | (update or {}),
    ]
    (project / "data/search_log.yaml").write_text(yaml.safe_dump(log), encoding="utf-8")
    return config


def test_a_database_searched_again_is_reconciled_per_dated_search(mini_project: Path) -> None:
    config = write_update(mini_project)
    _, report = import_exports(config, mini_project)
    assert [(s["database"], s["search"], s["date_searched"], s["hits_reported"], s["records_imported"])
            for s in report["searches"]] == [
        ("pubmed", 1, "2024-05-01", 4, 4), ("scopus", 1, "2024-05-01", 3, 3), ("scopus", 2, "2025-05-01", 1, 1)]
    assert report["searches"][2]["export_files"] == ["data/raw/scopus/scopus-update-2025.ris"]


@pytest.mark.parametrize(("update", "first", "field", "words"), [
    ({"hits_reported": 7}, None, "searches.scopus[2].hits_reported", "reported 7 hits on 2025-05-01"),
    ({"date_searched": "2023-01-01"}, None, "searches.scopus[2].date_searched", "not in date order"),
    ({"export_files": ["data/raw/scopus/scopus.ris"]}, None, "searches.scopus[2].export_files",
     "listed by searches 1 and 2"),
    ({"export_files": []}, None, "searches.scopus", "belong to no search"),
    (None, {"hits_reported": "three"}, "searches.scopus[1].hits_reported", "is not of type 'integer'"),
])
def test_dated_searches_that_do_not_add_up_are_named(mini_project: Path, update: dict | None, first: dict | None,
                                                     field: str, words: str) -> None:
    config = write_update(mini_project, update, first)
    with pytest.raises(InputError) as caught:
        import_exports(config, mini_project)
    assert caught.value.field == field and words in str(caught.value), str(caught.value)


def test_several_searches_must_each_name_their_files(mini_project: Path) -> None:
    config = write_update(mini_project)
    log = yaml.safe_load((mini_project / "data/search_log.yaml").read_text())
    del log["searches"]["scopus"][1]["export_files"]
    (mini_project / "data/search_log.yaml").write_text(yaml.safe_dump(log), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        import_exports(config, mini_project)
    assert caught.value.field == "searches.scopus[2].export_files"


def _log_with(project: Path, top: dict | None = None, search: dict | None = None) -> Path:
    """A valid one-search log for PubMed, with extra top-level fields and extra fields of its search."""
    entry = {"database": "PubMed", "platform": "PubMed", "date_searched": "2024-05-01", "query": "cryo*",
             "hits_reported": 4, **(search or {})}
    path = project / "data/search_log.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump({**(top or {}), "searches": {"pubmed": entry}}), encoding="utf-8")
    return path


def test_the_optional_prisma_s_fields_are_returned_with_the_searches(tmp_path: Path) -> None:
    path = _log_with(tmp_path, {"registries": "none", "peer_review": "PRESS, by a second librarian"},
                     {"filters": "Cochrane highly sensitive RCT filter"})
    log = load_search_log(path)
    assert (log["registries"], log["peer_review"]) == ("none", "PRESS, by a second librarian")
    assert "contacts" not in log and log["searches"]["pubmed"][0]["filters"].startswith("Cochrane")


@pytest.mark.parametrize(("top", "message"), [
    ({"registries": 5}, "the search log's registries is not text"),
    ({"contacts": ""}, "the search log's contacts is empty"),
    ({"peer_review": None}, "the search log's peer_review is empty"),
    ({"prior_work": "TODO: cite the review"}, "the search log is not filled in yet: prior_work still says TODO"),
])
def test_an_optional_field_that_is_not_a_sentence_is_refused_by_name(tmp_path: Path, top: dict,
                                                                     message: str) -> None:
    with pytest.raises(InputError) as caught:
        load_search_log(_log_with(tmp_path, top))
    assert message in str(caught.value) and "PRISMA-S item" in str(caught.value)


def test_unknown_top_level_fields_and_bad_filters_are_named(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"'registry' was unexpected"):
        load_search_log(_log_with(tmp_path, {"registry": "none"}))
    with pytest.raises(InputError, match=r"field 'searches.pubmed.filters'"):
        load_search_log(_log_with(tmp_path, search={"filters": ["a list"]}))

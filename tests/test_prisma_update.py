"""The PRISMA 2020 counts of an updated review, on small hand-made tables: which searches form the previous
version, how update records become duplicates or new works, and the identities that must hold."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

from reviewflow.errors import InputError, InvariantError
from reviewflow.synthesis.numbers import Numbers, compute_numbers, variables_yaml
from reviewflow.synthesis.prisma import compute_prisma
from reviewflow.synthesis.prisma_update import add_update_numbers, check_update, compute_update, split_searches
from tests.conftest import CONFIG_TEXT

CONFIG_PATH = Path("config/review.yaml")
SEARCHES = [
    {"database": "pubmed", "search": 1, "date_searched": "2024-01-10", "export_files": ["p1.txt"]},
    {"database": "pubmed", "search": 2, "date_searched": "2025-03-01", "export_files": ["p2.txt"]},
    {"database": "scopus", "search": 1, "date_searched": "2024-01-12", "export_files": ["s1.ris"]},
]
# record id, export file; works as (work id, member record ids, final status)
RECORDS = [("pubmed:1", "p1.txt"), ("pubmed:2", "p1.txt"), ("pubmed:3", "p1.txt"), ("scopus:a", "s1.ris"),
           ("pubmed:4", "p2.txt"), ("pubmed:5", "p2.txt"), ("pubmed:6", "p2.txt"), ("pubmed:7", "p2.txt"),
           ("pubmed:8", "p2.txt"), ("pubmed:9", "p2.txt"), ("pubmed:10", "p2.txt")]
WORKS = [
    ("W1", "pubmed:1; pubmed:4; scopus:a", "included"),  # previous; pubmed:4 is an update record joining it
    ("W2", "pubmed:2", "excluded_title_abstract"),
    ("W3", "pubmed:3", "included"),
    ("N1", "pubmed:5; pubmed:6", "not_retrieved"),  # new, with a duplicate within the update
    ("N2", "pubmed:7", "auto_excluded"),
    ("N3", "pubmed:8", "excluded_title_abstract"),
    ("N4", "pubmed:9", "excluded_full_text"),
    ("N5", "pubmed:10", "included"),
]


def config(last_search: str | None = "2024-06-30") -> dict[str, Any]:
    conf = yaml.safe_load(CONFIG_TEXT)
    if last_search is not None:
        conf["update"] = {"previous_version": {"last_search": last_search, "citation": "Smith A. Review. 2024."}}
    return conf


def tables(statuses: dict[str, str] | None = None) -> dict[str, Any]:
    """The stage outputs of the little review above, with some final statuses replaced."""
    final = {work: status for work, _, status in WORKS} | (statuses or {})
    records = pd.DataFrame([{"record_id": r, "database": r.split(":")[0], "source_file": f} for r, f in RECORDS])
    works = pd.DataFrame([{"work_id": w, "member_record_ids": m} for w, m, _ in WORKS])
    reason = {"excluded_title_abstract": "review_no_novel_data", "excluded_full_text": "intraoperative"}
    screening = pd.DataFrame([{
        "work_id": w, "final": s,
        "title_abstract_reason": reason["excluded_title_abstract"] if s == "excluded_title_abstract" else "",
        "full_text_reason": reason["excluded_full_text"] if s == "excluded_full_text" else "",
    } for w, s in final.items()])
    auto = pd.DataFrame([{"work_id": w, "reason": "outside_dates"} for w, s in final.items() if s == "auto_excluded"])
    report = {"records_per_database": {"pubmed": 10, "scopus": 1}, "records_total": 11, "searches": SEARCHES}
    return {"records": records, "works": works, "screening": screening, "auto": auto, "report": report}


def update_counts(conf: dict[str, Any] | None = None, studies: pd.DataFrame | None = None,
                  **statuses: str) -> tuple[dict[str, Any], dict[str, Any]]:
    conf = conf or config()
    t = tables(statuses)
    prisma = compute_prisma(t["report"], t["works"], t["auto"], t["screening"], conf, studies=studies)
    split = split_searches(conf, t["report"]["searches"], CONFIG_PATH)
    update = compute_update(prisma, split, t["records"], t["works"], t["auto"], t["screening"], conf,
                            studies=studies)
    return prisma, update


def test_searches_on_or_before_the_date_form_the_previous_version() -> None:
    previous, later = split_searches(config(), SEARCHES, CONFIG_PATH)
    assert [(s["database"], s["search"]) for s in previous] == [("pubmed", 1), ("scopus", 1)]
    assert [(s["database"], s["search"]) for s in later] == [("pubmed", 2)]
    assert split_searches(config(None), SEARCHES, CONFIG_PATH) is None


@pytest.mark.parametrize(("last_search", "message"), [
    ("2025-03-01", r"no search in the search log is dated after 2025-03-01.*latest search is 2025-03-01"),
    ("2023-12-31", r"no search in the search log is dated on or before 2023-12-31.*first search is 2024-01-10"),
    ("2024-02-30", r"'2024-02-30' is not a calendar date"),
])
def test_a_date_that_leaves_either_side_empty_is_refused(last_search: str, message: str) -> None:
    with pytest.raises(InputError, match=message) as caught:
        split_searches(config(last_search), SEARCHES, CONFIG_PATH)
    assert caught.value.field == "update.previous_version.last_search"
    assert str(caught.value).startswith("config/review.yaml: ")


def test_an_update_needs_the_search_log() -> None:
    with pytest.raises(InputError, match="an update needs the search log") as caught:
        split_searches(config(), None, CONFIG_PATH)
    assert caught.value.field == "search_log"


def test_update_counts_split_records_and_works_by_search() -> None:
    prisma, update = update_counts()
    assert update["identification"] == {"databases": [{"id": "pubmed", "label": "PubMed", "records": 7}],
                                        "total": 7}
    assert update["searches"] == [{"database": "pubmed", "search": 2, "date_searched": "2025-03-01"}]
    removed = update["removed_before_screening"]
    assert (removed["duplicates"], removed["duplicates_of_previous"], removed["duplicates_within_update"]) == (2, 1, 1)
    assert (removed["automation"], removed["other"]) == (1, 0)
    assert removed["automation_reasons"][0]["reason"] == "outside_dates"
    assert (update["screened"], update["excluded_title_abstract"], update["sought_for_retrieval"]) == (4, 1, 3)
    assert (update["not_retrieved"], update["assessed_full_text"], update["excluded_full_text_total"]) == (1, 2, 1)
    assert (update["included"], update["reports_included"]) == (1, 1)
    assert (update["total_studies_included"], update["total_reports_included"]) == (3, 3)
    previous = update["previous_version"]
    assert (previous["records"], previous["works"], previous["studies_included"], previous["reports_included"]) \
        == (4, 3, 2, 2)
    assert previous["last_search"] == "2024-06-30" and previous["citation"] == "Smith A. Review. 2024."
    assert [s["database"] for s in previous["searches"]] == ["pubmed", "scopus"]
    assert prisma["included"] == 3 and "awaiting" not in update


def test_update_numbers_are_named_and_described() -> None:
    prisma, update = update_counts()
    no_studies = pd.DataFrame(columns=["design", "n_patients", "year", "pain_baseline", "pain_followup",
                                       "significant", "pain_category", "guidance"])
    numbers = compute_numbers(prisma | {"update": update}, no_studies, config())
    values = {name: item["value"] for name, item in numbers.items() if name.startswith(("prisma.update",
                                                                                        "prisma.previous"))}
    assert values["prisma.previous.studies"] == 2 and values["prisma.previous.reports"] == 2
    assert values["prisma.update.database.pubmed"] == 7 and values["prisma.update.duplicates"] == 2
    assert values["prisma.update.duplicates_of_previous"] == 1
    assert values["prisma.update.included"] == 1 and values["prisma.update.total_included"] == 3
    assert values["prisma.update.full_text_reason.intraoperative"] == 1
    assert values["prisma.update.last_search"] == "2025-03-01"
    assert all(numbers[name]["description"] for name in values)
    assert "update:" in variables_yaml(numbers) and "previous:" in variables_yaml(numbers)
    plain = compute_numbers(prisma, no_studies, config(None))
    assert not any(name.startswith(("prisma.update", "prisma.previous")) for name in plain)


def test_a_draft_update_balances_with_awaiting_terms_on_both_sides() -> None:
    studies = pd.DataFrame({"work_id": ["W1", "W3"]})
    prisma, update = update_counts(studies=studies, N3="awaiting_title_abstract", N4="awaiting_full_text",
                                   W2="awaiting_title_abstract")
    assert update["awaiting"] == {"title_abstract": 1, "full_text": 1, "extraction": 1}
    assert update["previous_version"]["awaiting"] == {"title_abstract": 1, "full_text": 0, "extraction": 0}
    assert prisma["awaiting"] == {"title_abstract": 2, "full_text": 1, "extraction": 1}
    assert (update["screened"], update["excluded_title_abstract"], update["sought_for_retrieval"]) == (4, 0, 3)


@pytest.mark.parametrize(("path", "value", "identity"), [
    ("total_studies_included", 4, "total studies included = previous + new: 4 != 3"),
    ("previous_version.records", 5, "every record: records of previous searches + records identified in the "
                                    "update = records identified: 12 != 11"),
    ("removed_before_screening.duplicates_of_previous", 2, "duplicates = duplicates of previous works"),
    ("included_reports", 2, "update: assessed = excluded at full text + included reports: 2 != 3"),
    ("included", 2, "total studies included = previous + new: 3 != 4"),
])
def test_update_counts_that_do_not_balance_are_refused(path: str, value: int, identity: str) -> None:
    prisma, update = update_counts()
    broken = copy.deepcopy(update)
    *parents, last = path.split(".")
    node = broken
    for part in parents:
        node = node[part]
    node[last] = value
    with pytest.raises(InvariantError, match="PRISMA arithmetic does not balance") as caught:
        check_update(broken, prisma)
    assert identity in str(caught.value)


def test_records_from_a_file_no_search_lists_are_an_internal_error() -> None:
    conf, t = config(), tables()
    t["records"].loc[0, "source_file"] = "stray.txt"
    prisma = compute_prisma(t["report"], t["works"], t["auto"], t["screening"], conf)
    with pytest.raises(InvariantError, match="record pubmed:1 comes from a file no search"):
        compute_update(prisma, split_searches(conf, SEARCHES, CONFIG_PATH), t["records"], t["works"], t["auto"],
                       t["screening"], conf)


def test_studies_and_reports_in_an_update() -> None:
    """W3 (previous) and N5 (new) are further reports of W1: one study, three reports; N5 is a new report of a
    study the previous version included, so it counts among the update's reports but not its new studies."""
    conf, t = config(), tables()
    further = {"W3", "N5"}
    prisma = compute_prisma(t["report"], t["works"], t["auto"], t["screening"], conf, further=further)
    assert (prisma["included"], prisma["included_reports"]) == (1, 3)
    split = split_searches(conf, t["report"]["searches"], CONFIG_PATH)
    update = compute_update(prisma, split, t["records"], t["works"], t["auto"], t["screening"], conf,
                            further=further)
    previous = update["previous_version"]
    assert (previous["studies_included"], previous["reports_included"]) == (1, 2)
    assert (update["included"], update["reports_included"]) == (0, 1)
    assert (update["total_studies_included"], update["total_reports_included"]) == (1, 3)
    numbers = Numbers()
    add_update_numbers(numbers, prisma | {"update": update})
    assert (numbers.items["prisma.update.included"]["value"],
            numbers.items["prisma.update.reports_included"]["value"]) == (0, 1)
    broken = copy.deepcopy(update)
    broken["total_reports_included"] = 1
    with pytest.raises(InvariantError, match=r"total reports included = reports included in the review: 1 != 3"):
        check_update(broken, prisma)

"""PRISMA 2020 counts for an updated review (the template for databases and registers only).

An update re-runs the searches of a published review and screens only what is new. The config says which
searches of the search log formed the previous version (``update.previous_version.last_search``: searches dated on
or before it); every record knows its export file (``results/records.csv`` ``source_file``) and the import report
knows each search's files, so each record belongs to the previous version or to the update.

Works are split the same way: a work with any record from a previous search was identified by the previous
version (a *previous work*); a work made only of update records is *new*. Then

- records identified in the update = records of the update searches' files;
- duplicates removed = update records that join a previous work (the work was identified before, so the record
  is a duplicate of it) + update records that join another update record's new work;
- records removed by rule, screened, excluded, sought, not retrieved, assessed, excluded with reasons and new
  studies included count the new works only, exactly as the whole review's flow counts all works;
- studies included in the previous version = previous works whose status is ``included`` (decisions are per
  work and a work's id never moves, so the previous version's decisions still apply);
- total studies included = previous + new = every included study.

Studies and reports (synthesis/prisma.py): a study is counted in the version of its main work, a report in the
version of its own work. So "reports of new included studies" counts every report the update included, a new
report of a study the previous version included among them (the update's flow balances on reports: assessed =
excluded + included reports), and previous + update reports = every included report.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from reviewflow.errors import InputError, InvariantError
from reviewflow.synthesis.draft import AWAITING_KEYS, awaiting_counts
from reviewflow.synthesis.prisma import flow_identities, raise_unbalanced, screening_flow

FIELD = "update.previous_version.last_search"


def split_searches(config: dict[str, Any], searches: Sequence[dict[str, Any]] | None,
                   config_path: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]]] | None:
    """(searches of the previous version, searches of the update) from the import report's search rows, or None
    when the config describes no update. Stops when the date leaves either side empty."""
    update = config.get("update")
    if not update:
        return None
    last = update["previous_version"]["last_search"]
    try:
        dt.date.fromisoformat(last)
    except ValueError:
        raise InputError(f"{last!r} is not a calendar date", file=config_path, field=FIELD,
                         expected="an ISO date (YYYY-MM-DD), quoted") from None
    if not searches:
        raise InputError("an update needs the search log, to tell the previous version's searches from the "
                         "update's", file=config_path, field="search_log",
                         expected="search_log: data/search_log.yaml, listing each database's dated searches")
    previous = [row for row in searches if row["date_searched"] <= last]
    later = [row for row in searches if row["date_searched"] > last]
    dates = sorted(row["date_searched"] for row in searches)
    if not previous:
        raise InputError(f"no search in the search log is dated on or before {last}, so the previous version "
                         "has no search", file=config_path, field=FIELD,
                         expected=f"the date of the previous version's last search (the first search is {dates[0]})")
    if not later:
        raise InputError(f"no search in the search log is dated after {last}, so this update has no search",
                         file=config_path, field=FIELD,
                         expected=f"a date before the update's searches (the latest search is {dates[-1]})",
                         hint="add the update's searches to the search log, each with its own export files")
    return previous, later


def record_versions(records: pd.DataFrame, previous: Sequence[dict[str, Any]],
                    later: Sequence[dict[str, Any]]) -> pd.Series:
    """``previous`` or ``update`` per record id, from the export file each record was read from."""
    version = {name: "previous" for row in previous for name in row["export_files"]}
    version |= {name: "update" for row in later for name in row["export_files"]}
    by_record = records.set_index("record_id")["source_file"].map(version)
    unknown = by_record[by_record.isna()]
    if not unknown.empty:
        raise InvariantError(f"record {unknown.index[0]} comes from a file no search of the import report lists "
                             f"({records.set_index('record_id').loc[unknown.index[0], 'source_file']})")
    return by_record


def _members(works: pd.DataFrame) -> pd.DataFrame:
    """(work_id, record_id) for every member record of every work."""
    members = works[["work_id", "member_record_ids"]].assign(
        record_id=works["member_record_ids"].str.split("; ")).explode("record_id")
    return members[["work_id", "record_id"]]


def _search_rows(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"database": r["database"], "search": r["search"], "date_searched": r["date_searched"]} for r in rows]


def compute_update(prisma: dict[str, Any], split: tuple[list[dict[str, Any]], list[dict[str, Any]]],
                   records: pd.DataFrame, works: pd.DataFrame, auto_excluded: pd.DataFrame,
                   screening: pd.DataFrame, config: dict[str, Any],
                   studies: pd.DataFrame | None = None,
                   further: frozenset[str] | set[str] = frozenset()) -> dict[str, Any]:
    """prisma.json's ``update`` section (module docstring), checked by ``check_update``. ``prisma`` is the whole
    review's counts (compute_prisma); ``studies`` is given in a draft, and ``further`` always, as there."""
    previous, later = split
    versions = record_versions(records, previous, later)
    members = _members(works)
    if sorted(members["record_id"]) != sorted(records["record_id"]):
        raise InvariantError("results/works.csv members and results/records.csv records differ: every record must "
                             "belong to exactly one work")
    members["version"] = members["record_id"].map(versions)
    previous_works = set(members.loc[members["version"] == "previous", "work_id"])
    is_new = ~works["work_id"].isin(previous_works)
    new_ids = set(works.loc[is_new, "work_id"])
    update_members = members[members["version"] == "update"]
    update_records = records[records["record_id"].isin(update_members["record_id"])]
    of_previous = int(update_members["work_id"].isin(previous_works).sum())
    within_update = len(update_members) - of_previous - len(new_ids)

    searched = {row["database"] for row in later}
    per_database = update_records["database"].value_counts()
    databases = [{"id": db, "label": config["databases"][db]["label"], "records": int(per_database.get(db, 0))}
                 for db in config["databases"] if db in searched]
    new_screening = screening[screening["work_id"].isin(new_ids)]
    flow = screening_flow(new_screening, auto_excluded[auto_excluded["work_id"].isin(new_ids)], config,
                          duplicates=of_previous + within_update, further=further)
    flow["removed_before_screening"] |= {"duplicates_of_previous": of_previous,
                                         "duplicates_within_update": within_update}
    previous_screening = screening[screening["work_id"].isin(previous_works)]
    previous_reports_ids = previous_screening.loc[previous_screening["final"] == "included", "work_id"]
    previous_reports = len(previous_reports_ids)
    previous_included = previous_reports - int(previous_reports_ids.isin(further).sum())
    version = config["update"]["previous_version"]
    previous_section: dict[str, Any] = {
        "last_search": version["last_search"],
        "searches": _search_rows(previous),
        "records": len(records) - len(update_records),
        "works": len(previous_works),
        "studies_included": previous_included,
        "reports_included": previous_reports,
        **{key: version[key] for key in ("citation", "doi") if key in version},
    }
    update = {
        "previous_version": previous_section,
        "searches": _search_rows(later),
        "identification": {"databases": databases, "total": len(update_records)},
        **flow,
        "reports_included": flow["included_reports"],
        "total_studies_included": previous_included + flow["included"],
        "total_reports_included": previous_reports + flow["included_reports"],
    }
    if studies is not None:
        update["awaiting"] = awaiting_counts(new_screening, studies)
        previous_section["awaiting"] = awaiting_counts(previous_screening, studies)
    check_update(update, prisma, screening_rows=len(new_screening))
    return update


def check_update(update: dict[str, Any], prisma: dict[str, Any], *, screening_rows: int | None = None) -> None:
    """Assert the identities of the updated-review flow, and that it accounts for every record and every
    included work of the whole review; the message names each identity that fails."""
    zero = dict.fromkeys(AWAITING_KEYS, 0)
    previous, removed = update["previous_version"], update["removed_before_screening"]
    identities = [(f"update: {name}", left, right)
                  for name, left, right in flow_identities(update, update.get("awaiting", zero))]
    new_works = update["identification"]["total"] - removed["duplicates"]
    all_works = prisma["identification"]["total"] - prisma["removed_before_screening"]["duplicates"]
    identities += [
        ("update: duplicates = duplicates of previous works + duplicates within the update", removed["duplicates"],
         removed["duplicates_of_previous"] + removed["duplicates_within_update"]),
        ("every record: records of previous searches + records identified in the update = records identified",
         previous["records"] + update["identification"]["total"], prisma["identification"]["total"]),
        ("every work: previous works + new works = unique works", previous["works"] + new_works, all_works),
        ("total studies included = previous + new", update["total_studies_included"],
         previous["studies_included"] + update["included"]),
        ("total reports included = previous + new", update["total_reports_included"],
         previous["reports_included"] + update["reports_included"]),
        ("total studies included = studies included in the review", update["total_studies_included"],
         prisma["included"]),
        ("total reports included = reports included in the review", update["total_reports_included"],
         prisma["included_reports"]),
        ("update: reports of new included studies = included reports of the update's flow",
         update["reports_included"], update.get("included_reports", update["included"])),
    ]
    if "awaiting" in prisma:
        for key in AWAITING_KEYS:
            identities.append((f"awaiting {key}: previous + update = all", previous["awaiting"][key]
                               + update["awaiting"][key], prisma["awaiting"][key]))
    if screening_rows is not None:
        identities.append(("update: every new work has a screening status", screening_rows, new_works))
    raise_unbalanced(identities)


def add_update_numbers(numbers: Any, prisma: dict[str, Any]) -> None:
    """``prisma.previous.*`` and ``prisma.update.*`` for the manuscript of an update (none otherwise)."""
    update = prisma.get("update")
    if update is None:
        return
    previous, removed = update["previous_version"], update["removed_before_screening"]
    add = numbers.add
    add("prisma.previous.last_search", previous["last_search"], "Date of the previous version's last search")
    add("prisma.previous.records", previous["records"], "Records identified by the previous version's searches")
    add("prisma.previous.works", previous["works"], "Unique works identified by the previous version's searches")
    add("prisma.previous.studies", previous["studies_included"], "Studies included in the previous version")
    add("prisma.previous.reports", previous["reports_included"],
        "Reports of studies included in the previous version")
    add("prisma.update.searches", len(update["searches"]), "Searches run for this update")
    add("prisma.update.last_search", max(s["date_searched"] for s in update["searches"]),
        "Date of the update's latest search")
    add("prisma.update.identified", update["identification"]["total"], "Records identified in the update")
    for db in update["identification"]["databases"]:
        add(f"prisma.update.database.{db['id']}", db["records"], f"Records identified in the update from {db['label']}")
    add("prisma.update.databases", len(update["identification"]["databases"]), "Databases searched in the update")
    add("prisma.update.duplicates", removed["duplicates"], "Duplicate records removed in the update")
    add("prisma.update.duplicates_of_previous", removed["duplicates_of_previous"],
        "Update records of works the previous version had already identified")
    add("prisma.update.duplicates_within_update", removed["duplicates_within_update"],
        "Update records duplicating another update record")
    add("prisma.update.unique", update["identification"]["total"] - removed["duplicates"],
        "New works identified in the update")
    add("prisma.update.automation", removed["automation"], "New works excluded by rule before screening")
    for reason in removed["automation_reasons"]:
        add(f"prisma.update.automation_reason.{reason['reason']}", reason["count"],
            f"New works excluded by rule: {reason['label']}")
    add("prisma.update.screened", update["screened"], "New records screened on title and abstract")
    add("prisma.update.excluded_title_abstract", update["excluded_title_abstract"],
        "New records excluded at title/abstract screening")
    add("prisma.update.sought", update["sought_for_retrieval"], "New reports sought for retrieval")
    add("prisma.update.not_retrieved", update["not_retrieved"], "New reports not retrieved")
    add("prisma.update.assessed", update["assessed_full_text"], "New reports assessed for eligibility")
    add("prisma.update.excluded_full_text", update["excluded_full_text_total"], "New reports excluded at full text")
    for reason in update["excluded_full_text"]:
        add(f"prisma.update.full_text_reason.{reason['reason']}", reason["count"],
            f"New reports excluded at full text: {reason['label']}")
    add("prisma.update.included", update["included"], "New studies included in the update")
    add("prisma.update.reports_included", update["reports_included"], "Reports of new included studies")
    add("prisma.update.total_included", update["total_studies_included"],
        "Total studies included in the updated review (previous + new)")
    add("prisma.update.total_reports", update["total_reports_included"],
        "Reports of all studies included in the updated review")

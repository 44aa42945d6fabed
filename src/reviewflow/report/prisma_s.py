"""The PRISMA-S checklist answered from the project's data: each of its 16 items says where and how this review
reports it, or that the search log does not record it and which field would.

PRISMA-S (Rethlefsen ML, Kirtley S, Waffenschmidt S, et al. PRISMA-S: an extension to the PRISMA Statement for
Reporting Literature Searches in Systematic Reviews. Syst Rev 2021;10:39, doi:10.1186/s13643-020-01542-z) has 16
items; their names are the checklist's, read from its Table 1
(https://systematicreviewsjournal.biomedcentral.com/articles/10.1186/s13643-020-01542-z/tables/1). The one-line
explanations are ours, not the checklist's wording: cite the article for that.

An answer is computed, never typed: counts come from the import report, results/prisma.json and the dedup pairs,
dates and queries from the search log, so the checklist cannot claim what the files do not hold.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from reviewflow.importing.search_log import METHOD_FIELDS

SOURCE = ("Rethlefsen ML, Kirtley S, Waffenschmidt S, Ayala AP, Moher D, Page MJ, Koffel JB, PRISMA-S Group. "
          "PRISMA-S: an extension to the PRISMA Statement for Reporting Literature Searches in Systematic Reviews. "
          "Syst Rev. 2021;10:39. doi:10.1186/s13643-020-01542-z")

ITEMS: tuple[tuple[int, str, str], ...] = (
    (1, "Database name", "each database, and the interface or host it was searched on"),
    (2, "Multi-database searching", "databases searched together on one platform, with that platform"),
    (3, "Study registries", "trial and study registries searched"),
    (4, "Online resources and browsing", "websites, tables of contents or proceedings searched or browsed, and how"),
    (5, "Citation searching", "whether references of, or citations to, studies were followed, and how"),
    (6, "Contacts", "whether authors, experts or manufacturers were asked for more studies or data"),
    (7, "Other methods", "any further source or way of searching"),
    (8, "Full search strategies", "every strategy as it was run, unchanged"),
    (9, "Limits and restrictions", "limits on each search (dates, language, design), or that there were none, "
                                   "and why"),
    (10, "Search filters", "published search filters used, as designed or adapted, with a citation"),
    (11, "Prior work", "strategies taken over or adapted from earlier reviews, cited"),
    (12, "Updates", "how the searches were brought up to date"),
    (13, "Dates of searches", "when each search was last run"),
    (14, "Peer review", "how the strategies were checked by a second searcher"),
    (15, "Total records", "records found in each database and other source"),
    (16, "Deduplication", "how duplicate records were found and removed, and with what software"),
)

NOT_RECORDED = "not recorded in the search log"
SEARCHES_TABLE = "search report, table of searches"
STRATEGIES = "search report, full search strategies"
CHECKLIST = "search report, PRISMA-S checklist"
DEDUP_METHOD = ("reviewflow's dedup stage: record pairs sharing a blocking key (identifiers, title words, author, "
                "year, page) are compared on identifiers, title, authors, year, journal, volume and pages, and a "
                "rule decides each pair; a person decides the pairs the rules leave open (data/dedup/overrides.csv)")


def checklist(config: dict[str, Any], log: dict[str, Any] | None, searches: list[dict[str, Any]],
              totals: dict[str, Any], dedup: dict[str, Any]) -> list[dict[str, Any]]:
    """The 16 items, each with ``status`` (reported, partly reported, not recorded), ``answer`` and ``where``;
    an item the data cannot answer names the search-log ``field`` that would."""
    answers = {
        1: _database_names(config, searches), 2: _multi_database(config, searches), 8: _strategies(searches),
        9: _limits(config, searches), 10: _filters(searches), 12: _updates(config, searches),
        13: _dates(searches), 15: _total_records(config, totals), 16: _deduplication(dedup, totals),
    }
    for field, (item, expected) in METHOD_FIELDS.items():
        answers[item] = _method_field(log, field, expected)
    for arm, item in (("registers", 3), ("other_methods", 5)):
        # Registers and citation searching run as sources of their own are answered from their searches.
        logged = _arm_searches(config, searches, arm)
        if logged:
            answers[item] = _reported(logged, SEARCHES_TABLE)
    if log is None:
        for item in (1, 2, 8, 9, 10, 12, 13):
            answers[item] = {"status": "not recorded", "answer": "no search log: the config names none",
                             "where": "config/review.yaml", "field": "search_log"}
    return [{"item": item, "name": name, "explanation": explanation, **answers[item]}
            for item, name, explanation in ITEMS]


def _reported(answer: str, where: str) -> dict[str, Any]:
    return {"status": "reported", "answer": answer, "where": where}


def _missing(answer: str, field: str, where: str = "") -> dict[str, Any]:
    return {"status": "not recorded", "answer": answer, "where": where or "data/search_log.yaml", "field": field}


def _partly(answer: str, field: str, where: str) -> dict[str, Any]:
    return {"status": "partly reported", "answer": answer, "where": where, "field": field}


def _names(values: list[str]) -> str:
    return ", ".join(values)


def _sources(config: dict[str, Any], arm: str) -> list[str]:
    """The config's sources of one PRISMA arm (``databases`` unless an entry says ``arm:``)."""
    return [db for db, spec in config["databases"].items() if spec.get("arm", "databases") == arm]


def _arm_searches(config: dict[str, Any], searches: list[dict[str, Any]], arm: str) -> str:
    """The searches of an arm's sources in words (empty when it has none)."""
    ids = _sources(config, arm)
    return "; ".join(f"{s['label']} on {s['date_searched']}: {' '.join(str(s['query']).split())} "
                     f"({s['hits_reported']} records)" for s in searches if s["id"] in ids)


def _database_names(config: dict[str, Any], searches: list[dict[str, Any]]) -> dict[str, Any]:
    parts = []
    for database in _sources(config, "databases"):
        platforms = dict.fromkeys(s["platform"] for s in searches if s["id"] == database)
        names = dict.fromkeys(s["database"] for s in searches if s["id"] == database)
        parts.append(f"{_names(list(names))} on {_names(list(platforms))}")
    return _reported("; ".join(parts), SEARCHES_TABLE)


def _multi_database(config: dict[str, Any], searches: list[dict[str, Any]]) -> dict[str, Any]:
    databases = _sources(config, "databases")
    labels = [config["databases"][db]["label"] for db in databases]
    by_platform: dict[str, list[str]] = {}
    for search in (s for s in searches if s["id"] in databases):
        names = by_platform.setdefault(search["platform"], [])
        if search["label"] not in names:
            names.append(search["label"])
    shared = [f"{platform}: {_names(names)}" for platform, names in sorted(by_platform.items()) if len(names) > 1]
    count = f"{len(labels)} database{'s' if len(labels) != 1 else ''} ({_names(labels)})"
    if not shared:
        return _reported(f"{count}, each on a platform of its own, searched separately", SEARCHES_TABLE)
    return _reported(f"{count}; platforms serving several of them: {'; '.join(shared)} (the search log gives "
                     "one strategy per database)", SEARCHES_TABLE)


def _strategies(searches: list[dict[str, Any]]) -> dict[str, Any]:
    count = len(searches)
    return _reported(f"{count} search strateg{'ies' if count != 1 else 'y'}, each shown exactly as the search log "
                     "records it", STRATEGIES)


def _where(search: dict[str, Any]) -> str:
    return f"{search['label']} {search['date_searched']}"


def _limits(config: dict[str, Any], searches: list[dict[str, Any]]) -> dict[str, Any]:
    first, last = config["eligibility"]["years"]
    languages = config["eligibility"].get("languages") or []
    types = config["eligibility"].get("publication_types") or []
    by_rule = f"applied by rule at eligibility: publication years {first}-{last}" + (
        f", languages {_names(languages)}" if languages else "") + (
        f", publication types excluded: {_names(types)}" if types else "")
    stated = [f"{_where(s)}: {s['limits']}" for s in searches if s.get("limits")]
    unstated = [_where(s) for s in searches if not s.get("limits")]
    if not unstated:
        return _reported(f"{'; '.join(dict.fromkeys(s['limits'] for s in searches))}; {by_rule}", STRATEGIES)
    answer = f"{NOT_RECORDED} for {_names(unstated)}" + (f"; {'; '.join(stated)}" if stated else "")
    field = "searches.<database>.limits"
    return (_partly if stated else _missing)(f"{answer}; {by_rule}", field, STRATEGIES)


def _filters(searches: list[dict[str, Any]]) -> dict[str, Any]:
    stated = [f"{_where(s)}: {s['filters']}" for s in searches if s.get("filters")]
    unstated = [_where(s) for s in searches if not s.get("filters")]
    field = "searches.<database>.filters"
    if not stated:
        return _missing(f"{NOT_RECORDED}; the field filters under each search would give the published search "
                        "filters used, cited, or 'none'", field)
    if unstated:
        return _partly(f"{'; '.join(stated)}; {NOT_RECORDED} for {_names(unstated)}", field, STRATEGIES)
    return _reported("; ".join(stated), STRATEGIES)


def _updates(config: dict[str, Any], searches: list[dict[str, Any]]) -> dict[str, Any]:
    updates = [s for s in searches if s["kind"] == "update"]
    parts = []
    for search in updates:
        windows = [snap["update_window"] for snap in search["snapshots"] if snap.get("update_window")]
        how = (f"the same query through the API, limited to records of {windows[0]['mindate']} to "
               f"{windows[0]['maxdate']} by {windows[0]['dates']}" if windows else
               "a dated search with its own export files")
        parts.append(f"{search['label']} on {search['date_searched']} (update {search['search'] - 1} of the search "
                     f"of {_first_date(searches, search['id'])}: {how}, {search['hits_reported']} hits)")
    previous = (config.get("update") or {}).get("previous_version")
    lead = (f"this review updates a previous version whose last search was on {previous['last_search']}; "
            if previous else "")
    if not parts:
        return _reported(f"{lead}no update search: each database was searched once", SEARCHES_TABLE)
    return _reported(lead + "; ".join(parts), SEARCHES_TABLE)


def _first_date(searches: list[dict[str, Any]], database: str) -> str:
    return next(s["date_searched"] for s in searches if s["id"] == database and s["search"] == 1)


def _dates(searches: list[dict[str, Any]]) -> dict[str, Any]:
    last: dict[str, str] = {}
    for search in searches:
        last[search["label"]] = max(last.get(search["label"], ""), search["date_searched"])
    return _reported("last searched: " + "; ".join(f"{label} {day}" for label, day in last.items()), SEARCHES_TABLE)


def _total_records(config: dict[str, Any], totals: dict[str, Any]) -> dict[str, Any]:
    per = totals["records_per_database"]
    parts = [f"{spec['label']} {per.get(database, 0)}" for database, spec in config["databases"].items()]
    hits = "" if totals["hits_reported"] is None else f", against {totals['hits_reported']} hits they reported"
    return _reported(f"{totals['records_imported']} records imported from the sources ({'; '.join(parts)})"
                     f"{hits}; {totals['records_identified']} records identified in the PRISMA 2020 flow",
                     SEARCHES_TABLE)


def _deduplication(dedup: dict[str, Any], totals: dict[str, Any]) -> dict[str, Any]:
    rules = "; ".join(f"{rule} {count}" for rule, count in dedup["duplicate_pairs_by_rule"].items())
    return _reported(
        f"{DEDUP_METHOD}. {dedup['pairs_compared']} candidate pairs compared; judged duplicates by rule: "
        f"{rules or 'none'}; {dedup['pairs_decided_by_person']} decided by a person; {dedup['pairs_awaiting']} "
        f"awaiting a person; {totals['duplicates_removed']} duplicate records removed, leaving "
        f"{totals['unique_works']} unique works (every pair and its rule: results/dedup_pairs.csv)", CHECKLIST)


def _method_field(log: dict[str, Any] | None, field: str, expected: str) -> dict[str, Any]:
    if log is not None and field in log:
        return _reported(" ".join(str(log[field]).split()), CHECKLIST + f" (search log: {field})")
    return _missing(f"{NOT_RECORDED}; the field {field} would give {expected}", field)


def dedup_summary(rules: list[str], verdicts: list[str]) -> dict[str, Any]:
    """Counts of the dedup pairs: compared, judged duplicates per rule, decided by a person, awaiting one."""
    by_person = {"override_same", "override_different"}
    merged = Counter(rule for rule, verdict in zip(rules, verdicts, strict=True)
                     if verdict == "duplicate" and rule not in by_person)
    return {
        "method": DEDUP_METHOD,
        "pairs_compared": len(rules),
        "duplicate_pairs_by_rule": dict(sorted(merged.items(), key=lambda kv: (-kv[1], kv[0]))),
        "pairs_decided_by_person": sum(1 for rule in rules if rule in by_person),
        "pairs_awaiting": sum(1 for verdict in verdicts if verdict == "review"),
    }

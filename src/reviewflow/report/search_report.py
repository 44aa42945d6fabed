"""The PRISMA-S search report: every search as the project recorded it, for the manuscript's appendix
(results/tables/search_report.md) and as data (results/prisma_s.json, with the 16 checklist items answered).

Queries are copied from the search log into code blocks character for character (a strategy re-typed for a
paper is how reported searches stop matching the ones run); counts come from the import report, results/prisma.json
and the dedup pairs, so nothing in the report is typed by hand. Notes are shown as the log gives them: the
shipped review's log is a reconstruction and says so in its notes, and the report must carry that to the reader.
Checklist wording is in :mod:`reviewflow.report.prisma_s`, which names its source.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from reviewflow.report.prisma_s import SOURCE, checklist, dedup_summary
from reviewflow.report.search_facts import collect_searches, read_log
from reviewflow.report.tables import cell, pipe_table
from reviewflow.tables import read_table, write_json

SEARCH_REPORT_TABLE = "search_report"
_SHORTCODE = re.compile(r"\{\{<(.*?)>\}\}", re.S)


def make_search_report(config: dict[str, Any], import_report_path: Path, prisma_path: Path, pairs_path: Path,
                       table_path: Path, data_path: Path, root: Path = Path()) -> dict[str, Any]:
    """Write the Markdown report and its JSON twin; returns the data written."""
    log, log_path = read_log(config, root)
    import_report = json.loads(import_report_path.read_text(encoding="utf-8"))
    prisma = json.loads(prisma_path.read_text(encoding="utf-8"))
    pairs = read_table(pairs_path, required=["rule", "verdict"], columns=["rule", "verdict"])
    searches = collect_searches(config, log, import_report, root, log_path)
    totals = _totals(import_report, prisma, searches if log is not None else None)
    dedup = dedup_summary(pairs["rule"].tolist(), pairs["verdict"].tolist())
    data = {
        "checklist_source": SOURCE,
        "search_log": log_path.as_posix() if log_path else None,
        "databases": [{"id": database, "label": spec["label"],
                       "searches": sum(1 for s in searches if s["id"] == database),
                       "records_imported": import_report["records_per_database"].get(database, 0)}
                      for database, spec in config["databases"].items()],
        "searches": searches,
        "totals": totals,
        "deduplication": dedup,
        "checklist": checklist(config, log, searches, totals, dedup),
    }
    table_path.parent.mkdir(parents=True, exist_ok=True)
    table_path.write_text(markdown(data), encoding="utf-8", newline="\n")
    write_json(data, data_path)
    return data


def _totals(import_report: dict[str, Any], prisma: dict[str, Any],
            searches: list[dict[str, Any]] | None) -> dict[str, Any]:
    identified = prisma["identification"]["total"]
    duplicates = prisma["removed_before_screening"]["duplicates"]
    return {
        "hits_reported": None if searches is None else sum(s["hits_reported"] for s in searches),
        "records_imported": import_report["records_total"],
        "records_per_database": dict(import_report["records_per_database"]),
        "records_identified": identified,
        "duplicates_removed": duplicates,
        "unique_works": identified - duplicates,
    }


def markdown(data: dict[str, Any]) -> str:
    """The report as Markdown the manuscript includes: searches table, strategies, checklist table."""
    parts = [_searches_table(data)]
    parts += [_strategy(search) for search in data["searches"]]
    parts.append(_checklist_table(data["checklist"]))
    return "\n".join(parts)


def _kind(search: dict[str, Any]) -> str:
    kind = "Initial search" if search["kind"] == "initial" else f"Update {search['search'] - 1}"
    version = search.get("review_version")
    return f"{kind}, {version}" if version else kind


def _obtained(search: dict[str, Any]) -> str:
    if not search["snapshots"]:
        names = [Path(name).name for name in search["export_files"]]
        return f"manual export: {', '.join(names)}" if names else "manual export: no file"
    parts = []
    for snap in search["snapshots"]:
        file = Path(snap["file"]).name if snap["file"] else "no records, no file"
        whole = (f", whole query {snap['full_count_reported']}" if snap.get("full_count_reported") is not None
                 else "")
        sha = f", sha256 {snap['export_sha256'][:12]}" if snap["file"] and snap.get("export_sha256") else ""
        parts.append(f"API snapshot ({snap['api']}, {snap['endpoint']}, {snap['started_utc']}): {file}{sha}{whole}")
    return "; ".join(parts)


def _searches_table(data: dict[str, Any]) -> str:
    header = ["Database", "Platform", "Date searched", "Search", "Hits reported", "Records imported", "Obtained as"]
    align = ["l", "l", "l", "l", "r", "r", "l"]
    if not data["searches"]:
        rows = [[cell(db["label"]), "not recorded", "not recorded", "not recorded", "not recorded",
                 str(db["records_imported"]), "export files (no search log)"] for db in data["databases"]]
    else:
        rows = [[cell(s["database"]), cell(s["platform"]), cell(s["date_searched"]), cell(_kind(s)),
                 str(s["hits_reported"]), str(s["records_imported"]), cell(_obtained(s))] for s in data["searches"]]
    totals = data["totals"]
    hits = "" if totals["hits_reported"] is None else str(totals["hits_reported"])
    rows.append(["Total", "", "", "", hits, str(totals["records_imported"]), ""])
    source = f" ({data['search_log']})" if data["search_log"] else ""
    notes = (" The notes under each strategy below are the search log's own, and qualify these facts."
             if any(s.get("notes") for s in data["searches"]) else "")
    return pipe_table(header, rows, f"Database searches as recorded in the search log{source}, with the records "
                      f"imported from each search's files.{notes}", "tbl-searches", align=align,
                      widths=[14, 16, 10, 10, 7, 7, 36])


def _fence(query: str) -> str:
    """A code fence longer than any run of backticks in the query, so no query can close it early."""
    longest = max((len(run) for run in re.findall(r"`+", query)), default=0)
    return "`" * max(3, longest + 1)


def _verbatim(query: str) -> str:
    """The query for a code block: exact, except that a Quarto shortcode in it is escaped (``{{{< >}}}``), which
    Quarto and reviewflow's renderer both print as the original ``{{< >}}``."""
    return _SHORTCODE.sub(lambda m: "{" + m.group(0) + "}", query.rstrip("\n"))


def _strategy(search: dict[str, Any]) -> str:
    query = _verbatim(search["query"])
    fence = _fence(query)
    heading = (f"**{cell(search['database'])}, {cell(_kind(search).lower())}, {cell(search['date_searched'])}.** "
               f"Platform: {cell(search['platform'])}.")
    lines = [heading, "", fence, query, fence, ""]
    for label, key in (("Limits", "limits"), ("Filters", "filters"), ("Notes", "notes")):
        if search.get(key):
            lines += [f"*{label}:* {cell(search[key])}", ""]
    return "\n".join(lines)


def _checklist_table(items: list[dict[str, Any]]) -> str:
    rows = [[str(item["item"]), cell(item["name"]), cell(item["status"]), cell(item["answer"])] for item in items]
    return pipe_table(["Item", "PRISMA-S topic", "Status", "How this review reports it"], rows,
                      "PRISMA-S checklist, answered from the search log, the import and the deduplication "
                      "(PRISMA-S: Rethlefsen et al., Syst Rev 2021, doi:10.1186/s13643-020-01542-z).", "tbl-prisma-s",
                      align=["r", "l", "l", "l"], widths=[5, 18, 12, 65])

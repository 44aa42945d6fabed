"""The facts of every search, gathered from the files that recorded them, for the PRISMA-S search report.

A search report re-typed by hand drifts from what was run; here each fact is read from where it was written when
the search happened: the search log (query exactly as run, platform, date, limits, notes), the provenance of a
frozen API search (endpoint, times, counts, sha256), and the import report (records each search's files hold).
The import has already reconciled hits with records and checked every snapshot's sha256; this module only
collects, and stops when the import report no longer describes the search log (an import older than the log).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reviewflow.errors import InputError
from reviewflow.importing.search_log import load_search_log
from reviewflow.search.provenance import read_provenance
from reviewflow.search.snapshot import PROVENANCE_SUFFIX

SEARCH_KEYS = ("database", "platform", "date_searched", "query", "limits", "filters", "hits_reported", "notes")


def collect_searches(config: dict[str, Any], log: dict[str, Any] | None, import_report: dict[str, Any],
                     root: Path, log_path: Path | None) -> list[dict[str, Any]]:
    """One entry per dated search, in the config's database order and then oldest first."""
    if log is None:
        return []
    imported = {(row["database"], row["search"]): row for row in import_report.get("searches") or []}
    last_search = (config.get("update") or {}).get("previous_version", {}).get("last_search")
    rows = []
    for database, spec in config["databases"].items():
        entries = log["searches"].get(database, [])
        for number, entry in enumerate(entries, start=1):
            where = f"searches.{database}" + (f"[{number}]" if len(entries) > 1 else "")
            row = imported.get((database, number))
            if row is None or row["hits_reported"] != entry["hits_reported"] \
                    or row["date_searched"] != entry["date_searched"]:
                raise InputError(f"the import report does not describe {where} of the search log as it is now",
                                 file=log_path, field=where,
                                 expected="results/import_report.json made from this search log",
                                 hint="run the import again (`reviewflow build` does)")
            search = {key: entry.get(key) for key in SEARCH_KEYS}
            search.update({
                "id": database, "label": spec["label"], "search": number, "searches_of_database": len(entries),
                "kind": "initial" if number == 1 else "update",
                "records_imported": row["records_imported"], "export_files": list(row["export_files"]),
                "snapshots": _snapshots(root, database, entry["date_searched"], row["export_files"]),
            })
            search["obtained"] = "api" if search["snapshots"] else "manual export"
            if last_search:
                search["review_version"] = ("previous version" if entry["date_searched"] <= last_search
                                            else "this update")
            rows.append(search)
    return rows


def _snapshots(root: Path, database: str, day: str, files: list[str]) -> list[dict[str, Any]]:
    """The provenance of each export file that has one; for an API search that found nothing (no export file),
    the provenance `reviewflow search` left under its dated name."""
    found = []
    for name in files:
        provenance = read_provenance(root / name)
        if provenance is not None:
            found.append(_snapshot(provenance, name))
    if not files:
        empty = root / "data" / "raw" / database / f"{database}-{day}{PROVENANCE_SUFFIX}"
        if empty.is_file():
            provenance = read_provenance(empty.with_name(f"{database}-{day}.txt"))
            if provenance is not None:
                found.append(_snapshot(provenance, None))
    return found


def _snapshot(provenance: dict[str, Any], name: str | None) -> dict[str, Any]:
    """What the report says of one frozen search (never the request parameters: the URL is enough)."""
    export = provenance.get("export") or {}
    return {
        "file": name, "api": provenance.get("api"), "endpoint": provenance.get("endpoint"),
        "started_utc": provenance.get("started_utc"), "finished_utc": provenance.get("finished_utc"),
        "count_reported": provenance.get("count_reported"), "records_retrieved": provenance.get("records_retrieved"),
        "full_count_reported": provenance.get("full_count_reported"),
        "update_window": provenance.get("update_window"),
        "rate_limit_per_second": provenance.get("rate_limit_per_second"),
        "requests": len(provenance.get("requests") or []),
        "export_bytes": export.get("bytes"), "export_sha256": export.get("sha256"),
    }


def read_log(config: dict[str, Any], root: Path) -> tuple[dict[str, Any] | None, Path | None]:
    """The validated search log named by the config (None without one): a TODO left in it stops here too."""
    name = config.get("search_log")
    if not name:
        return None, None
    return load_search_log(root / name), Path(name)

"""PRISMA-S search log: what each database reported, reconciled with what its export files hold.

An export cut at a download limit (Scopus and Web of Science export in batches) loses records without any
error; the only defence is comparing the hit count the database showed with the records the files hold.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema

from reviewflow.errors import InputError
from reviewflow.paths import SCHEMA_DIR
from reviewflow.safe_yaml import load_yaml_file


def load_search_log(path: Path) -> dict[str, Any]:
    """The validated search log; errors name the key path and the rule broken."""
    if not path.exists():
        raise InputError("search log not found", file=path,
                         hint="record each database's query, date and hit count there (see README)")
    log = load_yaml_file(path)
    schema = json.loads((SCHEMA_DIR / "search_log.schema.json").read_text(encoding="utf-8"))
    errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(log),
                    key=lambda e: list(map(str, e.absolute_path)))
    if errors:
        first = errors[0]
        raise InputError(first.message, file=path, field=".".join(map(str, first.absolute_path)) or "(top level)",
                         hint="the schema is src/reviewflow/schemas/search_log.schema.json")
    return log


def reconcile(
    log: dict[str, Any], log_path: Path, config: dict[str, Any], files_report: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Per database: hits reported vs records imported; stops when they differ or an entry is missing."""
    searches = log["searches"]
    missing = [db for db in config["databases"] if db not in searches]
    if missing:
        raise InputError(f"no search recorded for database(s) {', '.join(missing)}", file=log_path,
                         field="searches", expected="an entry for every database in config/review.yaml")
    unknown = [db for db in searches if db not in config["databases"]]
    if unknown:
        raise InputError(f"search(es) for database(s) not in the config: {', '.join(unknown)}", file=log_path,
                         field="searches", expected=f"only {', '.join(config['databases'])}")
    rows = []
    for database in config["databases"]:
        entry = searches[database]
        files = [f for f in files_report if f["database"] == database]
        imported = sum(f["records"] for f in files)
        listed = entry.get("export_files")
        if listed is not None and sorted(listed) != sorted(f["file"] for f in files):
            raise InputError(
                f"{database}: the search log lists export files {sorted(listed)} but the config finds "
                f"{sorted(f['file'] for f in files)}", file=log_path, field=f"searches.{database}.export_files",
                expected="the same files in both places")
        if imported != entry["hits_reported"]:
            detail = ", ".join(f"{f['file']}: {f['records']}" for f in files)
            raise InputError(
                f"{entry['database']} reported {entry['hits_reported']} hits but its export files hold "
                f"{imported} records ({detail})", file=log_path, field=f"searches.{database}.hits_reported",
                expected="the exports to hold every hit the database reported",
                hint="an export cut at a download limit loses records silently: export the missing batch, "
                     "or correct hits_reported if it was mistyped")
        rows.append({"database": database, "label": entry["database"], "platform": entry["platform"],
                     "date_searched": entry["date_searched"], "hits_reported": entry["hits_reported"],
                     "records_imported": imported})
    return rows

"""PRISMA-S search log: what each database reported, reconciled with what its export files hold.

An export cut at a download limit (Scopus and Web of Science export in batches) loses records without any
error; the only defence is comparing the hit count the database showed with the records the files hold.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import jsonschema

from reviewflow.errors import InputError
from reviewflow.paths import SCHEMA_DIR
from reviewflow.safe_yaml import load_yaml_file

METHOD_FIELDS: dict[str, tuple[int, str]] = {
    "registries": (3, "the study registries searched (name, date, how), or 'none'"),
    "online_resources": (4, "websites, tables of contents or proceedings searched or browsed, and how, or 'none'"),
    "citation_searching": (5, "whether reference lists or citing articles were examined, and how, or 'none'"),
    "contacts": (6, "whether authors, experts or manufacturers were contacted for studies or data, or 'none'"),
    "other_methods": (7, "any other source or search method used, or 'none'"),
    "prior_work": (11, "the review(s) whose search strategies were reused or adapted, cited, or 'none'"),
    "peer_review": (14, "how the search strategies were peer reviewed (e.g. PRESS, by whom), or 'none'"),
}
"""Optional search-log facts beside ``searches`` (PRISMA-S items about the search as a whole): field -> (item,
what the text should say). The search report says "not recorded in the search log" for each one left out."""


def load_search_log(path: Path) -> dict[str, Any]:
    """The validated search log, each database's entry made a list of dated searches (one entry is a list of
    one), with the optional PRISMA-S fields of METHOD_FIELDS that it gives; errors name the key path
    (``searches.scopus[2].hits_reported``) and the rule broken."""
    if not path.exists():
        raise InputError("search log not found", file=path,
                         hint="record each database's query, date and hit count there (see README)")
    log = load_yaml_file(path)
    schema = json.loads((SCHEMA_DIR / "search_log.schema.json").read_text(encoding="utf-8"))
    searches = log.get("searches") if isinstance(log, dict) else None
    if isinstance(log, dict):
        _check_method_fields(log, path)
    if isinstance(searches, dict):
        _refuse_placeholders(searches, path)
        # Each search on its own first, so a mistake is named at its search rather than as "not valid under
        # any of the given schemas" for the whole database.
        search_schema = {"$schema": schema["$schema"], **schema["$defs"]["search"]}
        for database, value in searches.items():
            entries = value if isinstance(value, list) else [value]
            for number, entry in enumerate(entries, start=1):
                where = f"searches.{database}" + (f"[{number}]" if isinstance(value, list) else "")
                _raise_first(jsonschema.Draft202012Validator(search_schema).iter_errors(entry), path, where)
    _raise_first(jsonschema.Draft202012Validator(schema).iter_errors(log), path, "")
    methods = {name: log[name] for name in METHOD_FIELDS if name in log}
    return {"searches": {db: value if isinstance(value, list) else [value] for db, value in searches.items()},
            **methods}


def is_todo(value: Any) -> bool:
    """A value `reviewflow init` left for the team to fill in (a search not run yet, or not logged yet)."""
    return isinstance(value, str) and value.strip().upper().startswith("TODO")


def _check_method_fields(log: dict[str, Any], path: Path) -> None:
    """Each optional PRISMA-S field is a sentence the report quotes: text, filled in (not a TODO)."""
    for name, (item, expected) in METHOD_FIELDS.items():
        if name not in log:
            continue
        value = log[name]
        if not isinstance(value, str) or not value.strip():
            raise InputError(f"the search log's {name} is {'empty' if value in (None, '') else 'not text'}",
                             file=path, field=name, expected=f"text (PRISMA-S item {item}): {expected}",
                             hint="write one sentence (quote it if it holds a colon), or delete the line")
        if is_todo(value):
            raise InputError(f"the search log is not filled in yet: {name} still says TODO", file=path,
                             field=name, expected=f"text (PRISMA-S item {item}): {expected}",
                             hint="say what was done, or 'none', or delete the line")


def _refuse_placeholders(searches: dict[str, Any], path: Path) -> None:
    """`reviewflow init` writes TODO where only the team knows the answer; say so before the schema's terser
    complaints about types and patterns."""
    for database, value in searches.items():
        entries = value if isinstance(value, list) else [value]
        for number, entry in enumerate(entries, start=1):
            if not isinstance(entry, dict):
                continue
            for key, item in entry.items():
                if is_todo(item):
                    where = f"searches.{database}" + (f"[{number}]" if isinstance(value, list) else "")
                    raise InputError(f"the search log is not filled in yet: {where}.{key} still says TODO",
                                     file=path, field=f"{where}.{key}",
                                     expected="the search as run: its date (YYYY-MM-DD), the query exactly as "
                                              "run, and the number of hits the database reported",
                                     hint="replace every TODO in the search log (PRISMA-S items 1-13)")


def _raise_first(errors: Iterable[jsonschema.ValidationError], path: Path, prefix: str) -> None:
    ordered = sorted(errors, key=lambda e: list(map(str, e.absolute_path)))
    if ordered:
        first = ordered[0]
        field = ".".join([prefix, *map(str, first.absolute_path)] if prefix else map(str, first.absolute_path))
        raise InputError(first.message, file=path, field=field or "(top level)",
                         hint="the schema is reviewflow/schemas/search_log.schema.json in the installed package")


def reconcile(
    log: dict[str, Any], log_path: Path, config: dict[str, Any], files_report: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Per dated search: hits reported vs records imported from that search's files; stops when they differ,
    a database has no search, or the files of a database's searches and the config's files disagree."""
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
        files = {f["file"]: f["records"] for f in files_report if f["database"] == database}
        entries = searches[database]
        for number, (entry, search_files) in enumerate(_files_per_search(database, entries, files, log_path), 1):
            field = f"searches.{database}" + (f"[{number}]" if len(entries) > 1 else "")
            imported = sum(files[f] for f in search_files)
            if imported != entry["hits_reported"]:
                detail = ", ".join(f"{f}: {files[f]}" for f in search_files)
                raise InputError(
                    f"{entry['database']} reported {entry['hits_reported']} hits on {entry['date_searched']} but "
                    f"the export files of that search hold {imported} records ({detail})", file=log_path,
                    field=f"{field}.hits_reported", expected="the exports to hold every hit the database reported",
                    hint="an export cut at a download limit loses records silently: export the missing batch, "
                         "or correct hits_reported if it was mistyped")
            rows.append({"database": database, "search": number, "label": entry["database"],
                         "platform": entry["platform"], "date_searched": entry["date_searched"],
                         "hits_reported": entry["hits_reported"], "records_imported": imported,
                         "export_files": search_files})
    return rows


def _files_per_search(database: str, entries: list[dict[str, Any]], files: dict[str, int],
                      log_path: Path) -> list[tuple[dict[str, Any], list[str]]]:
    """Each search with the export files that hold its hits. With one search, its files are the database's
    files; with several (the first search and its updates), each must list its own, no file twice, and
    together exactly the files the config finds, so every record is counted against one search."""
    found = sorted(files)
    if len(entries) == 1:
        listed = entries[0].get("export_files")
        if listed is not None and sorted(listed) != found:
            raise InputError(f"{database}: the search log lists export files {sorted(listed)} but the config finds "
                             f"{found}", file=log_path, field=f"searches.{database}.export_files",
                             expected="the same files in both places")
        return [(entries[0], found)]
    paired, seen = [], {}
    for number, entry in enumerate(entries, start=1):
        field = f"searches.{database}[{number}]"
        if "export_files" not in entry:
            raise InputError(f"{database} has {len(entries)} searches, so each must name its export files",
                             file=log_path, field=f"{field}.export_files",
                             expected="the files downloaded for this search (a list of paths)")
        if number > 1 and entry["date_searched"] <= entries[number - 2]["date_searched"]:
            raise InputError(f"searches of {database} are not in date order: {entry['date_searched']} follows "
                             f"{entries[number - 2]['date_searched']}", file=log_path, field=f"{field}.date_searched",
                             expected="the first search, then each update, oldest first, on different days")
        for name in entry["export_files"]:
            if name in seen:
                raise InputError(f"export file {name} is listed by searches {seen[name]} and {number} of {database}",
                                 file=log_path, field=f"{field}.export_files", expected="each file in one search")
            if name not in files:
                raise InputError(f"{database}: export file {name} is not among the files the config finds: {found}",
                                 file=log_path, field=f"{field}.export_files",
                                 expected="paths as the import reports them (relative to the project)")
            seen[name] = number
        paired.append((entry, sorted(entry["export_files"])))
    unlisted = [name for name in found if name not in seen]
    if unlisted:
        raise InputError(f"{database}: export file(s) {', '.join(unlisted)} belong to no search in the log",
                         file=log_path, field=f"searches.{database}",
                         expected="every export file listed under the search that produced it")
    return paired

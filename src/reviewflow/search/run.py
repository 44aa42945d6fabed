"""`reviewflow search`: run each API-backed database's query from the search log and freeze what came back.

The search log stays the one record of every search (PRISMA-S): a search is run from its entry, and the entry is
then filled in with the date, the count the database reported and the snapshot file, the same facts a person
writes after a manual export, so the import reconciles both kinds alike. An update appends a new dated entry with
the same query, fetching the records entered since the previous search and re-checking the full count.
"""

from __future__ import annotations

import fnmatch
import glob
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from reviewflow import __version__
from reviewflow.errors import InputError
from reviewflow.search import log_file
from reviewflow.search.http import PoliteClient
from reviewflow.search.snapshot import SnapshotWriter, is_provenance, provenance_path, snapshot_paths
from reviewflow.search.sources import SearchContext, Source, sources


@dataclass
class SearchOptions:
    """How to reach the API; tests point ``base_url`` at a loopback server and replace ``sleep``. ``base_url``
    and ``batch`` apply to every database searched (None: each source's own URL variable, else its default)."""

    base_url: str | None = None
    batch: int | None = None
    environ: Mapping[str, str] = field(default_factory=lambda: os.environ)
    sleep: Callable[[float], None] | None = None


def _utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def api_databases(config: dict[str, Any]) -> list[str]:
    """Databases whose config entry says ``search: {api: ...}``, in priority order."""
    return [db for db, spec in config["databases"].items() if spec.get("search")]


def run_searches(config: dict[str, Any], root: Path, *, update: bool = False, only: list[str] | None = None,
                 today: date | None = None, options: SearchOptions | None = None) -> list[dict[str, Any]]:
    """Search every API-backed database (or those in ``only``); returns one summary per search run."""
    options = options or SearchOptions()
    today = today or datetime.now(UTC).date()
    if not config.get("search_log"):
        raise InputError("the config names no search log", file="config/review.yaml", field="search_log",
                         expected="data/search_log.yaml, whose queries `reviewflow search` runs")
    targets = api_databases(config)
    if only:
        unknown = [db for db in only if db not in targets]
        if unknown:
            raise InputError(f"database(s) {', '.join(unknown)} have no `search: {{api: ...}}` in the config",
                             file="config/review.yaml", field="databases",
                             expected=f"one of {', '.join(targets) or '(none configured)'}")
        targets = [db for db in targets if db in only]
    if not targets:
        raise InputError("no database of the config is searched through an API", file="config/review.yaml",
                         field="databases.<id>.search", expected="search: {api: pubmed} under a database",
                         hint="the other databases stay manual exports, logged in the search log")
    known = sources()
    for db in targets:
        api = config["databases"][db]["search"]["api"]
        if api not in known:
            raise InputError(f"databases.{db}.search.api is {api!r}, which this reviewflow cannot search",
                             file="config/review.yaml", field=f"databases.{db}.search.api",
                             expected=f"one of {', '.join(sorted(known))}")
        _client(known[api], options)  # a missing key stops the run before any database is searched
    return [_search_one(config, root, db, known[config["databases"][db]["search"]["api"]], update, today, options)
            for db in targets]


def _has_key(source: Source, options: SearchOptions) -> bool:
    """Whether the source's API key was sent (a contact address or an institution token is not a key)."""
    return bool(source.key_variable and options.environ.get(source.key_variable, "").strip())


def _client(source: Source, options: SearchOptions) -> PoliteClient:
    """The source's HTTP client: its URL (option, environment, default), its rate, its key as a secret."""
    key = options.environ.get(source.key_variable, "").strip() if source.key_variable else ""
    if source.key_required and not key:
        raise InputError(f"{source.name} needs an API key in the environment variable {source.key_variable}",
                         field=f"${source.key_variable}", expected="the key your institution holds",
                         hint=f"export {source.key_variable}=... before searching (the key is never written to a "
                              "file); or search the other databases alone with --database, and this one by hand, "
                              "logging its export")
    secret_params = {source.key_param: key} if key and source.key_param else {}
    secret_headers = {source.key_header: key} if key and source.key_header else {}
    for param, variable in source.secret_variables.items():
        value = options.environ.get(variable, "").strip()
        if value:
            secret_params[param] = value
    for header, variable in source.secret_header_variables.items():
        value = options.environ.get(variable, "").strip()
        if value:
            secret_headers[header] = value
    rate = source.keyed_rate if key and source.keyed_rate else source.rate
    base_url = options.base_url or options.environ.get(source.url_variable) or source.default_url
    client_args: dict[str, Any] = {"sleep": options.sleep} if options.sleep else {}
    return PoliteClient(base_url, rate, secret_params=secret_params, secret_headers=secret_headers, **client_args)


def _search_one(config: dict[str, Any], root: Path, database: str, source: Source, update: bool, today: date,
                options: SearchOptions) -> dict[str, Any]:
    log_rel = Path(config["search_log"])
    log_path = root / log_rel
    log = log_file.read_log(log_path)
    found = log_file.entries(log, database, log_rel)
    last = found[-1]
    where = log_file.field_name(database, len(found), len(found))
    run_pending = log_file.is_todo(last.get("date_searched")) or log_file.is_todo(last.get("hits_reported")) \
        or "date_searched" not in last
    mindate = None
    if update:
        if run_pending:
            raise InputError(f"{where} has not been run yet, so there is nothing to update", file=log_rel,
                             field=f"{where}.date_searched", expected="a search already run",
                             hint="run `reviewflow search` (without --update) first")
        mindate = _day(last["date_searched"], log_rel, f"{where}.date_searched")
        if mindate >= today:
            raise InputError(f"{where} was run on {mindate}; an update needs a later day", file=log_rel,
                             field=f"{where}.date_searched", expected=f"a date before {today}")
    elif not run_pending:
        raise InputError(f"{where} was already run on {last['date_searched']}", file=log_rel,
                         field=f"{where}.date_searched", expected="date_searched and hits_reported saying TODO",
                         hint="`reviewflow search --update` adds an update with the same query")
    query = log_file.query_of(last, where, log_rel)
    folder = root / "data" / "raw" / database
    export, _ = snapshot_paths(folder, database, today.isoformat(), source.suffix)
    relative = export.relative_to(root).as_posix()
    _check_target(config, database, relative, found, log_rel)
    if update and len(found) == 1 and "export_files" not in last:
        last["export_files"] = _current_files(config, root, database)  # each search names its files from now on

    http = _client(source, options)
    started = _utc_now()
    with SnapshotWriter(export) as writer:
        context = SearchContext(http, query, today, writer.write, mindate, options.batch or source.default_batch,
                                options.environ)
        result = source.run(context)
        kept = result.records > 0
        provenance = {
            "reviewflow_version": __version__, "database": database, "api": source.api, "endpoint": http.base_url,
            "query": query, "search_log": log_rel.as_posix(),
            "update_window": ({"dates": source.update_dates, "mindate": mindate.isoformat(),
                               "maxdate": today.isoformat()} if mindate else None),
            "started_utc": started, "finished_utc": _utc_now(),
            "count_reported": result.count, "records_retrieved": result.records,
            "full_count_reported": result.full_count, **result.details,
            "rate_limit_per_second": http.rate, "api_key_used": _has_key(source, options),
            "requests": http.responses,
            "export": {"file": relative if kept else None, "bytes": writer.bytes, "sha256": writer.sha256},
        }
        writer.commit(provenance, keep_export=kept)

    filled = {"date_searched": today.isoformat(), "hits_reported": result.count,
              "export_files": [relative] if kept else []}
    if update:
        entry = {k: last[k] for k in ("database", "platform") if k in last}
        entry.update({"date_searched": filled["date_searched"], "query": last["query"]})
        if "limits" in last:
            entry["limits"] = last["limits"]
        entry.update({"hits_reported": filled["hits_reported"], "export_files": filled["export_files"],
                      "notes": f"Update of the search of {mindate} by `reviewflow search --update`: records "
                               f"of {source.name} by {source.update_dates} from {mindate} to {today}. The whole "
                               f"query reported {result.full_count} records that day."})
        found.append(entry)
    else:
        last.update(filled)
    log_file.set_entries(log, database, found)
    log_file.write_log(log_path, log)
    return {"database": database, "source": source.name, "count": result.count, "records": result.records,
            "full_count": result.full_count,
            "export": relative if kept else None, "provenance": provenance_path(export).relative_to(root).as_posix(),
            "update": update}


def _day(value: Any, log_rel: Path, field: str) -> date:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise InputError(f"not a date: {value!r}", file=log_rel, field=field, expected="YYYY-MM-DD") from None


def _check_target(config: dict[str, Any], database: str, relative: str, found: list[dict[str, Any]],
                  log_rel: Path) -> None:
    """The snapshot must be a file the config's exports find, and never replace a search the log records."""
    patterns = config["databases"][database]["exports"]
    if not any(fnmatch.fnmatch(relative, pattern) for pattern in patterns):
        raise InputError(f"the snapshot {relative} would not be read: no exports pattern of {database} matches it",
                         file="config/review.yaml", field=f"databases.{database}.exports",
                         expected=f'a pattern such as "data/raw/{database}/*"')
    for entry in found:
        if relative in (entry.get("export_files") or []):
            raise InputError(f"{relative} already holds a search recorded in the search log", file=log_rel,
                             field=f"searches.{database}", expected="one search of a database per day",
                             hint="a frozen search is never replaced; search again on another day")


def _current_files(config: dict[str, Any], root: Path, database: str) -> list[str]:
    """The database's export files as the import finds them, relative to the project."""
    files: set[str] = set()
    for pattern in config["databases"][database]["exports"]:
        for name in glob.glob(pattern, root_dir=root):
            path = Path(name)
            if (root / path).is_file() and not path.name.startswith(".") and path.name != "README.md" \
                    and not is_provenance(path):
                files.add(path.as_posix())
    return sorted(files)

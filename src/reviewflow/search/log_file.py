"""The search log as `reviewflow search` reads and rewrites it: the entries to run, then the facts filled in.

The import's loader refuses a TODO anywhere; here a search whose date and hits still say TODO is exactly the one
to run, so the log is read with the same safe loader but checked only for what a search needs (a query).
Rewriting keeps the comment block at the top of the file and writes queries as literal blocks, so the log stays
a file people read and edit.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import yaml

from reviewflow.errors import InputError
from reviewflow.importing.search_log import is_todo
from reviewflow.safe_yaml import load_yaml_file, load_yaml_text

FILLED_BY_SEARCH = ("date_searched", "hits_reported", "export_files")


def read_log(path: Path) -> dict[str, Any]:
    """The log's data (searches per database, each a mapping or a list), read as data."""
    log = load_yaml_file(path)
    if not isinstance(log, dict) or not isinstance(log.get("searches"), dict):
        raise InputError("the search log has no `searches` mapping", file=path, field="searches",
                         expected="searches: with one entry per database")
    return log


def entries(log: dict[str, Any], database: str, path: Path) -> list[dict[str, Any]]:
    """A database's searches, oldest first (one entry is a list of one)."""
    value = log["searches"].get(database)
    if value is None:
        raise InputError(f"no search recorded for database {database}", file=path, field=f"searches.{database}",
                         expected="an entry with the query to run (date_searched and hits_reported may say TODO)")
    found = value if isinstance(value, list) else [value]
    if not all(isinstance(entry, dict) for entry in found):
        raise InputError(f"searches.{database} is not a search entry or a list of them", file=path,
                         field=f"searches.{database}", expected="database, platform, date_searched, query, ...")
    return found


def field_name(database: str, number: int, total: int) -> str:
    return f"searches.{database}" + (f"[{number}]" if total > 1 else "")


def query_of(entry: dict[str, Any], where: str, path: Path) -> str:
    """The query exactly as written (trailing newline of a literal block dropped)."""
    query = entry.get("query")
    if not isinstance(query, str) or not query.strip() or is_todo(query):
        raise InputError(f"{where}.query has no query to run", file=path, field=f"{where}.query",
                         expected="the full search strategy, exactly as PubMed should run it")
    return query.strip()


def set_entries(log: dict[str, Any], database: str, found: list[dict[str, Any]]) -> None:
    log["searches"][database] = found[0] if len(found) == 1 else found


class _LogDumper(yaml.SafeDumper):
    """Block style, keys in the order written, multi-line strings as literal blocks."""


def _string(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_LogDumper.add_representer(str, _string)


def write_log(path: Path, log: dict[str, Any]) -> None:
    """Rewrite the log atomically, keeping its leading comment block; the result must read back as the same
    data (a check that the YAML written says what was meant)."""
    lines = path.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    header = []
    for line in lines:
        if line.strip() and not line.lstrip().startswith("#"):
            break
        header.append(line)
    body = yaml.dump(log, Dumper=_LogDumper, sort_keys=False, allow_unicode=True, width=110,
                     default_flow_style=False, indent=2)
    text = "".join(header) + body
    if load_yaml_text(text, source=path) != log:
        raise AssertionError("the rewritten search log does not read back as the same data")
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(text)
    os.replace(name, path)

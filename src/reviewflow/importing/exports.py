"""Import stage: every export file named in the config becomes rows of one records table, nothing dropped.

Record ids follow docs/DATA_CONTRACTS.md: the database's accession when the export has one, otherwise a hash of
the record's normalised identity, so ids survive re-runs and the arrival of new export files.
"""

from __future__ import annotations

import glob
import logging
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pandas as pd

from reviewflow.errors import InputError
from reviewflow.importing.formats.base import RECORD_FIELDS, ParsedRecord
from reviewflow.importing.formats.detect import read_export
from reviewflow.importing.search_log import load_search_log, reconcile
from reviewflow.normalize import normalise_issn, short_author, short_hash, surname, title_key
from reviewflow.search.provenance import check_search_counts, verify_snapshot
from reviewflow.search.snapshot import is_provenance
from reviewflow.tables import validate

log = logging.getLogger(__name__)

RECORD_COLUMNS = ["record_id", "database", "source_file", "source_position", "source_line", "format", "accession",
                  *RECORD_FIELDS]


def export_files(config: dict[str, Any], root: Path) -> dict[str, list[Path]]:
    """Export files per database, expanded from the config's glob patterns, sorted; a pattern matching
    nothing is an error (a missing export would silently shrink every count after it)."""
    files: dict[str, list[Path]] = {}
    # Paths relative to the project when it is the working directory, so messages name files as users see them.
    base = Path() if root.resolve() == Path.cwd().resolve() else root
    for database, spec in config["databases"].items():
        found: set[Path] = set()
        for pattern in spec["exports"]:
            matches = [base / p for p in glob.glob(pattern, root_dir=root) if (root / p).is_file()]
            matches = [p for p in matches if not p.name.startswith(".") and p.name != "README.md"
                       and not is_provenance(p)]
            if not matches:
                raise InputError(
                    f"no export file matches {pattern!r} for database {database!r}",
                    file="config/review.yaml",
                    field=f"databases.{database}.exports",
                    expected="a glob pattern that matches at least one file under data/raw/",
                )
            found.update(matches)
        files[database] = sorted(found)
    return files


def _record_id(database: str, record: ParsedRecord, first_author: str) -> str:
    """``<database>:<accession>``, else a hash of the record's identity (first_author in ``Surname Initials``)."""
    if record.accession:
        return f"{database}:{record.accession}"
    first = surname(first_author) if first_author else ""
    identity = (title_key(record.title), record.year, title_key(first), title_key(record.journal or
                record.journal_abbrev), record.volume, record.pages, record.doi)
    return f"{database}:h" + short_hash(database, *identity)


def _row(database: str, source: str, fmt: str, record: ParsedRecord) -> dict[str, Any]:
    authors = [short_author(a) for a in record.authors]
    return {
        "record_id": _record_id(database, record, authors[0] if authors else ""),
        "database": database,
        "source_file": source,
        "source_position": record.position,
        "source_line": record.line,
        "format": fmt,
        "accession": record.accession,
        "title": " ".join(record.title.split()),
        "authors": "; ".join(authors),
        "authors_full": "; ".join(" ".join(a.split()) for a in record.authors),
        "first_author": authors[0] if authors else "",
        "year": record.year,
        "journal": record.journal,
        "journal_abbrev": record.journal_abbrev,
        "volume": record.volume,
        "issue": record.issue,
        "pages": record.pages,
        "doi": record.doi,
        "pmid": record.pmid,
        "pmcid": record.pmcid,
        "issn": "; ".join(dict.fromkeys(i for i in map(normalise_issn, record.issn) if i)),
        "abstract": " ".join(record.abstract.split()),
        "language": record.language,
        "publication_types": "; ".join(" ".join(t.split()) for t in record.publication_types),
        "keywords": "; ".join(" ".join(k.split()) for k in record.keywords),
        "url": record.url.strip(),
    }


def _as_lists(raw: dict[str, Any]) -> dict[str, list[str]]:
    return {str(tag): value if isinstance(value, list) else [value] for tag, value in raw.items()}


def _disambiguate(ids: list[str]) -> list[str]:
    """Repeated ids (the same record exported twice) get -2, -3, ... in file order, so none is lost."""
    seen: Counter[str] = Counter()
    out = []
    for record_id in ids:
        seen[record_id] += 1
        out.append(record_id if seen[record_id] == 1 else f"{record_id}-{seen[record_id]}")
    return out


def _read_files(
    plan: list[tuple[str, Path, str]], root: Path | None, raw_sink: list[dict[str, Any]] | None
) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    """Read (database, path, format setting) triples into the records table and the per-file report."""
    rows: list[dict[str, Any]] = []
    files_report: list[dict[str, Any]] = []
    first_raw = len(raw_sink) if raw_sink is not None else 0
    for database, path, fmt_setting in plan:
        fmt, records = read_export(path, fmt_setting)
        if root is not None and path.is_absolute() and path.is_relative_to(root):
            source = path.relative_to(root).as_posix()
        else:
            source = path.as_posix()
        file_rows = [_row(database, source, fmt, r) for r in records]
        rows.extend(file_rows)
        if raw_sink is not None:
            raw_sink.extend({"source_file": source, "source_position": r.position, "fields": _as_lists(r.raw)}
                            for r in records)
        files_report.append(
            {
                "database": database,
                "file": source,
                "format": fmt,
                "records": len(file_rows),
                "without_title": sum(1 for r in file_rows if not r["title"]),
                "without_year": sum(1 for r in file_rows if not r["year"]),
                "without_doi": sum(1 for r in file_rows if not r["doi"]),
                "without_authors": sum(1 for r in file_rows if not r["authors"]),
            }
        )
        log.info("%s: %s, %d records", source, fmt, len(file_rows))
    frame = pd.DataFrame(rows, columns=RECORD_COLUMNS)
    frame["record_id"] = _disambiguate(frame["record_id"].tolist())
    if raw_sink is not None:
        for entry, record_id in zip(raw_sink[first_raw:], frame["record_id"], strict=True):
            entry["record_id"] = record_id
    frame = frame.astype({c: "str" for c in RECORD_COLUMNS if c not in ("source_position", "source_line")})
    frame = frame.astype({"source_position": "int64", "source_line": "int64"})
    try:
        frame = validate(frame, "records", file=Path("results/records.csv"), key_column="record_id")
    except InputError as exc:
        raise _in_export(exc, frame) from None
    return frame, files_report


def _in_export(error: InputError, frame: pd.DataFrame) -> InputError:
    """A records-table validation error restated at the export file and line the record came from: the table is
    not written yet, and the export is what the user can fix."""
    if error.line is None or not 0 <= error.line - 2 < len(frame):
        return error
    row = frame.iloc[error.line - 2]
    field = "accession (it becomes the record id)" if error.field == "record_id" else error.field
    return InputError(f"{error.message}, in the record read from here", file=row["source_file"],
                      line=int(row["source_line"]), record=str(row["source_position"]), field=field,
                      expected=error.expected, hint=error.hint)


def import_files(paths: list[Path], database: str = "import") -> tuple[pd.DataFrame, dict[str, Any]]:
    """Records of export files named directly (outside the workflow), all under one database id."""
    if not re.fullmatch(r"[a-z][a-z0-9_]*", database):
        raise InputError(f"database id {database!r} is not usable in record ids", field="--database",
                         expected="lower-case letters, digits and underscores, starting with a letter")
    for path in paths:
        if not path.is_file():
            raise InputError("file not found", file=path)
    frame, files_report = _read_files([(database, p, "auto") for p in paths], None, None)
    return frame, {"files": files_report, "records_total": len(frame)}


def import_exports(
    config: dict[str, Any], root: Path, raw_sink: list[dict[str, Any]] | None = None
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """All records of all configured exports, and the import report (counts per file and per database).

    With ``raw_sink``, every record's raw exported fields are appended to it (in records order) for the audit
    file ``results/records_raw.jsonl``.
    """
    plan = [
        (database, path, config["databases"][database].get("format", "auto"))
        for database, paths in export_files(config, root).items()
        for path in paths
    ]
    for _, path, _ in plan:
        verify_snapshot(path)  # a frozen search's bytes, before anything is read from them
    frame, files_report = _read_files(plan, root, raw_sink)
    per_database = {
        database: sum(f["records"] for f in files_report if f["database"] == database)
        for database in config["databases"]
    }
    report = {"files": files_report, "records_per_database": per_database, "records_total": len(frame)}
    if config.get("search_log"):
        log_path = root / config["search_log"]
        report["searches"] = reconcile(load_search_log(log_path), Path(config["search_log"]), config, files_report)
        check_search_counts(report["searches"], root, Path(config["search_log"]))
    else:
        log.warning("no search_log in the config: hit counts are not reconciled with the exports")
        report["searches"] = None
    if report["records_total"] != sum(per_database.values()):
        raise AssertionError("import report does not balance")
    return frame, report

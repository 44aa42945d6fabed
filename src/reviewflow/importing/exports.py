"""Import stage: every export file named in the config becomes rows of one records table, nothing dropped.

Record ids follow docs/DATA_CONTRACTS.md: the database's accession when the export has one, otherwise a hash of
the record's normalised identity, so ids survive re-runs and the arrival of new export files.
"""

from __future__ import annotations

import glob
import logging
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

import pandas as pd

from reviewflow.errors import InputError
from reviewflow.importing.formats.base import RECORD_FIELDS, ParsedRecord
from reviewflow.importing.formats.detect import iter_export
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


class _RecordIds:
    """Record ids made unique in import order: the same record exported twice gets -2, -3, ... in file order, so
    none is lost. Kept across files, so an import read chunk by chunk gives the ids a whole-table pass gives."""

    def __init__(self) -> None:
        self._seen: Counter[str] = Counter()
        self._final: set[str] = set()

    def assign(self, ids: list[str]) -> list[str]:
        out = []
        for record_id in ids:
            self._seen[record_id] += 1
            count = self._seen[record_id]
            out.append(record_id if count == 1 else f"{record_id}-{count}")
        return out

    def repeated(self, ids: list[str]) -> int | None:
        """Index of the first id already given (an accession that happens to read like ``<id>-2``), else None;
        remembers the others."""
        for index, record_id in enumerate(ids):
            if record_id in self._final:
                return index
            self._final.add(record_id)
        return None


# Records turned into table rows at a time: a large export file is validated and written in slices, so the
# import holds one slice of rows, not the whole table (docs/DATA_CONTRACTS.md, results/records.csv).
CHUNK_RECORDS = 5_000


@dataclass
class Chunk:
    """Consecutive records of one export file as rows of the records table, validated, with (when asked) each
    record's raw fields for results/records_raw.jsonl."""

    database: str
    source: str
    frame: pd.DataFrame
    rows: list[dict[str, Any]]  # the frame's rows as built, for writers faster than DataFrame.to_csv
    raw: list[dict[str, Any]] | None


def _source(path: Path, root: Path | None) -> str:
    if root is not None and path.is_absolute() and path.is_relative_to(root):
        return path.relative_to(root).as_posix()
    return path.as_posix()


def _chunk_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=RECORD_COLUMNS)
    frame = frame.astype({c: "str" for c in RECORD_COLUMNS if c not in ("source_position", "source_line")})
    frame = frame.astype({"source_position": "int64", "source_line": "int64"})
    try:
        return validate(frame, "records", file=Path("results/records.csv"), key_column="record_id")
    except InputError as exc:
        raise _in_export(exc, frame) from None


def read_chunks(
    plan: list[tuple[str, Path, str]], root: Path | None, files_report: list[dict[str, Any]], *, raw: bool
) -> Iterator[Chunk]:
    """Read (database, path, format setting) triples in order, yielding validated slices of the records table
    and appending each file's entry to ``files_report`` once the file is read. One export's text and one slice
    of records and rows are held at a time (whatever the number of files; readers without ``iter_read`` hold
    their file's records too), so memory does not grow with the search."""
    ids = _RecordIds()
    for database, path, fmt_setting in plan:
        fmt, records = iter_export(path, fmt_setting)
        source = _source(path, root)
        entry = {"database": database, "file": source, "format": fmt, "records": 0, "without_title": 0,
                 "without_year": 0, "without_doi": 0, "without_authors": 0}
        while batch := list(islice(records, CHUNK_RECORDS)):
            entry["records"] += len(batch)
            rows = [_row(database, source, fmt, r) for r in batch]
            for row, record_id in zip(rows, ids.assign([row["record_id"] for row in rows]), strict=True):
                row["record_id"] = record_id
            for name, column in (("title", "title"), ("year", "year"), ("doi", "doi"), ("authors", "authors")):
                entry[f"without_{name}"] += sum(1 for row in rows if not row[column])
            frame = _chunk_frame(rows)
            repeated = ids.repeated(frame["record_id"].tolist())
            if repeated is not None:
                row = frame.iloc[repeated]
                raise InputError(f"record id {row['record_id']!r} is given to an earlier record too, in the record "
                                 "read from here", file=row["source_file"], line=int(row["source_line"]),
                                 record=str(row["source_position"]), field="accession (it becomes the record id)",
                                 expected="each record id once")
            raw_rows = None
            if raw:
                raw_rows = [{"record_id": row["record_id"], "source_file": source, "source_position": r.position,
                             "fields": _as_lists(r.raw)} for row, r in zip(rows, batch, strict=True)]
            del batch
            yield Chunk(database, source, frame, rows, raw_rows)
        files_report.append(entry)
        log.info("%s: %s, %d records", source, fmt, entry["records"])


def _read_files(
    plan: list[tuple[str, Path, str]], root: Path | None, raw_sink: list[dict[str, Any]] | None
) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    """Read (database, path, format setting) triples into the records table and the per-file report."""
    files_report: list[dict[str, Any]] = []
    frames = []
    for chunk in read_chunks(plan, root, files_report, raw=raw_sink is not None):
        frames.append(chunk.frame)
        if raw_sink is not None and chunk.raw is not None:
            raw_sink.extend(chunk.raw)
    frame = pd.concat(frames, ignore_index=True) if frames else _chunk_frame([])
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


def import_plan(config: dict[str, Any], root: Path) -> list[tuple[str, Path, str]]:
    """(database, export file, format setting) for every configured export, databases in config order; a frozen
    search's snapshot is checked against its provenance here, before anything is read from it."""
    plan = [
        (database, path, config["databases"][database].get("format", "auto"))
        for database, paths in export_files(config, root).items()
        for path in paths
    ]
    for _, path, _ in plan:
        verify_snapshot(path)
    return plan


def import_report(config: dict[str, Any], root: Path, files_report: list[dict[str, Any]]) -> dict[str, Any]:
    """The import report from the per-file entries: counts per database, and each dated search of the search
    log reconciled with its files (an export holding fewer or more records than the hits reported stops here)."""
    per_database = {
        database: sum(f["records"] for f in files_report if f["database"] == database)
        for database in config["databases"]
    }
    total = sum(f["records"] for f in files_report)
    report = {"files": files_report, "records_per_database": per_database, "records_total": total}
    if config.get("search_log"):
        log_path = root / config["search_log"]
        report["searches"] = reconcile(load_search_log(log_path), Path(config["search_log"]), config, files_report)
        check_search_counts(report["searches"], root, Path(config["search_log"]))
    else:
        log.warning("no search_log in the config: hit counts are not reconciled with the exports")
        report["searches"] = None
    if report["records_total"] != sum(per_database.values()):
        raise AssertionError("import report does not balance")
    return report


def import_exports(
    config: dict[str, Any], root: Path, raw_sink: list[dict[str, Any]] | None = None
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """All records of all configured exports as one table, and the import report (counts per file and per
    database). The workflow's import streams instead (``importing/staged.py``); this whole-table form is for
    small projects and tests.

    With ``raw_sink``, every record's raw exported fields are appended to it (in records order) for the audit
    file ``results/records_raw.jsonl``.
    """
    frame, files_report = _read_files(import_plan(config, root), root, raw_sink)
    report = import_report(config, root, files_report)
    if report["records_total"] != len(frame):
        raise AssertionError("import report does not balance")
    return frame, report

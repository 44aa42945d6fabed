"""One reviewer's decision file, ``data/screening/<stage>/<reviewer>.csv``: the app's only state on disk.

Every decision rewrites the whole file through a temporary file in the same folder (flush, fsync, os.replace),
so the file on disk is always complete: what the build reads, whatever happens to the browser or the server.
Rows stay in the order they were decided (a changed decision moves to the end), which is what makes "undo the
last decision" meaningful after a restart too.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

try:  # POSIX: also one writer across processes (consensus.csv may have two apps open on it)
    import fcntl
except ImportError:  # pragma: no cover - Windows: the lock in this server is the only one
    fcntl = None

from reviewflow.errors import InputError

COLUMNS = ["work_id", "stage", "reviewer", "decision", "reason", "note"]
Row = dict[str, str]

# One writer per file in this server: every read-modify-write of a path holds its lock.
_LOCKS: dict[Path, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()


def _lock_for(path: Path) -> threading.Lock:
    with _LOCKS_GUARD:
        return _LOCKS.setdefault(path.resolve(), threading.Lock())


@contextmanager
def _one_writer(path: Path) -> Iterator[None]:
    """This server's lock on the file, and where the system has it an advisory lock on its folder."""
    with _lock_for(path):
        if fcntl is None:
            yield
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path.parent, os.O_RDONLY)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX)
            yield
        finally:
            os.close(descriptor)  # closing releases the lock


def read_rows(path: Path) -> list[Row]:
    """The file's rows in order (an absent file has none); a row missing a work id or repeated one stops."""
    if not path.is_file():
        return []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in ("work_id", "decision") if c not in (reader.fieldnames or [])]
        if missing:
            raise InputError("not a decision file", file=path, line=1, field=missing[0],
                             expected=",".join(COLUMNS))
        rows: list[Row] = []
        seen: dict[str, int] = {}
        for line, raw in enumerate(reader, start=2):
            row = {column: (raw.get(column) or "").strip() for column in COLUMNS}
            if not row["work_id"]:
                raise InputError("a row without a work id", file=path, line=line, field="work_id",
                                 expected="a work id from results/works.csv")
            if row["work_id"] in seen:
                raise InputError(f"work decided twice (also line {seen[row['work_id']]})", file=path, line=line,
                                 record=row["work_id"], field="work_id", expected="one row per work")
            seen[row["work_id"]] = line
            rows.append(row)
    return rows


def write_rows_atomically(path: Path, rows: list[Row]) -> None:
    """Replace ``path`` with ``rows`` in one step: a reader sees the old file or the new one, never half."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    write_text_atomically(path, buffer.getvalue())


def write_text_atomically(path: Path, text: str) -> None:
    """Temporary file in the same folder, flushed and synced, then renamed over ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # Not ending in .csv: the build reads every *.csv under data/screening, and must never see a half-written one.
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    _fsync_folder(path.parent)


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable where the system allows opening a folder (POSIX)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


class DecisionStore:
    """Reads and writes one reviewer's file at one stage; remembers this session's changes for undo."""

    def __init__(self, path: Path, stage: str, reviewer: str) -> None:
        self.path, self.stage, self.reviewer = path, stage, reviewer
        self._history: list[tuple[str, Row | None]] = []  # (work id, its row before the change)
        read_rows(path)  # a broken file stops the app at start, not at the first decision

    def rows(self) -> list[Row]:
        return read_rows(self.path)

    def decisions(self) -> dict[str, Row]:
        return {row["work_id"]: row for row in self.rows()}

    def put(self, work_id: str, decision: str, reason: str = "", note: str = "") -> None:
        """Record (or change) the decision on one work, written to disk before this returns."""
        new = {"work_id": work_id, "stage": self.stage, "reviewer": self.reviewer, "decision": decision,
               "reason": reason, "note": " ".join(note.split())}
        with _one_writer(self.path):
            rows = read_rows(self.path)
            previous = next((row for row in rows if row["work_id"] == work_id), None)
            rows = [row for row in rows if row["work_id"] != work_id] + [new]
            write_rows_atomically(self.path, rows)
            self._history.append((work_id, previous))

    def undo(self) -> str | None:
        """Take back the last decision: this session's last change is restored exactly; after a restart, the
        file's last row (the last decision made) is removed. Returns the work id, or None if nothing to undo."""
        with _one_writer(self.path):
            rows = read_rows(self.path)
            if self._history:
                work_id, previous = self._history.pop()
                rows = [row for row in rows if row["work_id"] != work_id]
                if previous is not None:
                    rows.append(previous)
            elif rows:
                work_id = rows.pop()["work_id"]
            else:
                return None
            write_rows_atomically(self.path, rows)
            return work_id

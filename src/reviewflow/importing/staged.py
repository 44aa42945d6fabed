"""The workflow's import, streamed: records are written as they are read, so memory does not grow with the search.

Holding every record of a large search at once (parsed records, their rows, the table and the raw fields) took
about 14 KB per record: 1.4 GB for 100,000 records, more than a machine has for a million-record living review.
Here each slice of rows (exports.read_chunks) is written to a staging folder as soon as it is validated: its
records.csv rows to a part file of its export, its raw fields as JSON lines to one staging file, remembering only
each record id with the place of its line. Nothing reaches ``results/`` until every export is read and the
search log reconciled (a failed import leaves the last good outputs alone); then ``records.csv`` is the parts
joined in the table's order (database, source file, position) and ``records_raw.jsonl`` the staged lines copied
in record-id order. The bytes are those the whole-table writer (tables.write_table / write_jsonl) gives.
"""

from __future__ import annotations

import csv
import gc
import json
import shutil
import tempfile
from pathlib import Path
from types import TracebackType
from typing import Any

import pandas as pd

from reviewflow.formulas import neutralise
from reviewflow.importing.exports import RECORD_COLUMNS, import_plan, import_report, read_chunks


class StagedImport:
    """Read every configured export into a staging folder (in the system's temporary folder); ``report`` is the
    import report. Use as a context manager, so the staging folder goes away whatever happens."""

    def __init__(self, config: dict[str, Any], root: Path, *, raw: bool = True) -> None:
        self._dir = Path(tempfile.mkdtemp(prefix="reviewflow-import-"))
        self._parts: dict[tuple[str, str], Path] = {}
        self._raw_index: list[tuple[str, int, int]] = []
        self._raw_path = self._dir / "raw.jsonl"
        # Rows, raw fields and parsed records hold no reference cycles; with the cyclic garbage collector paused,
        # it does not re-scan every live object again and again while they come and go (a quarter of the time).
        collecting = gc.isenabled()
        gc.disable()
        try:
            files_report: list[dict[str, Any]] = []
            with self._raw_path.open("wb") as raw_handle:
                for chunk in read_chunks(import_plan(config, root), root, files_report, raw=raw):
                    self._write_part(chunk.database, chunk.source, chunk.rows)
                    if chunk.raw is not None:
                        self._stage_raw(chunk.raw, raw_handle)
            self.report = import_report(config, root, files_report)
        except BaseException:
            self.close()
            raise
        finally:
            if collecting:
                gc.enable()

    def _write_part(self, database: str, source: str, rows: list[dict[str, Any]]) -> None:
        """The validated rows of a chunk, appended to its export's part file. Written with the csv module in the
        dialect DataFrame.to_csv uses (which calls it too), at a third of to_csv's cost: the values are the
        frame's, text and integers as built."""
        key = (database, source)
        part = self._parts.setdefault(key, self._dir / f"part-{len(self._parts):06d}.csv")
        with part.open("a", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
            # Neutralised as tables.write_table does, so records.csv opens safely and reads back the same.
            writer.writerows([neutralise(v) if isinstance(v, str) else v for v in (row[c] for c in RECORD_COLUMNS)]
                             for row in rows)

    def _stage_raw(self, rows: list[dict[str, Any]], handle: Any) -> None:
        offset = handle.tell()
        lines = []
        for row in rows:
            line = (json.dumps(row, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")
            self._raw_index.append((row["record_id"], offset, len(line)))
            offset += len(line)
            lines.append(line)
        handle.write(b"".join(lines))

    def write_records(self, path: Path) -> None:
        """``results/records.csv``: the header, then each export's rows, sorted by database and source file (rows
        of one file are already in position order)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as out:
            out.write(pd.DataFrame(columns=RECORD_COLUMNS).to_csv(index=False, lineterminator="\n").encode("utf-8"))
            for key in sorted(self._parts):
                with self._parts[key].open("rb") as part:
                    shutil.copyfileobj(part, out, 1 << 20)

    def write_raw(self, path: Path) -> None:
        """``results/records_raw.jsonl``: the staged lines in record-id order."""
        path.parent.mkdir(parents=True, exist_ok=True)
        self._raw_index.sort()
        with self._raw_path.open("rb") as staged, path.open("wb") as out:
            for _, offset, length in self._raw_index:
                staged.seek(offset)
                out.write(staged.read(length))

    def close(self) -> None:
        shutil.rmtree(self._dir, ignore_errors=True)

    def __enter__(self) -> StagedImport:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()

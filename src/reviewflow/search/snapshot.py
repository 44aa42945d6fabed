"""A frozen search: the export exactly as the API returned it, and its provenance beside it, written atomically.

Bodies are streamed to a hidden temporary file (never held whole in memory) while their sha256 is computed; only a
search that completed and reconciled is renamed into place, export first and provenance second, so an interrupted
run leaves no half snapshot (the hidden file is removed, and any left by a killed process is removed by the next
run), and a file that exists always holds a whole search.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

PROVENANCE_SUFFIX = ".provenance.json"
PARTIAL_SUFFIX = ".partial"


def snapshot_paths(folder: Path, database: str, day: str, suffix: str = ".txt") -> tuple[Path, Path]:
    """``<folder>/<database>-<day><suffix>`` and its ``.provenance.json`` sibling."""
    export = folder / f"{database}-{day}{suffix}"
    return export, provenance_path(export)


def provenance_path(export: Path) -> Path:
    """The provenance file that belongs to an export file."""
    return export.with_name(export.stem + PROVENANCE_SUFFIX)


def is_provenance(path: Path | str) -> bool:
    """Whether a file is a snapshot's provenance (never an export to read)."""
    return str(path).endswith(PROVENANCE_SUFFIX)


class SnapshotWriter:
    """Collects one search's bodies in a temporary file; ``commit`` puts export and provenance in place."""

    def __init__(self, export: Path) -> None:
        self.export = export
        self.provenance = provenance_path(export)
        export.parent.mkdir(parents=True, exist_ok=True)
        for stale in export.parent.glob(f".{export.stem}*{PARTIAL_SUFFIX}"):
            stale.unlink()  # left by a run that was killed: start clean
        handle, name = tempfile.mkstemp(prefix=f".{export.stem}.", suffix=PARTIAL_SUFFIX, dir=export.parent)
        self._file = os.fdopen(handle, "wb")
        self._temp = Path(name)
        self._hash = hashlib.sha256()
        self.bytes = 0

    def write(self, body: bytes) -> None:
        self._file.write(body)
        self._hash.update(body)
        self.bytes += len(body)

    @property
    def sha256(self) -> str:
        return self._hash.hexdigest()

    def commit(self, provenance: dict[str, Any], keep_export: bool = True) -> None:
        """Move the export (unless ``keep_export`` is false: an empty result has none) and then its provenance
        into place."""
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()
        text = json.dumps(provenance, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        handle, name = tempfile.mkstemp(prefix=f".{self.provenance.name}.", suffix=PARTIAL_SUFFIX,
                                        dir=self.export.parent)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        if keep_export:
            os.replace(self._temp, self.export)
        else:
            self._temp.unlink()
        os.replace(name, self.provenance)

    def discard(self) -> None:
        """Remove the temporary file (a failed or interrupted search keeps nothing)."""
        with contextlib.suppress(OSError):
            self._file.close()
        self._temp.unlink(missing_ok=True)

    def __enter__(self) -> SnapshotWriter:
        return self

    def __exit__(self, kind: object, value: object, traceback: object) -> None:
        if kind is not None:
            self.discard()


def file_sha256(path: Path) -> str:
    """sha256 of a file, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()

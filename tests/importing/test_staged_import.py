"""The streamed import (importing/staged.py) writes the bytes the whole-table import writes, and nothing on failure.

The workflow's import stages records slice by slice; these tests pin that the assembled records.csv and
records_raw.jsonl equal what tables.write_table / write_jsonl make of import_exports' table, across several
files and slices and with a repeated record (the ``-2`` id), and that a reader written to the old interface
(``read`` only, no ``iter_read``) still streams.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from reviewflow.config import load_config
from reviewflow.errors import InputError
from reviewflow.importing import exports
from reviewflow.importing.exports import import_exports
from reviewflow.importing.formats import detect
from reviewflow.importing.formats.base import ParsedRecord
from reviewflow.importing.staged import StagedImport
from reviewflow.tables import write_jsonl, write_table
from tests.conftest import RIS_TEXT


def _whole_table(config: dict, project: Path, out: Path) -> tuple[bytes, bytes]:
    raw: list[dict] = []
    records, _ = import_exports(config, project, raw_sink=raw)
    write_table(records, out / "records.csv", sort_by=["database", "source_file", "source_position"])
    write_jsonl(sorted(raw, key=lambda r: r["record_id"]), out / "records_raw.jsonl")
    return (out / "records.csv").read_bytes(), (out / "records_raw.jsonl").read_bytes()


def test_staged_outputs_are_the_whole_table_bytes(mini_project: Path, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    # A second Scopus file repeating a record (id -2), and slices of two records, so parts span several writes.
    (mini_project / "data/raw/scopus/update.ris").write_text(RIS_TEXT.split("\n\n")[1] + "\n", encoding="utf-8")
    monkeypatch.setattr(exports, "CHUNK_RECORDS", 2)
    config = load_config(mini_project / "config" / "review.yaml")
    expected = _whole_table(config, mini_project, tmp_path)
    with StagedImport(config, mini_project) as staged:
        staged.write_records(tmp_path / "staged.csv")
        staged.write_raw(tmp_path / "staged.jsonl")
        assert staged.report["records_total"] == 8
    assert (tmp_path / "staged.csv").read_bytes() == expected[0]
    assert (tmp_path / "staged.jsonl").read_bytes() == expected[1]
    assert b"-2," in expected[0]


def test_failed_import_leaves_no_staging_folder(mini_project: Path, monkeypatch: pytest.MonkeyPatch,
                                                tmp_path: Path) -> None:
    staging = tmp_path / "staging"
    staging.mkdir()
    monkeypatch.setenv("TMPDIR", str(staging))
    monkeypatch.setattr("tempfile.tempdir", None)
    (mini_project / "data/raw/scopus/broken.ris").write_text("TY  - JOUR\nTI  - cut here\n", encoding="utf-8")
    config = load_config(mini_project / "config" / "review.yaml")
    with pytest.raises(InputError, match="truncated"):
        StagedImport(config, mini_project)
    assert list(staging.iterdir()) == []


def test_reader_with_only_read_still_streams(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A reader module written to the first interface (NAME, DESCRIPTION, sniff, read) needs no iter_read."""
    legacy = SimpleNamespace(
        NAME="legacy", DESCRIPTION="a reader with read() only",
        sniff=lambda text: text.startswith("LEGACY"),
        read=lambda path, text: [ParsedRecord(position=i, line=i + 1, title=line)
                                 for i, line in enumerate(text.split("\n")[1:], start=1) if line],
    )
    monkeypatch.setattr(detect, "READERS", [legacy, *detect.READERS])
    monkeypatch.setitem(detect.BY_NAME, "legacy", legacy)
    path = tmp_path / "export.txt"
    path.write_text("LEGACY\nFirst title\nSecond title\n", encoding="utf-8")
    name, records = detect.iter_export(path)
    assert name == "legacy"
    assert [r.title for r in records] == ["First title", "Second title"]
    assert [r.title for r in detect.read_export(path)[1]] == ["First title", "Second title"]

"""Labelled hard cases from the real exports in ../shared/fixtures/exports: supplement DOIs, DOIs cut short,
numbered series, recurring titles, translated, bilingual and retitled records. The project keeps only the
labels and where to find each record (tests/dedup/hard_cases.csv: export file relative to fixtures/exports,
record position in it, the start of its title as a check); the records are read from ../shared."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from reviewflow.dedup.run import deduplicate
from reviewflow.importing.exports import import_files
from tests.conftest import SHARED

CASES = Path(__file__).with_name("hard_cases.csv")
EXPORTS = SHARED / "fixtures" / "exports"


def _cases() -> list[dict[str, str]]:
    with CASES.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _records(cases: list[dict[str, str]]) -> pd.DataFrame:
    """The records the cases name, each with the record id ``file#position``."""
    wanted: dict[str, set[int]] = {}
    for case in cases:
        for side in "ab":
            wanted.setdefault(case[f"file_{side}"], set()).add(int(case[f"position_{side}"]))
    frames = []
    for name, positions in sorted(wanted.items()):
        table, _ = import_files([EXPORTS / name], "hard")
        table = table[table["source_position"].isin(positions)].copy()
        table["record_id"] = name + "#" + table["source_position"].astype(str)
        frames.append(table)
    return pd.concat(frames, ignore_index=True)


def test_labels_name_the_records_they_mean() -> None:
    cases = _cases()
    assert {case["label"] for case in cases} <= {"same", "different"}
    assert {case["expected"] for case in cases} <= {"merged", "apart", "review"}
    assert all(case["why"].strip() for case in cases)


def test_hard_cases_from_real_exports() -> None:
    if not EXPORTS.is_dir():
        pytest.skip(f"real exports not available: {EXPORTS} (../shared sits beside the checkout in CI)")
    cases = _cases()
    table = _records(cases)
    titles = dict(zip(table["record_id"], table["title"], strict=True))
    result = deduplicate(table, {"databases": {"hard": {}}})
    work = result.record_to_work
    review = set(zip(result.review["record_id_a"], result.review["record_id_b"], strict=True))
    wrong = []
    for case in cases:
        a, b = (f"{case[f'file_{side}']}#{case[f'position_{side}']}" for side in "ab")
        for record, prefix in ((a, case["title_a"]), (b, case["title_b"])):
            assert titles.get(record, "").lower().startswith(prefix.lower()), (record, titles.get(record))
        merged = work[a] == work[b]
        if case["label"] == "different" and merged:
            wrong.append(f"FALSE MERGE {a} / {b}: {case['why']}")
        elif case["expected"] == "merged" and not merged:
            wrong.append(f"missed {a} / {b}: {case['why']}")
        elif case["expected"] == "review" and (merged or tuple(sorted((a, b))) not in review):
            wrong.append(f"not in the review band {a} / {b}: {case['why']}")
    assert not wrong, "\n".join(wrong)

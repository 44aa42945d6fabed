"""Conflicts between reviewers: what find_conflicts lists and what it leaves alone."""

from __future__ import annotations

import pandas as pd

from reviewflow.screening.agreement import CONFLICT_COLUMNS, find_conflicts


def _rows(*rows: tuple[str, str, str, str, str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["work_id", "stage", "reviewer", "decision", "reason"])


def test_different_decisions_are_listed_with_each_reviewers_decision() -> None:
    conflicts = find_conflicts(_rows(
        ("W2", "title_abstract", "bob", "exclude", "protocol"),
        ("W2", "title_abstract", "ann", "include", ""),
        ("W1", "title_abstract", "ann", "include", ""),
        ("W1", "title_abstract", "bob", "include", ""),
    ))
    assert list(conflicts.columns) == CONFLICT_COLUMNS
    assert conflicts[["work_id", "reviewer", "decision", "reason"]].values.tolist() == [
        ["W2", "ann", "include", ""], ["W2", "bob", "exclude", "protocol"]]


def test_different_exclusion_reasons_conflict() -> None:
    conflicts = find_conflicts(_rows(("W1", "full_text", "ann", "exclude", "protocol"),
                                     ("W1", "full_text", "bob", "exclude", "no_statistics")))
    assert sorted(conflicts["reviewer"]) == ["ann", "bob"]


def test_consensus_settles_and_unsure_never_conflicts() -> None:
    conflicts = find_conflicts(_rows(
        ("W1", "title_abstract", "ann", "include", ""),
        ("W1", "title_abstract", "bob", "exclude", "protocol"),
        ("W1", "title_abstract", "consensus", "include", ""),
        ("W2", "title_abstract", "ann", "include", ""),
        ("W2", "title_abstract", "bob", "unsure", ""),
        ("W3", "title_abstract", "ann", "unsure", ""),
        ("W3", "title_abstract", "bob", "unsure", ""),
    ))
    assert conflicts.empty
    assert list(conflicts.columns) == CONFLICT_COLUMNS


def test_an_unsure_consensus_settles_nothing_and_stages_are_separate() -> None:
    conflicts = find_conflicts(_rows(
        ("W1", "title_abstract", "ann", "include", ""),
        ("W1", "title_abstract", "bob", "exclude", "protocol"),
        ("W1", "title_abstract", "consensus", "unsure", ""),
        ("W1", "full_text", "ann", "include", ""),
        ("W1", "full_text", "bob", "include", ""),
    ))
    assert set(conflicts["stage"]) == {"title_abstract"}
    assert len(conflicts) == 2


def test_empty_input() -> None:
    assert find_conflicts(_rows()).empty

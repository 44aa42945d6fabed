"""Decisions and extraction rows follow work ids the dedup stage merged or split; ambiguous cases stop with a table
for a person."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from reviewflow.cli import main
from reviewflow.screening.carry_over import (
    CONFLICT_COLUMNS,
    IdChanges,
    carry_extraction_rows,
    carry_screening_decisions,
    read_id_changes,
)

W1, W2, W3 = "W000000000001", "W000000000002", "W000000000003"


def decisions(*rows: tuple[str, str, str, str, str]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["work_id", "stage", "reviewer", "decision", "reason"])
    return frame.assign(note="", file="data/screening/ta.csv", line=[i + 2 for i in range(len(frame))])


def test_a_merge_where_one_work_was_decided_carries_its_decisions_to_the_survivor() -> None:
    rows = decisions((W2, "title_abstract", "AB", "include", ""), (W2, "full_text", "AB", "include", ""))
    carried, conflicts = carry_screening_decisions(rows, IdChanges(merged={W2: W1}), set())
    assert conflicts == []
    assert carried["work_id"].tolist() == [W1, W1]


def test_a_merge_of_works_with_agreeing_decisions_keeps_one_set() -> None:
    rows = decisions((W1, "title_abstract", "AB", "exclude", "wrong_population"),
                     (W2, "title_abstract", "AB", "exclude", "wrong_population"))
    carried, conflicts = carry_screening_decisions(rows, IdChanges(merged={W2: W1}), set())
    assert conflicts == []
    assert carried[["work_id", "reviewer"]].values.tolist() == [[W1, "AB"]]  # no "decided twice" error later


def test_a_merge_of_works_with_different_decisions_is_a_conflict_until_a_consensus_row_settles_it() -> None:
    rows = decisions((W1, "title_abstract", "AB", "include", ""),
                     (W2, "title_abstract", "AB", "exclude", "wrong_population"))
    _, conflicts = carry_screening_decisions(rows, IdChanges(merged={W2: W1}), set())
    assert [(c["old_work_id"], c["new_work_ids"], c["stage"]) for c in conflicts] == [(W2, W1, "screening")]
    assert "consensus" in conflicts[0]["what_to_do"] and "data/screening/ta.csv:3" in conflicts[0]["decisions"]
    settled = pd.concat([rows, decisions((W1, "title_abstract", "consensus", "include", ""))], ignore_index=True)
    carried, conflicts = carry_screening_decisions(settled, IdChanges(merged={W2: W1}), set())
    assert conflicts == [] and W2 not in set(carried["work_id"])


def test_an_unsure_row_on_a_merged_work_is_no_conflict() -> None:
    rows = decisions((W1, "title_abstract", "AB", "include", ""), (W2, "title_abstract", "CD", "unsure", ""))
    carried, conflicts = carry_screening_decisions(rows, IdChanges(merged={W2: W1}), set())
    assert conflicts == []
    assert carried[["work_id", "decision"]].values.tolist() == [[W1, "include"]]


def test_a_split_of_an_undecided_work_needs_nothing_and_of_a_decided_one_needs_the_new_works_decided() -> None:
    changes = IdChanges(split={W1: [W3]})
    assert carry_screening_decisions(decisions((W2, "title_abstract", "AB", "include", "")), changes, set())[1] == []
    decided = decisions((W1, "title_abstract", "AB", "include", ""))
    conflicts = carry_screening_decisions(decided, changes, set())[1]
    assert [(c["old_work_id"], c["new_work_ids"]) for c in conflicts] == [(W1, W3)]
    assert carry_screening_decisions(decided, changes, {W3})[1] == []  # the new part was excluded by rule
    both = pd.concat([decided, decisions((W3, "title_abstract", "AB", "exclude", "wrong_population"))])
    assert carry_screening_decisions(both.reset_index(drop=True), changes, set())[1] == []


def test_extraction_rows_follow_a_merge_and_differing_rows_are_a_conflict() -> None:
    sheet = pd.DataFrame({"work_id": [W2], "study_label": ["Smith 2015"]})
    carried, conflicts = carry_extraction_rows(sheet, IdChanges(merged={W2: W1}), {W1}, Path("s.csv"))
    assert conflicts == [] and carried["work_id"].tolist() == [W1]
    sheet = pd.DataFrame({"work_id": [W1, W2], "study_label": ["Smith 2015", "Smith 2015b"]})
    _, conflicts = carry_extraction_rows(sheet, IdChanges(merged={W2: W1}), {W1}, Path("s.csv"))
    assert [(c["old_work_id"], c["stage"]) for c in conflicts] == [(W2, "extraction")]


def test_read_id_changes_names_a_bad_row(tmp_path: Path) -> None:
    path = tmp_path / "changes.csv"
    path.write_text(f"old_work_id,new_work_id,change,record_ids\n{W2},{W1},moved,scopus:a\n")
    with pytest.raises(Exception, match="unknown change 'moved'") as caught:
        read_id_changes(path)
    assert caught.value.line == 2 and caught.value.field == "change"


@pytest.fixture
def screen_inputs(tmp_path: Path) -> Path:
    works = pd.DataFrame({"work_id": [W1], "title": ["T"], "first_author": ["Smith A"], "year": ["2015"],
                          "journal": [""], "doi": [""], "pmid": [""]})
    works.to_csv(tmp_path / "works.csv", index=False)
    (tmp_path / "auto.csv").write_text("work_id,reason,detail\n")
    (tmp_path / "decisions").mkdir()
    (tmp_path / "changes.csv").write_text(f"old_work_id,new_work_id,change,record_ids\n{W2},{W1},merged,scopus:b\n")
    return tmp_path


def screen(folder: Path) -> int:
    from tests.conftest import PROJECT
    return main(["screening", "--config", str(PROJECT / "config/review.yaml"), "--works", str(folder / "works.csv"),
                 "--auto-excluded", str(folder / "auto.csv"), "--decisions", str(folder / "decisions"),
                 "--out", str(folder / "screening.csv"), "--awaiting", str(folder / "awaiting.csv"),
                 "--id-changes", str(folder / "changes.csv"), "--id-conflicts", str(folder / "conflicts.csv"),
                 "--conflicts", str(folder / "screening_conflicts.csv")])


def test_screen_stops_on_an_ambiguous_merge_naming_both_ids_and_writes_the_table(
        screen_inputs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (screen_inputs / "decisions/ta.csv").write_text(
        "work_id,stage,reviewer,decision,reason,note\n"
        f"{W1},title_abstract,AB,include,,\n{W2},title_abstract,AB,exclude,intraoperative,\n"
        f"{W1},full_text,AB,include,,\n")
    assert screen(screen_inputs) == 1
    message = capsys.readouterr().err
    assert f"{W2} -> {W1}" in message and "conflicts.csv" in message and "Traceback" not in message
    table = pd.read_csv(screen_inputs / "conflicts.csv", dtype=str, keep_default_na=False)
    assert list(table.columns) == CONFLICT_COLUMNS
    assert table[["old_work_id", "new_work_ids", "stage"]].values.tolist() == [[W2, W1, "screening"]]

    with (screen_inputs / "decisions/ta.csv").open("a") as handle:
        handle.write(f"{W1},title_abstract,consensus,include,,\n")
    assert screen(screen_inputs) == 0
    assert (screen_inputs / "conflicts.csv").read_text() == ",".join(CONFLICT_COLUMNS) + "\n"
    assert pd.read_csv(screen_inputs / "screening.csv")["final"].tolist() == ["included"]


def test_a_chain_of_merges_resolves_to_the_current_id(tmp_path: Path) -> None:
    from reviewflow.screening.carry_over import read_id_changes

    path = tmp_path / "work_id_changes.csv"
    path.write_text("old_work_id,new_work_id,change,record_ids\nWaaaaaaaaaaaa,Wbbbbbbbbbbbb,merged,x\n"
                    "Wbbbbbbbbbbbb,Wcccccccccccc,merged,y\n", encoding="utf-8")
    assert read_id_changes(path).merged == {"Waaaaaaaaaaaa": "Wcccccccccccc", "Wbbbbbbbbbbbb": "Wcccccccccccc"}


def test_the_id_history_keeps_every_change_once(tmp_path: Path) -> None:
    import pandas as pd

    from reviewflow.dedup.identity import (
        CHANGE_COLUMNS,
        read_id_history,
        with_history,
        write_id_history_if_changed,
    )

    path = tmp_path / "id_changes.csv"
    first = pd.DataFrame([["Wb", "Wa", "merged", "r1"]], columns=CHANGE_COLUMNS)
    assert write_id_history_if_changed(path, with_history(read_id_history(path), first))
    none = pd.DataFrame(columns=CHANGE_COLUMNS)
    assert not write_id_history_if_changed(path, with_history(read_id_history(path), none)), "no new change"
    later = pd.DataFrame([["Wc", "Wa", "merged", "r2"], ["Wb", "Wa", "merged", "r1"]], columns=CHANGE_COLUMNS)
    history = with_history(read_id_history(path), later)
    assert history[["old_work_id", "new_work_id"]].values.tolist() == [["Wb", "Wa"], ["Wc", "Wa"]]

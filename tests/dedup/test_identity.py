"""Work ids from the identity ledger: kept when records join, merged and split deterministically, and the ledger
file rewritten only when its content changes."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from reviewflow.dedup.identity import assign_work_ids, ledger_text, read_ledger, write_ledger_if_changed
from reviewflow.dedup.outputs import work_id_for
from reviewflow.dedup.run import deduplicate
from reviewflow.errors import InputError
from reviewflow.importing.exports import import_files
from tests.conftest import MEDLINE_TEXT, RIS_TEXT

W_WOS = work_id_for("wos:A1")


def test_a_new_review_gets_anchor_derived_ids_as_before() -> None:
    result = assign_work_ids([["pubmed:1", "scopus:a"], ["scopus:b"]], {})
    assert result.work_ids == [work_id_for("pubmed:1"), work_id_for("scopus:b")]
    assert result.changes.empty
    assert result.ledger == {"pubmed:1": work_id_for("pubmed:1"), "scopus:a": work_id_for("pubmed:1"),
                             "scopus:b": work_id_for("scopus:b")}


def test_a_higher_priority_record_joining_keeps_the_work_id() -> None:
    ledger = {"wos:A1": W_WOS}
    result = assign_work_ids([["pubmed:9", "wos:A1"]], ledger)  # PubMed is now the anchor
    assert result.work_ids == [W_WOS]
    assert result.changes.empty
    assert result.ledger == {"pubmed:9": W_WOS, "wos:A1": W_WOS}


def test_a_merge_keeps_the_smallest_id_and_reports_the_retired_one() -> None:
    first, second = sorted([work_id_for("scopus:a"), work_id_for("scopus:b")])
    owner = {first: "scopus:a", second: "scopus:b"} if work_id_for("scopus:a") == first else \
        {first: "scopus:b", second: "scopus:a"}
    ledger = {"scopus:a": work_id_for("scopus:a"), "scopus:b": work_id_for("scopus:b"),
              "scopus:gone": second}  # a record no export holds any more follows its work
    result = assign_work_ids([["pubmed:1", "scopus:a", "scopus:b"]], ledger)
    assert result.work_ids == [first]
    assert result.changes.to_dict("records") == [
        {"old_work_id": second, "new_work_id": first, "change": "merged", "record_ids": owner[second]}]
    assert set(result.ledger.values()) == {first}


def test_a_split_leaves_the_id_with_the_majority_and_gives_the_rest_a_new_id() -> None:
    old = work_id_for("scopus:a")
    ledger = {"scopus:a": old, "scopus:b": old, "scopus:c": old}
    result = assign_work_ids([["scopus:a"], ["scopus:b", "scopus:c"]], ledger)
    assert result.work_ids[1] == old
    new = result.work_ids[0]
    # scopus:a's own hash is the old id, which stays with the majority: the part gets a fresh id, never a reused one.
    assert new != old and new.startswith("W") and len(new) == 13
    assert result.changes.to_dict("records") == [
        {"old_work_id": old, "new_work_id": new, "change": "split", "record_ids": "scopus:a"}]
    assert result.ledger == {"scopus:a": new, "scopus:b": old, "scopus:c": old}


def test_a_split_tie_goes_to_the_part_holding_the_record_the_id_came_from() -> None:
    old = work_id_for("scopus:z")
    result = assign_work_ids([["scopus:a"], ["scopus:z"]], {"scopus:a": old, "scopus:z": old})
    assert result.work_ids == [work_id_for("scopus:a"), old]


def test_assignment_does_not_depend_on_cluster_order() -> None:
    ledger = {"scopus:a": "W000000000001", "scopus:b": "W000000000002", "scopus:c": "W000000000001"}
    clusters = [["scopus:a", "scopus:b"], ["scopus:c"], ["scopus:d"]]
    forward = assign_work_ids(clusters, ledger)
    backward = assign_work_ids(clusters[::-1], ledger)
    assert forward.work_ids == backward.work_ids[::-1]
    assert forward.ledger == backward.ledger
    pd.testing.assert_frame_equal(forward.changes, backward.changes)


def test_the_ledger_is_rewritten_only_when_its_content_changes(tmp_path: Path) -> None:
    path = tmp_path / "identity" / "ledger.csv"
    assert write_ledger_if_changed(path, {"scopus:b": "W000000000002", "scopus:a": "W000000000001"})
    assert path.read_text() == "record_id,work_id\nscopus:a,W000000000001\nscopus:b,W000000000002\n"
    before = path.stat().st_mtime_ns
    assert not write_ledger_if_changed(path, read_ledger(path))
    assert path.stat().st_mtime_ns == before
    assert write_ledger_if_changed(path, {**read_ledger(path), "pubmed:1": "W000000000001"})
    assert path.read_text() == ledger_text(read_ledger(path))


@pytest.mark.parametrize(("text", "line", "field"), [
    ("record_id,work_id\nscopus:a,W1\n", 2, "work_id"),
    ("record_id,work_id\nscopus:a,W000000000001\nscopus:a,W000000000002\n", 3, "record_id"),
    ("record_id\nscopus:a\n", 1, None),
])
def test_a_damaged_ledger_is_named_with_its_line(tmp_path: Path, text: str, line: int, field: str | None) -> None:
    path = tmp_path / "ledger.csv"
    path.write_text(text)
    with pytest.raises(InputError) as caught:
        read_ledger(path)
    assert caught.value.file == path and caught.value.line == line and caught.value.field == field


def test_deduplicate_keeps_ids_when_a_pubmed_export_joins_a_scopus_work(tmp_path: Path) -> None:
    """The issue's case on real records: the article first seen in Scopus keeps its id when PubMed (higher
    priority, so the new anchor) brings the same article."""
    (tmp_path / "s.ris").write_text(RIS_TEXT)
    (tmp_path / "p.nbib").write_text(MEDLINE_TEXT)
    scopus = import_files([tmp_path / "s.ris"], "scopus")[0]
    pubmed = import_files([tmp_path / "p.nbib"], "pubmed")[0]
    config = {"databases": {"pubmed": {}, "scopus": {}}}
    before = deduplicate(scopus, config, ledger={})
    after = deduplicate(pd.concat([pubmed, scopus], ignore_index=True), config, ledger=before.ledger)
    joined = after.works[after.works["n_members"] == 2].iloc[0]
    assert joined["anchor_record_id"] == "pubmed:30000001"
    assert joined["work_id"] == before.record_to_work[joined["member_record_ids"].split("; ")[1]]
    assert set(before.works["work_id"]) <= set(after.works["work_id"])
    assert after.id_changes.empty
    without_ledger = deduplicate(pd.concat([pubmed, scopus], ignore_index=True), config)
    assert joined["work_id"] not in set(without_ledger.works["work_id"])  # what the ledger prevents

"""People's decisions on candidate pairs (same work or not, with a reason), read and laid over the rules' verdicts."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from reviewflow.errors import InputError
from reviewflow.tables import read_table

OVERRIDE_COLUMNS = ["record_id_a", "record_id_b", "decision", "reason"]


def read_overrides(path: Path, record_ids: set[str]) -> pd.DataFrame:
    """People's decisions on pairs (``same`` / ``different`` with a reason); unknown record ids are an error."""
    if not path.exists():
        return pd.DataFrame(columns=OVERRIDE_COLUMNS)
    frame = read_table(path, required=OVERRIDE_COLUMNS)
    first_line: dict[frozenset[str], tuple[int, str]] = {}
    for index, row in frame.iterrows():
        line = int(index) + 2
        for column in ("record_id_a", "record_id_b"):
            if row[column] not in record_ids:
                raise InputError(f"override names record {row[column]!r}, which no export holds any more",
                                 file=path, line=line, field=column,
                                 expected="a record_id listed in results/records.csv",
                                 hint="remove the row, or correct the id after an export changed")
        if row["decision"] not in ("same", "different"):
            raise InputError(f"unknown override decision {row['decision']!r}", file=path, line=line,
                             field="decision", expected="same or different")
        if not row["reason"].strip():
            raise InputError("an override needs a reason", file=path, line=line, field="reason",
                             expected="a short note on why the records are (not) the same work")
        # Two rows on one pair that disagree would otherwise be settled by row order, which nobody decided.
        pair = frozenset((row["record_id_a"], row["record_id_b"]))
        earlier_line, earlier = first_line.setdefault(pair, (line, row["decision"]))
        if earlier != row["decision"]:
            raise InputError(f"this row says {row['decision']!r} but line {earlier_line} says {earlier!r} for the "
                             f"same pair ({row['record_id_a']}, {row['record_id_b']})", file=path, line=line,
                             field="decision", expected="one decision per pair",
                             hint="keep the row the reviewers agreed on and delete the other")
    _check_chains(frame, path)
    return frame


def _check_chains(frame: pd.DataFrame, path: Path) -> None:
    """Refuse ``different`` between two records that a chain of ``same`` rows joins (a same b, b same c, a
    different c): the clustering could honour only one of them, and which one would be nobody's decision."""
    parent: dict[str, str] = {}

    def root(record: str) -> str:
        parent.setdefault(record, record)
        while parent[record] != record:
            parent[record] = parent[parent[record]]
            record = parent[record]
        return record

    same_lines: dict[str, list[int]] = {}
    for index, row in frame[frame["decision"] == "same"].iterrows():
        a, b = root(row["record_id_a"]), root(row["record_id_b"])
        if a != b:
            parent[a] = b
        same_lines.setdefault(row["record_id_a"], []).append(int(index) + 2)
    for index, row in frame[frame["decision"] == "different"].iterrows():
        a, b = row["record_id_a"], row["record_id_b"]
        if a in parent and b in parent and root(a) == root(b):
            group = root(a)
            lines = sorted(line for record, found in same_lines.items() if root(record) == group for line in found)
            raise InputError(f"records {a} and {b} are marked 'different' here, but the 'same' rows on lines "
                             f"{', '.join(map(str, lines))} join them into one work", file=path,
                             line=int(index) + 2, field="decision", expected="decisions that agree with each other",
                             hint="correct the row that is wrong; a chain of 'same' decisions makes one work")



def apply_overrides(decided: pd.DataFrame, overrides: pd.DataFrame, position: dict[str, int]) -> pd.DataFrame:
    if overrides.empty:
        return decided
    index = {(a, b): i for i, (a, b) in enumerate(zip(decided["a"], decided["b"], strict=True))}
    extra = []
    for row in overrides.itertuples(index=False):
        a, b = sorted((position[row.record_id_a], position[row.record_id_b]))
        rule = "override_same" if row.decision == "same" else "override_different"
        verdict = "duplicate" if row.decision == "same" else "not"
        if (a, b) in index:
            decided.loc[index[(a, b)], ["rule", "verdict"]] = [rule, verdict]
        else:
            extra.append({"a": a, "b": b, "rule": rule, "verdict": verdict})
    if extra:
        decided = pd.concat([decided, pd.DataFrame(extra)], ignore_index=True)
    return decided

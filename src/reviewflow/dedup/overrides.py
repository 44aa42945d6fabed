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
    return frame


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

"""What the dedup stage writes: one row per work (with its members and field sources), every candidate pair with
its scores and verdict, and the pairs a person should decide."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from reviewflow.importing.formats.base import RECORD_FIELDS
from reviewflow.normalize import short_hash

MERGED_FIELDS = [name for name in RECORD_FIELDS if name != "authors_full"]
WORK_COLUMNS = ["work_id", "anchor_record_id", "member_record_ids", "n_members", "databases", *MERGED_FIELDS,
                "field_sources"]
PAIR_COLUMNS = ["record_id_a", "record_id_b", "title_similarity", "authors_similarity", "abstract_similarity",
                "year_diff", "journal", "volume", "issue", "page", "doi", "pmid", "rule", "verdict"]
REVIEW_COLUMNS = ["record_id_a", "record_id_b", "rule", "title", "authors", "year_a", "year_b", "title_a",
                  "title_b", "first_author_a", "first_author_b", "journal_a", "journal_b", "doi_a", "doi_b",
                  "decision", "reason"]


def work_id_for(anchor_record_id: str) -> str:
    """Stable work id derived from the anchor record id (see docs/DATA_CONTRACTS.md)."""
    return "W" + short_hash(anchor_record_id)


def works_table(records: pd.DataFrame, record_ids: list[str], clusters: dict[int, list[int]],
                 priority: dict[str, int], work_ids: dict[int, str] | None = None
                 ) -> tuple[pd.DataFrame, dict[str, str]]:
    """One row per cluster: the anchor's metadata, gaps filled from other members in database priority order,
    and where each filled field came from. Built column by column (a million works as dicts would not fit in
    memory beside the pairs). ``work_ids`` (cluster key -> id) comes from the identity ledger; without it each
    work's id is derived from its anchor."""
    databases = records["database"].to_numpy()
    out: dict[str, list[Any]] = {name: [] for name in WORK_COLUMNS}
    sources: list[list[str]] = []
    record_to_work: dict[str, str] = {}
    ordered_clusters = []
    for key, members in clusters.items():
        ordered = sorted(members, key=lambda p: (priority[databases[p]], record_ids[p]))
        ordered_clusters.append(ordered)
        anchor = ordered[0]
        work_id = work_ids[key] if work_ids is not None else work_id_for(record_ids[anchor])
        out["work_id"].append(work_id)
        out["anchor_record_id"].append(record_ids[anchor])
        out["member_record_ids"].append("; ".join(sorted(record_ids[p] for p in members)))
        out["n_members"].append(len(members))
        out["databases"].append("; ".join(sorted({databases[p] for p in members}, key=priority.get)))
        sources.append([])
        for p in members:
            record_to_work[record_ids[p]] = work_id
    for name in MERGED_FIELDS:
        column = records[name].to_numpy(dtype=object)
        values = out[name]
        for ordered, found in zip(ordered_clusters, sources, strict=True):
            source = next((p for p in ordered if column[p]), None)
            values.append(column[source] if source is not None else "")
            if source is not None and source != ordered[0]:
                found.append(f"{name}={record_ids[source]}")
    out["field_sources"] = ["; ".join(found) for found in sources]
    works = pd.DataFrame(out, columns=WORK_COLUMNS).sort_values("work_id", kind="mergesort")
    return works, record_to_work


def pairs_table(decided: pd.DataFrame, record_ids: list[str]) -> pd.DataFrame:
    ids = np.array(record_ids, dtype=object)
    frame = pd.DataFrame({
        "record_id_a": ids[decided["a"].to_numpy(dtype=np.int64)],
        "record_id_b": ids[decided["b"].to_numpy(dtype=np.int64)],
    })
    swap = frame["record_id_a"] > frame["record_id_b"]
    frame.loc[swap, ["record_id_a", "record_id_b"]] = frame.loc[swap, ["record_id_b", "record_id_a"]].to_numpy()
    for column in ("title", "authors", "abstract"):
        values = decided[column] if column in decided else pd.Series(np.nan, index=decided.index)
        frame[f"{column}_similarity"] = values.round(3).to_numpy()
    for column in ("year_diff", "journal", "volume", "issue", "page", "doi", "pmid"):
        frame[column] = decided[column].to_numpy() if column in decided else np.nan
    frame["rule"] = decided["rule"].to_numpy()
    frame["verdict"] = decided["verdict"].to_numpy()
    return frame[PAIR_COLUMNS].sort_values(["record_id_a", "record_id_b"], kind="mergesort").reset_index(drop=True)


def review_table(decided: pd.DataFrame, records: pd.DataFrame) -> pd.DataFrame:
    band = decided[decided["verdict"] == "review"]
    rows = []
    for row in band.itertuples(index=False):
        a, b = records.iloc[int(row.a)], records.iloc[int(row.b)]
        if a["record_id"] > b["record_id"]:
            a, b = b, a
        rows.append({"record_id_a": a["record_id"], "record_id_b": b["record_id"], "rule": row.rule,
                     "title": round(row.title, 3), "authors": round(row.authors, 3) if row.authors == row.authors
                     else "", "year_a": a["year"], "year_b": b["year"], "title_a": a["title"], "title_b": b["title"],
                     "first_author_a": a["first_author"], "first_author_b": b["first_author"],
                     "journal_a": a["journal"], "journal_b": b["journal"], "doi_a": a["doi"], "doi_b": b["doi"],
                     "decision": "", "reason": ""})
    frame = pd.DataFrame(rows, columns=REVIEW_COLUMNS)
    return frame.sort_values(["record_id_a", "record_id_b"], kind="mergesort").reset_index(drop=True)

"""Dedup stage: records that are the same work are merged into one work with a stable id and an audit trail.

Steps (each in its own module): comparable features per record (features), candidate pairs from several
blocking keys (blocking), vectorised field similarities and ordered decision rules (rules), then
people's overrides (overrides), then clustering with a union-find that refuses any merge joining records with
conflicting hard evidence (cluster: two different DOIs or PMIDs, or a pair a person marked as different). Every
candidate pair is written out with its scores, the rule that decided it and the verdict; pairs in the "review"
band are listed for a person, ready to become overrides (outputs). Each work's id comes from the identity
ledger, so ids given once never move (identity).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from reviewflow.config import database_order
from reviewflow.dedup.blocking import candidate_pairs
from reviewflow.dedup.cluster import cluster
from reviewflow.dedup.features import compute_features
from reviewflow.dedup.identity import CHANGE_COLUMNS, assign_work_ids
from reviewflow.dedup.outputs import pairs_table, review_table, works_table
from reviewflow.dedup.overrides import apply_overrides
from reviewflow.dedup.rules import decide, score_pairs
from reviewflow.errors import InputError, InvariantError

# What the pairs file and the review band report of each decided pair.
_AUDIT_COLUMNS = ["a", "b", "title", "authors", "abstract", "year_diff", "journal", "volume", "issue", "page", "doi",
                  "pmid", "rule", "verdict"]


@dataclass
class DedupResult:
    """Works (one row per unique work), every candidate pair with its verdict, the review band, and the identity
    ledger after this run with the work ids it merged or split."""

    works: pd.DataFrame
    pairs: pd.DataFrame
    record_to_work: dict[str, str]
    review: pd.DataFrame = field(default_factory=pd.DataFrame)
    ledger: dict[str, str] = field(default_factory=dict)
    id_changes: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=CHANGE_COLUMNS))


def deduplicate(records: pd.DataFrame, config: dict[str, Any], overrides: pd.DataFrame | None = None,
                ledger: Mapping[str, str] | None = None) -> DedupResult:
    """Cluster records into works; anchor = first member in database priority order, then by record id. Work
    ids come from ``ledger`` (record id -> work id; see identity.py), new works' ids from their anchors."""
    records = records.reset_index(drop=True)
    repeated = records["record_id"][records["record_id"].duplicated()]
    if not repeated.empty:
        raise InputError(f"duplicate record ids in the input: {', '.join(sorted(set(repeated))[:5])}",
                         field="record_id", expected="each record id once")
    order = database_order(config)
    priority = {name: rank for rank, name in enumerate(order)}
    unknown = sorted(set(records["database"]) - set(priority))
    if unknown:
        raise InputError(f"records from database(s) {', '.join(unknown)} not listed in the config",
                         field="databases", expected=f"one of {', '.join(order)}")
    record_ids = records["record_id"].tolist()
    position = {record_id: i for i, record_id in enumerate(record_ids)}

    features = compute_features(records)
    pairs = candidate_pairs(features)
    decided = decide(score_pairs(features, pairs))
    decided = apply_overrides(decided, overrides if overrides is not None else pd.DataFrame(), position)
    union, decided = cluster(decided, features)
    del pairs
    decided = decided[[column for column in _AUDIT_COLUMNS if column in decided]]  # drop the rules' helpers

    clusters: dict[int, list[int]] = {}
    for p in range(len(records)):
        clusters.setdefault(union.find(p), []).append(p)
    del union, features  # the largest structures besides the pairs; not needed from here on
    databases = records["database"].to_numpy()
    keys = list(clusters)
    assignment = assign_work_ids(
        [[record_ids[p] for p in sorted(clusters[key], key=lambda p: (priority[databases[p]], record_ids[p]))]
         for key in keys], ledger or {})
    works, record_to_work = works_table(records, record_ids, clusters, priority,
                                        dict(zip(keys, assignment.work_ids, strict=True)))
    if works["work_id"].duplicated().any():
        clash = works.loc[works["work_id"].duplicated(keep=False), "anchor_record_id"].tolist()
        raise InvariantError(f"work id collision between anchors {clash}")
    if len(record_to_work) != len(records) or works["n_members"].sum() != len(records):
        raise InvariantError("dedup lost or duplicated records: members do not add up to the records imported")
    pairs_out = pairs_table(decided, record_ids)
    review = review_table(decided, records)
    return DedupResult(works=works.reset_index(drop=True), pairs=pairs_out, record_to_work=record_to_work,
                       review=review, ledger=assignment.ledger, id_changes=assignment.changes)

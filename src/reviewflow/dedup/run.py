"""Dedup stage: records that are the same work are merged into one work with a stable id and an audit trail.

Steps (each in its own module): comparable features per record (features), candidate pairs from several
blocking keys (blocking), vectorised field similarities and ordered decision rules (rules), then
people's overrides, then clustering with a union-find that refuses any merge joining records with conflicting
hard evidence (two different DOIs or PMIDs, or a pair a person marked as different). Every candidate pair is
written out with its scores, the rule that decided it and the verdict; pairs in the "review" band are listed
for a person, ready to become overrides.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from reviewflow.config import database_order
from reviewflow.dedup.blocking import candidate_pairs
from reviewflow.dedup.features import Features, compute_features
from reviewflow.dedup.rules import RULE_RANK, decide, score_pairs
from reviewflow.errors import InputError, InvariantError
from reviewflow.importing.formats.base import RECORD_FIELDS
from reviewflow.normalize import short_hash
from reviewflow.tables import read_table

MERGED_FIELDS = [name for name in RECORD_FIELDS if name != "authors_full"]
WORK_COLUMNS = ["work_id", "anchor_record_id", "member_record_ids", "n_members", "databases", *MERGED_FIELDS,
                "field_sources"]
PAIR_COLUMNS = ["record_id_a", "record_id_b", "title_similarity", "authors_similarity", "abstract_similarity",
                "year_diff", "journal", "volume", "issue", "page", "doi", "pmid", "rule", "verdict"]


# What the pairs file and the review band report of each decided pair.
_AUDIT_COLUMNS = ["a", "b", "title", "authors", "abstract", "year_diff", "journal", "volume", "issue", "page", "doi",
                  "pmid", "rule", "verdict"]


@dataclass
class DedupResult:
    """Works (one row per unique work), every candidate pair with its verdict, and the review band."""

    works: pd.DataFrame
    pairs: pd.DataFrame
    record_to_work: dict[str, str]
    review: pd.DataFrame = field(default_factory=pd.DataFrame)


OVERRIDE_COLUMNS = ["record_id_a", "record_id_b", "decision", "reason"]
REVIEW_COLUMNS = ["record_id_a", "record_id_b", "rule", "title", "authors", "year_a", "year_b", "title_a",
                  "title_b", "first_author_a", "first_author_b", "journal_a", "journal_b", "doi_a", "doi_b",
                  "decision", "reason"]


def work_id_for(anchor_record_id: str) -> str:
    """Stable work id derived from the anchor record id (see docs/DATA_CONTRACTS.md)."""
    return "W" + short_hash(anchor_record_id)


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


class _ConstrainedUnion:
    """Union-find whose clusters carry what must stay consistent inside one work: DOIs, PMIDs, PMCIDs, volumes,
    years (at most one apart), record kinds (an erratum or reply joins an article only as the same printed item)
    and people's cannot-link decisions. A merge that would break any of them is refused instead of made, so no
    chain of individually plausible pairs can join two different works.

    A record that has not been merged yet carries its own values, read from the features; only merged clusters
    store their value sets (a set per record would cost gigabytes at a million records)."""

    _ATTRIBUTES = ("dois", "pmids", "pmcids", "volumes", "years", "kinds", "cannot")

    def __init__(self, features: Features) -> None:
        self.parent = list(range(len(features.doi)))
        self.features = features
        self._columns = {"dois": features.doi, "pmids": features.pmid, "pmcids": features.pmcid,
                         "volumes": features.volume, "years": features.year.tolist()}  # years as ints, 0 = none
        self.merged: dict[str, dict[int, set]] = {name: {} for name in self._ATTRIBUTES}

    def _own(self, name: str, root: int) -> set:
        """The values of a record not merged yet: its identifier, volume or year if it has one, its kind."""
        if name == "kinds":
            return {(self.features.kind[root], self.features.page[root])}
        if name == "cannot":
            return set()
        value = self._columns[name][root]
        return {value} if value else set()

    def values(self, name: str, root: int) -> set:
        stored = self.merged[name].get(root)
        return stored if stored is not None else self._own(name, root)

    def find(self, item: int) -> int:
        root = item
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[item] != root:
            self.parent[item], item = root, self.parent[item]
        return root

    def forbid(self, a: int, b: int) -> None:
        for root, other in ((self.find(a), b), (self.find(b), a)):
            self.merged["cannot"].setdefault(root, set()).add(other)

    def conflict(self, a: int, b: int) -> str:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return ""
        for name, problem in (("dois", "cluster_doi_conflict"), ("pmids", "cluster_pmid_conflict"),
                              ("pmcids", "cluster_pmcid_conflict"), ("volumes", "cluster_volume_conflict")):
            if len(self.values(name, ra) | self.values(name, rb)) > 1:
                return problem
        years = self.values("years", ra) | self.values("years", rb)
        if years and max(years) - min(years) > 1:
            return "cluster_year_conflict"
        kinds = self.values("kinds", ra) | self.values("kinds", rb)
        if len({kind for kind, _ in kinds}) > 1 and len({page for _, page in kinds} - {""}) != 1:
            return "cluster_kind_conflict"
        if len({kind for kind, _ in kinds}) > 1 and any(page == "" for _, page in kinds):
            return "cluster_kind_conflict"
        if any(self.find(x) == rb for x in self.values("cannot", ra)) or any(
                self.find(x) == ra for x in self.values("cannot", rb)):
            return "cluster_marked_different"
        return ""

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        keep, drop = min(ra, rb), max(ra, rb)
        self.parent[drop] = keep
        for name in self._ATTRIBUTES:
            joined = self.values(name, keep) | self.values(name, drop)
            self.merged[name].pop(drop, None)
            if joined:
                self.merged[name][keep] = joined
            else:
                self.merged[name].pop(keep, None)


def _apply_overrides(decided: pd.DataFrame, overrides: pd.DataFrame, position: dict[str, int]) -> pd.DataFrame:
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


def _cluster(decided: pd.DataFrame, features: Features) -> tuple[_ConstrainedUnion, pd.DataFrame]:
    """Apply the duplicate verdicts strongest rule first (then most similar title, then position), refusing
    any merge that would make a work inconsistent; refused pairs get the conflict as their rule."""
    union = _ConstrainedUnion(features)
    different = (decided["rule"] == "override_different").to_numpy()
    for a, b in zip(decided["a"].to_numpy()[different], decided["b"].to_numpy()[different], strict=True):
        union.forbid(int(a), int(b))
    duplicate = np.flatnonzero((decided["verdict"] == "duplicate").to_numpy())
    rules = decided["rule"].to_numpy()[duplicate]
    rank = np.array([RULE_RANK.get(rule, 99) for rule in rules], dtype=np.int16)
    title = decided["title"].fillna(1.0).to_numpy()[duplicate] if "title" in decided else np.zeros(len(duplicate))
    first, second = decided["a"].to_numpy()[duplicate], decided["b"].to_numpy()[duplicate]
    order = np.lexsort((second, first, -title, rank))  # the last key sorts first
    refused: dict[int, str] = {}
    for i in order:
        a, b = int(first[i]), int(second[i])
        problem = "" if rules[i] == "override_same" else union.conflict(a, b)
        if problem:
            refused[int(duplicate[i])] = problem
        else:
            union.union(a, b)
    if refused:
        rows = np.fromiter(refused, dtype=np.int64)
        rule_column = decided.columns.get_loc("rule")
        verdict_column = decided.columns.get_loc("verdict")
        decided.iloc[rows, rule_column] = [refused[int(k)] for k in rows]
        decided.iloc[rows, verdict_column] = "not"
    return union, decided


def deduplicate(records: pd.DataFrame, config: dict[str, Any], overrides: pd.DataFrame | None = None
                ) -> DedupResult:
    """Cluster records into works; anchor = first member in database priority order, then by record id."""
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
    decided = _apply_overrides(decided, overrides if overrides is not None else pd.DataFrame(), position)
    union, decided = _cluster(decided, features)
    del pairs
    decided = decided[[column for column in _AUDIT_COLUMNS if column in decided]]  # drop the rules' helpers

    clusters: dict[int, list[int]] = {}
    for p in range(len(records)):
        clusters.setdefault(union.find(p), []).append(p)
    del union, features  # the largest structures besides the pairs; not needed from here on
    works, record_to_work = _works_table(records, record_ids, clusters, priority)
    if works["work_id"].duplicated().any():
        clash = works.loc[works["work_id"].duplicated(keep=False), "anchor_record_id"].tolist()
        raise InvariantError(f"work id collision between anchors {clash}")
    if len(record_to_work) != len(records) or works["n_members"].sum() != len(records):
        raise InvariantError("dedup lost or duplicated records: members do not add up to the records imported")
    pairs_out = _pairs_table(decided, record_ids)
    review = _review_table(decided, records)
    return DedupResult(works=works.reset_index(drop=True), pairs=pairs_out, record_to_work=record_to_work,
                       review=review)


def _works_table(records: pd.DataFrame, record_ids: list[str], clusters: dict[int, list[int]],
                 priority: dict[str, int]) -> tuple[pd.DataFrame, dict[str, str]]:
    """One row per cluster: the anchor's metadata, gaps filled from other members in database priority order,
    and where each filled field came from. Built column by column (a million works as dicts would not fit in
    memory beside the pairs)."""
    databases = records["database"].to_numpy()
    out: dict[str, list[Any]] = {name: [] for name in WORK_COLUMNS}
    sources: list[list[str]] = []
    record_to_work: dict[str, str] = {}
    ordered_clusters = []
    for members in clusters.values():
        ordered = sorted(members, key=lambda p: (priority[databases[p]], record_ids[p]))
        ordered_clusters.append(ordered)
        anchor = ordered[0]
        work_id = work_id_for(record_ids[anchor])
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


def _pairs_table(decided: pd.DataFrame, record_ids: list[str]) -> pd.DataFrame:
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


def _review_table(decided: pd.DataFrame, records: pd.DataFrame) -> pd.DataFrame:
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

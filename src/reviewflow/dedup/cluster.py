"""Clustering: duplicate verdicts join records into works, strongest rule first, never joining conflicting records."""

from __future__ import annotations

import numpy as np
import pandas as pd

from reviewflow.dedup.features import Features
from reviewflow.dedup.rules import CANNOT_LINK_RULES, RULE_RANK


class _ConstrainedUnion:
    """Union-find whose clusters carry what must stay consistent inside one work: DOIs, PMIDs, PMCIDs, volumes
    (where trusted: not a year, not a supplement record's),
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
                         "volumes": features.firm_volume, "years": features.year.tolist()}  # years as ints, 0 = none
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


def cluster(decided: pd.DataFrame, features: Features) -> tuple[_ConstrainedUnion, pd.DataFrame]:
    """Apply the duplicate verdicts strongest rule first (then most similar title, then position), refusing
    any merge that would make a work inconsistent; refused pairs get the conflict as their rule."""
    union = _ConstrainedUnion(features)
    # People's "different", and the rules that find two different items behind what looks like one (a shared
    # supplement DOI, a numbered series), are cannot-links: no chain of other pairs may join them either.
    different = decided["rule"].isin(CANNOT_LINK_RULES).to_numpy()
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

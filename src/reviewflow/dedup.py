"""Dedup stage: records that are the same work are merged into one work with a stable id and an audit trail.

This first version links records on exact evidence only: the same DOI, the same PMID, or the same normalised
title (of at least four words) with no conflicting DOIs and either the same year or, when a year is missing, the
same first-author surname. Every link is written to the pairs file with the rule that
made it, so each merge can be checked by a person. Fuzzy matching comes later behind the same interface.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from reviewflow.config import database_order
from reviewflow.errors import InvariantError
from reviewflow.normalize import short_hash, surname, title_key

MERGED_FIELDS = [
    "title",
    "authors",
    "first_author",
    "year",
    "journal",
    "journal_abbrev",
    "volume",
    "issue",
    "pages",
    "doi",
    "pmid",
    "pmcid",
    "issn",
    "abstract",
    "language",
    "publication_types",
    "keywords",
    "url",
]
WORK_COLUMNS = ["work_id", "anchor_record_id", "member_record_ids", "n_members", "databases", *MERGED_FIELDS]
# Titles shorter than this ("Erratum", "Editorial comment") say too little to merge on.
MIN_TITLE_WORDS = 4
PAIR_COLUMNS = ["record_id_a", "record_id_b", "rule", "verdict"]


@dataclass
class DedupResult:
    """Works (one row per unique work) and the candidate pairs that explain every merge."""

    works: pd.DataFrame
    pairs: pd.DataFrame
    record_to_work: dict[str, str]


class _UnionFind:
    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, item: int) -> int:
        root = item
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[item] != root:
            self.parent[item], item = root, self.parent[item]
        return root

    def union(self, a: int, b: int) -> None:
        root_a, root_b = self.find(a), self.find(b)
        if root_a != root_b:
            self.parent[max(root_a, root_b)] = min(root_a, root_b)


def work_id_for(anchor_record_id: str) -> str:
    """Stable work id derived from the anchor record id (see docs/DATA_CONTRACTS.md)."""
    return "W" + short_hash(anchor_record_id)


def _exact_links(records: pd.DataFrame) -> dict[tuple[int, int], list[str]]:
    """Pairs of row positions sharing a DOI, a PMID, or a title and year without conflicting DOIs."""
    links: dict[tuple[int, int], list[str]] = {}

    def add(a: int, b: int, rule: str) -> None:
        key = (a, b) if a < b else (b, a)
        rules = links.setdefault(key, [])
        if rule not in rules:
            rules.append(rule)

    for column, rule in (("doi", "doi"), ("pmid", "pmid")):
        values = records[column]
        present = values[values != ""]
        for _, positions in present.groupby(present, sort=True).groups.items():
            members = sorted(records.index.get_indexer(positions))
            for other in members[1:]:
                add(members[0], other, rule)

    titles = records["title"].map(title_key)
    years = records["year"]
    authors = records["first_author"].map(lambda a: title_key(surname(a)))
    dois = records["doi"]
    usable = titles.str.count(" ") >= MIN_TITLE_WORDS - 1
    for _, positions in titles[usable].groupby(titles[usable], sort=True).groups.items():
        members = sorted(records.index.get_indexer(positions))
        for position, other in enumerate(members[1:], start=1):
            for anchor in members[:position]:
                if dois.iat[other] and dois.iat[anchor] and dois.iat[other] != dois.iat[anchor]:
                    continue
                if years.iat[other] and years.iat[anchor]:
                    if years.iat[other] == years.iat[anchor]:
                        add(anchor, other, "title_year")
                        break
                    continue
                if authors.iat[other] and authors.iat[other] == authors.iat[anchor]:
                    add(anchor, other, "title_author")
                    break
    return links


def deduplicate(records: pd.DataFrame, config: dict[str, Any]) -> DedupResult:
    """Cluster records into works; anchor = first member in database priority order, then by record id."""
    records = records.reset_index(drop=True)
    priority = {name: rank for rank, name in enumerate(database_order(config))}
    links = _exact_links(records)
    union = _UnionFind(len(records))
    for a, b in links:
        union.union(a, b)

    record_ids = records["record_id"].tolist()
    clusters: dict[int, list[int]] = {}
    for position in range(len(records)):
        clusters.setdefault(union.find(position), []).append(position)

    works_rows = []
    record_to_work: dict[str, str] = {}
    for members in clusters.values():
        ordered = sorted(members, key=lambda p: (priority[records["database"].iat[p]], record_ids[p]))
        anchor = ordered[0]
        work_id = work_id_for(record_ids[anchor])
        row: dict[str, Any] = {
            "work_id": work_id,
            "anchor_record_id": record_ids[anchor],
            "member_record_ids": "; ".join(sorted(record_ids[p] for p in members)),
            "n_members": len(members),
            "databases": "; ".join(sorted({records["database"].iat[p] for p in members}, key=priority.get)),
        }
        for field in MERGED_FIELDS:
            row[field] = next((records[field].iat[p] for p in ordered if records[field].iat[p]), "")
        works_rows.append(row)
        for p in members:
            record_to_work[record_ids[p]] = work_id

    works = pd.DataFrame(works_rows, columns=WORK_COLUMNS).sort_values("work_id", kind="mergesort")
    if works["work_id"].duplicated().any():
        clash = works.loc[works["work_id"].duplicated(keep=False), "anchor_record_id"].tolist()
        raise InvariantError(f"work id collision between anchors {clash}")
    pair_rows = []
    for (a, b), rules in links.items():
        first, second = sorted((record_ids[a], record_ids[b]))
        pair_rows.append({"record_id_a": first, "record_id_b": second, "rule": "+".join(rules),
                          "verdict": "duplicate"})
    pairs = pd.DataFrame(pair_rows, columns=PAIR_COLUMNS).sort_values(["record_id_a", "record_id_b"],
                                                                      kind="mergesort")
    if len(record_to_work) != len(records) or works["n_members"].sum() != len(records):
        raise InvariantError("dedup lost or duplicated records: members do not add up to the records imported")
    return DedupResult(works=works.reset_index(drop=True), pairs=pairs.reset_index(drop=True),
                       record_to_work=record_to_work)

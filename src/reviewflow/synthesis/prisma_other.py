"""PRISMA 2020's second arm: studies identified via other methods (citation searching, websites, organisations).

A source whose config entry says ``arm: other_methods`` feeds this arm. A work belongs to it only when none of its
records came from a database or register: a cited or citing work the databases had already found is a duplicate
of a database record, counted as removed in this arm and never twice in the review. Both arms are computed by the
same ``screening_flow`` over their own works, so the counts of an arm cannot drift from the main flow's rules;
the included studies of both arms meet in one "Studies included in review" box (with the reports of them).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

ARMS = ("databases", "registers", "other_methods")
"""PRISMA 2020's sources of records: the databases and registers arm (two kinds of source), and other methods."""


def arm_of(config: dict[str, Any], database: str) -> str:
    """The arm a configured source feeds (``databases`` unless its entry says otherwise)."""
    return str(config["databases"][database].get("arm", "databases"))


def other_method_sources(config: dict[str, Any]) -> list[str]:
    """The sources of the other-methods arm, in config order."""
    return [db for db in config["databases"] if arm_of(config, db) == "other_methods"]


def other_method_works(works: pd.DataFrame, config: dict[str, Any]) -> set[str]:
    """Works every record of which came from an other-methods source (none from a database or register)."""
    others = set(other_method_sources(config))
    if not others or works.empty:
        return set()
    sources = works["databases"].fillna("").map(lambda text: {part.strip() for part in text.split(";")} - {""})
    return set(works.loc[sources.map(lambda found: bool(found) and found <= others), "work_id"])


def source_counts(config: dict[str, Any], per_source: dict[str, int], arm: str) -> list[dict[str, Any]]:
    """The identification box's lines of one kind of source: id, label and records, in config order."""
    return [{"id": db, "label": config["databases"][db]["label"], "records": int(per_source.get(db, 0))}
            for db in config["databases"] if arm_of(config, db) == arm]

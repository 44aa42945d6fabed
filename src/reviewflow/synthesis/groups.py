"""Included studies per design group, the one count behind the numbers, the designs table and the design figure.

In a draft, included works still awaiting extraction have no design yet; they are counted as a group of their
own ("Awaiting extraction", only when there are some), so the groups always add up to ``prisma.included``.
"""

from __future__ import annotations

from typing import Any

from reviewflow.extraction.form import AWAITING_GROUP

AWAITING_LABEL = "Awaiting extraction"


def design_group_counts(studies_design: list[str], config: dict[str, Any],
                        prisma: dict[str, Any] | None = None) -> list[tuple[str, str, int]]:
    """(group code, label, count) for every configured design group, in config order, then the works awaiting
    extraction when ``prisma`` (a draft's) has any."""
    counts = [
        (code, group["label"], sum(1 for d in studies_design if d in group["designs"]))
        for code, group in config["extraction"]["design_groups"].items()
    ]
    awaiting = int((prisma or {}).get("awaiting", {}).get("extraction", 0))
    if awaiting:
        counts.append((AWAITING_GROUP, AWAITING_LABEL, awaiting))
    return counts

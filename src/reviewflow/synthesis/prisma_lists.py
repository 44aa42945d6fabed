"""The works (or records) behind each box of the PRISMA flow diagram, so a reader can check a count by name.

A PRISMA diagram gives counts only; this table lists, for each box of the databases-and-registers flow, the rows
that make its count: records identified, duplicate records removed (each with the record it duplicates), works
excluded by rule, screened, excluded (with the reason), sought, not retrieved, assessed, included. Each box's row
count is checked against ``results/prisma.json``, so the lists and the diagram cannot disagree. The box keys are
the names of the matching numbers in ``results/numbers.json`` (``prisma.screened`` ...), which is how the HTML
manuscript links a box, a list and a number.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from reviewflow.errors import InvariantError
from reviewflow.extraction.reports import further_reports
from reviewflow.synthesis.draft import AWAITING_STATUS
from reviewflow.synthesis.prisma_other import arm_of, other_method_works

COLUMNS = ["box", "work_id", "record_id", "database", "year", "title", "reason"]

BOXES: dict[str, tuple[str, ...]] = {
    "prisma.identified": ("identification", "total"),
    "prisma.duplicates": ("removed_before_screening", "duplicates"),
    "prisma.automation": ("removed_before_screening", "automation"),
    "prisma.screened": ("screened",),
    "prisma.excluded_title_abstract": ("excluded_title_abstract",),
    "prisma.sought": ("sought_for_retrieval",),
    "prisma.not_retrieved": ("not_retrieved",),
    "prisma.assessed": ("assessed_full_text",),
    "prisma.excluded_full_text": ("excluded_full_text_total",),
    "prisma.included": ("included",),
    "prisma.included_reports": ("included_reports",),
}
"""Box key (the number's name) -> path of its count in prisma.json; also the order of the lists."""

_STATUSES: dict[str, tuple[str, ...]] = {
    "prisma.excluded_title_abstract": ("excluded_title_abstract",),
    "prisma.sought": ("included", "excluded_full_text", "not_retrieved", AWAITING_STATUS["full_text"]),
    "prisma.not_retrieved": ("not_retrieved",),
    "prisma.assessed": ("included", "excluded_full_text"),
    "prisma.excluded_full_text": ("excluded_full_text",),
}
"""Boxes that are the main arm's works with one of these final screening statuses."""


def _count(prisma: dict[str, Any], path: tuple[str, ...]) -> int:
    node: Any = prisma
    for key in path:
        node = node[key]
    return int(node)


def _main_records(records: pd.DataFrame, config: dict[str, Any]) -> pd.DataFrame:
    """Records from the databases and registers (the other-methods arm has a flow of its own)."""
    keep = records["database"].map(lambda db: db in config["databases"] and arm_of(config, db) != "other_methods")
    return records[keep]


def _duplicates(works: pd.DataFrame, main_records: pd.DataFrame, other_ids: set[str]) -> list[dict[str, str]]:
    """Every main-arm record but one per work: the work's anchor record when it is a main-arm record, else the
    first by id, is kept; the others are the duplicates removed."""
    known = set(main_records["record_id"])
    rows: list[dict[str, str]] = []
    for work in works.itertuples(index=False):
        if work.work_id in other_ids:
            continue
        members = sorted(m.strip() for m in str(work.member_record_ids).split(";") if m.strip() in known)
        if not members:
            continue
        kept = work.anchor_record_id if work.anchor_record_id in members else members[0]
        rows += [{"work_id": work.work_id, "record_id": m, "reason": f"duplicate of {kept}"}
                 for m in members if m != kept]
    return rows


def prisma_lists(records: pd.DataFrame, works: pd.DataFrame, auto_excluded: pd.DataFrame,
                 screening: pd.DataFrame, config: dict[str, Any], prisma: dict[str, Any],
                 studies: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per record or work behind each box (columns ``COLUMNS``); raises InvariantError when a box's
    rows do not number what prisma.json says. The last box lists studies (the included works that are not
    further reports of another, from ``studies``) and, beside it, every included report."""
    main_records = _main_records(records, config)
    other_ids = other_method_works(works, config)
    main = screening[~screening["work_id"].isin(other_ids)]
    ft_labels, auto_labels = config["screening"]["reasons"], config["eligibility"]["reasons"]
    auto_reason = dict(zip(auto_excluded["work_id"], auto_excluded["reason"], strict=True))

    def of_works(frame: pd.DataFrame, reason: pd.Series | None = None) -> list[dict[str, str]]:
        reasons = reason if reason is not None else pd.Series("", index=frame.index)
        return [{"work_id": w, "reason": r} for w, r in zip(frame["work_id"], reasons, strict=True)]

    final = main["final"]
    included = screening[screening["final"] == "included"]
    boxes: dict[str, list[dict[str, str]]] = {
        "prisma.identified": [{"record_id": r, "reason": ""} for r in main_records["record_id"]],
        "prisma.duplicates": _duplicates(works, main_records, other_ids),
        "prisma.automation": [
            {"work_id": w, "reason": auto_labels.get(auto_reason.get(w, ""), auto_reason.get(w, ""))}
            for w in main.loc[final == "auto_excluded", "work_id"]],
        "prisma.screened": of_works(main[final != "auto_excluded"]),
        "prisma.included": of_works(included[~included["work_id"].isin(further_reports(studies))]),
        "prisma.included_reports": of_works(included),
    }
    for box, statuses in _STATUSES.items():
        chosen = main[final.isin(statuses)]
        column = {"prisma.excluded_title_abstract": "title_abstract_reason",
                  "prisma.excluded_full_text": "full_text_reason"}.get(box)
        boxes[box] = of_works(chosen, chosen[column].map(lambda c: ft_labels.get(c, c)) if column else None)
    # A prisma.json from before reports were counted apart has one report per study.
    prisma = {"included_reports": prisma["included"], **prisma}
    failed = [f"{box}: {len(boxes[box])} listed, prisma.json says {_count(prisma, path)}"
              for box, path in BOXES.items() if len(boxes[box]) != _count(prisma, path)]
    if failed:
        raise InvariantError("PRISMA lists do not match the counts: " + "; ".join(failed))
    return _table(boxes, records, works)


def _table(boxes: dict[str, list[dict[str, str]]], records: pd.DataFrame, works: pd.DataFrame) -> pd.DataFrame:
    """Rows with database, year and title filled from the record or the work, in box order then by id."""
    by_record = records.set_index("record_id")
    by_work = works.set_index("work_id")
    rows = []
    for order, box in enumerate(BOXES):
        for row in boxes[box]:
            record_id, work_id = row.get("record_id", ""), row.get("work_id", "")
            source = by_record.loc[record_id] if record_id else by_work.loc[work_id]
            rows.append({"order": order, "box": box, "work_id": work_id, "record_id": record_id,
                         "database": source["database"] if record_id else source["databases"],
                         "year": source["year"], "title": source["title"], "reason": row["reason"]})
    table = pd.DataFrame(rows, columns=["order", *COLUMNS])
    table = table.sort_values(["order", "work_id", "record_id"], kind="mergesort")
    return table.drop(columns="order").reset_index(drop=True)

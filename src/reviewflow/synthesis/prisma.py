"""PRISMA 2020 counts, computed from the stage outputs and checked as invariants rather than reported blindly."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pandas as pd

from reviewflow.errors import InvariantError


def _by_reason(codes: pd.Series, labels: dict[str, str]) -> list[dict[str, Any]]:
    counts = Counter(codes)
    return [
        {"reason": code, "label": labels.get(code, code), "count": n}
        for code, n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]


def compute_prisma(
    import_report: dict[str, Any],
    works: pd.DataFrame,
    auto_excluded: pd.DataFrame,
    screening: pd.DataFrame,
    config: dict[str, Any],
) -> dict[str, Any]:
    """The flow-diagram counts; raises InvariantError naming the identity that fails."""
    per_database = import_report["records_per_database"]
    databases = [
        {"id": db, "label": config["databases"][db]["label"], "records": per_database[db]}
        for db in config["databases"]
    ]
    final = screening.set_index("work_id")["final"]
    status = Counter(final)
    screened = screening[screening["final"] != "auto_excluded"]
    excluded_ft = screening[screening["final"] == "excluded_full_text"]
    reasons = config["screening"]["reasons"]
    prisma = {
        "identification": {"databases": databases, "total": import_report["records_total"]},
        "removed_before_screening": {
            "duplicates": import_report["records_total"] - len(works),
            "automation": len(auto_excluded),
            "other": 0,
            "automation_reasons": _by_reason(auto_excluded["reason"], config["eligibility"]["reasons"]),
        },
        "screened": len(screened),
        "excluded_title_abstract": status["excluded_title_abstract"],
        "excluded_title_abstract_reasons": _by_reason(
            screening.loc[screening["final"] == "excluded_title_abstract", "title_abstract_reason"], reasons
        ),
        "sought_for_retrieval": status["included"] + status["excluded_full_text"] + status["not_retrieved"],
        "not_retrieved": status["not_retrieved"],
        "assessed_full_text": status["included"] + status["excluded_full_text"],
        "excluded_full_text": _by_reason(excluded_ft["full_text_reason"], reasons),
        "excluded_full_text_total": len(excluded_ft),
        "included": status["included"],
    }
    check_prisma(prisma, works=len(works), screening_rows=len(screening))
    return prisma


def check_prisma(prisma: dict[str, Any], *, works: int | None = None, screening_rows: int | None = None) -> None:
    """Assert the PRISMA identities of the architecture note; the message names the failing stage."""
    removed = prisma["removed_before_screening"]
    unique = prisma["identification"]["total"] - removed["duplicates"]
    identities = [
        ("identification: databases sum to total",
         sum(d["records"] for d in prisma["identification"]["databases"]), prisma["identification"]["total"]),
        ("removed by automation: reasons sum to total",
         sum(r["count"] for r in removed["automation_reasons"]), removed["automation"]),
        ("unique works = removed by automation + other + screened",
         unique, removed["automation"] + removed["other"] + prisma["screened"]),
        ("screened = excluded at title/abstract + sought for retrieval",
         prisma["screened"], prisma["excluded_title_abstract"] + prisma["sought_for_retrieval"]),
        ("sought = not retrieved + assessed",
         prisma["sought_for_retrieval"], prisma["not_retrieved"] + prisma["assessed_full_text"]),
        ("assessed = excluded at full text + included",
         prisma["assessed_full_text"], prisma["excluded_full_text_total"] + prisma["included"]),
        ("excluded at full text: reasons sum to total",
         sum(r["count"] for r in prisma["excluded_full_text"]), prisma["excluded_full_text_total"]),
    ]
    if works is not None:
        identities.append(("identified = duplicates removed + unique works", unique, works))
    if screening_rows is not None:
        identities.append(("every work has a screening status", screening_rows, unique))
    failed = [f"{name}: {left} != {right}" for name, left, right in identities if left != right]
    if failed:
        raise InvariantError("PRISMA arithmetic does not balance: " + "; ".join(failed))

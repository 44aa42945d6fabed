"""PRISMA 2020 counts, computed from the stage outputs and checked as invariants rather than reported blindly.

Works reach full text as reports; PRISMA 2020 then counts studies apart from reports. ``included`` is the number
of studies and ``included_reports`` the number of included works: a work the extraction sheet links to another
as a further report of its study (extraction/reports.py) is a report but not a study. The flow's arithmetic is
about works, so "assessed = excluded + included" uses reports. A study is counted in the arm (and, in an update,
the version) of its main work, so studies add up across arms as reports do.

A draft build adds an ``awaiting`` section (works awaiting title/abstract screening, full-text assessment,
extraction); the identities then hold with those terms added, so a draft's diagram balances too.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pandas as pd

from reviewflow.errors import InvariantError
from reviewflow.extraction.reports import report_ids
from reviewflow.synthesis.draft import AWAITING_KEYS, AWAITING_STATUS, awaiting_counts
from reviewflow.synthesis.prisma_other import other_method_sources, other_method_works, source_counts


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
    studies: pd.DataFrame | None = None,
    further: frozenset[str] | set[str] = frozenset(),
) -> dict[str, Any]:
    """The flow-diagram counts; raises InvariantError naming the identity that fails.

    With ``studies`` (a draft build) the counts gain the ``awaiting`` section; without it a work awaiting a
    decision is an error, since a final build's screening never writes one. ``further`` are the included works
    that are further reports of a study extracted under another work (results/studies.csv report_work_ids).
    """
    per_source = import_report["records_per_database"]
    awaiting = awaiting_counts(screening, studies) if studies is not None else None
    if awaiting is None and screening["final"].isin(AWAITING_STATUS.values()).any():
        raise InvariantError("PRISMA counts of a final build: results/screening.csv has works awaiting a decision")
    identification: dict[str, Any] = {"databases": source_counts(config, per_source, "databases")}
    registers = source_counts(config, per_source, "registers")
    if registers:
        identification["registers"] = registers
    identification["total"] = sum(d["records"] for d in identification["databases"] + registers)
    other_ids = other_method_works(works, config)
    main = ~screening["work_id"].isin(other_ids)
    main_auto = ~auto_excluded["work_id"].isin(other_ids)
    main_works = len(works) - len(other_ids)
    still_auto = set(screening.loc[screening["final"] == "auto_excluded", "work_id"])
    if not still_auto <= set(auto_excluded["work_id"]):
        raise InvariantError("PRISMA counts: results/screening.csv marks works auto_excluded that "
                             "results/auto_excluded.csv does not list")
    prisma = {
        "identification": identification,
        **screening_flow(screening[main], auto_excluded[main_auto], config,
                         duplicates=identification["total"] - main_works, further=further),
    }
    if other_method_sources(config):
        methods = source_counts(config, per_source, "other_methods")
        total = sum(m["records"] for m in methods)
        other = {"identification": {"methods": methods, "total": total},
                 **screening_flow(screening[~main], auto_excluded[~main_auto], config,
                                  duplicates=total - len(other_ids), further=further)}
        if awaiting is not None:
            other["awaiting"] = {key: n for key, n in awaiting_counts(screening[~main], studies).items()
                                 if key != "extraction"}
        prisma["included_via_databases"] = prisma["included"]
        prisma["included"] += other["included"]
        prisma["included_reports_via_databases"] = prisma["included_reports"]
        prisma["included_reports"] += other["included_reports"]
        prisma["other_methods"] = other
    if awaiting is not None:
        # Title/abstract and full text: the main arm's works; extraction: every included study.
        prisma["awaiting"] = {**awaiting_counts(screening[main], studies), "extraction": awaiting["extraction"]}
    extracted = len(studies) if studies is not None else None
    reports = len(report_ids(studies)) if studies is not None else None
    check_prisma(prisma, works=len(works), screening_rows=len(screening), extracted=extracted,
                 extracted_reports=reports, further=len(further & set(screening.loc[screening["final"] == "included",
                                                                                      "work_id"])))
    return prisma


def screening_flow(screening: pd.DataFrame, auto_excluded: pd.DataFrame, config: dict[str, Any], *,
                   duplicates: int, further: frozenset[str] | set[str] = frozenset()) -> dict[str, Any]:
    """The counts from "removed before screening" down to "included" for a set of works (all works, or the new
    works of an update); one definition for both flows, so they cannot drift apart.

    A work the rules excluded but a person included at title/abstract was screened, so it is counted there and
    not in the automation box: ``automation`` counts works still excluded by rule, ``automation_overridden``
    those a person put back, and ``excluded_by_rule`` all the rules excluded (the sum of both).
    ``included`` counts studies (included works that are not ``further`` reports), ``included_reports`` works.
    """
    status = Counter(screening["final"])
    screened = screening[screening["final"] != "auto_excluded"]
    still_auto = auto_excluded[auto_excluded["work_id"].isin(screening.loc[screening["final"] == "auto_excluded",
                                                                            "work_id"])]
    excluded_ft = screening[screening["final"] == "excluded_full_text"]
    reasons = config["screening"]["reasons"]
    return {
        "removed_before_screening": {
            "duplicates": duplicates,
            "automation": len(still_auto),
            "other": 0,
            "automation_reasons": _by_reason(still_auto["reason"], config["eligibility"]["reasons"]),
            "automation_overridden": len(auto_excluded) - len(still_auto),
            "excluded_by_rule": len(auto_excluded),
        },
        "screened": len(screened),
        "excluded_title_abstract": status["excluded_title_abstract"],
        "excluded_title_abstract_reasons": _by_reason(
            screening.loc[screening["final"] == "excluded_title_abstract", "title_abstract_reason"], reasons
        ),
        "sought_for_retrieval": status["included"] + status["excluded_full_text"] + status["not_retrieved"]
        + status[AWAITING_STATUS["full_text"]],
        "not_retrieved": status["not_retrieved"],
        "assessed_full_text": status["included"] + status["excluded_full_text"],
        "excluded_full_text": _by_reason(excluded_ft["full_text_reason"], reasons),
        "excluded_full_text_total": len(excluded_ft),
        "included": status["included"] - int(screening.loc[screening["final"] == "included", "work_id"]
                                             .isin(further).sum()),
        "included_reports": status["included"],
    }


def check_prisma(prisma: dict[str, Any], *, works: int | None = None, screening_rows: int | None = None,
                 extracted: int | None = None, extracted_reports: int | None = None,
                 further: int | None = None) -> None:
    """Assert the PRISMA identities of the architecture note; the message names the failing stage.

    In a draft the awaiting works are terms of the identities: screened = excluded + sought + awaiting
    screening, sought = not retrieved + assessed + awaiting full text, included = extracted + awaiting extraction.
    Studies and reports: included reports = studies + ``further`` reports, and with ``extracted_reports`` (the
    works results/studies.csv accounts for) included reports = extracted reports + awaiting extraction.
    """
    awaiting = prisma.get("awaiting", dict.fromkeys(AWAITING_KEYS, 0))
    # Counts from before reports were counted (no included_reports) have one report per study.
    reports = prisma.get("included_reports", prisma["included"])
    main = {**prisma, "included": prisma.get("included_via_databases", prisma["included"]),
            "included_reports": prisma.get("included_reports_via_databases", reports)}
    identities = flow_identities(main, awaiting)
    unique = prisma["identification"]["total"] - prisma["removed_before_screening"]["duplicates"]
    other = prisma.get("other_methods")
    if other is not None:
        identities += [(f"other methods: {name}", left, right) for name, left, right in
                       flow_identities(other, {**dict.fromkeys(AWAITING_KEYS, 0), **other.get("awaiting", {})})]
        identities.append(("included = included via databases and registers + via other methods",
                           prisma["included"], prisma["included_via_databases"] + other["included"]))
        identities.append(("included reports = via databases and registers + via other methods",
                           prisma["included_reports"],
                           prisma["included_reports_via_databases"] + other["included_reports"]))
        unique += other["identification"]["total"] - other["removed_before_screening"]["duplicates"]
    if works is not None:
        identities.append(("identified = duplicates removed + unique works", unique, works))
    if extracted is not None:
        identities.append(("included = extracted + awaiting extraction", prisma["included"],
                           extracted + awaiting["extraction"]))
    if extracted_reports is not None:
        identities.append(("included reports = extracted reports + awaiting extraction",
                           reports, extracted_reports + awaiting["extraction"]))
    if further is not None:
        identities.append(("included reports = studies included + further reports of them",
                           reports, prisma["included"] + further))
    if screening_rows is not None:
        identities.append(("every work has a screening status", screening_rows, unique))
    raise_unbalanced(identities)


Identity = tuple[str, int, int]
"""(what must hold, left side, right side)."""


def flow_identities(flow: dict[str, Any], awaiting: dict[str, int]) -> list[Identity]:
    """The identities of one flow (the whole review, or the new studies of an update) from identification down
    to included, with a draft's awaiting works as terms."""
    removed = flow["removed_before_screening"]
    unique = flow["identification"]["total"] - removed["duplicates"]
    return [
        ("identification: sources sum to total",
         sum(d["records"] for kind in ("databases", "registers", "methods")
             for d in flow["identification"].get(kind, [])), flow["identification"]["total"]),
        ("removed by automation: reasons sum to total",
         sum(r["count"] for r in removed["automation_reasons"]), removed["automation"]),
        ("excluded by rule = removed by automation + put back into screening by a person",
         removed.get("excluded_by_rule", removed["automation"]),
         removed["automation"] + removed.get("automation_overridden", 0)),
        ("unique works = removed by automation + other + screened",
         unique, removed["automation"] + removed["other"] + flow["screened"]),
        ("screened = excluded at title/abstract + sought for retrieval + awaiting screening",
         flow["screened"],
         flow["excluded_title_abstract"] + flow["sought_for_retrieval"] + awaiting["title_abstract"]),
        ("sought = not retrieved + assessed + awaiting full-text assessment",
         flow["sought_for_retrieval"],
         flow["not_retrieved"] + flow["assessed_full_text"] + awaiting["full_text"]),
        ("assessed = excluded at full text + included reports",
         flow["assessed_full_text"], flow["excluded_full_text_total"] + flow.get("included_reports", flow["included"])),
        ("excluded at full text: reasons sum to total",
         sum(r["count"] for r in flow["excluded_full_text"]), flow["excluded_full_text_total"]),
    ]


def raise_unbalanced(identities: list[Identity]) -> None:
    """One InvariantError naming every identity that fails (nothing when all hold)."""
    failed = [f"{name}: {left} != {right}" for name, left, right in identities if left != right]
    if failed:
        raise InvariantError("PRISMA arithmetic does not balance: " + "; ".join(failed))

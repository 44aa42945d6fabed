"""The counts the PRISMA flow diagram shows, read from ``results/prisma.json`` and checked to balance before
anything is drawn. A draft's ``awaiting`` section (works awaiting screening, full-text assessment, extraction)
is read too and added to the identities it belongs to. An updated review's ``update`` section (the new studies'
flow and the previous version) is checked the same way and tied to the whole review's counts. Studies and reports
are counted apart (``included`` and ``included_reports``): the flow balances on reports, and a study has at least
one; a prisma.json from before reports were counted (no ``included_reports``) has one report per study."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from reviewflow.errors import InvariantError


class PrismaBalanceError(InvariantError, ValueError):
    """The PRISMA counts do not add up; drawing them would publish an inconsistent flow diagram."""


@dataclass(frozen=True)
class PrismaCounts:
    """The numbers of ``prisma.json`` after type checks, with list entries reduced to (label, count)."""

    databases: list[tuple[str, int]]
    registers: list[tuple[str, int]] | None
    total: int
    duplicates: int
    automation: int
    automation_reasons: list[tuple[str, int]]
    other: int
    screened: int
    excluded_title_abstract: int
    sought_for_retrieval: int
    not_retrieved: int
    assessed_full_text: int
    excluded_full_text: list[tuple[str, int]]
    excluded_full_text_total: int
    included: int
    included_reports: int
    """Reports of the included studies (works): ``included`` is the studies, at most as many."""
    awaiting_title_abstract: int = 0
    awaiting_full_text: int = 0
    awaiting_extraction: int = 0
    update: UpdateCounts | None = None
    included_via_databases: int | None = None
    """With an other-methods arm: the studies this (main) arm included; ``included`` is then the review's total."""
    included_reports_via_databases: int | None = None
    """With an other-methods arm: the reports this arm included; ``included_reports`` is then the total."""
    other_methods: PrismaCounts | None = None
    """The other-methods arm (``databases`` holds its methods), when the review has one."""
    automation_overridden: int = 0
    """Works the rules excluded that a person included at title/abstract: counted in ``screened``, not in
    ``automation``."""
    excluded_by_rule: int | None = None
    """Every work the rules excluded (``automation`` + ``automation_overridden``), when prisma.json says."""


@dataclass(frozen=True)
class UpdateCounts:
    """An updated review's counts (``prisma.json`` ``update``): the new studies' flow and the previous version."""

    flow: PrismaCounts
    duplicates_of_previous: int
    duplicates_within_update: int
    previous_studies: int
    previous_reports: int
    new_reports: int
    total_studies: int
    total_reports: int
    previous_awaiting: int = 0
    previous_awaiting_extraction: int = 0


def validate_prisma(prisma: Mapping[str, Any]) -> PrismaCounts:
    """Read the counts and check every PRISMA identity, reporting all failures at once (an update's too)."""
    if not isinstance(prisma, Mapping):
        raise ValueError(
            f"prisma must be a mapping (the content of results/prisma.json), got {type(prisma).__name__}"
        )
    c = _flow_counts(prisma, "")
    if "other_methods" in prisma:
        c, failures = _with_other_methods(prisma, c)
    else:
        failures = _flow_failures(c, "awaiting" in prisma, "")
    if "update" in prisma:
        update, update_failures = _update_counts(_section(prisma, "update"), c)
        c = replace(c, update=update)
        failures += update_failures
    if failures:
        raise PrismaBalanceError("PRISMA counts do not balance:\n" + "\n".join(failures))
    return c


def _with_other_methods(prisma: Mapping[str, Any], main: PrismaCounts) -> tuple[PrismaCounts, list[str]]:
    """Both arms, each checked down to its own included studies, and the total that joins them."""
    node = _section(prisma, "other_methods")
    arm = _flow_counts(node, "other_methods.", sources="methods")
    via_databases = _count(prisma, "included_via_databases")
    reports_via_databases = (_count(prisma, "included_reports_via_databases")
                             if "included_reports_via_databases" in prisma else via_databases)
    # awaiting.extraction counts every included study, so it is checked against the total, not this arm's.
    failures = _flow_failures(replace(main, included=via_databases, included_reports=reports_via_databases,
                                      awaiting_extraction=0), "awaiting" in prisma, "")
    if main.awaiting_extraction > main.included:
        failures.append(f"  awaiting.extraction <= included: {main.awaiting_extraction} > {main.included}")
    failures += _flow_failures(arm, "awaiting" in node, "other_methods.", sources="methods")
    failures += _failures([("included = included_via_databases + other_methods.included", main.included,
                            [via_databases, arm.included]),
                           ("included_reports = included_reports_via_databases + other_methods.included_reports",
                            main.included_reports, [reports_via_databases, arm.included_reports])])
    return replace(main, included_via_databases=via_databases, included_reports_via_databases=reports_via_databases,
                   other_methods=arm), failures


def _flow_counts(node: Mapping[str, Any], p: str, sources: str = "databases") -> PrismaCounts:
    """One flow from identification to included: the whole review (``p`` empty), an update's new studies
    (``p`` = ``update.``, which prefixes every name in messages) or the other-methods arm (its ``sources`` are
    ``methods``)."""
    ident = _section(node, "identification", p)
    removed = _section(node, "removed_before_screening", p)
    registers = (
        _items(ident["registers"], f"{p}identification.registers", "records", "id")
        if "registers" in ident
        else None
    )
    return PrismaCounts(
        databases=_items(
            _get(ident, sources, f"{p}identification"), f"{p}identification.{sources}", "records", "id"
        ),
        registers=registers,
        total=_count(ident, "total", f"{p}identification"),
        duplicates=_count(removed, "duplicates", f"{p}removed_before_screening"),
        automation=_count(removed, "automation", f"{p}removed_before_screening"),
        automation_reasons=_items(
            removed.get("automation_reasons", []),
            f"{p}removed_before_screening.automation_reasons",
            "count",
            "reason",
        ),
        other=_count(removed, "other", f"{p}removed_before_screening"),
        screened=_count(node, "screened", p.rstrip(".")),
        excluded_title_abstract=_count(node, "excluded_title_abstract", p.rstrip(".")),
        sought_for_retrieval=_count(node, "sought_for_retrieval", p.rstrip(".")),
        not_retrieved=_count(node, "not_retrieved", p.rstrip(".")),
        assessed_full_text=_count(node, "assessed_full_text", p.rstrip(".")),
        excluded_full_text=_items(
            _get(node, "excluded_full_text", p.rstrip(".")), f"{p}excluded_full_text", "count", "reason"
        ),
        excluded_full_text_total=_count(node, "excluded_full_text_total", p.rstrip(".")),
        included=_count(node, "included", p.rstrip(".")),
        included_reports=_count(node, "included_reports" if "included_reports" in node else "included", p.rstrip(".")),
        automation_overridden=(_count(removed, "automation_overridden", f"{p}removed_before_screening")
                               if "automation_overridden" in removed else 0),
        excluded_by_rule=(_count(removed, "excluded_by_rule", f"{p}removed_before_screening")
                          if "excluded_by_rule" in removed else None),
        **_awaiting(node, p),
    )


def _flow_failures(c: PrismaCounts, draft: bool, p: str, sources: str = "databases") -> list[str]:
    """The identities of one flow that fail, each as '  name: lhs != parts (= sum)'."""
    listed = sum(n for _, n in c.databases) + sum(n for _, n in c.registers or [])
    source_terms = f"sum({p}identification.{sources}[].records)" + (
        f" + sum({p}identification.registers[].records)" if c.registers is not None else ""
    )
    identities: list[tuple[str, int, list[int]]] = [
        (f"{p}identification.total = {source_terms}", c.total, [listed]),
        (
            f"{p}identification.total = duplicates + automation + other + screened",
            c.total,
            [c.duplicates, c.automation, c.other, c.screened],
        ),
        (
            f"{p}removed_before_screening.automation = sum(automation_reasons[].count)",
            c.automation,
            [n for _, n in c.automation_reasons],
        ),
        (
            f"{p}screened = excluded_title_abstract + sought_for_retrieval"
            + (" + awaiting.title_abstract" if draft else ""),
            c.screened,
            [c.excluded_title_abstract, c.sought_for_retrieval] + ([c.awaiting_title_abstract] if draft else []),
        ),
        (
            f"{p}sought_for_retrieval = not_retrieved + assessed_full_text"
            + (" + awaiting.full_text" if draft else ""),
            c.sought_for_retrieval,
            [c.not_retrieved, c.assessed_full_text] + ([c.awaiting_full_text] if draft else []),
        ),
        (
            f"{p}assessed_full_text = excluded_full_text_total + included_reports",
            c.assessed_full_text,
            [c.excluded_full_text_total, c.included_reports],
        ),
        (
            f"{p}excluded_full_text_total = sum(excluded_full_text[].count)",
            c.excluded_full_text_total,
            [n for _, n in c.excluded_full_text],
        ),
    ]
    if c.excluded_by_rule is not None:
        identities.append((f"{p}removed_before_screening.excluded_by_rule = automation + automation_overridden",
                           c.excluded_by_rule, [c.automation, c.automation_overridden]))
    failures = _failures(identities)
    if c.included > c.included_reports:
        failures.append(f"  {p}included <= {p}included_reports (every study has a report): "
                        f"{c.included} > {c.included_reports}")
    if c.awaiting_extraction > c.included:
        failures.append(f"  {p}awaiting.extraction <= {p}included: {c.awaiting_extraction} > {c.included}")
    return failures


def _failures(identities: list[tuple[str, int, list[int]]]) -> list[str]:
    return [
        f"  {name}: {lhs} != {' + '.join(map(str, parts)) or '0'} (= {sum(parts)})"
        for name, lhs, parts in identities
        if lhs != sum(parts)
    ]


def _update_counts(node: Mapping[str, Any], whole: PrismaCounts) -> tuple[UpdateCounts, list[str]]:
    """The ``update`` section and the identities tying it to the previous version and the whole review."""
    flow = _flow_counts(node, "update.")
    removed = _section(node, "removed_before_screening", "update")
    previous = _section(node, "previous_version", "update")
    where = "update.previous_version"
    awaiting = _section(previous, "awaiting", where) if "awaiting" in previous else {}
    u = UpdateCounts(
        flow=flow,
        duplicates_of_previous=_count(removed, "duplicates_of_previous", "update.removed_before_screening"),
        duplicates_within_update=_count(removed, "duplicates_within_update", "update.removed_before_screening"),
        previous_studies=_count(previous, "studies_included", where),
        previous_reports=_count(previous, "reports_included", where),
        new_reports=_count(node, "reports_included", "update"),
        total_studies=_count(node, "total_studies_included", "update"),
        total_reports=_count(node, "total_reports_included", "update"),
        previous_awaiting=sum(_count(awaiting, key, f"{where}.awaiting") for key in ("title_abstract", "full_text")
                              if key in awaiting),
        previous_awaiting_extraction=_count(awaiting, "extraction", f"{where}.awaiting") if awaiting else 0,
    )
    records = _count(previous, "records", where)
    failures = _flow_failures(flow, "awaiting" in node, "update.")
    failures += _failures([
        ("update.removed_before_screening.duplicates = duplicates_of_previous + duplicates_within_update",
         flow.duplicates, [u.duplicates_of_previous, u.duplicates_within_update]),
        ("identification.total = update.previous_version.records + update.identification.total",
         whole.total, [records, flow.total]),
        ("update.total_studies_included = previous_version.studies_included + update.included",
         u.total_studies, [u.previous_studies, flow.included]),
        ("update.total_reports_included = previous_version.reports_included + update.reports_included",
         u.total_reports, [u.previous_reports, u.new_reports]),
        ("included = update.total_studies_included", whole.included, [u.total_studies]),
        ("included_reports = update.total_reports_included", whole.included_reports, [u.total_reports]),
        ("update.reports_included = update.included_reports", u.new_reports, [flow.included_reports]),
    ])
    return u, failures


def _awaiting(node: Mapping[str, Any], p: str = "") -> dict[str, int]:
    """The draft's awaiting counts as PrismaCounts fields; none (all zero) in a final build's prisma.json."""
    if "awaiting" not in node:
        return {}
    awaiting = _section(node, "awaiting", p.rstrip("."))
    # The other-methods arm has no extraction count of its own (extraction counts every included study).
    keys = ("title_abstract", "full_text") + (("extraction",) if p != "other_methods." else ())
    return {f"awaiting_{key}": _count(awaiting, key, f"{p}awaiting") for key in keys}


def _get(node: Mapping[str, Any], key: str, where: str = "") -> Any:
    if key not in node:
        raise ValueError(f"prisma is missing '{f'{where}.' if where else ''}{key}'")
    return node[key]


def _section(node: Mapping[str, Any], key: str, where: str = "") -> Mapping[str, Any]:
    value = _get(node, key, where)
    if not isinstance(value, Mapping):
        name = f"{where}.{key}" if where else key
        raise ValueError(f"prisma '{name}' must be an object, got {type(value).__name__}")
    return value


def _as_count(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"prisma '{name}' must be a non-negative integer, got {value!r}")
    return value


def _count(node: Mapping[str, Any], key: str, where: str = "") -> int:
    return _as_count(_get(node, key, where), f"{where}.{key}" if where else key)


def _items(value: Any, name: str, count_key: str, id_key: str) -> list[tuple[str, int]]:
    """(display label, count) per entry; the id stands in when an entry has no label."""
    if not isinstance(value, Sequence) or isinstance(value, str):
        raise ValueError(f"prisma '{name}' must be a list, got {type(value).__name__}")
    out = []
    for i, entry in enumerate(value):
        where = f"{name}[{i}]"
        if not isinstance(entry, Mapping):
            raise ValueError(f"prisma '{where}' must be an object, got {type(entry).__name__}")
        label = str(entry.get("label") or entry.get(id_key) or "").strip()
        if not label:
            raise ValueError(f"prisma '{where}' has neither 'label' nor '{id_key}'")
        out.append((label, _count(entry, count_key, where)))
    return out

"""The counts the PRISMA flow diagram shows, read from ``results/prisma.json`` and checked to balance before
anything is drawn. A draft's ``awaiting`` section (works awaiting screening, full-text assessment, extraction)
is read too and added to the identities it belongs to."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
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
    awaiting_title_abstract: int = 0
    awaiting_full_text: int = 0
    awaiting_extraction: int = 0


def validate_prisma(prisma: Mapping[str, Any]) -> PrismaCounts:
    """Read the counts and check every PRISMA identity, reporting all failures at once."""
    if not isinstance(prisma, Mapping):
        raise ValueError(
            f"prisma must be a mapping (the content of results/prisma.json), got {type(prisma).__name__}"
        )
    ident = _section(prisma, "identification")
    removed = _section(prisma, "removed_before_screening")
    registers = (
        _items(ident["registers"], "identification.registers", "records", "id")
        if "registers" in ident
        else None
    )
    c = PrismaCounts(
        databases=_items(
            _get(ident, "databases", "identification"), "identification.databases", "records", "id"
        ),
        registers=registers,
        total=_count(ident, "total", "identification"),
        duplicates=_count(removed, "duplicates", "removed_before_screening"),
        automation=_count(removed, "automation", "removed_before_screening"),
        automation_reasons=_items(
            removed.get("automation_reasons", []),
            "removed_before_screening.automation_reasons",
            "count",
            "reason",
        ),
        other=_count(removed, "other", "removed_before_screening"),
        screened=_count(prisma, "screened"),
        excluded_title_abstract=_count(prisma, "excluded_title_abstract"),
        sought_for_retrieval=_count(prisma, "sought_for_retrieval"),
        not_retrieved=_count(prisma, "not_retrieved"),
        assessed_full_text=_count(prisma, "assessed_full_text"),
        excluded_full_text=_items(
            _get(prisma, "excluded_full_text"), "excluded_full_text", "count", "reason"
        ),
        excluded_full_text_total=_count(prisma, "excluded_full_text_total"),
        included=_count(prisma, "included"),
        **_awaiting(prisma),
    )
    draft = "awaiting" in prisma
    sources = sum(n for _, n in c.databases) + sum(n for _, n in c.registers or [])
    source_terms = "sum(identification.databases[].records)" + (
        " + sum(identification.registers[].records)" if c.registers is not None else ""
    )
    identities: list[tuple[str, int, list[int]]] = [
        (f"identification.total = {source_terms}", c.total, [sources]),
        (
            "identification.total = duplicates + automation + other + screened",
            c.total,
            [c.duplicates, c.automation, c.other, c.screened],
        ),
        (
            "removed_before_screening.automation = sum(automation_reasons[].count)",
            c.automation,
            [n for _, n in c.automation_reasons],
        ),
        (
            "screened = excluded_title_abstract + sought_for_retrieval"
            + (" + awaiting.title_abstract" if draft else ""),
            c.screened,
            [c.excluded_title_abstract, c.sought_for_retrieval] + ([c.awaiting_title_abstract] if draft else []),
        ),
        (
            "sought_for_retrieval = not_retrieved + assessed_full_text" + (" + awaiting.full_text" if draft else ""),
            c.sought_for_retrieval,
            [c.not_retrieved, c.assessed_full_text] + ([c.awaiting_full_text] if draft else []),
        ),
        (
            "assessed_full_text = excluded_full_text_total + included",
            c.assessed_full_text,
            [c.excluded_full_text_total, c.included],
        ),
        (
            "excluded_full_text_total = sum(excluded_full_text[].count)",
            c.excluded_full_text_total,
            [n for _, n in c.excluded_full_text],
        ),
    ]
    failures = [
        f"  {name}: {lhs} != {' + '.join(map(str, parts)) or '0'} (= {sum(parts)})"
        for name, lhs, parts in identities
        if lhs != sum(parts)
    ]
    if c.awaiting_extraction > c.included:
        failures.append(f"  awaiting.extraction <= included: {c.awaiting_extraction} > {c.included}")
    if failures:
        raise PrismaBalanceError("PRISMA counts do not balance:\n" + "\n".join(failures))
    return c


def _awaiting(prisma: Mapping[str, Any]) -> dict[str, int]:
    """The draft's awaiting counts as PrismaCounts fields; none (all zero) in a final build's prisma.json."""
    if "awaiting" not in prisma:
        return {}
    awaiting = _section(prisma, "awaiting")
    return {f"awaiting_{key}": _count(awaiting, key, "awaiting")
            for key in ("title_abstract", "full_text", "extraction")}


def _get(node: Mapping[str, Any], key: str, where: str = "") -> Any:
    if key not in node:
        raise ValueError(f"prisma is missing '{f'{where}.' if where else ''}{key}'")
    return node[key]


def _section(node: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = _get(node, key)
    if not isinstance(value, Mapping):
        raise ValueError(f"prisma '{key}' must be an object, got {type(value).__name__}")
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

"""Overall judgements by each tool's own algorithm, from the domain judgements.

RoB 2: low when every domain is low, high when any is high, otherwise some concerns; assessors may raise some
concerns to high when several domains raise concerns (the tool allows it). ROBINS-I: the most severe domain.
JBI checklists: no overall judgement exists, so none is derived.
"""

from __future__ import annotations

from dataclasses import dataclass

from reviewflow.riskofbias.tools import Tool

SEVERITY = {"low": 0, "concerns": 1, "high": 2, "critical": 3}
"""Order of robvis levels that carry a risk; no information and not applicable are not judgements of risk."""


@dataclass(frozen=True)
class Overall:
    """The overall judgement derived, and those an assessor may write instead."""

    derived: str
    allowed: tuple[str, ...]


def rob2_overall(domains: list[str]) -> Overall:
    """RoB 2: low iff all low; high if any high; else some concerns, which may be raised to high by the
    assessor when two or more domains have some concerns."""
    if any(j == "high" for j in domains):
        return Overall("high", ("high",))
    concerns = sum(j == "some_concerns" for j in domains)
    if concerns:
        return Overall("some_concerns", ("some_concerns", "high") if concerns >= 2 else ("some_concerns",))
    return Overall("low", ("low",))


def worst_domain_overall(tool: Tool, domains: list[str]) -> Overall:
    """The most severe domain judgement by robvis level (ROBINS-I); all low gives the tool's overall low."""
    levels = [tool.judgement(j).level for j in domains]
    worst = max(levels, key=lambda level: SEVERITY.get(level, -1))
    if worst == "low":
        return Overall(tool.overall_low, (tool.overall_low,))
    code = next(j.code for j in tool.judgements if j.level == worst and (not j.domains))
    return Overall(code, (code,))


def derive_overall(tool: Tool, domains: list[str]) -> Overall | None:
    """The tool's overall judgement from its domain judgements (in the tool's domain order); None when the
    tool defines no overall judgement (JBI)."""
    if tool.algorithm == "rob2":
        return rob2_overall(domains)
    if tool.algorithm == "worst_domain":
        return worst_domain_overall(tool, domains)
    return None

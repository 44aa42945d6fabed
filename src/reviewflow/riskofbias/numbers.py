"""The manuscript's numbers and sentences on risk of bias (``rob.*``), made from the checked assessments, so the
manuscript cannot claim an assessment that was not made, nor leave one out."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from reviewflow.errors import InputError
from reviewflow.riskofbias.answers import Assessment
from reviewflow.riskofbias.settings import Settings
from reviewflow.riskofbias.tools import load_tool


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _design_text(designs: tuple[str, ...], labels: dict[str, str]) -> str:
    names = [labels.get(d, d).lower() for d in designs]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def rob_numbers(settings: Settings, assessed: dict[str, list[Assessment]],
                design_labels: dict[str, str]) -> dict[str, dict[str, Any]]:
    """``rob.assessed``, ``rob.statement`` (Methods), ``rob.results_statement`` (Results), ``rob.tools`` and,
    per assessed tool, ``rob.<tool>.studies`` and the count of each overall judgement."""
    items: dict[str, dict[str, Any]] = {}

    def add(name: str, value: Any, description: str) -> None:
        items[f"rob.{name}"] = {"value": value, "description": description}

    used = [tool for tool in settings.tools if assessed.get(tool)]
    add("assessed", "yes" if used else "no", "Whether the risk of bias of included studies was assessed (yes/no)")
    add("tools", "; ".join(f"{load_tool(t).title} ({load_tool(t).version})" for t in used) or "none",
        "Risk-of-bias tools used, with their versions")
    if not used:
        add("statement", "The risk of bias of the included studies was not assessed.",
            "The Methods sentence on risk of bias")
        add("results_statement", "No risk-of-bias judgements are reported, because the risk of bias of the "
            "included studies was not assessed.", "The Results sentence on risk of bias")
        return items
    methods = []
    results = []
    for tool_id in used:
        tool = load_tool(tool_id)
        rows = assessed[tool_id]
        studies = len({a.work_id for a in rows})
        designs = _design_text(settings.tools[tool_id], design_labels)
        add(f"{tool_id}.studies", studies, f"Included studies assessed with {tool.name}")
        add(f"{tool_id}.results", len(rows), f"Results (rows) assessed with {tool.name}")
        methods.append(f"{designs} with {tool.title} ({tool.version})")
        if tool.has_overall:
            counts = {j.code: sum(a.overall == j.code for a in rows) for j in tool.judgements}
            for code, count in counts.items():
                add(f"{tool_id}.overall.{code}", count, f"{tool.name} results judged overall: {tool.label_of(code)}")
            shown = "; ".join(f"{tool.label_of(code).lower()}: {count}" for code, count in counts.items() if count)
            results.append(f"Of {_plural(len(rows), 'result', 'results')} from {_plural(studies, 'study', 'studies')} "
                           f"assessed with {tool.name}, the overall judgements were {shown}.")
        else:
            results.append(f"{_plural(studies, 'study was', 'studies were')} appraised with the {tool.title}, "
                           "which defines no overall judgement; the answer to each item is shown per study.")
    statement = "Risk of bias was assessed for " + "; ".join(methods) + "."
    derived = [load_tool(t).name for t in used if load_tool(t).has_overall]
    if derived:
        statement += (" Overall judgements were derived from the domain judgements by the algorithm of "
                      + " and ".join(derived) + ".")
    if any(not load_tool(t).has_overall for t in used):
        statement += " The JBI checklists define no overall judgement, so none was derived."
    add("statement", statement, "The Methods sentence on risk of bias")
    add("results_statement", " ".join(results), "The Results sentence on risk of bias")
    return items


def add_rob_numbers(numbers: dict[str, dict[str, Any]], path: Path) -> None:
    """Merge the risk-of-bias numbers (``results/risk_of_bias.json``) into the manuscript's numbers."""
    try:
        extra = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(extra, dict):
            raise TypeError
    except (OSError, ValueError, TypeError):
        raise InputError("not a readable risk-of-bias numbers file", file=path,
                         expected="the JSON the build's risk_of_bias stage writes") from None
    clash = sorted(set(extra) & set(numbers))
    if clash:
        raise InputError(f"number {clash[0]!r} defined twice", file=path)
    numbers.update(extra)

"""Blank assessment sheets: for each configured tool, one row per included study of its designs with the
form's columns, so assessors start from the right studies and columns rather than typing them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from reviewflow.riskofbias.answers import sheet_columns
from reviewflow.riskofbias.settings import rob_settings, sheet_path
from reviewflow.riskofbias.tools import load_tool
from reviewflow.tables import write_table


def write_blank_sheets(config: dict[str, Any], studies: pd.DataFrame, project: Path, *,
                       overwrite: bool = False) -> list[tuple[Path, int, bool]]:
    """(sheet, studies listed, written) per configured tool; an existing sheet is kept unless ``overwrite``
    (a filled sheet is never replaced by accident)."""
    done = []
    for tool_id, designs in rob_settings(config).tools.items():
        tool = load_tool(tool_id)
        chosen = studies[studies["design"].isin(designs)].sort_values("work_id", kind="stable")
        path = sheet_path(tool_id, project)
        if path.exists() and not overwrite:
            done.append((path, len(chosen), False))
            continue
        frame = pd.DataFrame("", index=range(len(chosen)), columns=sheet_columns(tool))
        frame["work_id"] = chosen["work_id"].tolist()
        frame["study_label"] = chosen["study_label"].tolist()
        write_table(frame, path)
        done.append((path, len(chosen), True))
    return done


def form_guide(tool_id: str) -> str:
    """The form in words, for the assessors: columns, questions and allowed answers (Markdown)."""
    tool = load_tool(tool_id)
    lines = [f"# {tool.title}", "", f"Version: {tool.version}. Cite: {tool.citation}", "",
             "Sources: " + ", ".join(tool.sources), ""]
    if tool.answers:
        lines += ["Signalling-question answers: " + ", ".join(f"`{c}` {label}" for c, label in tool.answers.items()),
                  ""]
    for domain in tool.domains:
        allowed = ", ".join(f"`{c}` {tool.label_of(c)}" for c in tool.allowed(domain.id))
        lines.append(f"- `{domain.id}` {domain.name} (answer: {allowed})")
        lines += [f"  - `{q.column}` {q.id}: {q.prompt}" for q in domain.questions]
    lines += ["", f"Overall: {tool.overall_description}", ""]
    return "\n".join(lines)

"""The ``risk_of_bias`` section of config/review.yaml: which tool assesses which study designs, the palette of
the plots, and where the assessors' sheets live.

Absent section, or no sheet filled in yet: the review says risk of bias was not assessed. The JSON Schema
checks the section's shape; this module checks what it cannot (designs the extraction form does not know, a
design given to two tools)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reviewflow.errors import InputError
from reviewflow.riskofbias.tools import TOOL_IDS

SHEETS_DIR = "data/risk_of_bias"
"""One sheet per tool, ``data/risk_of_bias/<tool>.csv``, relative to the project."""
PALETTES = ("cochrane", "colourblind")


@dataclass(frozen=True)
class Settings:
    """Tools in use (tool id -> designs), palette, and the studies.csv column weighting the summary plot."""

    tools: dict[str, tuple[str, ...]]
    palette: str
    weight_field: str | None

    def tool_of(self, design: str) -> str | None:
        return next((tool for tool, designs in self.tools.items() if design in designs), None)


def rob_settings(config: dict[str, Any], *, source: str | Path = "config/review.yaml") -> Settings:
    """The section as settings, after checking its designs against ``extraction.designs``."""
    section = config.get("risk_of_bias") or {}
    tools = {tool: tuple(section.get("tools", {}).get(tool) or ()) for tool in TOOL_IDS
             if tool in (section.get("tools") or {})}
    known = set((config.get("extraction") or {}).get("designs") or {})
    seen: dict[str, str] = {}
    for tool, designs in tools.items():
        for design in designs:
            if known and design not in known:
                raise InputError(f"design {design!r} is not one of the extraction form's designs", file=source,
                                 field=f"risk_of_bias.tools.{tool}",
                                 expected=f"designs from extraction.designs: {', '.join(sorted(known))}")
            if design in seen:
                raise InputError(f"design {design!r} is given to two tools ({seen[design]} and {tool})",
                                 file=source, field=f"risk_of_bias.tools.{tool}",
                                 expected="each design assessed with one tool")
            seen[design] = tool
    return Settings(tools, str(section.get("palette") or "cochrane"), section.get("weight_field"))


def sheet_path(tool: str, project: Path | str = ".") -> Path:
    return Path(project) / SHEETS_DIR / f"{tool}.csv"


def assessed_tools(config: dict[str, Any], project: Path | str = ".") -> list[str]:
    """Tools of the config whose sheet exists: the workflow declares figures for exactly these (a sheet added or
    removed changes the rule's inputs, so Snakemake re-runs it and re-plans its outputs)."""
    return [tool for tool in rob_settings(config).tools if os.path.exists(sheet_path(tool, project))]


FIGURE_KINDS = ("traffic_light", "summary")
FIGURE_FORMATS = ("png", "pdf", "svg")


def figure_stems(tools: list[str]) -> list[str]:
    """``rob_<tool>_traffic_light`` and ``rob_<tool>_summary`` for each assessed tool."""
    return [f"rob_{tool}_{kind}" for tool in tools for kind in FIGURE_KINDS]

"""The risk_of_bias stage: check every sheet, write the judgements, the numbers and the plots.

Every problem of every sheet goes into one table (results/risk_of_bias_errors.csv, a header alone when all is
well) and stops the build once. No section in the config, or no sheet yet: nothing is plotted and the numbers
say risk of bias was not assessed. Plots are made only for tools with a sheet, the outputs the workflow
declares (see settings.assessed_tools); plots of tools no longer assessed are removed.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pandas as pd

from reviewflow.errors import InputError
from reviewflow.problems import Problems
from reviewflow.riskofbias.answers import Assessment, check_sheet
from reviewflow.riskofbias.figures import Row, draw_summary, draw_traffic_light
from reviewflow.riskofbias.numbers import rob_numbers
from reviewflow.riskofbias.settings import FIGURE_FORMATS, Settings, figure_stems, rob_settings, sheet_path
from reviewflow.riskofbias.tools import TOOL_IDS, Tool, load_tool
from reviewflow.tables import write_json, write_table

log = logging.getLogger(__name__)

COLUMNS = ["tool", "work_id", "study_label", "result", "domain", "domain_name", "judgement", "judgement_label",
           "level", "source"]


def _long_rows(tool: Tool, assessment: Assessment) -> list[dict[str, str]]:
    rows = []
    base = {"tool": tool.id, "work_id": assessment.work_id, "study_label": assessment.study_label,
            "result": assessment.result}
    for domain in tool.domains:
        code = assessment.domains[domain.id]
        rows.append({**base, "domain": domain.id, "domain_name": domain.name, "judgement": code,
                     "judgement_label": tool.label_of(code), "level": tool.judgement(code).level,
                     "source": "assessor"})
    if assessment.overall:
        code = assessment.overall
        rows.append({**base, "domain": "overall", "domain_name": "Overall risk of bias", "judgement": code,
                     "judgement_label": tool.label_of(code), "level": tool.judgement(code).level,
                     "source": assessment.overall_source})
    if assessment.appraisal:
        rows.append({**base, "domain": "appraisal", "domain_name": "Reviewers' appraisal decision",
                     "judgement": assessment.appraisal, "judgement_label": tool.appraisal[assessment.appraisal],
                     "level": "", "source": "assessor"})
    return rows


def _weights(studies: pd.DataFrame, field: str | None, assessments: list[Assessment], problems: Problems,
             studies_path: Path) -> dict[str, float]:
    """Each assessed study's weight in the summary plot: 1, or the number in ``field`` of studies.csv."""
    if not field:
        return {a.work_id: 1.0 for a in assessments}
    if field not in studies.columns:
        raise InputError(f"risk_of_bias.weight_field names {field!r}, not a column of the studies table",
                         file=studies_path, field=field, expected="an extraction field holding a number")
    values = dict(zip(studies["work_id"], studies[field], strict=True))
    weights = {}
    for assessment in assessments:
        try:
            weight = float(values[assessment.work_id])
            if weight <= 0:
                raise ValueError
            weights[assessment.work_id] = weight
        except ValueError:
            problems.add(file=studies_path, line=None, study=assessment.work_id, field=field,
                         value=values[assessment.work_id],
                         expected="a positive number to weight the summary plot (risk_of_bias.weight_field)")
    return weights


def _plot_rows(tool: Tool, assessments: list[Assessment], weights: dict[str, float]) -> list[Row]:
    ordered = sorted(assessments, key=lambda a: (a.study_label.lower(), a.work_id, a.result))
    rows = []
    for a in ordered:
        judgements = tuple(a.domains[d.id] for d in tool.domains) + ((a.overall,) if tool.has_overall else ())
        label = f"{a.study_label} ({a.result})" if a.result else a.study_label
        rows.append(Row(label, judgements, weights.get(a.work_id, 1.0)))
    return rows


def remove_stale_figures(outdir: Path, keep: list[str]) -> None:
    """Plots of tools that are no longer assessed must not linger looking current."""
    for stem in figure_stems(list(TOOL_IDS)):
        if stem in keep:
            continue
        for fmt in FIGURE_FORMATS:
            stale = outdir / f"{stem}.{fmt}"
            if stale.exists():
                log.info("removing %s: no assessment with this tool any more", stale)
                stale.unlink()


def run_risk_of_bias(config: dict[str, Any], studies: pd.DataFrame, *, project: Path, studies_path: Path,
                     out: Path, numbers_path: Path, errors_path: Path, figures: Path) -> dict[str, list[Assessment]]:
    """Check the sheets of every configured tool that has one; write the long table, numbers, errors, plots."""
    settings: Settings = rob_settings(config)
    problems = Problems()
    assessed: dict[str, list[Assessment]] = {}
    for tool_id in settings.tools:
        path = sheet_path(tool_id, project)
        if path.exists():
            assessed[tool_id] = check_sheet(path, load_tool(tool_id), studies, settings, problems)
    for tool_id in TOOL_IDS:
        path = sheet_path(tool_id, project)
        if tool_id not in settings.tools and path.exists():
            problems.add(file=path, line=None, study="", field="(sheet)", value=tool_id,
                         expected=f"risk_of_bias.tools.{tool_id} in the config naming the designs it assesses, "
                                  "or no such sheet")
    everything = [a for rows in assessed.values() for a in rows]
    weights = _weights(studies, settings.weight_field, everything, problems, studies_path)
    problems.write(errors_path)
    problems.stop_if_any(errors_path, "the risk-of-bias sheets")
    long = [row for tool_id, rows in assessed.items() for a in rows for row in _long_rows(load_tool(tool_id), a)]
    write_table(pd.DataFrame(long, columns=COLUMNS), out, sort_by=["tool", "work_id", "result"])
    labels = (config.get("extraction") or {}).get("designs") or {}
    write_json(rob_numbers(settings, assessed, labels), numbers_path)
    remove_stale_figures(figures, figure_stems(list(assessed)))
    for tool_id, rows in assessed.items():
        tool = load_tool(tool_id)
        plot_rows = _plot_rows(tool, rows, weights)
        draw_traffic_light(tool, plot_rows, figures / f"rob_{tool_id}_traffic_light", palette=settings.palette)
        field = settings.weight_field
        draw_summary(tool, plot_rows, figures / f"rob_{tool_id}_summary", palette=settings.palette,
                     weight_label=field)
    if not assessed:
        log.info("risk of bias not assessed: no sheet in %s for the configured tools", sheet_path("x", project).parent)
    return assessed

"""A small set of included studies and sheets for the risk-of-bias tests."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from reviewflow.riskofbias.answers import sheet_columns
from reviewflow.riskofbias.tools import load_tool

STUDIES = pd.DataFrame({
    "work_id": ["W1", "W2", "W3", "W4", "W5"],
    "study_label": ["Trial A 2020", "Trial B 2021", "Cohort C 2019", "Case D 2018", "Case E 2022"],
    "design": ["rct", "rct", "retrospective", "case_report", "case_report"],
    "n_patients": ["100", "50", "80", "1", "1"],
})

CONFIG = {
    "extraction": {"designs": {"rct": "Randomised controlled trial", "retrospective": "Retrospective",
                               "case_report": "Case report", "case_series": "Case series"}},
    "risk_of_bias": {"tools": {"rob2": ["rct"], "robins_i": ["retrospective"],
                               "jbi_case_report": ["case_report"]}},
}


def sheet(tool_id: str, rows: list[dict[str, str]]) -> pd.DataFrame:
    """A sheet with the form's columns; cells not given are blank."""
    return pd.DataFrame([{c: row.get(c, "") for c in sheet_columns(load_tool(tool_id))} for row in rows],
                        columns=sheet_columns(load_tool(tool_id)))


def write(folder: Path, tool_id: str, frame: pd.DataFrame) -> Path:
    path = folder / "data" / "risk_of_bias" / f"{tool_id}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False)
    return path


def rob2_row(work_id: str, label: str, judgements: list[str], **extra: str) -> dict[str, str]:
    return {"work_id": work_id, "study_label": label, "result": "pain at 3 months",
            **{f"d{i}": j for i, j in enumerate(judgements, start=1)}, **extra}


def jbi_row(work_id: str, label: str, answers: list[str], **extra: str) -> dict[str, str]:
    return {"work_id": work_id, "study_label": label, **{f"q{i}": a for i, a in enumerate(answers, start=1)},
            **extra}


def robins_row(work_id: str, label: str, judgements: list[str], **extra: str) -> dict[str, str]:
    return {"work_id": work_id, "study_label": label, "result": "pain at 6 months",
            **{f"d{i}": j for i, j in enumerate(judgements, start=1)}, **extra}

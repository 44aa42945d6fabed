"""Extraction sheets for the mini project's two included works, written by column name (not by position)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from reviewflow.extraction.form import form_from_config
from reviewflow.extraction.sheet import check_extraction
from tests.test_screening_extraction import Review

GOOD = {
    "shoulder": {"design": "case_series", "condition": "shoulder pain",
                 "n_patients": "3", "comparator": "pre/post", "follow_up": "3 months", "follow_up_months": "3 months",
                 "pain_scale": "NRS", "pain_score_scale": "nrs", "pain_baseline": "7", "pain_followup": "3",
                 "significant": "yes"},
    "knee": {"design": "rct", "condition": "knee pain", "n_patients": "40",
             "comparator": "sham", "follow_up": "6 months (150 days)", "follow_up_months": "",
             "pain_scale": "VAS", "pain_score_scale": "vas100", "pain_baseline": "65", "pain_followup": "35",
             "significant": "yes"},
}
"""Rows that keep every check of the shipped form, by the work's short name."""


def works(review: Review) -> dict[str, str]:
    return {"shoulder": review.work("Ultrasound-guided"), "knee": review.work("Cryoneurolysis for knee"),
            "phantom": review.work("Cryoneurolysis for phantom")}


def write_sheet(review: Review, rows: list[dict[str, str]], name: str = "studies.csv") -> Path:
    """A sheet with the form's columns; cells not given are empty. Rows in the given order (line 2 first)."""
    columns = form_from_config(review.config).columns
    path = review.project / "data/extraction" / name
    pd.DataFrame([{column: row.get(column, "") for column in columns} for row in rows], columns=columns).to_csv(
        path, index=False)
    return path


def good_rows(review: Review, **changes: dict[str, str]) -> list[dict[str, str]]:
    """The two good rows with their work ids, each changed as given (``knee={"n_patients": "0"}``)."""
    ids = works(review)
    return [{"work_id": ids[name], **GOOD[name], **changes.get(name, {})} for name in ("shoulder", "knee")]


def extract(review: Review, path: Path | None = None, draft: bool = False) -> pd.DataFrame:
    screening = review.screen()
    return check_extraction(path or review.project / "data/extraction/studies.csv", screening, review.works,
                            review.config, review.project / "results/awaiting_extraction.csv", draft=draft)


def errors(review: Review) -> pd.DataFrame:
    return pd.read_csv(review.project / "results/extraction_errors.csv", dtype=str, keep_default_na=False)


def conflicts(review: Review) -> pd.DataFrame:
    return pd.read_csv(review.project / "results/extraction_conflicts.csv", dtype=str, keep_default_na=False)

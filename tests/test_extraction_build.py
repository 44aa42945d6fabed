"""The extraction checks through `reviewflow build` on a small review: several mistakes stop the build once with
one table; two extractors who disagree stop a final build, not a draft, until a consensus row settles it."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from tests.test_draft_build import SUMMARY, build, read_csv
from tests.test_workflow import small_review  # noqa: F401  (the fixture: two tiny exports, no decisions yet)

COLUMNS = ["work_id", "condition_group", "design", "condition", "n_patients", "comparator", "follow_up_months",
           "pain_score_scale", "pain_baseline", "pain_followup", "significant", "nerve_group"]


def screen_everything_in(project: Path) -> list[str]:
    """Every work included at both stages; the included work ids."""
    assert build(project).returncode != 0
    awaiting = read_csv(project / "results/awaiting_screening.csv")
    awaiting.assign(reviewer="AB", decision="include", reason="").to_csv(
        project / "data/screening/title_abstract.csv", index=False)
    assert build(project).returncode != 0
    awaiting = read_csv(project / "results/awaiting_screening.csv")
    awaiting.assign(reviewer="AB", decision="include", reason="").to_csv(
        project / "data/screening/full_text.csv", index=False)
    stopped = build(project)
    assert "extraction sheet not found" in stopped.stderr, stopped.stderr
    return sorted(read_csv(project / "results/awaiting_extraction.csv")["work_id"])


def sheet(project: Path, name: str, rows: list[list[str]]) -> None:
    """A sheet with the shipped form's columns; those not in COLUMNS left empty."""
    template = read_csv(project / "results/awaiting_extraction.csv")
    columns = [c for c in template.columns if c not in ("first_author", "year", "title")]
    given = [dict(zip(COLUMNS, row, strict=True)) for row in rows]
    frame = pd.DataFrame([{column: row.get(column, "") for column in columns} for row in given], columns=columns)
    frame.to_csv(project / "data/extraction" / name, index=False)


def good(work: str, index: int) -> list[str]:
    return [work, "thoracic", "case_series", "pain", "4", "pre/post", "6 months", "nrs", "7", "3", "yes", "intercostal"]


def test_mistakes_stop_once_and_dual_extraction_settles_by_consensus(small_review: Path) -> None:  # noqa: F811
    works = screen_everything_in(small_review)
    rows = [good(work, i) for i, work in enumerate(works)]
    rows[0][6] = "6 months (150 days)"
    rows[1][2], rows[1][4] = "case_report", "12"
    rows[2][5] = "none"
    sheet(small_review, "studies.csv", rows)
    stopped = build(small_review)
    assert stopped.returncode != 0
    lines = stopped.stderr.strip().splitlines()
    assert "reviewflow extract: error: data/extraction/studies.csv:2: 3 problem(s) in the extraction sheet" \
        in stopped.stderr, stopped.stderr
    assert lines[-1].startswith(f"{SUMMARY}STOPPED at extraction"), lines[-1]
    assert "3 extraction problem(s) to correct in results/extraction_errors.csv" in lines[-1]
    assert "Traceback" not in stopped.stderr
    table = read_csv(small_review / "results/extraction_errors.csv")
    assert table[["line", "field", "value"]].values.tolist() == [
        ["2", "follow_up_months", "6 months (150 days)"], ["3", "n_patients", "12"], ["4", "comparator", "none"]]

    (small_review / "data/extraction/studies.csv").unlink()
    sheet(small_review, "anna.csv", [good(work, i) for i, work in enumerate(works)])
    disputed = [good(work, i) for i, work in enumerate(works)]
    disputed[1][4] = "5"
    sheet(small_review, "ben.csv", disputed)
    stopped = build(small_review)
    assert stopped.returncode != 0
    assert "extractors disagree on 1 study(ies) (first: n_patients anna: '4', ben: '5')" in stopped.stderr
    assert "2 differing extraction cell(s) to settle by consensus in results/extraction_conflicts.csv" in \
        stopped.stderr.strip().splitlines()[-1]
    assert read_csv(small_review / "results/extraction_errors.csv").empty

    draft = build(small_review, "--draft")
    assert draft.returncode == 0, draft.stdout + draft.stderr
    assert len(read_csv(small_review / "results/studies.csv")) == len(works) - 1

    sheet(small_review, "consensus.csv", [disputed[1]])
    done = build(small_review)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip().splitlines()[-1].startswith(f"{SUMMARY}done, ")
    studies = read_csv(small_review / "results/studies.csv").set_index("work_id")
    assert studies.loc[works[1], "n_patients"] == "5" and len(studies) == len(works)
    assert read_csv(small_review / "results/extraction_conflicts.csv").empty

"""End to end: the Snakemake workflow on a small review, the user-facing error path, and the CI check that a
hand-edited committed result is caught."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import GROUPED_CONFIG_TEXT, MEDLINE_TEXT, REPO, RIS_TEXT

SNAKEMAKE = Path(sys.executable).with_name("snakemake")


def run(args: list[str], cwd: Path, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=600, **kwargs)


def snakemake(project: Path, *extra: str) -> subprocess.CompletedProcess:
    return run([str(SNAKEMAKE), "--cores", "2", "--quiet", "rules", *extra], project)


SHEET_HEADER = ("work_id,study_label,design,condition,pain_category,target_nerve,condition_group,nerve_group,guidance,"
                "device,n_patients,comparator,follow_up,follow_up_months,pain_scale,pain_score_scale,pain_baseline,"
                "pain_followup,significant,adverse_events,outcome_summary\n")
"""The shipped form's extraction sheet, whose manuscript the small review renders."""


def sheet_row(work_id: str, index: int) -> str:
    """One filled extraction row of the small review: a small case series of thoracic pain."""
    return (f"{work_id},Study {index},case_series,pain,,nerve,thoracic,intercostal,ultrasound,,{index + 1},,"
            f"3 months,,NRS,nrs,7,{index},na,,")


@pytest.fixture
def small_review(project_copy: Path) -> Path:
    """The project with the shipped data replaced by two tiny exports and no decisions yet."""
    for folder in ("data/raw", "data/screening", "data/extraction", "results"):
        shutil.rmtree(project_copy / folder)
    for database, name, text in (("pubmed", "pubmed.txt", MEDLINE_TEXT), ("scopus", "scopus.ris", RIS_TEXT)):
        (project_copy / "data/raw" / database).mkdir(parents=True)
        (project_copy / "data/raw" / database / name).write_text(text, encoding="utf-8")
    (project_copy / "data/screening").mkdir()
    (project_copy / "data/extraction").mkdir()
    (project_copy / "config/review.yaml").write_text(GROUPED_CONFIG_TEXT, encoding="utf-8")
    # The shipped review's dedup decisions name its records; a new review starts with none.
    (project_copy / "data/dedup/overrides.csv").write_text("record_id_a,record_id_b,decision,reason\n",
                                                           encoding="utf-8")
    return project_copy


def test_workflow_guides_a_reviewer_from_exports_to_pdf(small_review: Path) -> None:
    first = snakemake(small_review)
    assert first.returncode != 0
    assert ("reviewflow screening: error: results/awaiting_screening.csv: 4 work(s) have no title_abstract"
            in first.stderr)
    assert "Traceback" not in first.stderr
    awaiting = pd.read_csv(small_review / "results/awaiting_screening.csv", dtype=str, keep_default_na=False)
    assert len(awaiting) == 4

    decisions = awaiting.assign(reviewer="AB", decision="include", reason="")
    decisions.loc[awaiting["title"].str.startswith("Cryoablation of intercostal"), ["decision", "reason"]] = [
        "exclude", "intraoperative"]
    decisions.to_csv(small_review / "data/screening/title_abstract.csv", index=False)
    second = snakemake(small_review)
    assert "3 work(s) have no full_text decision" in second.stderr
    awaiting = pd.read_csv(small_review / "results/awaiting_screening.csv", dtype=str, keep_default_na=False)
    awaiting.assign(reviewer="AB", decision="include", reason="").to_csv(
        small_review / "data/screening/full_text.csv", index=False)

    (small_review / "data/extraction/studies.csv").write_text(SHEET_HEADER, encoding="utf-8")
    third = snakemake(small_review)
    assert "3 problem(s) in the extraction sheet" in third.stderr
    assert "expected a row for this included work" in third.stderr
    errors = pd.read_csv(small_review / "results/extraction_errors.csv", dtype=str, keep_default_na=False)
    assert sorted(errors["study"]) == sorted(awaiting["work_id"]) and set(errors["field"]) == {"work_id"}

    rows = [sheet_row(w, i) for i, w in enumerate(sorted(awaiting["work_id"]))]
    (small_review / "data/extraction/studies.csv").write_text(SHEET_HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    fourth = snakemake(small_review)
    assert fourth.returncode == 0, fourth.stderr
    prisma = json.loads((small_review / "results/prisma.json").read_text())
    assert prisma["identification"]["total"] == 7
    assert prisma["removed_before_screening"]["duplicates"] == 1
    assert prisma["included"] == 3
    numbers = json.loads((small_review / "results/numbers.json").read_text())
    assert numbers["field.n_patients.total"]["value"] == 6
    assert (small_review / "results/manuscript/review.pdf").read_bytes().startswith(b"%PDF")

    # The package's code is an input of every rule: changed deduplication rules re-run dedup and what follows.
    # The workflow runs a copy of the package (first on PYTHONPATH), so the test can change its code.
    package = small_review.parent / "package"
    shutil.copytree(REPO / "src" / "reviewflow", package / "reviewflow",
                    ignore=shutil.ignore_patterns("__pycache__"))
    env = {**os.environ, "PYTHONPATH": str(package)}
    # Other package files are other inputs (Snakemake's "input" trigger), so one build with the copy first.
    assert run([str(SNAKEMAKE), "--cores", "2", "--quiet", "rules"], small_review, env=env).returncode == 0
    assert "Nothing to be done" in run([str(SNAKEMAKE), "--cores", "2", "--dry-run"], small_review, env=env).stdout
    code = package / "reviewflow/dedup/rules.py"
    code.write_text(code.read_text(encoding="utf-8") + "# a changed rule\n", encoding="utf-8")
    dry_run = run([str(SNAKEMAKE), "--cores", "2", "--dry-run"], small_review, env=env)
    assert "rule dedup:" in dry_run.stdout and "rule manuscript:" in dry_run.stdout, dry_run.stdout


def test_cli_reports_bad_input_in_one_line_without_traceback(small_review: Path) -> None:
    result = run([sys.executable, "-m", "reviewflow", "import", "--records", "r.csv", "--report", "r.json"],
                 small_review)
    assert result.returncode == 0, result.stderr
    (small_review / "data/raw/scopus/scopus.ris").write_text(RIS_TEXT.replace("ER  - \n", "", 1))
    result = run([sys.executable, "-m", "reviewflow", "import", "--records", "r.csv", "--report", "r.json"],
                 small_review)
    assert result.returncode == 1
    assert result.stderr.splitlines()[0].startswith(
        "reviewflow import: error: data/raw/scopus/scopus.ris:13: record starting on line 1 has no 'ER  -'")
    assert "Traceback" not in result.stderr


def test_reproducibility_check_catches_a_hand_edited_result(project_copy: Path) -> None:
    """`reviewflow verify` (what CI and every project's .ci/run run) passes on the committed review and names a
    result someone edited by hand."""
    git = ["git", "-c", "user.name=test", "-c", "user.email=test@example.org"]
    assert run(["git", "init", "-q"], project_copy).returncode == 0
    run([*git, "add", "-A"], project_copy)
    run([*git, "commit", "-qm", "snapshot"], project_copy)
    verify = [sys.executable, "-m", "reviewflow", "verify"]

    clean = run(verify, project_copy)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "reproducibility check passed" in clean.stdout

    prisma_path = project_copy / "results/prisma.json"
    prisma = json.loads(prisma_path.read_text())
    prisma["included"] += 1
    prisma_path.write_text(json.dumps(prisma, indent=2, sort_keys=True) + "\n")
    uncommitted = run(verify, project_copy)
    assert uncommitted.returncode == 1 and "results/prisma.json" in uncommitted.stderr
    assert "already differ from the last commit" in uncommitted.stderr
    run([*git, "commit", "-qam", "hand edit"], project_copy)
    edited = run(verify, project_copy)
    assert edited.returncode == 1
    assert "REPRODUCIBILITY CHECK FAILED" in edited.stderr and "results/prisma.json" in edited.stderr


def test_import_command_reads_any_files_and_reports_each(tmp_path: Path) -> None:
    (tmp_path / "a.nbib").write_text(MEDLINE_TEXT, encoding="utf-8")
    (tmp_path / "b.ris").write_text(RIS_TEXT, encoding="utf-16")
    result = run([sys.executable, "-m", "reviewflow", "import", "a.nbib", "b.ris", "-o", "out.csv"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["a.nbib: medline, 4 records", "b.ris: ris, 3 records",
                                          "total: 7 records -> out.csv"]
    table = pd.read_csv(tmp_path / "out.csv", dtype=str, keep_default_na=False)
    assert len(table) == 7 and table["record_id"].iloc[0] == "import:30000001"


def test_a_review_of_one_database_builds_to_a_pdf(small_review: Path) -> None:
    """Optional parts are optional: one database is a review too (PRISMA counts, figures and tables for it)."""
    import yaml

    config = yaml.safe_load((small_review / "config/review.yaml").read_text(encoding="utf-8"))
    config["databases"] = {"pubmed": config["databases"]["pubmed"]}
    (small_review / "config/review.yaml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    shutil.rmtree(small_review / "data/raw/scopus")
    first = snakemake(small_review)
    assert "work(s) have no title_abstract" in first.stderr, first.stderr[-3000:]
    for stage in ("title_abstract", "full_text"):
        awaiting = pd.read_csv(small_review / "results/awaiting_screening.csv", dtype=str, keep_default_na=False)
        awaiting.assign(reviewer="AB", decision="include", reason="").to_csv(
            small_review / f"data/screening/{stage}.csv", index=False)
        snakemake(small_review)
    rows = [sheet_row(w, i) for i, w in enumerate(sorted(awaiting["work_id"]))]
    (small_review / "data/extraction/studies.csv").write_text(SHEET_HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    final = snakemake(small_review)
    assert final.returncode == 0, final.stderr
    prisma = json.loads((small_review / "results/prisma.json").read_text())
    assert prisma["identification"]["total"] == 4 and prisma["included"] == len(awaiting) > 0
    assert (small_review / "results/manuscript/review.pdf").read_bytes().startswith(b"%PDF")

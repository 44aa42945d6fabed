"""`reviewflow build` (what `make review` runs): never stale, never silent, short clear stops, config as data.

Each test works on a copy of the shipped review, built once with `--forceall` so Snakemake has the provenance it
uses to notice a people's file that was added, edited or deleted.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

SNAKEMAKE = Path(sys.executable).with_name("snakemake")
SUMMARY = "reviewflow build: "


def build(project: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "reviewflow", "build", "--cores", "2", *extra], cwd=project,
                          capture_output=True, text=True, timeout=900)


def dry_run(project: Path) -> str:
    result = subprocess.run([str(SNAKEMAKE), "--cores", "1", "--dry-run"], cwd=project, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def built_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped review copied and built once (module scope: one full build for all tests here)."""
    import shutil

    from tests.conftest import PROJECT

    target = tmp_path_factory.mktemp("built") / "project"
    ignore = shutil.ignore_patterns(".venv", ".git", ".snakemake", "__pycache__", "logs", "*.egg-info")
    shutil.copytree(PROJECT, target, ignore=ignore)
    result = build(target, "--forceall")
    assert result.returncode == 0, result.stdout + result.stderr
    return target


def test_a_clean_build_ends_with_one_summary_line(built_project: Path) -> None:
    result = build(built_project)
    assert result.returncode == 0, result.stderr
    last = result.stdout.strip().splitlines()[-1]
    assert last == (f"{SUMMARY}done, everything was up to date; nothing waits for people; "
                    "PDF: results/manuscript/review.pdf")


def test_after_a_failed_stage_the_next_build_fails_again_then_recovers(built_project: Path) -> None:
    sheet = built_project / "data/screening/title_abstract/reconstruction.csv"
    original = sheet.read_text(encoding="utf-8")
    lines = original.splitlines(keepends=True)
    lines[4] = lines[4].replace(",include,", ",maybe,").replace(",exclude,", ",maybe,")
    assert ",maybe," in lines[4]
    sheet.write_text("".join(lines), encoding="utf-8")
    try:
        for attempt in (1, 2):
            failed = build(built_project)
            assert failed.returncode != 0, f"attempt {attempt} did not fail: {failed.stdout}"
            assert "Nothing to be done" not in failed.stdout + failed.stderr
            stderr = failed.stderr.strip().splitlines()
            # The last lines a person sees: reviewflow's own message (file:line, field, expected), then the summary.
            assert stderr[-2].startswith("reviewflow screening: error: "
                                         "data/screening/title_abstract/reconstruction.csv:5: "
                                         "unknown decision 'maybe'"), stderr
            assert "field 'decision'" in stderr[-2] and "expected one of" in stderr[-2]
            assert stderr[-1].startswith(f"{SUMMARY}STOPPED at screening"), stderr[-1]
            assert "results/manuscript/review.pdf is OUT OF DATE" in stderr[-1]
            assert len(failed.stdout.splitlines()) + len(stderr) < 20, "Snakemake's log leaked into the output"
            assert "Traceback" not in failed.stderr
    finally:
        sheet.write_text(original, encoding="utf-8")
    recovered = build(built_project)
    assert recovered.returncode == 0, recovered.stderr
    assert "screening ..." in recovered.stdout and "manuscript ..." in recovered.stdout


def test_deleting_or_adding_the_overrides_file_reruns_dedup(built_project: Path) -> None:
    overrides = built_project / "data/dedup/overrides.csv"
    saved = overrides.read_bytes()
    overrides.unlink()
    try:
        assert "rule dedup:" in dry_run(built_project)
    finally:
        overrides.write_bytes(saved)
    assert build(built_project).returncode == 0
    assert "Nothing to be done" in dry_run(built_project)


def test_editing_the_search_log_reruns_the_import(built_project: Path) -> None:
    log = built_project / "data/search_log.yaml"
    saved = log.read_bytes()
    log.write_bytes(saved + b"# a note added by a librarian\n")
    try:
        plan = dry_run(built_project)
        assert "rule import_records:" in plan
    finally:
        log.write_bytes(saved)
    assert build(built_project).returncode == 0


def test_a_decision_file_in_a_subfolder_is_read(built_project: Path) -> None:
    extra = built_project / "data/screening/second_pass/second_reviewer.csv"
    extra.parent.mkdir()
    extra.write_text("work_id,stage,reviewer,decision,reason,note\nWnot_a_work,title_abstract,CD,include,,\n",
                     encoding="utf-8")
    try:
        assert "rule screening:" in dry_run(built_project)
        result = build(built_project)
        assert result.returncode != 0 and "second_reviewer.csv" in result.stderr
    finally:
        extra.unlink()
        extra.parent.rmdir()
    assert build(built_project).returncode == 0


@pytest.mark.parametrize("runner", ["reviewflow build", "snakemake"])
def test_a_templating_config_runs_no_code_and_is_named(built_project: Path, runner: str) -> None:
    config = built_project / "config/review.yaml"
    saved = config.read_text(encoding="utf-8")
    marker = built_project / "CODE_RAN"
    # A YTE expression (`?...`) that creates a file when evaluated.
    evil = re.sub(r"(?m)^  title: .*$", '  title: ?str(__import__("pathlib").Path("CODE_RAN").touch())', saved,
                  count=1)
    assert evil != saved
    config.write_text("__use_yte__: true\n" + evil, encoding="utf-8")
    try:
        if runner == "snakemake":
            result = subprocess.run([str(SNAKEMAKE), "--cores", "1", "--dry-run"], cwd=built_project,
                                    capture_output=True, text=True, timeout=300)
        else:
            result = build(built_project, "--dry-run")
        assert result.returncode != 0
        assert not marker.exists(), "the config's expression was evaluated"
        output = result.stdout + result.stderr
        assert "config/review.yaml:1" in output and "__use_yte__" in output
    finally:
        config.write_text(saved, encoding="utf-8")
        marker.unlink(missing_ok=True)


@pytest.mark.parametrize(("people_file", "stage", "message"), [
    ("manuscript/index.qmd", "manuscript", "manuscript/index.qmd: manuscript source not found"),
    ("data/extraction/studies.csv", "extraction", "data/extraction/studies.csv: extraction sheet not found"),
])
def test_deleting_a_required_file_stops_with_a_named_error(built_project: Path, people_file: str, stage: str,
                                                           message: str) -> None:
    path = built_project / people_file
    saved = path.read_bytes()
    path.unlink()
    try:
        assert f"rule {stage}:" in dry_run(built_project)
        result = build(built_project)
        assert result.returncode != 0 and "Nothing to be done" not in result.stdout
        assert message in result.stderr, result.stderr
        assert result.stderr.strip().splitlines()[-1].startswith(f"{SUMMARY}STOPPED at {stage}")
    finally:
        path.write_bytes(saved)
    assert build(built_project).returncode == 0


def test_the_summary_names_what_waits_for_people_and_where(tmp_path: Path) -> None:
    from reviewflow.build import BuildOutcome, summary

    (tmp_path / "results").mkdir()
    (tmp_path / "results/dedup_review.csv").write_text(
        "record_id_a,record_id_b,decision,reason\na,b,,\nc,d,same,checked\n", encoding="utf-8")
    (tmp_path / "results/awaiting_screening.csv").write_text("work_id,stage\nW1,title_abstract\nW2,title_abstract\n",
                                                             encoding="utf-8")
    (tmp_path / "results/awaiting_extraction.csv").write_text("work_id\n", encoding="utf-8")
    failed = summary(BuildOutcome(returncode=1, finished=["import_records", "dedup"], failed=["screening"]),
                     tmp_path)
    assert failed.startswith("reviewflow build: STOPPED at screening (2 stage(s) done before it); waiting for "
                             "people: 1 duplicate pair(s) to decide in results/dedup_review.csv; 2 work(s) to "
                             "screen in results/awaiting_screening.csv; no PDF yet; ")
    done = summary(BuildOutcome(returncode=0, up_to_date=True), tmp_path)
    assert done.startswith("reviewflow build: done, everything was up to date; waiting for people: 1 duplicate")


def test_a_users_own_config_values_keep_the_draft_value() -> None:
    from reviewflow.build import with_draft_value

    assert with_draft_value(["--forceall"], True) == ["--forceall", "--config", "draft=true"]
    assert with_draft_value(["--config", "x=1", "draft=true", "-n"], False) == ["--config", "draft=false", "x=1",
                                                                               "-n"]

"""Optional parts are optional: a review without a published reference gets no comparison figure or column."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import yaml

from reviewflow.config import load_config
from reviewflow.report.figures.make import figure_names, make_figures
from reviewflow.report.tables import design_table
from tests.conftest import PROJECT

CONFIG = load_config(PROJECT / "config" / "review.yaml")
WITHOUT_REFERENCE = {key: value for key, value in CONFIG.items() if key != "published_reference"}
STUDIES = pd.DataFrame({"design": ["rct", "case_report", "case_series", "retrospective"]})


def test_design_table_without_a_published_reference_has_no_published_column() -> None:
    table = design_table(STUDIES, WITHOUT_REFERENCE)
    assert "Published" not in table and "| Randomised controlled trials | 1 | 25.0 |" in table
    assert "| Total | 4 | 100.0 |" in table


def test_no_comparison_figure_without_a_published_reference_and_a_stale_one_is_removed(tmp_path: Path) -> None:
    assert "reproduction" in figure_names(CONFIG)
    assert figure_names(WITHOUT_REFERENCE) == ["prisma_flow", "design_breakdown", "conditions_by_nerve",
                                               "pain_before_after"]
    outdir = tmp_path / "figures"
    outdir.mkdir()
    (outdir / "reproduction.png").write_bytes(b"from an earlier build")
    written = make_figures(WITHOUT_REFERENCE, PROJECT / "results/prisma.json", PROJECT / "results/studies.csv",
                           outdir)
    assert sorted(p.name for p in outdir.iterdir()) == sorted(p.name for p in written)
    assert not any(p.name.startswith("reproduction") for p in outdir.iterdir())


def test_the_workflow_asks_for_no_comparison_figure_without_a_published_reference(tmp_path: Path) -> None:
    project = tmp_path / "project"
    ignore = shutil.ignore_patterns(".venv", ".git", ".snakemake", "__pycache__", "logs", "*.egg-info", "src")
    shutil.copytree(PROJECT, project, ignore=ignore)
    config = yaml.safe_load((project / "config/review.yaml").read_text(encoding="utf-8"))
    del config["published_reference"]
    (project / "config/review.yaml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    snakemake = Path(sys.executable).with_name("snakemake")
    plan = subprocess.run([str(snakemake), "--cores", "1", "--dry-run", "--forceall", "--printshellcmds"],
                          cwd=project, capture_output=True, text=True, timeout=300)
    assert plan.returncode == 0, plan.stdout + plan.stderr
    assert "results/figures/prisma_flow.png" in plan.stdout
    assert "reproduction" not in plan.stdout

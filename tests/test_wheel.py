"""`pip install .` gives a working tool: the wheel carries its schemas and runs from any directory.

The wheel is built from this checkout with the locked build backend, unpacked into a folder of its own, and run
from a directory outside the project with that folder first on the path, so nothing can come from src/.
(CI also installs it into a fresh venv with the locked dependencies: .ci/check-wheel.)
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import FIXTURES, MEDLINE_TEXT, REPO, RIS_TEXT


@pytest.fixture(scope="module")
def wheel_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(the wheel, a folder the wheel is installed into)."""
    work = tmp_path_factory.mktemp("wheel")
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
         "--wheel-dir", str(work / "dist"), str(REPO)], capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr
    wheel = next((work / "dist").glob("reviewflow-*.whl"))
    installed = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(work / "site"), str(wheel)],
        capture_output=True, text=True, timeout=300)
    assert installed.returncode == 0, installed.stderr
    return wheel, work / "site"


def run_installed(site: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(site)}
    return subprocess.run([sys.executable, "-m", "reviewflow", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300)


def test_the_wheel_carries_the_schemas(wheel_site: tuple[Path, Path]) -> None:
    wheel, _ = wheel_site
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {p.relative_to(REPO / "src").as_posix() for p in (REPO / "src/reviewflow/schemas").iterdir()}
    assert shipped and shipped <= names, sorted(shipped - names)


def test_the_installed_wheel_imports_and_deduplicates_outside_the_project(wheel_site: tuple[Path, Path],
                                                                          tmp_path: Path) -> None:
    _, site = wheel_site
    where = subprocess.run([sys.executable, "-c", "import reviewflow; print(reviewflow.__file__)"], cwd=tmp_path,
                           env={**os.environ, "PYTHONPATH": str(site)}, capture_output=True, text=True, check=True)
    assert Path(where.stdout.strip()).is_relative_to(site), where.stdout
    (tmp_path / "pubmed.nbib").write_text(MEDLINE_TEXT, encoding="utf-8")
    (tmp_path / "scopus.ris").write_text(RIS_TEXT, encoding="utf-8")
    exports = ["pubmed.nbib", "scopus.ris"]
    real = FIXTURES / "NLeSC+litstudy/tests/resources/scopus.csv"
    if real.exists():  # a real export too when ../shared is beside the checkout (the tiny exports always)
        exports.append(str(real))
    imported = run_installed(site, tmp_path, "import", *exports, "-o", "records.csv")
    assert imported.returncode == 0, imported.stderr
    records = pd.read_csv(tmp_path / "records.csv", dtype=str, keep_default_na=False)
    assert len(records) == sum(int(line.split(", ")[1].split()[0]) for line in imported.stdout.splitlines()[:-1])
    deduplicated = run_installed(site, tmp_path, "dedup", *exports, "-o", "works.csv")
    assert deduplicated.returncode == 0, deduplicated.stderr
    works = pd.read_csv(tmp_path / "works.csv", dtype=str, keep_default_na=False)
    assert len(works) == len(records) and works["work_id"].nunique() < len(works)


def test_the_wheel_carries_the_workflow_and_the_project_templates(wheel_site: tuple[Path, Path]) -> None:
    wheel, _ = wheel_site
    names = set(zipfile.ZipFile(wheel).namelist())
    package = REPO / "src/reviewflow"
    shipped = {p.relative_to(REPO / "src").as_posix() for folder in ("workflow", "workflow/rules", "project/template")
               for p in (package / folder).iterdir() if p.is_file()}
    assert "reviewflow/workflow/Snakefile" in shipped and shipped <= names, sorted(shipped - names)
    # The template's lock is the repository's (a link in the source tree, a file in the wheel).
    lock = zipfile.ZipFile(wheel).read("reviewflow/project/template/requirements.lock")
    assert lock == (REPO / "requirements.lock").read_bytes()


def test_a_project_made_by_the_installed_tool_runs_the_installed_workflow(wheel_site: tuple[Path, Path],
                                                                         tmp_path: Path) -> None:
    _, site = wheel_site
    made = run_installed(site, tmp_path, "init", "review", "--title", "Wheel", "--question", "Q?",
                         "--databases", "pubmed")
    assert made.returncode == 0, made.stderr
    project = tmp_path / "review"
    assert (project / "requirements.lock").read_bytes() == (REPO / "requirements.lock").read_bytes()
    env = {**os.environ, "PYTHONPATH": str(site)}
    where = subprocess.run([sys.executable, "-c", "from reviewflow.workflow import snakefile; print(snakefile())"],
                           cwd=project, env=env, capture_output=True, text=True, check=True)
    assert Path(where.stdout.strip()).is_relative_to(site)
    plan = subprocess.run([sys.executable, "-m", "snakemake", "--cores", "1", "--dry-run"], cwd=project, env=env,
                          capture_output=True, text=True, timeout=300)
    assert plan.returncode == 0, plan.stderr
    for rule in ("import_records", "dedup", "screening", "extraction", "manuscript", "default"):
        assert f"rule {rule}:" in plan.stdout or f"localrule {rule}:" in plan.stdout, rule

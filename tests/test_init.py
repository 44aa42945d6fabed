"""`reviewflow init`: what a new project holds, and the errors a team meets before its first build."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from reviewflow.config import load_config
from reviewflow.errors import InputError
from reviewflow.importing.search_log import load_search_log
from reviewflow.project.scaffold import TEMPLATE_DIR, ReviewSpec, init_project, parse_databases, parse_years
from tests.conftest import PROJECT, REPO

SPEC = ReviewSpec(title='Exercise for "chronic" low back pain: a review', question="Does exercise help?\nReally?",
                  databases=["pubmed", "scopus", "cinahl_plus"], authors=["A. Author", "B: Author"],
                  years=(2000, 2024), languages=["English", "French"])


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "reviewflow", *args], cwd=cwd, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=120)


def test_init_writes_a_project_whose_config_is_valid_and_says_what_was_asked(tmp_path: Path) -> None:
    written = init_project(tmp_path / "review", SPEC)
    root = tmp_path / "review"
    names = sorted(p.relative_to(root).as_posix() for p in written)
    for expected in ("Snakefile", ".gitignore", "Makefile", ".ci/run", "README.md", "config/review.yaml",
                     "data/search_log.yaml", "data/screening/title_abstract.csv", "data/screening/full_text.csv",
                     "data/dedup/overrides.csv", "manuscript/index.qmd", "manuscript/_quarto.yml",
                     "data/raw/pubmed/README.md", "data/raw/cinahl_plus/README.md", "data/extraction/README.md",
                     "requirements.lock"):
        assert expected in names
    config = load_config(root / "config/review.yaml")
    assert config["review"]["title"] == SPEC.title
    assert config["review"]["question"] == "Does exercise help? Really?"
    assert config["review"]["authors"] == SPEC.authors
    assert list(config["databases"]) == SPEC.databases
    assert config["databases"]["scopus"]["label"] == "Scopus"
    assert config["databases"]["cinahl_plus"]["label"] == "cinahl_plus"
    assert config["eligibility"]["years"] == [2000, 2024]
    assert config["eligibility"]["languages"] == ["English", "French"]
    assert (root / "data/screening/title_abstract.csv").read_text() == "work_id,stage,reviewer,decision,reason,note\n"
    assert (root / ".ci/run").stat().st_mode & 0o111
    assert (root / "requirements.lock").read_text() == (REPO / "requirements.lock").read_text()
    assert "--require-hashes --no-deps -r requirements.lock" in (root / ".ci/run").read_text()
    assert 'title: "Exercise for \\"chronic\\" low back pain: a review"' in (root / "manuscript/index.qmd").read_text()
    assert "{{" not in (root / "README.md").read_text().replace("{{< var", "")


def test_the_shipped_review_is_a_project_like_init_writes() -> None:
    """Its Snakefile is the one init writes: the workflow comes from the package, nothing is copied."""
    template = TEMPLATE_DIR / "Snakefile"
    assert (PROJECT / "Snakefile").read_text(encoding="utf-8") == template.read_text(encoding="utf-8")
    assert not (PROJECT / "workflow").exists()


def test_the_search_log_of_a_new_project_names_what_is_still_to_fill_in(tmp_path: Path) -> None:
    init_project(tmp_path, SPEC)
    with pytest.raises(InputError) as caught:
        load_search_log(tmp_path / "data/search_log.yaml")
    message = str(caught.value)
    assert "not filled in yet" in message and "searches.pubmed.date_searched" in message
    assert "still says TODO" in message


def test_init_never_writes_into_a_folder_that_holds_files(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(InputError, match="not empty"):
        init_project(tmp_path, SPEC)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


@pytest.mark.parametrize(("text", "expected"), [("pubmed,scopus", ["pubmed", "scopus"]),
                                                 ("PubMed  wos, embase", ["pubmed", "wos", "embase"])])
def test_databases_are_read_in_priority_order(text: str, expected: list[str]) -> None:
    assert parse_databases(text) == expected


@pytest.mark.parametrize("text", ["", "pub-med", "pubmed,pubmed", "1scopus"])
def test_unusable_database_ids_are_refused(text: str) -> None:
    with pytest.raises(InputError, match="--databases"):
        parse_databases(text)


def test_year_ranges() -> None:
    assert parse_years("2010-2024") == (2010, 2024)
    for bad in ("2024-2010", "2010", "20-30"):
        with pytest.raises(InputError, match="--years"):
            parse_years(bad)


def test_init_from_the_command_line_without_a_terminal_names_the_missing_option(tmp_path: Path) -> None:
    result = run_cli("init", "review", "--title", "T", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith("reviewflow init: error: no --question given")
    assert "Traceback" not in result.stderr and not (tmp_path / "review").exists()
    done = run_cli("init", "review", "--title", "T", "--question", "Q?", "--databases", "pubmed", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "wrote a review project" in done.stdout and (tmp_path / "review/Snakefile").exists()
    again = run_cli("init", "review", "--title", "T", "--question", "Q?", "--databases", "pubmed", cwd=tmp_path)
    assert again.returncode == 1 and "not empty" in again.stderr

"""The Snakemake workflow, shipped inside the package so every review project runs the installed, locked version
of it: a project's own Snakefile only includes :func:`snakefile` (there is no copy of the rules to keep in step)."""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parents[1]


def snakefile() -> str:
    """Absolute path of the workflow's main Snakefile, for a project Snakefile's ``include:``."""
    return str(Path(__file__).resolve().parent / "Snakefile")


def package_sources() -> list[str]:
    """The package's code, schemas and rules: inputs of every rule, so a changed stage re-runs what follows it."""
    patterns = ("**/*.py", "**/*.smk", "workflow/Snakefile", "schemas/*", "riskofbias/tools/*.yaml")
    files = {path for pattern in patterns for path in PACKAGE_DIR.glob(pattern) if path.is_file()}
    return sorted(str(path) for path in files if "__pycache__" not in path.parts)

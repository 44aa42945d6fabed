"""requirements.lock pins what pyproject.toml asks for, with hashes (offline; CI also re-resolves: make check-lock)."""

from __future__ import annotations

import re
import tomllib
from importlib.metadata import version

from packaging.requirements import Requirement

from tests.conftest import REPO

PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
LOCK_TEXT = (REPO / "requirements.lock").read_text(encoding="utf-8")
PINS = re.findall(r"(?m)^([A-Za-z0-9_.-]+)==([^\s;\\]+)", LOCK_TEXT)


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def declared() -> list[Requirement]:
    project = PYPROJECT["project"]
    names = [*project["dependencies"], *[r for extra in project["optional-dependencies"].values() for r in extra],
             *PYPROJECT["build-system"]["requires"]]
    return [Requirement(text) for text in names]


def test_every_declared_requirement_is_pinned_exactly_and_satisfied_by_the_lock() -> None:
    locked: dict[str, set[str]] = {}
    for name, pinned in PINS:
        locked.setdefault(canonical(name), set()).add(pinned)
    for requirement in declared():
        versions = locked.get(canonical(requirement.name))
        assert versions, f"{requirement.name} is in pyproject.toml but not in requirements.lock: run `make lock`"
        assert all(requirement.specifier.contains(v) for v in versions), (
            f"requirements.lock has {requirement.name} {sorted(versions)}, pyproject.toml asks {requirement}: "
            "run `make lock`")


def test_every_locked_package_carries_hashes() -> None:
    blocks = re.split(r"(?m)^(?=[A-Za-z0-9_.-]+==)", LOCK_TEXT)[1:]
    assert len(blocks) == len(PINS) > 50
    for block in blocks:
        assert "--hash=sha256:" in block, block.splitlines()[0]


def test_the_running_environment_is_the_locked_one() -> None:
    """The venv the tests run in was installed from the lock: a drift here means results may not reproduce."""
    for name in ("matplotlib", "fonttools", "numpy", "pandas", "snakemake", "typst", "pypandoc-binary"):
        pinned = {v for n, v in PINS if canonical(n) == canonical(name)}
        assert version(name) in pinned, f"{name} {version(name)} installed, lock has {sorted(pinned)}"

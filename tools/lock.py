"""Write or check requirements.lock: every package reviewflow installs, transitive ones included, with hashes.

The lock is generated from pyproject.toml (runtime dependencies, the ``test`` extra and the build backend) by
uv's pip-compatible resolver, seeing only releases published before ``[tool.uv] exclude-newer``. That date is
what makes the file reproducible: regenerating it tomorrow gives the same bytes, so ``--check`` can prove that
the lock and pyproject.toml agree.

    python tools/lock.py            # regenerate requirements.lock after changing pyproject.toml
    python tools/lock.py --check    # exit 1, with a diff, when requirements.lock is not what pyproject.toml gives
"""

from __future__ import annotations

import argparse
import difflib
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "requirements.lock"
PYTHON_FLOOR = "3.11"


def uv_executable() -> str:
    """The uv pinned in the test extra (installed in .venv), else one on PATH."""
    beside = Path(sys.executable).with_name("uv")
    if beside.exists():
        return str(beside)
    found = shutil.which("uv")
    if not found:
        sys.exit("tools/lock.py: uv not found; run `make install` first (uv is pinned in the test extra)")
    return found


def compile_lock(out: Path) -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    build_requires = "\n".join(pyproject["build-system"]["requires"]) + "\n"
    exclude_newer = pyproject["tool"]["uv"]["exclude-newer"]
    command = [
        uv_executable(), "pip", "compile", "pyproject.toml", "-",
        "--extra", "test",
        "--universal", "--python-version", PYTHON_FLOOR,
        "--generate-hashes",
        "--exclude-newer", exclude_newer,
        "--custom-compile-command", "make lock",
        "--no-progress", "--quiet",
        "-o", str(out),
    ]
    # The build backend (pyproject's build-system.requires) arrives on standard input, so the lock pins it too.
    result = subprocess.run(command, input=build_requires, text=True, cwd=ROOT, capture_output=True)
    if result.returncode != 0:
        sys.exit(f"tools/lock.py: uv could not resolve the dependencies:\n{result.stderr}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if requirements.lock is out of date")
    args = parser.parse_args()
    if not args.check:
        compile_lock(LOCK)
        print(f"wrote {LOCK.relative_to(ROOT)}")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / "requirements.lock"
        compile_lock(fresh)
        want, have = fresh.read_text(encoding="utf-8"), LOCK.read_text(encoding="utf-8") if LOCK.exists() else ""
    if want == have:
        print("requirements.lock agrees with pyproject.toml")
        return 0
    sys.stdout.writelines(difflib.unified_diff(have.splitlines(True), want.splitlines(True),
                                               "requirements.lock (committed)", "requirements.lock (from pyproject)"))
    print("LOCK CHECK FAILED: requirements.lock does not match pyproject.toml; run `make lock`, rebuild "
          "(`make rebuild`) and commit the lock with the results", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())

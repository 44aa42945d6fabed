"""`reviewflow verify`: the reproducibility check a journal's editor (and CI) runs on a review project.

Every stage is re-run from the raw exports and people's decision files (Snakemake's ``--forceall``), then git is
asked whether any committed file under results/ or manuscript/ changed. A change means a hand-edited result, an
output that differs from run to run, or a result someone forgot to commit; each is named.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from reviewflow.build import build

CHECKED = ("results", "manuscript")


def _git(*args: str, root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True)


def changed_files(root: Path = Path()) -> list[str]:
    """Files under results/ and manuscript/ that differ from the last commit, or that git does not track."""
    status = _git("status", "--porcelain", "--untracked-files=all", "--", *CHECKED, root=root)
    return [line for line in status.stdout.splitlines() if line.strip()]


def verify(cores: int, root: Path = Path()) -> int:
    """Rebuild everything, then fail naming every committed result the rebuild changed."""
    try:
        inside = _git("rev-parse", "--is-inside-work-tree", root=root)
    except FileNotFoundError:
        print("reviewflow verify: error: git is not installed; the check compares the rebuild with the "
              "committed results, so it needs git (apt-get install git)", file=sys.stderr)
        return 1
    if inside.returncode != 0:
        print(f"reviewflow verify: error: {root.resolve()} is not in a git repository; commit the project "
              "(git init && git add -A && git commit) so the rebuild can be compared with it", file=sys.stderr)
        return 1
    before = changed_files(root)
    if before:
        print("reviewflow verify: error: before the rebuild, results/ or manuscript/ already differ from the last "
              "commit (an uncommitted edit, or an earlier build that changed them), so the check cannot tell "
              "what the rebuild changes; commit or restore these first:", file=sys.stderr)
        print("\n".join(before), file=sys.stderr)
        return 1
    code = build(cores, ["--forceall"])
    if code != 0:
        print("reviewflow verify: FAILED: the forced rebuild did not finish (see above)", file=sys.stderr)
        return code
    after = changed_files(root)
    if after:
        print("REPRODUCIBILITY CHECK FAILED: rebuilding from data/ changed these committed files:",
              file=sys.stderr)
        print("\n".join(after), file=sys.stderr)
        diff = _git("--no-pager", "diff", "--stat", "--", *CHECKED, root=root)
        print(diff.stdout, file=sys.stderr)
        return 1
    print("reviewflow verify: reproducibility check passed: every committed file under results/ and "
          "manuscript/ was rebuilt byte for byte")
    return 0

"""Running the screening app as a user would (``reviewflow screen`` in a subprocess) and Chromium to drive it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


def chromium_path() -> str:
    """Debian's Chromium (CI installs it with apt); the browser tests skip, saying why, when there is none."""
    for candidate in ("/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and Path(candidate).is_file():
            return candidate
    pytest.skip("no chromium executable (install Debian's chromium package: apt-get install chromium)")


class App:
    """``reviewflow screen`` for one reviewer in a project folder, on a fixed loopback port."""

    def __init__(self, root: Path, reviewer: str, port: int, *extra: str) -> None:
        self.root, self.reviewer, self.port, self.extra = root, reviewer, port, extra
        self.url = f"http://127.0.0.1:{port}/"
        self.process: subprocess.Popen | None = None

    def start(self) -> App:
        env = dict(os.environ, PYTHONPATH=str(REPO / "src"))
        command = [sys.executable, "-m", "reviewflow", "screen", "--stage", "title_abstract", "--reviewer",
                   self.reviewer, "--port", str(self.port), "--no-browser", *self.extra]
        self.process = subprocess.Popen(command, cwd=self.root, env=env, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"the app stopped: {self.process.stderr.read()}")
            try:
                with urllib.request.urlopen(self.url, timeout=2):
                    return self
            except OSError:
                time.sleep(0.2)
        raise AssertionError("the app did not answer within 60 s")

    def kill(self) -> None:
        """Stop it the hard way (as a crash would): nothing may depend on a clean shutdown."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def stop(self) -> str:
        """Stop it and return what it printed on stderr (must hold no traceback)."""
        self.kill()
        return self.process.stderr.read() if self.process else ""

"""Where the package's fixed folders are, so stages and tests agree on locations."""

from __future__ import annotations

from pathlib import Path

SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"

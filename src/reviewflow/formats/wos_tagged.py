"""Placeholder: the wos_tagged reader is being written (issue 4); until then it recognises nothing."""

from __future__ import annotations

from pathlib import Path

from reviewflow.formats.base import ParsedRecord

NAME = "wos_tagged"
DESCRIPTION = "wos_tagged"


def sniff(text: str) -> bool:
    return False


def read(path: Path, text: str) -> list[ParsedRecord]:
    raise NotImplementedError("wos_tagged reader not written yet")

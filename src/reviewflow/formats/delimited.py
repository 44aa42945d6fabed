"""Placeholder: the delimited reader is being written (issue 4); until then it recognises nothing."""

from __future__ import annotations

from pathlib import Path

from reviewflow.formats.base import ParsedRecord

NAME = "delimited"
DESCRIPTION = "delimited"


def sniff(text: str) -> bool:
    return False


def read(path: Path, text: str) -> list[ParsedRecord]:
    raise NotImplementedError("delimited reader not written yet")

"""Placeholder: the pubmed_xml reader is being written (issue 4); until then it recognises nothing."""

from __future__ import annotations

from pathlib import Path

from reviewflow.formats.base import ParsedRecord

NAME = "pubmed_xml"
DESCRIPTION = "pubmed_xml"


def sniff(text: str) -> bool:
    return False


def read(path: Path, text: str) -> list[ParsedRecord]:
    raise NotImplementedError("pubmed_xml reader not written yet")

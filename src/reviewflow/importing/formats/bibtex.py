"""BibTeX (``.bib``) from Scopus, Zotero, Mendeley, JabRef, Web of Science and others: a small tolerant parser.

The text is tokenised into entries by ``bibtex_entries.py`` (which also says what is an error) and each entry is
mapped to a record by ``bibtex_fields.py``.
"""

from __future__ import annotations

import re
from pathlib import Path

from reviewflow.importing.formats.base import ParsedRecord
from reviewflow.importing.formats.bibtex_entries import Parser
from reviewflow.importing.formats.bibtex_fields import record

NAME = "bibtex"
DESCRIPTION = "BibTeX (.bib)"


def looks_like_bibtex(text: str) -> bool:
    """True when the first non-blank line that is not a ``%`` comment starts an entry: ``@type{`` or ``@type(``."""
    for line in text.lstrip("\ufeff").split("\n", 200)[:200]:
        stripped = line.strip()
        if not stripped or stripped.startswith("%"):
            continue
        return bool(re.match(r"@[ \t]*[A-Za-z]+\s*[{(]", stripped))
    return False


def read_bibtex(path: Path, text: str) -> list[ParsedRecord]:
    """Parse every entry of a BibTeX file (``@comment``, ``@preamble``, ``@string`` are not records)."""
    entries = Parser(path, text.lstrip("\ufeff")).parse()
    return [record(entry, position) for position, entry in enumerate(entries, start=1)]


def sniff(text: str) -> bool:
    """Registry hook (see formats/detect.py)."""
    return looks_like_bibtex(text)


def read(path: Path, text: str) -> list[ParsedRecord]:
    """Registry hook (see formats/detect.py)."""
    return read_bibtex(path, text)

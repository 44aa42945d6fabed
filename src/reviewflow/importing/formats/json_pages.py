"""The snapshots of JSON APIs: each answer's body exactly as received, one after another in one file.

`reviewflow search` writes a JSON API's pages as they came (their sha256 are the provenance's), so a snapshot is a
sequence of JSON documents, not one document. Readers of Europe PMC, OpenAlex, Crossref, Scopus and Web of Science
snapshots walk it with ``iter_documents``, which names the line of a document that does not parse.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from reviewflow.errors import InputError

_DECODER = json.JSONDecoder()
_SPACE = " \t\r\n"


def iter_documents(path: Path, text: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """Each JSON object of the file in order, with the line it starts on."""
    at = 0
    line = 1
    size = len(text)
    while True:
        start = at
        while at < size and text[at] in _SPACE:
            at += 1
        line += text.count("\n", start, at)
        if at >= size:
            return
        try:
            value, end = _DECODER.raw_decode(text, at)
        except ValueError as exc:
            raise InputError(f"not readable JSON ({exc.args[0].split(':')[0]})", file=path, line=line,
                             expected="the API's JSON answers exactly as `reviewflow search` saved them",
                             hint="a frozen search is never edited: restore the file from git, or search again") \
                from None
        if not isinstance(value, dict):
            raise InputError("a JSON answer that is not an object", file=path, line=line,
                             expected="one JSON object per API answer")
        yield line, value
        line += text.count("\n", at, end)
        at = end


def first_document_keys(text: str, limit: int = 4000) -> str:
    """The start of the file with spaces removed, for sniffing a JSON snapshot by its first keys."""
    return "".join(text[:limit].split())

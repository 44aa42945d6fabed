"""Which element an XML export starts with, looking past its declaration, comments and DOCTYPE: the signature the
XML readers (PubMed, EndNote) sniff for."""

from __future__ import annotations

import re

_PROLOG_SKIP = re.compile(r"\s*(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^\[>]*(?:\[.*?\])?\s*>)", re.S)


def root_matches(text: str, root: str) -> bool:
    """True when the first element of the document (within its first 20,000 characters) matches ``root``, a
    regular expression for the opening of that element (e.g. ``<PubmedArticleSet(?=[\\s/>])``)."""
    head = text[:20000].lstrip("\ufeff")
    position = 0
    while True:
        match = _PROLOG_SKIP.match(head, position)
        if not match or match.end() == position:
            break
        position = match.end()
    return bool(re.match(r"\s*" + root, head[position:]))

"""Marks the protocol's highlight terms in a title or abstract, so a reviewer's eye finds them at once.

A term matches whole words, case-insensitively; a term ending in ``*`` is a stem (``cryo*`` marks cryoablation
and cryoanalgesia); spaces in a term match any run of spaces. The text is escaped piece by piece, so a record's
own markup is shown as text, never run.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from markupsafe import Markup, escape


def _pattern(term: str) -> str:
    stem = term.endswith("*")
    words = [re.escape(word) for word in term.rstrip("*").split()]
    return r"\b" + r"\s+".join(words) + (r"\w*" if stem else r"\b")


class Highlighter:
    """Wraps include terms in ``<mark class="inc">`` and exclude terms in ``<mark class="exc">``."""

    def __init__(self, include: Iterable[str] = (), exclude: Iterable[str] = ()) -> None:
        kinds: dict[str, str] = {}
        for kind, terms in (("inc", include), ("exc", exclude)):
            for term in terms:
                if term.strip().rstrip("*").strip():
                    kinds.setdefault(term.strip().lower(), kind)
        # Longest first: "chronic pain" wins over "pain" where both match.
        ordered = sorted(kinds, key=len, reverse=True)
        self._kinds = [kinds[term] for term in ordered]
        self._regex = (re.compile("|".join(f"({_pattern(term)})" for term in ordered), re.IGNORECASE)
                       if ordered else None)

    def __call__(self, text: str) -> Markup:
        if self._regex is None or not text:
            return escape(text)
        pieces: list[str] = []
        last = 0
        for match in self._regex.finditer(text):
            if match.end() == match.start():
                continue
            kind = self._kinds[match.lastindex - 1] if match.lastindex else "inc"
            pieces.append(escape(text[last:match.start()]))
            pieces.append(Markup('<mark class="{}">{}</mark>').format(kind, text[match.start():match.end()]))
            last = match.end()
        pieces.append(escape(text[last:]))
        return Markup("").join(pieces)

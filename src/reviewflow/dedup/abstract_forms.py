"""Comparable form of an abstract: its opening words, without markup, or nothing when it is too short to tell.
"""

from __future__ import annotations

import html

from reviewflow.dedup.title_forms import MARKUP_TAGS, ascii_words

# Abstracts are compared on their opening: long enough to tell two studies apart, short enough to keep a
# million records in memory; one shorter than ABSTRACT_MIN_CHARS (a placeholder, "No abstract available") is
# not compared.
ABSTRACT_CHARS = 400
ABSTRACT_MIN_CHARS = 150


def abstract_words(text: str) -> str:
    return " ".join(ascii_words(html.unescape(MARKUP_TAGS.sub(" ", text))))


def abstract_key(text: str) -> str:
    """The first ABSTRACT_CHARS characters of the normalised abstract (empty when shorter than the minimum)."""
    text = text or ""
    key = _abstract_prefix_key(text) if len(text) > 3 * ABSTRACT_CHARS else None
    if key is None:
        key = abstract_words(text)[:ABSTRACT_CHARS]
    return key if len(key) >= ABSTRACT_MIN_CHARS else ""


def _abstract_prefix_key(text: str) -> str | None:
    """The key from a prefix of a long abstract, or None when the prefix cannot be proven to give the same key.

    Normalising whole abstracts to keep 400 characters was a fifth of a 100,000-record dedup. Every step of the
    normalisation is local to a word, a tag or an entity, so a prefix cut at a space outside any tag or entity
    normalises to a prefix of the whole text's words; when that is longer than the key, the key is the same.
    """
    cut = text.rfind(" ", 0, 2 * ABSTRACT_CHARS)
    prefix = text[:cut]
    if cut <= 0 or prefix.rfind("<") > prefix.rfind(">") or prefix.rfind("&") > prefix.rfind(";"):
        return None
    words = abstract_words(prefix)
    return words[:ABSTRACT_CHARS] if len(words) > ABSTRACT_CHARS else None

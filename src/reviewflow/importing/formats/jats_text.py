"""Plain text from the markup publishers deposit with Crossref: JATS abstracts and titles with inline tags.

Crossref hands an abstract over as the JATS snippet the publisher deposited (``<jats:sec><jats:title>Background
</jats:title><jats:p>...</jats:p></jats:sec>``) and a title may carry inline HTML (``<i>in vitro</i>``). The
records table holds text, so tags become text: a section title becomes a ``Background:`` label as in a PubMed
abstract, a lone leading ``Abstract`` heading is dropped (it is a heading, not a word of the abstract), blocks are
separated by a space and entities are decoded last, so an encoded ``&lt;`` in the text stays a ``<``. Only
things shaped like tags are removed: ``p < 0.05`` is text.
"""

from __future__ import annotations

import html
import re

_TAG = re.compile(r"</?[A-Za-z][\w:.-]*(?:\s[^<>]*)?/?>")
_TITLE = re.compile(r"<(?:jats:)?title\b[^<>]*>(.*?)</(?:jats:)?title\s*>", re.DOTALL | re.IGNORECASE)
_BLOCK = re.compile(r"</?(?:jats:)?(?:p|sec|list|list-item|def-list|disp-quote|break)\b[^<>]*/?>", re.IGNORECASE)
_HEADING = re.compile(r"^\s*abstract\s*[:.]?\s*$", re.IGNORECASE)
_SPACE = re.compile(r"\s+")


def markup_to_text(value: str) -> str:
    """Inline markup removed, entities decoded, white space collapsed (for titles)."""
    return _SPACE.sub(" ", html.unescape(_TAG.sub("", value or ""))).strip()


def jats_to_text(value: str) -> str:
    """An abstract as one paragraph of text: section titles as labels, the leading "Abstract" heading dropped."""
    text = value or ""
    first = _TITLE.search(text)
    if first and _HEADING.match(markup_to_text(first.group(1))) and not markup_to_text(text[:first.start()]):
        text = text[first.end():]
    text = _TITLE.sub(lambda m: f" {_label(m.group(1))} ", text)
    text = _BLOCK.sub(" ", text)
    return markup_to_text(text)


def _label(title: str) -> str:
    words = markup_to_text(title).rstrip(":.").strip()
    return f"{words}:" if words else ""

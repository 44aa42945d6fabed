"""One cell's text as a field value: trimmed and cleared of export placeholders, or split into a list.

Every database writes its multi-valued cells (authors, keywords, ISSNs) its own way; the profile in
``delimited_profiles.py`` names the split style of each authors or keywords column, and ``split`` applies it.
Placeholders such as Scopus's ``[No abstract available]`` are read as empty, in a single value or in a list.
"""

from __future__ import annotations

import re

_PLACEHOLDERS = frozenset({"[no abstract available]", "[no author name available]", "[no author id available]",
                           "[no title available]", "null", "none", "nan", "n/a"})
_PLACEHOLDER_LENGTH = max(len(p) for p in _PLACEHOLDERS)
_SCOPUS_AUTHOR_ID = re.compile(r"\s*\(\d+\)\s*$")
_SURNAME_INITIALS = re.compile(r"[^\d,;]+?\s(?:[A-Z]\.?-?){1,4}")
_NAME_PREFIXES = frozenset({"Mc", "Mac", "De", "Di", "Da", "Du", "Le", "La", "Van", "Von", "Des", "Del", "Della"})


def clean(value: str) -> str:
    """Cell text for a field: trimmed, Excel's ``="..."`` guard removed, export placeholders read as empty."""
    value = value.strip()
    if value.startswith('="') and value.endswith('"') and len(value) >= 3:
        value = value[2:-1].strip()
    return "" if len(value) <= _PLACEHOLDER_LENGTH and value.lower() in _PLACEHOLDERS else value


def _split_bracket_aware(value: str, separator: str) -> list[str]:
    """``value`` split at ``separator`` where it is outside parentheses and brackets."""
    parts, depth, start = [], 0, 0
    for i, char in enumerate(value):
        if char in "([":
            depth += 1
        elif char in ")]":
            depth = max(depth - 1, 0)
        elif char == separator and depth == 0:
            parts.append(value[start:i])
            start = i + 1
    parts.append(value[start:])
    return parts


def _split_concatenated(value: str) -> list[str]:
    """Springer writes author names with no separator: split where a lower-case letter meets a capital."""
    names, start = [], 0
    for i in range(1, len(value)):
        if value[i - 1].islower() and value[i].isupper():
            word = value[value.rfind(" ", start, i) + 1 : i]
            if word not in _NAME_PREFIXES:
                names.append(value[start:i])
                start = i
    names.append(value[start:])
    return names


def _split_authors_auto(value: str) -> list[str]:
    """Author names split by the ``auto`` style (see delimited_profiles.py)."""
    if ";" in value:
        return value.split(";")
    if "|" in value:
        return value.split("|")
    parts = re.split(r"\s+and\s+", value)
    if len(parts) > 1 and all("," in part for part in parts):
        return parts
    parts = value.split(",")
    if len(parts) > 1 and all(_SURNAME_INITIALS.fullmatch(part.strip()) for part in parts if part.strip()):
        return parts
    return [value]


def split(value: str, style: str) -> list[str]:
    """A multi-valued cell as a list, split as its column's style says (see delimited_profiles.py)."""
    if not value:
        return []
    if style == "semicolon":
        parts = value.split(";")
    elif style == "scopus_full":
        parts = [_SCOPUS_AUTHOR_ID.sub("", part) for part in value.split(";")]
    elif style == "scopus":
        parts = value.split(";") if ";" in value else value.split(", ")
    elif style == "comma":
        parts = _split_bracket_aware(value, ",")
    elif style == "pubmed":
        parts = value.rstrip(" .").split(",")
    elif style == "and":
        parts = re.split(r"\s+and\s+", value)
    elif style == "pipe":
        parts = value.split("|")
    elif style == "concatenated":
        parts = _split_authors_auto(value) if ";" in value or "," in value else _split_concatenated(value)
    elif style == "refworks":
        parts = [re.sub(r"\s*,\s*", ", ", re.sub(r"\s*,\s*null\s*$", "", part)) for part in value.split(";")]
    elif style == "list":
        separator = next((s for s in (";", "|") if s in value), ",")
        parts = _split_bracket_aware(value, separator)
    else:
        parts = _split_authors_auto(value)
    items = []
    for part in parts:
        part = part.strip()
        if "  " in part or "\n" in part or "\t" in part:
            part = " ".join(part.split())
        if part and not (len(part) <= _PLACEHOLDER_LENGTH and part.lower() in _PLACEHOLDERS):
            items.append(part)
    return items

"""Entity screening for the XML readers (PubMed, EndNote), run on the text before any XML parser sees it.

Entity declarations are refused: no database writes them, and they are how an XML file attacks its reader
(billion laughs expands a few hundred bytes into gigabytes; an external entity, XXE, reads a local file or a URL
into a field). Undefined entity references (``&eacute;`` in a hand-edited export) used to vanish without a word,
taking their text with them: an HTML entity is now read as its character, any other name is kept as literal text,
and both are warned about with the entity's name and line.
"""

from __future__ import annotations

import html.entities
import logging
import re
from pathlib import Path

from reviewflow.errors import InputError

log = logging.getLogger(__name__)

_PREDEFINED = frozenset({"amp", "lt", "gt", "quot", "apos"})
_SUSPECT = re.compile(r"<!ENTITY|<!DOCTYPE[^\[>]*\[|&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9A-Fa-f]+);)")
_SCAN = re.compile(r"<!--.*?-->|<!\[CDATA\[.*?\]\]>|(<!ENTITY)|&([A-Za-z_:][\w.:-]*);", re.S)
_DOCTYPE = re.compile(r"<!DOCTYPE[^\[>]*(\[.*?\]\s*)?>", re.S)
_PARAMETER_REFERENCE = re.compile(r"%[A-Za-z_:][\w.:-]*;")
_XML_SPECIAL = {"<": "&lt;", "&": "&amp;", ">": "&gt;", '"': "&quot;", "'": "&apos;"}


def _line(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1


def _refuse(path: Path, text: str, position: int, what: str) -> InputError:
    return InputError(
        f"the XML {what}; refused so that no entity is expanded (billion laughs) or fetched (XXE)",
        file=path, line=_line(text, position), field="DOCTYPE",
        expected="an XML export without entity declarations (databases and reference managers never write them)",
        hint="re-export the file from the database instead of using an edited copy",
    )


def _replacement(name: str) -> tuple[str, str]:
    """(text to put in place of ``&name;``, how it was read) for an entity XML does not define."""
    character = html.entities.html5.get(name + ";")
    if character is not None:
        escaped = "".join(_XML_SPECIAL.get(ch, ch) for ch in character)
        return escaped, f"HTML entity &{name}; (not defined in XML) read as {character!r}"
    return f"&amp;{name};", f"undefined XML entity &{name}; kept as the text '&{name};'"


def screen_entities(path: Path, text: str) -> str:
    """The text with undefined entity references replaced (each warned about); entity declarations refused."""
    if not _SUSPECT.search(text):
        return text
    doctype = _DOCTYPE.search(text)
    if doctype and doctype.group(1):
        subset = doctype.group(1)
        reference = _PARAMETER_REFERENCE.search(subset)
        if reference:
            at = doctype.start(1) + reference.start()
            raise _refuse(path, text, at, f"DOCTYPE refers to a parameter entity ({reference.group(0)})")
    found: dict[str, list[int]] = {}
    spans: list[tuple[int, int, str]] = []
    for match in _SCAN.finditer(text):
        if match.group(1):
            raise _refuse(path, text, match.start(), "declares entities (<!ENTITY ...>)")
        name = match.group(2)
        if name and name not in _PREDEFINED:
            found.setdefault(name, []).append(match.start())
            spans.append((match.start(), match.end(), name))
    for name, positions in found.items():
        times = f" ({len(positions)} times, first on this line)" if len(positions) > 1 else ""
        log.warning("%s:%d: %s%s", path, _line(text, positions[0]), _replacement(name)[1], times)
    pieces, last = [], 0
    for start, end, name in spans:  # outside comments and CDATA only, where '&' is not a reference
        pieces += [text[last:start], _replacement(name)[0]]
        last = end
    return "".join(pieces) + text[last:] if spans else text

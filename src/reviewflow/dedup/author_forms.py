"""Comparable forms of author lists: surnames in order, whatever the export's name format.

Authors arrive as "Neilen, Amanda D", "Neilen AD", "Neilen A.D." or run together without a separator; the
surnames, folded to letters and digits, are what two exports of one article share.
"""

from __future__ import annotations

import re

from reviewflow.dedup.title_forms import NON_ALNUM
from reviewflow.normalize import fold

# Some exports lose the separator between authors: "Adeli K.Lewis G. F." is two authors, split where an
# initial's full stop runs into the next capitalised surname.
_RUN_TOGETHER = re.compile(r"(?<=\b[A-Z]\.)(?=[A-Z][a-z])")
# Initials written with full stops ("G.", "J.R.") or as one letter: after the last part of a "Surname IJ" author,
# these are given names too ("Lewis G. F.", "Crockarell J.R. J").
_DOTTED_INITIALS = re.compile(r"^(?:[^\W\d_]\.)+$|^[^\W\d_]$")


def _is_initials(part: str) -> bool:
    return part.isupper() and len(part) <= 4


def surnames(authors: str) -> list[str]:
    names = []
    for author in _RUN_TOGETHER.sub("; ", authors).split("; "):
        parts = author.split()
        if not parts:
            continue
        family = parts
        if len(parts) > 1 and _is_initials(parts[-1]):
            family = parts[:-1]
            while len(family) > 1 and _DOTTED_INITIALS.match(family[-1]):
                family = family[:-1]
        key = NON_ALNUM.sub("", fold(" ".join(family)))
        if key:
            names.append(key)
    return names

"""Normalisers shared by the readers and by deduplication.

Readers keep what the database exported; these functions give the comparable forms (DOI without URL prefix,
full page ranges, folded titles) so that the same study exported by two databases looks the same.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from urllib.parse import unquote

_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
_DOI_ANYWHERE = re.compile(r"10\.\d{4,9}/[^\s\"<>]+")
_YEAR = re.compile(r"(?<!\d)(1[5-9]\d\d|20\d\d)(?!\d)")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def normalise_doi(value: str) -> str:
    """Lower-case DOI without resolver prefix, found anywhere in the value (exports glue other text to it:
    ``https://doi.org/10.1/x``, ``doi:10.1/x``, ``10.1/x     LK  - https://...``); empty when there is none.
    Percent-encoding copied from a link (``10.1016/s0140-6736%2820%2930183-5``) is decoded: read as it stands,
    one article's DOI would differ from itself, which forbids merging its records."""
    text = _DOI_PREFIX.sub("", (value or "").strip())
    match = _DOI_ANYWHERE.search(text)
    if match:
        doi = match.group(0)
        return (unquote(doi).split("&")[0] if "%" in doi else doi).rstrip(".,;").lower()
    if "%" in text:  # the slash itself encoded ("10.1007%2Fs00256-..."), maybe inside a link's query string
        match = _DOI_ANYWHERE.search(_DOI_PREFIX.sub("", unquote(text)))
        if match:
            return match.group(0).split("&")[0].rstrip(".,;").lower()
    return ""


def normalise_pages(value: str) -> str:
    """Full page range: MEDLINE's abbreviated ``221-8`` becomes ``221-228``; other forms pass through trimmed."""
    text = (value or "").strip().replace("\u2013", "-").replace("\u2014", "-")
    match = re.fullmatch(r"([A-Za-z]?)(\d+)\s*-+\s*([A-Za-z]?)(\d+)", text)
    if not match:
        return text
    prefix, first, prefix2, last = match.groups()
    if len(last) < len(first):
        last = first[: len(first) - len(last)] + last
    return f"{prefix}{first}-{prefix2 or prefix}{last}"


# Eight characters, optionally hyphenated, not inside a longer run of digits or hyphens (an ISBN's "978-...").
_ISSN = re.compile(r"(?<![\dXx-])(\d{4})-?(\d{3}[\dXx])(?![\dXx-])")


def find_issns(value: str) -> list[str]:
    """Every ISSN in a text, as ``NNNN-NNNX``, in order, without repeats (an export cell may hold print and
    electronic ISSNs, ISBNs, or ``(Print)`` / ``(Linking)`` notes)."""
    found = (f"{first}-{check.upper()}" for first, check in _ISSN.findall(value or ""))
    return list(dict.fromkeys(found))


def normalise_issn(value: str) -> str:
    """``NNNN-NNNX`` (Scopus writes ``03064530``, others add ``(Print)`` or ``(Linking)``); empty if not an ISSN."""
    issns = find_issns(value)
    return issns[0] if issns else ""


def extract_year(value: str) -> str:
    """First plausible four-digit year in a date string (``2017 Nov 15`` -> ``2017``); empty if none."""
    match = _YEAR.search(value or "")
    return match.group(1) if match else ""


def fold(text: str) -> str:
    """Lower-case ASCII with accents removed: the base for every matching key."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return decomposed.encode("ascii", "ignore").decode("ascii").lower()


def title_key(title: str) -> str:
    """Title reduced to letters and digits separated by single spaces, for exact-title matching."""
    return _NON_ALNUM.sub(" ", fold(title)).strip()


_INITIALS = re.compile(r"(?:[A-Z]\.?-?){1,4}")
_GROUP = re.compile(r"\b(group|collaborat\w*|consortium|committee|society|investigators|network|trialists|"
                    r"association|organi[sz]ation|team|working)\b", re.IGNORECASE)


def _initials(given: str) -> str:
    return "".join(part[0] for part in re.split(r"[\s.\-]+", given) if part and part[0].isalpha()).upper()


def short_author(name: str) -> str:
    """``Surname Initials`` from the forms databases print: ``Neilen AD`` (MEDLINE), ``Neilen, Amanda D.``
    (RIS, WoS), ``Liu R.`` (Embase), ``G. Kalbe`` or ``Amanda D Neilen`` (given names first)."""
    name = " ".join((name or "").split()).strip(" ,;")
    if not name:
        return ""
    if "," in name:
        family, _, given = name.partition(",")
        return f"{family.strip()} {_initials(given)}".strip()
    parts = name.split(" ")
    if len(parts) == 1 or _GROUP.search(name):
        return name
    trailing = len(parts)
    while trailing > 1 and _INITIALS.fullmatch(parts[trailing - 1]):
        trailing -= 1
    if trailing < len(parts):
        initials = "".join(parts[trailing:]).replace(".", "").replace("-", "")
        return " ".join(parts[:trailing]) + " " + initials
    if all(part[:1].isupper() for part in parts):
        return f"{parts[-1]} {_initials(' '.join(parts[:-1]))}"
    return name


def surname(author: str) -> str:
    """Surname of a ``Surname Initials`` author (everything before the last space-separated token)."""
    parts = author.split()
    if len(parts) >= 2 and parts[-1].isupper() and len(parts[-1]) <= 4:
        return " ".join(parts[:-1])
    return author


def short_hash(*parts: str, length: int = 12) -> str:
    """Stable hexadecimal digest of the parts joined by ``|``."""
    return hashlib.sha1("|".join(parts).encode("utf-8")).hexdigest()[:length]

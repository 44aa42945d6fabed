"""Comparable forms of where a record was published: journal words, volume, supplement, issue and page numbers.

Journals are abbreviated in some exports and written out in others; volumes carry supplement marks or a year;
pages are ranges, article numbers or supplement pages. These forms keep what identifies the issue and the place in
it, so two records of one article agree and two articles of one issue do not.
"""

from __future__ import annotations

import html
import re

from reviewflow.dedup.title_forms import STOP_WORDS, ascii_words

CLEAN_PAGES = re.compile(r"^[A-Za-z]?\d+(?:\s*-\s*[A-Za-z]?\d+)?$")
_FIRST_NUMBER = re.compile(r"\d+")
# Conference abstracts and supplements, written out or abbreviated ("Hawaii Int Conf Syst Sci"), but not the
# journals named "Proceedings" ("Proceedings of the National Academy ...", "Proc Natl Acad Sci", "Proc R Soc B").
ABSTRACT_VENUE = re.compile(r"\b(abstracts?|congress|congr|conference|conf|meeting|mtg|symposium|symp|"
                             r"suppl(ement)?|poster|proceedings(?! of the (national|royal))|"
                             r"proc(?! (natl|nat|r|roy|royal|inst|ieee|amer|am)\b))\b")

# A supplement issue written as "S2", "s 1", "Suppl. 2" or "Supplement" (where meeting abstracts are printed).
SUPPLEMENT_ISSUE = re.compile(r"^\s*(s\s?\d+[a-z]?|suppl|supplement)\b", re.IGNORECASE)


def journal_tokens(journal: str) -> str:
    """Journal words without stop words, for abbreviation-aware comparison (``j pain res``)."""
    words = ascii_words(html.unescape(journal or ""))
    return " ".join(w for w in words if w not in STOP_WORDS)


def journals_compatible(a: str, b: str) -> bool:
    """True when one journal name abbreviates the other: each word of the shorter form is a prefix of the
    next word of the longer one, in order (``j cereb blood flow metab`` ~ ``journal cerebral blood flow
    metabolism``). Forms with as many words are tried both ways (``new engl j med`` ~ ``new england journal
    medicine``)."""
    if not a or not b:
        return True
    words_a, words_b = a.split(), b.split()
    if len(words_a) == len(words_b):
        return _abbreviates(words_a, words_b) or _abbreviates(words_b, words_a)
    short, long = sorted((words_a, words_b), key=len)
    return _abbreviates(short, long)


def _abbreviates(short: list[str], long: list[str]) -> bool:
    """Each word of ``short`` starts a later word of ``long`` than the previous one did."""
    position = 0
    for word in short:
        while position < len(long) and not long[position].startswith(word):
            position += 1
        if position == len(long):
            return False
        position += 1
    return True


def first_number(value: str) -> str:
    match = _FIRST_NUMBER.search(value or "")
    return match.group(0).lstrip("0") or "0" if match else ""


# Where a supplement is named inside a volume or issue field: "98 Suppl 1", "Suppl. 2", "Supplement", "S1".
SUPPLEMENT_MARK = re.compile(r"\b(?:suppl\w*|supplement\w*|sup|s(?=\s?\d))\b|\bs(?=\d)", re.IGNORECASE)
CUT_NUMBER = re.compile(r"^\s*\(?\s*\d+\s*\)\s*$")
YEAR_LIKE = re.compile(r"^(1[89]\d\d|20\d\d)$")


def volume_number(value: str) -> str:
    """The volume number, without what is not one: the supplement part ("98 Suppl 1" -> "98", "Suppl 1" ->
    ""), a bare number left from "(Suppl 1)" ("1)" -> ""), text before the number ("Vol. 56", "No. 12")."""
    text = value or ""
    mark = SUPPLEMENT_MARK.search(text)
    if mark:
        text = text[: mark.start()]
    if CUT_NUMBER.match(text):
        return ""
    return first_number(text)


def supplement_number(volume: str, issue: str) -> str:
    """The supplement's number when a volume or issue field names one ("SUPPL. 1", "Suppl 1", "S1"), else ""."""
    for value in (issue or "", volume or ""):
        mark = SUPPLEMENT_MARK.search(value)
        if mark:
            return first_number(value[mark.end():])
    if CUT_NUMBER.match(volume or ""):
        return first_number(volume)
    return ""


def issue_number(value: str) -> str:
    """The issue number, "" when the field holds no plausible one (an NLM journal id "101676033" or
    "6dr, 2985151r" slipped into it by an export)."""
    number = first_number(value)
    return number if len(number) <= 4 else ""


def last_number(value: str) -> str:
    numbers = _FIRST_NUMBER.findall(value or "")
    return (numbers[-1].lstrip("0") or "0") if numbers else ""

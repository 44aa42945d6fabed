"""Comparable forms of titles: case, accents, markup, Roman numerals, appended notes and translations removed.

Databases export the same title with HTML or LaTeX markup, notes such as "[Review]" or "[Erratum appears in ...]",
the original-language title after the English one, or both languages joined by a slash; these forms compare the
words that are really the title's. What a title says a record is (an erratum, a reply) is read here too.
"""

from __future__ import annotations

import html
import re

from rapidfuzz import fuzz

from reviewflow.normalize import fold

_STOP_WORD_TEXT = (
    "a an and are as at by for from in into is of on or the to with without within its their this that "
    "der die das und von mit le la les des du et en el los las del y"
)
STOP_WORDS = frozenset(_STOP_WORD_TEXT.split(" "))
# Roman numerals of two or more letters (a lone "v", "x" or "i" is too often a letter or a symbol).
_ROMAN = {"ii": "2", "iii": "3", "iv": "4", "vi": "6", "vii": "7", "viii": "8", "ix": "9", "xi": "11", "xii": "12",
          "xiii": "13", "xiv": "14", "xv": "15", "xvi": "16", "xvii": "17", "xviii": "18", "xix": "19", "xx": "20"}
MARKUP_TAGS = re.compile(r"<[^>]{1,40}>")
_LATEX = re.compile(r"\\[a-zA-Z]+\s*|[{}\\]")
# Notes databases append to titles: "[Chinese]", "[Review] [33 refs]", "[Erratum appears in ...]", "(author's transl)"
_TRAILING_NOTE = re.compile(r"\s*(?:\[[^\[\]]{1,300}\]|\([^()]{1,40}\))\s*\.?\s*$")
# MEDLINE-style notes appended to a title, possibly nested or cut off: ".[Erratum appears in ... [added]].[Erratum"
_NOTE_TAIL = re.compile(r"\.?\s*\[(erratum|comment|retraction|retracted|corrected|republished|update|review|"
                        r"summary for patients|see comment|reprint|published erratum)\b.*$", re.IGNORECASE)
_UNCLOSED_TAIL = re.compile(r"\s*\[[^\]]*$")
# Embase and Ovid append the original-language title after the English one: "... enkephalins. [German]
# Ischamische Prakonditionierung ...". The English part is the title other databases carry.
_LANGUAGES = ("german|russian|french|spanish|italian|portuguese|polish|czech|hungarian|dutch|danish|swedish|"
              "norwegian|finnish|turkish|greek|japanese|chinese|korean|hebrew|croatian|serbian|romanian|"
              "ukrainian|bulgarian|slovak|slovenian|lithuanian|persian|arabic")
_ORIGINAL_LANGUAGE_TAIL = re.compile(rf"\.?\s*\[(?:{_LANGUAGES})\]\s+\w.*$", re.IGNORECASE)
# Web of Science names a correction after the article it corrects: "Title (vol 360, pg 542, 2009)", or
# "Title (New England Journal of Medicine (2009) 360 (542-544))".
_CORRECTION_TAIL = re.compile(r"\s*\((?:vol\.? \w+, pg \w+, \d{4}|[^()]+\(\d{4}\)\s*\d+\s*\([^()]+\))\)\s*\.?\s*$",
                              re.IGNORECASE)
NON_ALNUM = re.compile(r"[^0-9a-z]+")
# What a title says the record is, read at its start only ("[Erratum appears in ...]" at the end of an
# article's title is a note on the article, not an erratum record).
_KIND_PATTERNS = [
    ("erratum", re.compile(r"^(erratum|errata|corrigendum|correction|publisher correction|author correction)\b")),
    ("retraction", re.compile(r"^(retraction|retracted|withdrawn|expression of concern|notice of retraction)\b")),
    ("reply", re.compile(r"^(reply|response|in reply|authors?'?s?'? reply|authors?'?s?'? response)\b")),
    ("comment", re.compile(r"^(comment(ary)? on|comments? to|letter to the editor|re:)")),
]

# Greek letters as biomedical titles spell them when the letter itself is lost ("Interferon-gamma").
_GREEK = {"α": " alpha ", "β": " beta ", "γ": " gamma ", "δ": " delta ", "ε": " epsilon ", "κ": " kappa ",
          "λ": " lambda ", "μ": " mu ", "ω": " omega ", "Α": " alpha ", "Β": " beta ", "Γ": " gamma ",
          "Δ": " delta ", "Κ": " kappa "}


_GREEK_TABLE = str.maketrans(_GREEK)
_NOT_ALNUM = re.compile(r"[\W_]+")  # exactly the characters for which str.isalnum() is False


def _spaced(text: str) -> str:
    """Every character that is neither a letter nor a digit becomes a space before accents are folded, so an
    en dash or a non-breaking hyphen separates words ("Hemolytic–Uremic") instead of vanishing."""
    return _NOT_ALNUM.sub(" ", text.translate(_GREEK_TABLE))


def ascii_words(text: str) -> list[str]:
    """Lower-case ASCII words: punctuation separates, accents are folded, other characters are dropped."""
    return NON_ALNUM.sub(" ", fold(_spaced(text))).split()


# Some databases give a translated title in brackets and then the original after a label: "[Effect of X] TO:
# Wirkung von X" (also "OT:", "Original title:"). The bracketed English part is what other databases carry.
_TRANSLATED_THEN_ORIGINAL = re.compile(r"^\s*\[([^\[\]]{10,})\]\.?\s*(?:to|ot|original title)\s*:\s*\S.*$",
                                       re.IGNORECASE | re.DOTALL)
# Quotes and a cut-off bracket at the start of a title ("'Title'", "“Title”", "]. Title") are not words of it.
_LEADING_JUNK = re.compile(r"^[\s\"'‘’“”«»`\]\)]+")
# A lone Roman numeral after a series word ("Part I", "Phase V"): "i", "v" and "x" alone are read as letters
# elsewhere, but here they number the item, and "part i" against "part 2" must compare as 1 against 2.
_SERIES_NUMERAL = re.compile(r"\b(part|phase|study|trial|paper|series|volume|chapter|stage|section) (i|v|x)\b")
_LONE_ROMAN = {"i": "1", "v": "5", "x": "10"}


def _series_numerals(text: str) -> str:
    return _SERIES_NUMERAL.sub(lambda m: f"{m.group(1)} {_LONE_ROMAN[m.group(2)]}", text)


def normalise_title(title: str) -> str:
    """Lower-case ASCII words of a title without markup, punctuation or a trailing language note."""
    text = html.unescape(title or "")
    text = MARKUP_TAGS.sub(" ", text)
    text = _LATEX.sub("", text)
    translated = _TRANSLATED_THEN_ORIGINAL.match(text)
    if translated:
        text = translated.group(1)
    text = _LEADING_JUNK.sub("", text)
    for pattern in (_ORIGINAL_LANGUAGE_TAIL, _NOTE_TAIL, _UNCLOSED_TAIL, _CORRECTION_TAIL):
        match = pattern.search(text)
        if match and match.start() > 0:  # a note after the title, never the whole title
            text = text[: match.start()]
    previous = None
    while previous != text:  # "[Title in English]. [Japanese]", "... impairment. [Chinese]"
        previous = text
        text = text.strip().strip(".").strip()
        if text.startswith("[") and text.endswith("]") and text.count("[") == 1:  # MEDLINE's translated titles
            text = text[1:-1]
        else:
            text = _TRAILING_NOTE.sub("", text)
    words = ascii_words(text)
    return _series_numerals(" ".join(_ROMAN.get(word, word) for word in words))


# A title given in two languages, joined by " / " (Dimensions, SciELO) or " = " (PsycINFO): "International
# Entrepreneurship ... / Empreendedorismo Internacional ...". Another database carries one half only, so each
# half is compared too. Each half needs a few words, so "HIV / AIDS" or "A / B testing" are not split.
_BILINGUAL_SEPARATOR = re.compile(r"\s+[/=]\s+")
BILINGUAL_MIN_WORDS = 4


def title_halves(title: str) -> tuple[str, str]:
    """The two normalised halves of a title in two languages, or two empty strings."""
    parts = _BILINGUAL_SEPARATOR.split(html.unescape(title or ""))
    if len(parts) != 2:
        return "", ""
    halves = (normalise_title(parts[0]), normalise_title(parts[1]))
    if min(len(half.split()) for half in halves) < BILINGUAL_MIN_WORDS:
        return "", ""
    return halves


# Words of the titles of recurring columns and front matter ("Editorial", "Editor's comments", "In this issue",
# "Letter from the president"): such a title names a kind of item that every issue carries, not one item.
_COLUMN_WORD_TEXT = (
    "editorial editorials editor editors s comment comments commentary from the this in issue letter letters "
    "introduction preface foreword news highlights note notes correspondence announcement announcements reviewers "
    "acknowledgement acknowledgements acknowledgment contents table of abstracts index message president "
    "presidents column perspective perspectives update updates obituary book review reviews reply response "
    "corner page welcome guest invited overview summary report reports meeting annual our and a an on to"
)
_COLUMN_WORDS = frozenset(_COLUMN_WORD_TEXT.split(" "))


def is_column_title(title: str) -> bool:
    """True for a normalised title made only of recurring-column words ("editorial", "editor s comments")."""
    words = title.split()
    return 0 < len(words) <= 5 and all(word in _COLUMN_WORDS for word in words)


def title_numbers(title: str) -> str:
    """The digits of a normalised title that has a standalone number ("trial 1" -> "1"), "" when it has none:
    in otherwise equal titles a different number means another item of a series (trial 1 / trial 2, part 1 /
    part 2). All its digits are kept in order, so "10 000" and "10000", or "hpv16 18" and "hpv 16 18", agree."""
    if not any(word.isdigit() for word in title.split()):
        return ""
    return "".join(character for character in title if character.isdigit())


_DIGITS = re.compile(r"\d+")


def without_numbers(title: str) -> str:
    """A normalised title without its digits, for comparing the rest of two numbered titles."""
    return " ".join(_DIGITS.sub(" ", title).split())


_KIND_WORDS = {"erratum": "erratum", "errata": "erratum", "corrigendum": "erratum", "correction": "erratum",
               "retraction": "retraction", "retracted": "retraction", "reply": "reply", "response": "reply",
               "comment": "comment", "commentary": "comment"}


def title_kind(title: str) -> str:
    """``erratum``, ``retraction``, ``reply`` or ``comment`` when the title says so at its start (tolerating a
    typo in that first word: "Restponse to comment"), else empty."""
    if _CORRECTION_TAIL.search(title or ""):
        return "erratum"
    text = _LEADING_JUNK.sub("", fold(html.unescape(title or ""))).strip().lstrip("[").strip()
    for kind, pattern in _KIND_PATTERNS:
        if pattern.search(text):
            return kind
    if re.match(r"^re(\s*:|\s{2,})", text):  # "Re: ..." with or without its colon
        return "comment"
    first = NON_ALNUM.sub(" ", text).split()[:1]
    if first and len(first[0]) >= 5:
        for word, kind in _KIND_WORDS.items():
            if abs(len(word) - len(first[0])) <= 2 and fuzz.ratio(word, first[0]) >= 85:
                return kind
    return ""

"""Comparable forms of every record, computed once per record before any pair is compared.

The same study exported by four databases differs in case, accents, punctuation, HTML or LaTeX markup, author
forms, abbreviated journal names, page ranges and language tags; these columns remove those differences so the
comparisons that follow measure real disagreement only.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
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
_TAGS = re.compile(r"<[^>]{1,40}>")
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
_CLEAN_PAGES = re.compile(r"^[A-Za-z]?\d+(?:\s*-\s*[A-Za-z]?\d+)?$")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_FIRST_NUMBER = re.compile(r"\d+")
# What a title says the record is, read at its start only ("[Erratum appears in ...]" at the end of an
# article's title is a note on the article, not an erratum record).
_KIND_PATTERNS = [
    ("erratum", re.compile(r"^(erratum|errata|corrigendum|correction|publisher correction|author correction)\b")),
    ("retraction", re.compile(r"^(retraction|retracted|withdrawn|expression of concern|notice of retraction)\b")),
    ("reply", re.compile(r"^(reply|response|in reply|authors?'?s?'? reply|authors?'?s?'? response)\b")),
    ("comment", re.compile(r"^(comment(ary)? on|comments? to|letter to the editor|re:)")),
]
# Conference abstracts and supplements, written out or abbreviated ("Hawaii Int Conf Syst Sci"), but not the
# journals named "Proceedings" ("Proceedings of the National Academy ...", "Proc Natl Acad Sci", "Proc R Soc B").
_ABSTRACT_VENUE = re.compile(r"\b(abstracts?|congress|congr|conference|conf|meeting|mtg|symposium|symp|"
                             r"suppl(ement)?|poster|proceedings(?! of the (national|royal))|"
                             r"proc(?! (natl|nat|r|roy|royal|inst|ieee|amer|am)\b))\b")

# A supplement issue written as "S2", "s 1", "Suppl. 2" or "Supplement" (where meeting abstracts are printed).
_SUPPLEMENT_ISSUE = re.compile(r"^\s*(s\s?\d+[a-z]?|suppl|supplement)\b", re.IGNORECASE)

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


def _ascii_words(text: str) -> list[str]:
    """Lower-case ASCII words: punctuation separates, accents are folded, other characters are dropped."""
    return _NON_ALNUM.sub(" ", fold(_spaced(text))).split()


def normalise_title(title: str) -> str:
    """Lower-case ASCII words of a title without markup, punctuation or a trailing language note."""
    text = html.unescape(title or "")
    text = _TAGS.sub(" ", text)
    text = _LATEX.sub("", text)
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
    words = _ascii_words(text)
    return " ".join(_ROMAN.get(word, word) for word in words)


_KIND_WORDS = {"erratum": "erratum", "errata": "erratum", "corrigendum": "erratum", "correction": "erratum",
               "retraction": "retraction", "retracted": "retraction", "reply": "reply", "response": "reply",
               "comment": "comment", "commentary": "comment"}


def title_kind(title: str) -> str:
    """``erratum``, ``retraction``, ``reply`` or ``comment`` when the title says so at its start (tolerating a
    typo in that first word: "Restponse to comment"), else empty."""
    if _CORRECTION_TAIL.search(title or ""):
        return "erratum"
    text = fold(html.unescape(title or "")).strip().lstrip("[").strip()
    for kind, pattern in _KIND_PATTERNS:
        if pattern.search(text):
            return kind
    if re.match(r"^re(\s*:|\s{2,})", text):  # "Re: ..." with or without its colon
        return "comment"
    first = _NON_ALNUM.sub(" ", text).split()[:1]
    if first and len(first[0]) >= 5:
        for word, kind in _KIND_WORDS.items():
            if abs(len(word) - len(first[0])) <= 2 and fuzz.ratio(word, first[0]) >= 85:
                return kind
    return ""


def journal_tokens(journal: str) -> str:
    """Journal words without stop words, for abbreviation-aware comparison (``j pain res``)."""
    words = _ascii_words(html.unescape(journal or ""))
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


def _number(value: str) -> str:
    match = _FIRST_NUMBER.search(value or "")
    return match.group(0).lstrip("0") or "0" if match else ""


def _last_number(value: str) -> str:
    numbers = _FIRST_NUMBER.findall(value or "")
    return (numbers[-1].lstrip("0") or "0") if numbers else ""


@dataclass
class Features:
    """Column arrays, one entry per record (row position), used by blocking and scoring."""

    record_id: np.ndarray
    title: np.ndarray  # normalised title
    title_tokens: list[list[str]]  # without stop words
    authors: np.ndarray  # surnames of the first six authors, space-joined
    first_author: np.ndarray  # first author's surname
    n_authors: np.ndarray  # number of authors listed (up to six counted)
    year: np.ndarray  # int, 0 when missing
    journal: np.ndarray  # journal tokens
    volume: np.ndarray
    issue: np.ndarray
    page: np.ndarray  # first page number
    page_end: np.ndarray  # last page number (= first for a single page)
    page_alpha: np.ndarray  # bool: page has a letter (article numbers e12724, a1754; supplements S417)
    doi: np.ndarray
    pmid: np.ndarray
    pmcid: np.ndarray
    abstract: np.ndarray  # first ABSTRACT_CHARS letters and digits of the abstract, "" when too short to compare
    accession: np.ndarray  # "database|accession": the database's own id, meaningful inside that database only
    kind: np.ndarray  # erratum / retraction / reply / comment / ""
    abstract_venue: np.ndarray  # bool: conference abstract or supplement
    has_locator: np.ndarray  # bool: a volume, pages or DOI in any form ("Ph.D.", "62 p" count)


def _surnames(authors: str) -> list[str]:
    names = []
    for author in authors.split("; "):
        parts = author.split()
        if not parts:
            continue
        family = parts[:-1] if len(parts) > 1 and parts[-1].isupper() and len(parts[-1]) <= 4 else parts
        key = _NON_ALNUM.sub("", fold(" ".join(family)))
        if key:
            names.append(key)
    return names


# Abstracts are compared on their opening: long enough to tell two studies apart, short enough to keep a
# million records in memory; one shorter than ABSTRACT_MIN_CHARS (a placeholder, "No abstract available") is
# not compared.
ABSTRACT_CHARS = 400
ABSTRACT_MIN_CHARS = 150


def _abstract_key(text: str) -> str:
    words = _ascii_words(html.unescape(_TAGS.sub(" ", text or "")))
    key = " ".join(words)[:ABSTRACT_CHARS]
    return key if len(key) >= ABSTRACT_MIN_CHARS else ""


def _column(records: pd.DataFrame, name: str) -> pd.Series:
    """A text column, empty where a records table built elsewhere (a citation CSV) lacks it."""
    if name in records:
        return records[name].fillna("").astype(str).str.strip()
    return pd.Series("", index=records.index, dtype=object)


def compute_features(records: pd.DataFrame) -> Features:
    """Features of every record of a records table (docs/DATA_CONTRACTS.md columns)."""
    titles = [normalise_title(t) for t in records["title"]]
    surnames = [_surnames(a) for a in records["authors"]]
    journal = [journal_tokens(j or a) for j, a in zip(records["journal"], records["journal_abbrev"], strict=True)]
    venue_text = (
        records["journal"] + " " + records["volume"] + " " + records["issue"] + " " + records["publication_types"]
    ).map(fold)
    return Features(
        record_id=records["record_id"].to_numpy(dtype=object),
        title=np.array(titles, dtype=object),
        title_tokens=[[w for w in t.split() if w not in STOP_WORDS] for t in titles],
        authors=np.array([" ".join(s[:6]) for s in surnames], dtype=object),
        first_author=np.array([s[0] if s else "" for s in surnames], dtype=object),
        n_authors=np.array([min(len(s), 6) for s in surnames], dtype=np.int8),
        year=np.array([int(y) if y else 0 for y in records["year"]], dtype=np.int32),
        journal=np.array(journal, dtype=object),
        volume=np.array([_number(v) for v in records["volume"]], dtype=object),
        issue=np.array([_number(v) for v in records["issue"]], dtype=object),
        page=np.array([_number(p) if _CLEAN_PAGES.match(p.strip()) else "" for p in records["pages"]],
                      dtype=object),
        page_end=np.array([_last_number(p) if _CLEAN_PAGES.match(p.strip()) else "" for p in records["pages"]],
                          dtype=object),
        page_alpha=np.array([bool(re.search(r"[A-Za-z]", p)) for p in records["pages"]], dtype=bool),
        doi=records["doi"].to_numpy(dtype=object),
        pmid=records["pmid"].to_numpy(dtype=object),
        pmcid=_column(records, "pmcid").str.upper().to_numpy(dtype=object),
        abstract=np.array([_abstract_key(text) for text in _column(records, "abstract")], dtype=object),
        accession=np.array([f"{d}|{a}" if a else "" for d, a in zip(_column(records, "database"),
                                                                    _column(records, "accession"), strict=True)],
                           dtype=object),
        kind=np.array([title_kind(t) for t in records["title"]], dtype=object),
        abstract_venue=np.array([bool(_ABSTRACT_VENUE.search(v)) or bool(_SUPPLEMENT_ISSUE.match(i))
                                 for v, i in zip(venue_text, records["issue"], strict=True)], dtype=bool),
        has_locator=((records["volume"].str.strip() != "") | (records["pages"].str.strip() != "")
                     | (records["doi"] != "")).to_numpy(dtype=bool),
    )

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

from reviewflow.normalize import fold, normalise_doi

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
    text = _TAGS.sub(" ", text)
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
    words = _ascii_words(text)
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


# Where a supplement is named inside a volume or issue field: "98 Suppl 1", "Suppl. 2", "Supplement", "S1".
_SUPPLEMENT_MARK = re.compile(r"\b(?:suppl\w*|supplement\w*|sup|s(?=\s?\d))\b|\bs(?=\d)", re.IGNORECASE)
_CUT_NUMBER = re.compile(r"^\s*\(?\s*\d+\s*\)\s*$")
_YEAR_LIKE = re.compile(r"^(1[89]\d\d|20\d\d)$")


def volume_number(value: str) -> str:
    """The volume number, without what is not one: the supplement part ("98 Suppl 1" -> "98", "Suppl 1" ->
    ""), a bare number left from "(Suppl 1)" ("1)" -> ""), text before the number ("Vol. 56", "No. 12")."""
    text = value or ""
    mark = _SUPPLEMENT_MARK.search(text)
    if mark:
        text = text[: mark.start()]
    if _CUT_NUMBER.match(text):
        return ""
    return _number(text)


def supplement_number(volume: str, issue: str) -> str:
    """The supplement's number when a volume or issue field names one ("SUPPL. 1", "Suppl 1", "S1"), else ""."""
    for value in (issue or "", volume or ""):
        mark = _SUPPLEMENT_MARK.search(value)
        if mark:
            return _number(value[mark.end():])
    if _CUT_NUMBER.match(volume or ""):
        return _number(volume)
    return ""


def issue_number(value: str) -> str:
    """The issue number, "" when the field holds no plausible one (an NLM journal id "101676033" or
    "6dr, 2985151r" slipped into it by an export)."""
    number = _number(value)
    return number if len(number) <= 4 else ""


def _last_number(value: str) -> str:
    numbers = _FIRST_NUMBER.findall(value or "")
    return (numbers[-1].lstrip("0") or "0") if numbers else ""


@dataclass
class Features:
    """Column arrays, one entry per record (row position), used by blocking and scoring."""

    record_id: np.ndarray
    title: np.ndarray  # normalised title
    title_tokens: list[list[str]]  # without stop words
    title_halves: np.ndarray  # (n, 2): the two halves of a title in two languages, "" when not one
    title_numbers: np.ndarray  # standalone numbers of the title, space-joined
    column_title: np.ndarray  # bool: the title of a recurring column ("Editorial", "In this issue")
    authors: np.ndarray  # surnames of the first six authors, space-joined
    first_author: np.ndarray  # first author's surname
    n_authors: np.ndarray  # number of authors listed (up to six counted)
    year: np.ndarray  # int, 0 when missing
    journal: np.ndarray  # journal tokens
    volume: np.ndarray  # volume number without supplement parts ("" when none)
    volume_is_year: np.ndarray  # bool: the volume field holds a year ("2017-January"), not a volume number
    firm_volume: np.ndarray  # the volume where it is trusted across a cluster: not a year, not a supplement record
    supplement: np.ndarray  # supplement number from the volume or issue field ("" when none)
    in_supplement: np.ndarray  # bool: the record says it is in a supplement (field marks or S-pages)
    issue: np.ndarray
    page: np.ndarray  # first page number
    page_end: np.ndarray  # last page number (= first for a single page)
    page_alpha: np.ndarray  # bool: page has a letter (article numbers e12724, a1754; supplements S417)
    pages_text: np.ndarray  # the pages as written, lower case without spaces ("s3-s32.e1"), for equality only
    doi: np.ndarray
    pmid: np.ndarray
    pmcid: np.ndarray
    abstract: np.ndarray  # first ABSTRACT_CHARS letters and digits of the abstract, "" when too short to compare
    accession: np.ndarray  # "database|accession": the database's own id, meaningful inside that database only
    kind: np.ndarray  # erratum / retraction / reply / comment / ""
    abstract_venue: np.ndarray  # bool: conference abstract or supplement
    has_locator: np.ndarray  # bool: a volume, pages or DOI in any form ("Ph.D.", "62 p" count)


# Some exports lose the separator between authors: "Adeli K.Lewis G. F." is two authors, split where an
# initial's full stop runs into the next capitalised surname.
_RUN_TOGETHER = re.compile(r"(?<=\b[A-Z]\.)(?=[A-Z][a-z])")
# Initials written with full stops ("G.", "J.R.") or as one letter: after the last part of a "Surname IJ" author,
# these are given names too ("Lewis G. F.", "Crockarell J.R. J").
_DOTTED_INITIALS = re.compile(r"^(?:[^\W\d_]\.)+$|^[^\W\d_]$")


def _is_initials(part: str) -> bool:
    return part.isupper() and len(part) <= 4


def _surnames(authors: str) -> list[str]:
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
        key = _NON_ALNUM.sub("", fold(" ".join(family)))
        if key:
            names.append(key)
    return names


# Abstracts are compared on their opening: long enough to tell two studies apart, short enough to keep a
# million records in memory; one shorter than ABSTRACT_MIN_CHARS (a placeholder, "No abstract available") is
# not compared.
ABSTRACT_CHARS = 400
ABSTRACT_MIN_CHARS = 150


def _abstract_words(text: str) -> str:
    return " ".join(_ascii_words(html.unescape(_TAGS.sub(" ", text))))


def _abstract_key(text: str) -> str:
    """The first ABSTRACT_CHARS characters of the normalised abstract (empty when shorter than the minimum)."""
    text = text or ""
    key = _abstract_prefix_key(text) if len(text) > 3 * ABSTRACT_CHARS else None
    if key is None:
        key = _abstract_words(text)[:ABSTRACT_CHARS]
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
    words = _abstract_words(prefix)
    return words[:ABSTRACT_CHARS] if len(words) > ABSTRACT_CHARS else None


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
    volume = np.array([volume_number(v) for v in records["volume"]], dtype=object)
    volume_is_year = np.array([bool(_YEAR_LIKE.match(_number(v))) for v in records["volume"]], dtype=bool)
    in_supplement = np.array([bool(_SUPPLEMENT_MARK.search(v) or _SUPPLEMENT_MARK.search(i) or _CUT_NUMBER.match(v)
                                   or re.match(r"^\s*s\d", p, re.IGNORECASE))
                              for v, i, p in zip(records["volume"], records["issue"], records["pages"], strict=True)],
                             dtype=bool)
    halves = np.array([title_halves(t) for t in records["title"]], dtype=object).reshape(len(records), 2)
    venue_text = (
        records["journal"] + " " + records["volume"] + " " + records["issue"] + " " + records["publication_types"]
    ).map(fold)
    return Features(
        record_id=records["record_id"].to_numpy(dtype=object),
        title=np.array(titles, dtype=object),
        title_tokens=[[w for w in t.split() if w not in STOP_WORDS] for t in titles],
        title_halves=halves,
        title_numbers=np.array([title_numbers(t) for t in titles], dtype=object),
        column_title=np.array([is_column_title(t) for t in titles], dtype=bool),
        authors=np.array([" ".join(s[:6]) for s in surnames], dtype=object),
        first_author=np.array([s[0] if s else "" for s in surnames], dtype=object),
        n_authors=np.array([min(len(s), 6) for s in surnames], dtype=np.int8),
        year=np.array([int(y) if y else 0 for y in records["year"]], dtype=np.int32),
        journal=np.array(journal, dtype=object),
        volume=volume,
        volume_is_year=volume_is_year,
        firm_volume=np.where(volume_is_year | in_supplement, "", volume).astype(object),
        supplement=np.array([supplement_number(v, i) for v, i in zip(records["volume"], records["issue"],
                                                                     strict=True)], dtype=object),
        in_supplement=in_supplement,
        issue=np.array([issue_number(v) for v in records["issue"]], dtype=object),
        page=np.array([_number(p) if _CLEAN_PAGES.match(p.strip()) else "" for p in records["pages"]],
                      dtype=object),
        page_end=np.array([_last_number(p) if _CLEAN_PAGES.match(p.strip()) else "" for p in records["pages"]],
                          dtype=object),
        page_alpha=np.array([bool(re.search(r"[A-Za-z]", p)) for p in records["pages"]], dtype=bool),
        pages_text=np.array([re.sub(r"\s+", "", p.lower()) for p in records["pages"]], dtype=object),
        doi=np.array([normalise_doi(d) if "%" in d else d for d in records["doi"]], dtype=object),
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

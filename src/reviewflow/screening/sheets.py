"""The sheets people fill in: ``results/awaiting_screening.csv`` and ``results/awaiting_extraction.csv``.

A reviewer decides from these files, so they carry what a decision needs (title, abstract, keywords) and show
titles a database exported in capitals in sentence case: "CRYOANALGESIA FOR CHRONIC KNEE PAIN: A CASE SERIES"
reads as "Cryoanalgesia for chronic knee pain: a case series". That is display only; works.csv, records and
the reference-manager exports keep every title exactly as exported. The sheets are saved back by people as
decision or extraction files, so the readers accept these display columns and treat a row left blank as still
awaiting (``blank_rows``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

# Columns only shown to the reviewer; the decision reader drops them (its schema filters unknown columns).
SCREENING_DISPLAY = ["title", "first_author", "year", "journal", "doi", "pmid", "abstract", "keywords"]
AWAITING_COLUMNS = ["work_id", "stage", *SCREENING_DISPLAY, "reviewer", "decision", "reason", "note"]
# Shown after the extraction columns; the extraction reader drops them, so the sheet can be saved back as is.
EXTRACTION_DISPLAY = ["first_author", "year", "title"]

# A title is "written in capitals" when at least this share of its letters is upper case and it has at least
# MIN_WORDS words: a short all-caps title ("CRPS UPDATE") may be acronyms, and a title with some capitalised
# acronyms ("Cryoneurolysis of the LFCN for MP") is well below the share.
SHOUTING_SHARE = 0.9
MIN_WORDS = 3
_LETTERS = re.compile(r"[^\W\d_]+")
# Roman numerals made of I, V and X only (type II, phase III, factor VIII, XX chromosomes). Numerals with L, C, D
# or M are left out: MIX, DIV, CD, MD and CLI are words or acronyms far more often than numbers in titles.
_ROMAN = re.compile(r"^(?=[IVX])X{0,3}(IX|IV|V?I{0,3})$")
# A token ending with one of these ends a sentence; the next word starts with a capital. Not after a colon:
# "...: a case series" is how MEDLINE writes subtitles, and the sheet shows titles the way most of them look.
_SENTENCE_END = re.compile(r"[.?!][\"')\]]*$")
# A number, then an ordinal or plural ending or hyphenated words: "24-HOUR", "3RD", "1990S", "5-MONTH-OLD".
_COUNTED = re.compile(r"^[(\[]?\d+(ST|ND|RD|TH|S)?(-[^\W\d_]{2,})*[)\],.;:]*$")
_ABBREVIATIONS = {"vs.", "v.", "e.g.", "i.e.", "al.", "cf.", "no.", "fig.", "dr.", "st.", "approx.", "ca."}


def _is_shouting(text: str) -> bool:
    # Counted with map over the str methods (no character is both upper and lower case): the sheet checks every
    # title and abstract, and a per-character Python loop was most of the screening stage's time.
    upper = sum(map(str.isupper, text))
    letters = upper + sum(map(str.islower, text))
    return letters > 0 and upper >= SHOUTING_SHARE * letters


def _words(text: str) -> list[tuple[str, str]]:
    """(word as written, its letters without surrounding punctuation) for each whitespace-separated word."""
    return [(word, word.strip(".,;:()[]{}\"'\u2018\u2019")) for word in text.split()]


def known_acronyms(*sources: str) -> set[str]:
    """Acronyms a work itself writes in capitals in a mixed-case abstract or keyword list ("(CRPS)", "CT").

    We cannot know acronyms in general, but an abstract that writes "computed tomography (CT)" tells us that
    CT in its all-caps title is one. A source written in capitals itself (WoS Keywords Plus) tells nothing.
    Headings of structured abstracts ("METHODS:", "MATERIALS AND METHODS") are not acronyms: a capitalised
    word followed by a colon or next to another capitalised word is skipped.
    """
    found: set[str] = set()
    for source in sources:
        if not source or _is_shouting(source):
            continue
        words = _words(source)
        caps = [len(core) >= 2 and core.isalpha() and core.isupper() for _, core in words]
        for i, (word, core) in enumerate(words):
            heading = word.rstrip(")]\"'").endswith(":")
            beside = (i > 0 and caps[i - 1]) or (i + 1 < len(words) and caps[i + 1])
            if caps[i] and not heading and not beside:
                found.add(core)
    return found


def known_names(abstract: str) -> set[str]:
    """Words (lower case) the abstract capitalises mid-sentence and never writes in lower case: names such as
    Japan, English or Cavalier King Charles, which sentence case would otherwise lower."""
    if not abstract or _is_shouting(abstract):
        return set()
    capitalised, lowered = set(), set()
    previous = "."
    for word, core in _words(abstract):
        if core.isalpha() and len(core) >= 2:
            if core.islower():
                lowered.add(core)
            elif core[0].isupper() and core[1:].islower() and not _SENTENCE_END.search(previous) \
                    and not previous.endswith(":"):
                capitalised.add(core.lower())
        previous = word
    return capitalised - lowered


def _case_run(run: str, token: str, start: int, known: tuple[set[str], set[str]]) -> str:
    """One run of letters inside a token of an all-caps title: lower case unless it looks like a label."""
    acronyms, names = known
    if run in acronyms or _ROMAN.match(run):
        return run
    if _lower(run) in names:
        return run[0] + _lower(run[1:])
    if len(run) == 1:
        if start > 0 and token[start - 1] in "'\u2019":  # DOG'S, DON'T
            return _lower(run)
        if run == "A" and "-" not in token:  # the article; VITAMIN-A, HEMOPHILIA-A keep theirs
            return "a"
        return run  # HEPATITIS B, T-CELL, X-RAY, U.S.
    return _lower(run)


def _lower(text: str) -> str:
    """Lower case; a dotted capital I (Turkish) becomes a plain i, not i plus a combining dot."""
    return text.replace("\u0130", "i").lower()


def _case_token(token: str, known: tuple[set[str], set[str]]) -> str:
    """A whitespace-separated token of an all-caps title in sentence case (before the sentence capital)."""
    if any(c.islower() for c in token):
        return token  # written in mixed case on purpose: pH, mRNA
    if any(c.isdigit() for c in token):
        if _COUNTED.match(token):
            return token.lower()  # 24-HOUR, 6-COMPONENT, 3RD, 1990S
        return token  # COVID-19, IL-6, GM2, 5-HT3: names we cannot case safely
    return _LETTERS.sub(lambda m: _case_run(m.group(), token, m.start(), known), token)


def _capitalise_first_letter(token: str) -> str:
    """The first letter in upper case, unless the token starts with a number ("24-hour ...")."""
    for i, char in enumerate(token):
        if char.isdigit():
            return token
        if char.isalpha():
            return token[:i] + char.upper() + token[i + 1 :]
    return token


def readable_title(title: str, abstract: str = "", keywords: str = "") -> str:
    """The title for a human-facing sheet: sentence case when the database exported it in capitals.

    A title not written in capitals is returned unchanged, acronyms and all. In an all-caps title every word is
    lowered except the first letter of the title and of each sentence after ``.``, ``?`` or ``!``; Roman
    numerals (I, V, X only); tokens with digits (COVID-19, IL-6) unless they start with a number (24-hour);
    single letters other than the article "A" (hepatitis B, T-cell); tokens already in mixed case; acronyms the
    work's own abstract or keywords write in capitals; and names its abstract capitalises (Japan). Other
    proper nouns are lowered: we cannot tell them from words.
    """
    if not _is_shouting(title) or sum(1 for token in title.split() if _LETTERS.search(token)) < MIN_WORDS:
        return title
    known = (known_acronyms(abstract, keywords), known_names(abstract))
    parts = re.split(r"(\s+)", title)
    sentence_start = True
    for index, part in enumerate(parts):
        if not part or part.isspace():
            continue
        cased = _case_token(part, known)
        if sentence_start and any(c.isalnum() for c in part):
            cased = _capitalise_first_letter(cased)
            sentence_start = False
        parts[index] = cased
        if _SENTENCE_END.search(part) and part.lower() not in _ABBREVIATIONS:
            sentence_start = True
    return "".join(parts)


def blank_rows(frame: pd.DataFrame, columns: Sequence[str]) -> pd.Series:
    """Rows whose ``columns`` are all empty (or only spaces): rows of a saved-back sheet nobody has filled in
    yet. They mean "still awaiting", not a decision and not an error."""
    present = [c for c in columns if c in frame.columns]
    if not present:
        return pd.Series(True, index=frame.index)
    return frame[present].apply(lambda column: column.str.strip().eq("")).all(axis=1)


def _field(work: Any, name: str) -> str:
    value = getattr(work, name, "")
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def awaiting_screening_sheet(awaiting: Iterable[tuple[Any, str]]) -> pd.DataFrame:
    """One row per (work, stage) still needing a decision: what a reviewer reads, then the columns to fill."""
    rows = []
    for work, stage in awaiting:
        row = {"work_id": work.work_id, "stage": stage}
        row |= {name: _field(work, name) for name in SCREENING_DISPLAY}
        row["title"] = readable_title(row["title"], row["abstract"], row["keywords"])
        row |= {"reviewer": "", "decision": "", "reason": "", "note": ""}
        rows.append(row)
    return pd.DataFrame(rows, columns=AWAITING_COLUMNS)


def awaiting_extraction_sheet(missing: list[str], works: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Rows to paste into (or save as) the extraction sheet: work id filled in, the extraction columns empty,
    then first author, year and the readable title for orientation."""
    shown = works.set_index("work_id").reindex(missing)
    template = pd.DataFrame({column: [""] * len(missing) for column in columns})
    template["work_id"] = list(missing)
    for name in EXTRACTION_DISPLAY:
        values = shown[name].fillna("").astype(str).tolist() if name in shown.columns else [""] * len(missing)
        template[name] = values
    template["title"] = [readable_title(title, _field(work, "abstract"), _field(work, "keywords"))
                         for title, work in zip(template["title"], shown.itertuples(), strict=True)]
    return template

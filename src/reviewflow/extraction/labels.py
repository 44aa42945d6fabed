"""Study labels ("Wolter et al. (2011)"), generated from the bibliographic fields of each study's main work.

Labels used to be typed into the extraction sheet, and drifted into keys ("PMC7075583_PTPS") and whole titles.
Generated from results/works.csv they read the same in every table, figure and message, and change only when
the record does. The rules:

- one author: ``Surname (year)``; two: ``Surname and Surname (year)``; three or more: ``Surname et al. (year)``;
  the surname is written as the record has it, particles included ("von Falck (2022)");
- no authors: a short title in quotes (up to its first colon or full stop, at most ``TITLE_WORDS`` words);
- neither authors nor title: ``Work <work_id>``, so a reader can still find the record;
- no year: ``n.d.``;
- labels that would be the same (compared case-insensitively) get a, b, ... after the year (``2012a``,
  ``n.d.-a``), in the order of the works' titles, then work ids, so the letters do not depend on row order.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd

from reviewflow.screening.sheets import readable_title

log = logging.getLogger(__name__)

LABEL = "study_label"
"""results/studies.csv column holding the generated label."""

TITLE_WORDS = 6
TITLE_CHARS = 40
"""Longest short title, in words and in characters, before it is cut with an ellipsis."""
_FILLERS = frozenset({"a", "an", "and", "as", "at", "by", "for", "from", "in", "of", "on", "or", "the", "to",
                      "with"})

_INITIALS = re.compile(r"^(?:[A-Z][a-z]?\.?-?){1,4}$")
_YEAR = re.compile(r"^\s*(\d{4})(?:\.0+)?\s*$")


def surname(author: str) -> str:
    """The surname of one author as records write it: ``"Smith JA"``, ``"Smith, J.A."``, ``"von Falck"``,
    ``"van der Berg JA"``. A name with no initials (an organisation, or a surname alone) is kept whole."""
    author = " ".join(author.split())
    if "," in author:
        return author.split(",", 1)[0].strip()
    parts = author.split(" ")
    if len(parts) > 1 and _INITIALS.match(parts[-1]):
        return " ".join(parts[:-1])
    return author


def author_list(authors: str, first_author: str = "") -> list[str]:
    """The surnames of a ``;``-separated author list; the first author alone when the list is empty."""
    names = [name for name in (part.strip() for part in authors.split(";")) if name]
    if not names and first_author.strip():
        names = [first_author.strip()]
    return [surname(name) for name in names]


def label_year(year: str) -> str:
    """A four-digit year, or ``n.d.`` (no date) when the record has none."""
    match = _YEAR.match(year or "")
    return match.group(1) if match else "n.d."


def short_title(title: str) -> str:
    """A readable short form of a title: up to its first colon, full stop or question mark; when that is longer
    than ``TITLE_WORDS`` words or ``TITLE_CHARS`` characters, its first words (not ending on "of", "the" and
    the like) and an ellipsis. Shouting capitals are lowered."""
    text = readable_title(" ".join(title.split())).strip(" [].")
    head = re.split(r"[:.?!]\s|\s[-\u2013\u2014]\s", text + " ", maxsplit=1)[0].strip()
    words = head.split()
    if len(words) <= TITLE_WORDS and len(head) <= TITLE_CHARS:
        return head
    words = words[:TITLE_WORDS]
    while len(words) > 1 and (len(" ".join(words)) > TITLE_CHARS or words[-1].lower().strip(",;") in _FILLERS):
        words.pop()
    return " ".join(words).rstrip(",;") + "\u2026"


def base_label(work_id: str, first_author: str, authors: str, year: str, title: str) -> tuple[str, str]:
    """(who, year) of a label before duplicates are told apart: ``("Smith et al.", "2012")``."""
    names = author_list(authors, first_author)
    if len(names) == 1:
        who = names[0]
    elif len(names) == 2:
        who = f"{names[0]} and {names[1]}"
    elif names:
        who = f"{names[0]} et al."
    elif title.strip():
        who = f"\u201c{short_title(title)}\u201d"
    else:
        who = f"Work {work_id}"
    return who, label_year(year)


def _text(work: Mapping[str, object], name: str) -> str:
    """A field as text; missing, None and NaN (a join that found no work) count as empty."""
    value = work.get(name)
    return "" if value is None or value != value else str(value)  # value != value: NaN


def _letters(n: int) -> str:
    """0 -> a, 25 -> z, 26 -> aa."""
    text = ""
    n += 1
    while n:
        n, rest = divmod(n - 1, 26)
        text = chr(ord("a") + rest) + text
    return text


def study_labels(works: Iterable[Mapping[str, str]]) -> dict[str, str]:
    """work_id -> label for the main works of the included studies (module docstring for the rules).

    Each mapping has ``work_id``, ``first_author``, ``authors``, ``year`` and ``title`` (missing keys count as
    empty), as results/works.csv does.
    """
    groups: dict[tuple[str, str], list[tuple[str, str, str]]] = {}
    for work in works:
        work_id = _text(work, "work_id")
        who, year = base_label(work_id, *(_text(work, name) for name in ("first_author", "authors", "year", "title")))
        groups.setdefault((who.casefold(), year), []).append((_text(work, "title").casefold(), work_id, who))
    labels: dict[str, str] = {}
    for (_, year), members in groups.items():
        members.sort()
        for position, (_, work_id, who) in enumerate(members):
            suffix = "" if len(members) == 1 else ("-" if year == "n.d." else "") + _letters(position)
            labels[work_id] = f"{who} ({year}{suffix})"
    return dict(sorted(labels.items()))


def drop_typed_labels(frame: pd.DataFrame, path: Path) -> pd.DataFrame:
    """The sheet without a ``study_label`` column typed by hand (sheets from before labels were generated): the
    column is accepted, so old sheets still build, and ignored with a note, so one label rule holds everywhere."""
    if LABEL not in frame.columns:
        return frame
    if frame[LABEL].str.strip().ne("").any():
        log.info("%s: the study_label column is ignored: labels are generated from the works' authors, year "
                 "and title (results/studies.csv); the column can be deleted", path)
    return frame.drop(columns=LABEL)


def with_labels(studies: pd.DataFrame) -> pd.DataFrame:
    """``studies`` (one row per study, with the main work's bibliographic fields) with ``study_label`` as its
    second column."""
    labels = study_labels(studies.to_dict("records"))
    studies = studies.drop(columns=[LABEL], errors="ignore")
    studies.insert(1, LABEL, [labels[str(w)] for w in studies["work_id"]])
    return studies

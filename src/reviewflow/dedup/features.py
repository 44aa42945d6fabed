"""Comparable forms of every record, computed once per record before any pair is compared.

The same study exported by four databases differs in case, accents, punctuation, HTML or LaTeX markup, author
forms, abbreviated journal names, page ranges and language tags; these columns remove those differences so the
comparisons that follow measure real disagreement only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from reviewflow.dedup.abstract_forms import abstract_key
from reviewflow.dedup.author_forms import surnames
from reviewflow.dedup.source_forms import (
    ABSTRACT_VENUE,
    CLEAN_PAGES,
    CUT_NUMBER,
    SUPPLEMENT_ISSUE,
    SUPPLEMENT_MARK,
    YEAR_LIKE,
    first_number,
    issue_number,
    journal_tokens,
    last_number,
    supplement_number,
    volume_number,
)
from reviewflow.dedup.title_forms import (
    STOP_WORDS,
    is_column_title,
    normalise_title,
    title_halves,
    title_kind,
    title_numbers,
)
from reviewflow.normalize import fold, normalise_doi


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


def _column(records: pd.DataFrame, name: str) -> pd.Series:
    """A text column, empty where a records table built elsewhere (a citation CSV) lacks it."""
    if name in records:
        return records[name].fillna("").astype(str).str.strip()
    return pd.Series("", index=records.index, dtype=object)


def compute_features(records: pd.DataFrame) -> Features:
    """Features of every record of a records table (docs/DATA_CONTRACTS.md columns)."""
    titles = [normalise_title(t) for t in records["title"]]
    family_names = [surnames(a) for a in records["authors"]]
    journal = [journal_tokens(j or a) for j, a in zip(records["journal"], records["journal_abbrev"], strict=True)]
    volume = np.array([volume_number(v) for v in records["volume"]], dtype=object)
    volume_is_year = np.array([bool(YEAR_LIKE.match(first_number(v))) for v in records["volume"]], dtype=bool)
    in_supplement = np.array([bool(SUPPLEMENT_MARK.search(v) or SUPPLEMENT_MARK.search(i) or CUT_NUMBER.match(v)
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
        authors=np.array([" ".join(s[:6]) for s in family_names], dtype=object),
        first_author=np.array([s[0] if s else "" for s in family_names], dtype=object),
        n_authors=np.array([min(len(s), 6) for s in family_names], dtype=np.int8),
        year=np.array([int(y) if y else 0 for y in records["year"]], dtype=np.int32),
        journal=np.array(journal, dtype=object),
        volume=volume,
        volume_is_year=volume_is_year,
        firm_volume=np.where(volume_is_year | in_supplement, "", volume).astype(object),
        supplement=np.array([supplement_number(v, i) for v, i in zip(records["volume"], records["issue"],
                                                                     strict=True)], dtype=object),
        in_supplement=in_supplement,
        issue=np.array([issue_number(v) for v in records["issue"]], dtype=object),
        page=np.array([first_number(p) if CLEAN_PAGES.match(p.strip()) else "" for p in records["pages"]],
                      dtype=object),
        page_end=np.array([last_number(p) if CLEAN_PAGES.match(p.strip()) else "" for p in records["pages"]],
                          dtype=object),
        page_alpha=np.array([bool(re.search(r"[A-Za-z]", p)) for p in records["pages"]], dtype=bool),
        pages_text=np.array([re.sub(r"\s+", "", p.lower()) for p in records["pages"]], dtype=object),
        doi=np.array([normalise_doi(d) if "%" in d else d for d in records["doi"]], dtype=object),
        pmid=records["pmid"].to_numpy(dtype=object),
        pmcid=_column(records, "pmcid").str.upper().to_numpy(dtype=object),
        abstract=np.array([abstract_key(text) for text in _column(records, "abstract")], dtype=object),
        accession=np.array([f"{d}|{a}" if a else "" for d, a in zip(_column(records, "database"),
                                                                    _column(records, "accession"), strict=True)],
                           dtype=object),
        kind=np.array([title_kind(t) for t in records["title"]], dtype=object),
        abstract_venue=np.array([bool(ABSTRACT_VENUE.search(v)) or bool(SUPPLEMENT_ISSUE.match(i))
                                 for v, i in zip(venue_text, records["issue"], strict=True)], dtype=bool),
        has_locator=((records["volume"].str.strip() != "") | (records["pages"].str.strip() != "")
                     | (records["doi"] != "")).to_numpy(dtype=bool),
    )

"""Field-wise similarity of candidate pairs (vectorised with rapidfuzz) and the rules that decide them.

Each pair gets a verdict (``duplicate``, ``not``, ``review``) and the name of the first rule that applies, so
every merge and every refusal can be explained. The thresholds are the documented constants below; they were set
on several public labelled sets together (see benchmarks/README.md), never on one alone.

Order of the rules: identifiers first (a shared DOI or PMID links, conflicting ones forbid), then the guards
against the known false-merge traps (errata, comments and replies; different years, volumes or pages; conference
abstracts against full papers), then the similarity rules from the strongest evidence to the weakest.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from reviewflow.dedup.features import Features
from reviewflow.dedup.source_forms import journals_compatible
from reviewflow.dedup.title_forms import STOP_WORDS, without_numbers

TITLE_HIGH = 0.95  # near-identical titles (typos, punctuation, markup differences remain)
TITLE_FUZZY = 0.85  # titles that differ by a few words
TITLE_LOW = 0.70  # e.g. a translated or retitled version, only with full bibliographic agreement
TITLE_TRANSLATED = 0.50  # a translated title keeps about half its characters; pages copied onto another work do not
AUTHORS_MATCH = 0.75
ABSTRACT_SAME = 0.90  # the opening of one abstract, differing only by typesetting, truncation or a few words
AUTHORS_STRONG = 0.90
DOI_TITLE_MIN = 0.50
# An identical normalised title this long, with nothing contradicting it (year, volume, pages, DOI, kind), is
# the same work even when the records carry no authors or year to confirm it (thin records from abstracts).
IDENTICAL_TITLE_WORDS = 6  # below this a shared DOI is more likely a data error than the same work
# Titles this long are specific enough to link an early-view record to its issue version ("Editorial" is not).
AHEAD_OF_PRINT_WORDS = 5
# A title this long, identical in the same venue and year, identifies the item whatever its author forms.
IDENTICAL_TITLE_VENUE_WORDS = 8

# Two titles that agree this closely once their standalone numbers are removed are items of one series.
SERIES_REST = 0.95
PARALLEL_PAIRS = 20_000

# Verdicts that clustering keeps as cannot-links (see cluster.py), besides people's "different".
CANNOT_LINK_RULES = frozenset({"override_different", "numbered_series", "shared_doi_different_items",
                               "shared_pmid_different_items", "shared_pmcid_different_items"})

# Rule ranks: lower is applied first when clusters are built.
RULE_RANK = {
    "override_same": 0, "accession": 1, "doi": 1, "pmid": 2, "pmcid": 2, "title_source": 3, "title_authors": 4,
    "title_year_source": 5,
    "identical_title": 6, "fuzzy_title_source": 6, "bibliographic": 7, "same_pages": 7, "ahead_of_print": 7,
    "identical_title_venue": 7, "same_abstract": 7,
    "title_authors_volume": 8,
}


def _similarity(a: np.ndarray, b: np.ndarray, scorer) -> np.ndarray:
    """Pairwise similarity in [0, 1]; NaN where either side is empty."""
    if len(a) == 0:
        return np.empty(0)
    # Worker threads pay off on many pairs; starting them costs more than a few thousand comparisons.
    workers = -1 if len(a) >= PARALLEL_PAIRS else 1
    scores = process.cpdist(list(a), list(b), scorer=scorer, workers=workers).astype(np.float64) / 100.0
    missing = (a == "") | (b == "")
    scores[missing] = np.nan
    return scores


def _match(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """1 equal, 0 different, -1 when either is missing."""
    present = (a != "") & (b != "")
    return np.where(present, (a == b).astype(np.int8), -1).astype(np.int8)


def _pages_match(features: Features, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """1 when the page ranges overlap (``488`` and ``487-488`` agree), 0 when they are disjoint, -1 when either is
    missing or only one is an article number (``e12724`` against a printed range ``1-6`` says nothing)."""
    start_a, start_b = features.page[a], features.page[b]
    known = (start_a != "") & (start_b != "") & (features.page_alpha[a] == features.page_alpha[b])
    out = np.full(len(a), -1, dtype=np.int8)
    for i in np.flatnonzero(known):
        low_a, high_a = int(start_a[i]), int(features.page_end[a[i]])
        low_b, high_b = int(start_b[i]), int(features.page_end[b[i]])
        high_a, high_b = max(low_a, high_a), max(low_b, high_b)
        out[i] = 1 if low_a <= high_b and low_b <= high_a else 0
    return out


def _volume_match(features: Features, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Like ``_match``, but a disagreement that is no evidence counts as unknown: a volume field holding the year
    ("2017-January" against 28), or one export's volume that is the other's supplement number (volume "1" with
    pages S12-S14 against volume 56, issue "SUPPL. 1")."""
    out = _match(features.volume[a], features.volume[b])
    differ = out == 0
    if differ.any():
        year = features.volume_is_year[a] | features.volume_is_year[b]
        supplement = ((features.volume[a] == features.supplement[b]) & features.in_supplement[b]) | (
            (features.volume[b] == features.supplement[a]) & features.in_supplement[a])
        out[differ & (year | supplement)] = -1
    return out


def _title_similarity(features: Features, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Title similarity, the better of character and word-order-free comparison; a title in two languages is
    also compared half by half with the other title (and its halves), keeping the best."""
    title_a, title_b = features.title[a], features.title[b]
    title = np.fmax(_similarity(title_a, title_b, fuzz.ratio), _similarity(title_a, title_b, fuzz.token_sort_ratio))
    halves = np.flatnonzero((features.title_halves[a, 0] != "") | (features.title_halves[b, 0] != ""))
    if halves.size:
        rows_a, rows_b = a[halves], b[halves]
        forms_a = [features.title[rows_a], features.title_halves[rows_a, 0], features.title_halves[rows_a, 1]]
        forms_b = [features.title[rows_b], features.title_halves[rows_b, 0], features.title_halves[rows_b, 1]]
        best = title[halves]
        for x in forms_a:
            for y in forms_b:
                best = np.fmax(best, _similarity(np.asarray(x, dtype=object), np.asarray(y, dtype=object),
                                                 fuzz.ratio))
        title[halves] = best
    return title


def _numbers_differ(features: Features, a: np.ndarray, b: np.ndarray, title: np.ndarray) -> np.ndarray:
    """True where two similar titles carry different numbers and agree once the numbers are removed ("...
    trial 1" / "... trial 2", "Part 1" / "Part 2"): items of one numbered series, not one work. Records on the
    same pages are one item whatever their titles' numbers say (no two parts share a page)."""
    numbers_a, numbers_b = features.title_numbers[a], features.title_numbers[b]
    out = np.zeros(len(a), dtype=bool)
    for i in np.flatnonzero((numbers_a != numbers_b) & (numbers_a != "") & (numbers_b != "")
                            & (np.nan_to_num(title, nan=0.0) >= TITLE_LOW)):
        rest = fuzz.ratio(without_numbers(features.title[a[i]]), without_numbers(features.title[b[i]]))
        out[i] = rest >= SERIES_REST * 100
    return out


def score_pairs(features: Features, pairs: np.ndarray) -> pd.DataFrame:
    """Similarity of every candidate pair (row positions ``a`` < ``b``)."""
    a, b = pairs[:, 0], pairs[:, 1]
    title_a, title_b = features.title[a], features.title[b]
    title = _title_similarity(features, a, b)
    authors = _similarity(features.authors[a], features.authors[b], fuzz.ratio)
    # A list cut short ("Hu J, Santos L, Gonzalez A" against twelve names) matches the longer list's start.
    truncated = (np.minimum(features.n_authors[a], features.n_authors[b]) >= 2) & (
        features.n_authors[a] != features.n_authors[b])
    if truncated.any():
        partial = _similarity(features.authors[a][truncated], features.authors[b][truncated], fuzz.partial_ratio)
        authors[truncated] = np.fmax(authors[truncated], partial)
    # Abstracts only where the title leaves doubt (most pairs are settled by their titles; this keeps the
    # comparison of long texts to the few pairs where it can matter).
    abstract = np.full(len(a), np.nan)
    doubtful = np.flatnonzero(np.nan_to_num(title, nan=0.0) < TITLE_HIGH)
    if doubtful.size:
        abstract[doubtful] = _similarity(features.abstract[a[doubtful]], features.abstract[b[doubtful]], fuzz.ratio)
    year_a, year_b = features.year[a], features.year[b]
    journal_a, journal_b = features.journal[a], features.journal[b]
    journal = np.array([-1 if not x or not y else int(journals_compatible(x, y))
                        for x, y in zip(journal_a, journal_b, strict=True)], dtype=np.int8)
    return pd.DataFrame({
        "a": a, "b": b,
        "title": title, "authors": authors, "abstract": abstract,
        "first_author": _match(features.first_author[a], features.first_author[b]),
        "year_diff": np.where((year_a > 0) & (year_b > 0), np.abs(year_a - year_b), -1),
        "journal": journal,
        "volume": _volume_match(features, a, b),
        "issue": _match(features.issue[a], features.issue[b]),
        "pages_text_same": (features.pages_text[a] != "") & (features.pages_text[a] == features.pages_text[b]),
        "numbers_differ": _numbers_differ(features, a, b, title),
        "column_title": features.column_title[a] & features.column_title[b],
        "page": _pages_match(features, a, b),
        "identical_pages": (features.page[a] != "") & (features.page[a] == features.page[b])
        & (features.page_end[a] == features.page_end[b]),
        "page_span": features.page[a] != features.page_end[a],
        "doi": _match(features.doi[a], features.doi[b]),
        "pmid": _match(features.pmid[a], features.pmid[b]),
        "pmcid": _match(features.pmcid[a], features.pmcid[b]),
        "accession": _match(features.accession[a], features.accession[b]),
        "title_words": np.array([min(len(x.split()), len(y.split())) for x, y in zip(title_a, title_b, strict=True)],
                                dtype=np.int32),
        "identical_title_words": np.where(title_a == title_b, [len(t.split()) for t in title_a], 0),
        "kind_differs": features.kind[a] != features.kind[b],
        "distinct_words": _distinct_words(title_a, title_b, np.nan_to_num(title, nan=0.0) >= TITLE_FUZZY),
        "venue_differs": features.abstract_venue[a] != features.abstract_venue[b],
        # The record that is not from a conference venue prints a multi-page range: a paper, not an abstract.
        "other_is_paper": np.where(features.abstract_venue[a], _page_range(features, b), _page_range(features, a)),
        # ... or at least shows it was published somewhere: a volume, pages or a DOI.
        "other_is_published": np.where(features.abstract_venue[a], features.has_locator[b], features.has_locator[a]),
    })


def _page_range(features: Features, rows: np.ndarray) -> np.ndarray:
    """True where a record's pages span more than one numbered page (``2422-2427``, not ``507`` or ``S12``)."""
    return (features.page[rows] != "") & (features.page[rows] != features.page_end[rows]) & ~features.page_alpha[rows]


def _distinct_words(title_a: np.ndarray, title_b: np.ndarray, similar: np.ndarray) -> np.ndarray:
    """True where each title has a word (4+ letters) with no close counterpart in the other: "Pediatric" vs
    "Adult" in otherwise identical trial titles. Typos and spelling variants have close counterparts, and a word
    present on one side only (a truncated subtitle, a Greek letter lost in an export) is not a substitution."""
    out = np.zeros(len(title_a), dtype=bool)
    for i in np.flatnonzero(similar):
        words_a, words_b = set(title_a[i].split()), set(title_b[i].split())
        only_a = [w for w in words_a - words_b if len(w) >= 4 and w not in STOP_WORDS]
        only_b = [w for w in words_b - words_a if len(w) >= 4 and w not in STOP_WORDS]
        unmatched_a = [w for w in only_a if not any(fuzz.ratio(w, o) >= 75 for o in only_b)]
        unmatched_b = [w for w in only_b if not any(fuzz.ratio(w, o) >= 75 for o in only_a)]
        out[i] = bool(unmatched_a) and bool(unmatched_b)
    return out


def decide(scores: pd.DataFrame) -> pd.DataFrame:
    """Adds ``rule`` and ``verdict`` columns to ``scores`` (in place, and returns it): the first rule (in order)
    whose condition holds decides."""
    s = scores
    title = s["title"].fillna(-1.0).to_numpy()
    authors = s["authors"].to_numpy()
    authors_known = ~np.isnan(authors)
    authors_v = np.nan_to_num(authors, nan=-1.0)
    year_diff = s["year_diff"].to_numpy()
    abstract = s["abstract"].fillna(-1.0).to_numpy()
    years_known = year_diff >= 0
    author_ok = (authors_v >= AUTHORS_MATCH) | (s["first_author"].to_numpy() == 1)

    volume = s["volume"].to_numpy()
    page = s["page"].to_numpy()
    journal = s["journal"].to_numpy()
    doi = s["doi"].to_numpy()
    venue_differs = s["venue_differs"].to_numpy()
    kind_differs = s["kind_differs"].to_numpy()
    title_words = s["title_words"].to_numpy()
    journal_ok = journal != 0
    same_source = (volume == 1) | (page == 1)
    same_item = (volume == 1) & (page == 1)
    # The same physical item (an erratum exported with and without its "Erratum:" prefix): identical first and
    # last page, not merely overlapping ranges (a reply printed on the original's last page overlaps it).
    same_range = s["identical_pages"].to_numpy()
    identical_pages = (volume == 1) & same_range
    distinct = s["distinct_words"].to_numpy()
    # What the rest of the record says about a pair that shares an identifier. A DOI is printed once per
    # supplement by some publishers, so dozens of meeting abstracts share it; an export can cut a DOI short
    # ("10.1892/0891-6640(2003)017", a SICI DOI that lost its tail) so that two articles of one issue share it;
    # a PMID or PMCID can be pasted onto the wrong record. An identifier links only what the rest of the record
    # does not contradict.
    numbers_differ = s["numbers_differ"].to_numpy() & (page != 1)
    locator_agrees = (page == 1) | s["pages_text_same"].to_numpy()
    authors_contradict = authors_known & ~author_ok
    agreement = ((title >= TITLE_FUZZY) & ~numbers_differ).astype(np.int8) + (authors_known & author_ok) \
        + locator_agrees
    contradiction = ((title >= 0) & (title < TITLE_LOW)).astype(np.int8) + authors_contradict \
        + ((page == 0) | (volume == 0)) + numbers_differ
    # Nothing but the identifier in common, and at least two fields against it: different items.
    id_refuted = (agreement == 0) & (contradiction >= 2)
    # Some agreement but more than one field against it, or only contradiction, or other authors under a title
    # that is not the same with no page to confirm it: a person decides.
    id_disputed = (contradiction >= 2) | ((contradiction >= 1) & (agreement == 0)) | (
        authors_contradict & ~locator_agrees & (title < TITLE_HIGH))
    pmid_shared, pmcid_shared = s["pmid"].to_numpy() == 1, s["pmcid"].to_numpy() == 1
    issue = s["issue"].to_numpy()
    conditions: list[tuple[str, str, np.ndarray]] = [
        # Different DOIs never merge on their own (a listed trap), but one article does sometimes carry two (a
        # publisher's legacy and current DOI, "10.1172/jci14270" and "10.1172/jci200214270"). The same long title
        # by the same authors on the same pages of the same volume goes to a person, who can record "same".
        ("possible_doi_alias", "review",
         (doi == 0) & (title >= 0.98) & (title_words >= AHEAD_OF_PRINT_WORDS)
         & (authors_v >= AUTHORS_STRONG) & (year_diff == 0) & identical_pages & (journal == 1)
         & ~kind_differs & ~distinct),
        ("doi_conflict", "not", doi == 0),
        ("pmid_conflict", "not", s["pmid"].to_numpy() == 0),
        # Titles equal but for a standalone number ("... trial 1" / "... trial 2", "Part 1" / "Part 2") are
        # items of a series; with a shared identifier one of the records is wrong, and a person decides.
        ("numbered_series", "review", numbers_differ & ((doi == 1) | pmid_shared | pmcid_shared)),
        ("numbered_series", "not", numbers_differ),
        ("shared_doi_different_items", "not", (doi == 1) & id_refuted),
        ("shared_doi_disputed", "review", (doi == 1) & id_disputed),
        ("doi_title_mismatch", "review", (doi == 1) & (title >= 0) & (title < DOI_TITLE_MIN)),
        ("doi", "duplicate", doi == 1),
        ("shared_pmid_different_items", "not", pmid_shared & id_refuted),
        ("shared_pmid_disputed", "review", pmid_shared & id_disputed),
        ("pmid", "duplicate", pmid_shared),
        ("pmcid_conflict", "not", s["pmcid"].to_numpy() == 0),
        ("shared_pmcid_different_items", "not", pmcid_shared & id_refuted),
        ("shared_pmcid_disputed", "review", pmcid_shared & id_disputed),
        ("pmcid", "duplicate", pmcid_shared),
        # The same record exported twice by one database (overlapping export batches). Two accessions in one
        # database do not forbid a merge: databases hold duplicate entries of one article.
        ("accession", "duplicate", s["accession"].to_numpy() == 1),
        ("kind", "not", kind_differs & ~identical_pages),
        ("no_title", "not", title < 0),
        ("year", "not", year_diff > 1),
        # Same volume and year, pages that disagree (a typo, an article number against printed pages, a
        # one-page notice printed later in the volume under the same title): one work when title and authors
        # agree closely.
        ("title_authors_volume", "duplicate",
         (volume == 1) & (page == 0) & (title >= 0.98) & (authors_v >= AUTHORS_STRONG) & (year_diff == 0)
         & ~distinct),
        # An early-view record has no volume yet and provisional pages ("1-6"), or its issue and page numbers
        # slipped a field; with the same long title, the same authors and the same journal it is the article.
        ("ahead_of_print", "duplicate",
         (volume == -1) & (page == 0) & (title >= 0.98) & (title_words >= AHEAD_OF_PRINT_WORDS)
         & (authors_v >= AUTHORS_STRONG) & (year_diff >= 0) & (year_diff <= 1) & (journal == 1)
         & ~distinct & ~venue_differs),
        ("volume_or_pages_differ", "review",
         ((volume == 0) | (page == 0)) & (title >= TITLE_HIGH) & author_ok & ~distinct),
        ("volume_or_pages_differ", "not", (volume == 0) | (page == 0)),
        # A recurring column ("Editor's Comments", "Editorial") in two issues of one volume: same title, authors
        # and volume, different issue, and no pages to show it is one item. Two printed items until a person
        # says otherwise.
        ("different_issue", "review",
         (volume == 1) & (issue == 0) & (page == -1) & ~s["pages_text_same"].to_numpy() & (title >= TITLE_FUZZY)),
        # A recurring column's title ("Editorial", "Letter from the editor") names a kind of item, not an item:
        # without the same pages it links nothing on its own, whoever wrote it.
        ("column_title", "review", s["column_title"].to_numpy() & (title >= TITLE_FUZZY) & (page != 1)
         & ~s["pages_text_same"].to_numpy()),
        # A conference abstract against a published paper of the same title goes to a person. One abstract
        # exported with and without its meeting name ("Scand J Immunol" 71(6):507 vs "Scandinavian Journal of
        # Immunology.Conference: ...") is the same item: same journal, and the other record prints no multi-page
        # range unless volume and pages agree. A record with no volume, pages or DOI is not shown to be a paper.
        ("conference_vs_article", "review",
         venue_differs & (title >= TITLE_FUZZY) & s["other_is_published"].to_numpy()
         & ((journal != 1) | (s["other_is_paper"].to_numpy() & ~same_item))),
        ("title_source", "duplicate", (title >= TITLE_HIGH) & (year_diff == 0) & same_item),
        # The same multi-page range of the same journal or proceedings in the same year, by the same authors, is
        # one article even when its titles differ (a translated or retitled version): no two articles share pages.
        # (Near-identical titles are left to the title rules below, which name the stronger evidence.)
        ("same_pages", "duplicate",
         same_range & s["page_span"].to_numpy() & (year_diff == 0) & (volume != 0)
         & ((volume == 1) & (journal != 0) | (journal == 1))
         & authors_known & author_ok & (title >= TITLE_TRANSLATED) & ((title < TITLE_HIGH) | distinct)),
        ("distinct_words", "review", distinct & (title >= TITLE_FUZZY)),
        ("title_authors", "duplicate", (title >= TITLE_HIGH) & authors_known & author_ok & years_known),
        ("title_authors", "duplicate",
         (title >= TITLE_HIGH) & ~years_known & (authors_v >= AUTHORS_STRONG) & journal_ok),
        ("title_year_source", "duplicate",
         (title >= TITLE_HIGH) & ~authors_known & (year_diff == 0) & (same_source | (journal == 1))),
        # A long title, word for word, in the same venue and year is one item even when the author names were
        # garbled by an export (given and family names swapped, romanised Chinese names split differently).
        ("identical_title_venue", "duplicate",
         (s["identical_title_words"].to_numpy() >= IDENTICAL_TITLE_VENUE_WORDS) & (year_diff == 0)
         & (journal == 1)),
        ("identical_title", "duplicate",
         (s["identical_title_words"].to_numpy() >= IDENTICAL_TITLE_WORDS) & (year_diff <= 0)
         & (~authors_known | author_ok)),
        ("fuzzy_title_source", "duplicate",
         (title >= TITLE_FUZZY) & (authors_v >= AUTHORS_MATCH) & years_known & same_source & journal_ok),
        ("bibliographic", "duplicate",
         (title >= TITLE_LOW) & (authors_v >= AUTHORS_STRONG) & (year_diff == 0) & same_item),
        # The same abstract under two titles (a translated or retitled record), by the same authors within a
        # year, in a compatible journal: the guards above have already ruled out conflicting volumes and pages.
        # Not across a conference venue: a meeting abstract and the later paper often share their wording.
        ("same_abstract", "duplicate",
         (abstract >= ABSTRACT_SAME) & (title >= TITLE_TRANSLATED) & authors_known & author_ok & years_known
         & journal_ok & ~venue_differs),
        ("similar_title", "review", title >= TITLE_FUZZY),
        # A retitled letter ("Eculizumab in ..." / "Complement blockade in ...") by the same authors in the same
        # journal and year: too little to merge on, worth a person's look.
        ("same_authors_venue", "review",
         (title >= TITLE_LOW) & (authors_v >= AUTHORS_STRONG) & (year_diff == 0) & (journal == 1)),
    ]
    rule = np.full(len(s), "dissimilar", dtype=object)
    verdict = np.full(len(s), "not", dtype=object)
    undecided = np.ones(len(s), dtype=bool)
    for name, outcome, condition in conditions:
        hit = undecided & condition
        rule[hit] = name
        verdict[hit] = outcome
        undecided &= ~hit
    s["rule"] = rule  # in place: at a million records a copy of the scores would cost a gigabyte
    s["verdict"] = verdict
    return s

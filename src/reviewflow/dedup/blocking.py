"""Candidate pairs: records that share at least one blocking key, never all pairs.

Several independent keys are used so that a true duplicate pair with an error in any one field (a title typo,
a missing year, a different author form) still shares some key. A key shared by very many records (a generic
title, a prolific author in a busy year) says little and would make the work quadratic, so groups larger than
``MAX_GROUP`` are skipped for that key; identifier keys (DOI, PMID, PMCID, database accession) are never
skipped.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

import numpy as np

from reviewflow.dedup.features import Features

MAX_GROUP = 64


def _pairs_from_keys(keys: Iterable[str], cap: int | None) -> np.ndarray:
    """(i, j) row-position pairs, i < j, of records sharing a non-empty key."""
    array = np.array(list(keys), dtype=object)
    present = np.flatnonzero(array != "")
    if present.size < 2:
        return np.empty((0, 2), dtype=np.int64)
    order = present[np.argsort(array[present], kind="stable")]
    sorted_keys = array[order]
    boundaries = np.flatnonzero(sorted_keys[1:] != sorted_keys[:-1]) + 1
    starts = np.concatenate(([0], boundaries))
    sizes = np.diff(np.concatenate((starts, [len(order)])))
    chunks = []
    for size in np.unique(sizes):
        if size < 2 or (cap is not None and size > cap):
            continue
        group_starts = starts[sizes == size]
        first, second = np.triu_indices(size, k=1)
        left = order[(group_starts[:, None] + first[None, :]).ravel()]
        right = order[(group_starts[:, None] + second[None, :]).ravel()]
        chunks.append(np.stack((np.minimum(left, right), np.maximum(left, right)), axis=1))
    return np.concatenate(chunks) if chunks else np.empty((0, 2), dtype=np.int64)


# Section labels that structured abstracts start with in some databases and not in others.
_ABSTRACT_LABELS = frozenset({"abstract", "background", "backgrounds", "introduction", "objective", "objectives",
                              "purpose", "aim", "aims", "context", "summary"})


def _abstract_start(abstract: str) -> str:
    """The first six words of an abstract after its section labels (one abstract under two titles)."""
    words = [w for w in abstract.split()[:12] if w not in _ABSTRACT_LABELS]
    return " ".join(words[:6]) if len(words) >= 6 else ""


def blocking_keys(features: Features) -> dict[str, tuple[list[str], int | None]]:
    """Each key's value per record ("" = no key) and its group-size cap."""
    tokens = features.title_tokens
    frequency = Counter(word for words in tokens for word in set(words))
    rare = [" ".join(sorted(sorted(set(words), key=lambda w: (frequency[w], w))[:3])) if len(set(words)) >= 3
            else "" for words in tokens]
    year = [str(y) if y else "" for y in features.year]
    return {
        "doi": (list(features.doi), None),
        "pmid": (list(features.pmid), None),
        "pmcid": (list(features.pmcid), None),
        "accession": (list(features.accession), None),
        "title": (list(features.title), MAX_GROUP),
        "title_start": ([" ".join(w[:4]) if len(w) >= 4 else "" for w in tokens], MAX_GROUP),
        "title_end": ([" ".join(w[-4:]) if len(w) >= 4 else "" for w in tokens], MAX_GROUP),
        "title_rare_words": (rare, MAX_GROUP),
        "title_word_starts": ([" ".join(word[:3] for word in w[:4]) if len(w) >= 4 else "" for w in tokens],
                              MAX_GROUP),
        "journal_volume_page": ([f"{j.split()[0]}|{v}|{p}" if j and v and p else "" for j, v, p in
                                 zip(features.journal, features.volume, features.page, strict=True)], MAX_GROUP),
        "author_year_page": ([f"{a}|{y}|{p}" if a and y and p else "" for a, y, p in
                              zip(features.first_author, year, features.page, strict=True)], MAX_GROUP),
        "author_year_title": ([f"{a}|{y}|{' '.join(w[:2])}" if a and y and len(w) >= 2 else "" for a, y, w in
                               zip(features.first_author, year, tokens, strict=True)], MAX_GROUP),
        "abstract_start": ([_abstract_start(text) for text in features.abstract], MAX_GROUP),
        "volume_page_year": ([f"{v}|{p}|{y}" if v and p and y else "" for v, p, y in
                              zip(features.volume, features.page, year, strict=True)], MAX_GROUP),
    }


def candidate_pairs(features: Features) -> np.ndarray:
    """Unique (i, j) row-position pairs, sorted, from all blocking keys."""
    chunks = [_pairs_from_keys(values, cap) for values, cap in blocking_keys(features).values()]
    pairs = np.concatenate(chunks) if chunks else np.empty((0, 2), dtype=np.int64)
    if pairs.size == 0:
        return pairs
    return np.unique(pairs, axis=0)

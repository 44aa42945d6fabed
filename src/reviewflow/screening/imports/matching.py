"""Which work an imported record is: by DOI, then PMID, then normalised title (narrowed by year).

A tool's export holds the records as the tool imported them, so the identifiers the dedup stage merged are the
ones to try in order of trust. A record matching several works (two works sharing a title) or none is not guessed:
it is reported.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import pandas as pd

from reviewflow.normalize import normalise_doi, title_key


@dataclass
class Match:
    work_ids: list[str]
    by: str  # doi, pmid, title, or "" when nothing matched


class WorkIndex:
    """The works' DOIs, PMIDs and title keys, each to the works carrying it."""

    def __init__(self, works: pd.DataFrame) -> None:
        self.doi: dict[str, list[str]] = defaultdict(list)
        self.pmid: dict[str, list[str]] = defaultdict(list)
        self.title: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for work in works.itertuples(index=False):
            doi = normalise_doi(getattr(work, "doi", ""))
            if doi:
                self.doi[doi].append(work.work_id)
            pmid = str(getattr(work, "pmid", "")).strip()
            if pmid:
                self.pmid[pmid].append(work.work_id)
            key = title_key(getattr(work, "title", ""))
            if key:
                self.title[key].append((work.work_id, str(getattr(work, "year", "")).strip()))

    def match(self, doi: str, pmid: str, title: str, year: str) -> Match:
        """The works the record may be; one id when it is settled."""
        if doi and doi in self.doi:
            return Match(self.doi[doi], "doi")
        if pmid and pmid in self.pmid:
            return Match(self.pmid[pmid], "pmid")
        candidates = self.title.get(title_key(title), [])
        if year and len(candidates) > 1:
            same_year = [c for c in candidates if c[1] == year]
            candidates = same_year or candidates
        if year and len(candidates) == 1 and candidates[0][1] and candidates[0][1] != year:
            # Same title, another year: an erratum, a reprint or a conference abstract; not guessed.
            return Match([], "")
        return Match([c[0] for c in candidates], "title" if candidates else "")

"""The deduplicated works written back out for reference managers (RIS, BibTeX) and spreadsheets (CSV).

Each exported reference carries its work id, so a co-author's library can be matched back to the review's
decisions; the RIS is read back by our own reader in the tests, so what we write is what we can import.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from reviewflow.normalize import surname
from reviewflow.report.bibliography import write_bibtex
from reviewflow.tables import write_table

CSV_COLUMNS = ["work_id", "authors", "title", "year", "journal", "journal_abbrev", "volume", "issue", "pages",
               "doi", "pmid", "pmcid", "issn", "abstract", "keywords", "language", "url", "databases",
               "member_record_ids"]


def _ris_author(author: str) -> str:
    """``Surname, I.J.`` from ``Surname IJ``, the form reference managers split correctly."""
    family = surname(author)
    initials = author[len(family):].strip()
    if not initials or family == author:
        return author
    return f"{family}, " + "".join(f"{letter}." for letter in initials)


def _ris_type(publication_types: str) -> str:
    text = publication_types.lower()
    if "book" in text and "chapter" in text:
        return "CHAP"
    if "conference" in text or "congress" in text or "meeting" in text:
        return "CONF"
    if "thesis" in text:
        return "THES"
    return "JOUR"


def works_to_ris(works: pd.DataFrame) -> str:
    """RIS text, one reference per work in work id order."""
    out: list[str] = []
    for work in works.sort_values("work_id", kind="mergesort").itertuples(index=False):
        lines = [f"TY  - {_ris_type(work.publication_types)}", f"ID  - {work.work_id}"]

        def add(tag: str, value: str, lines: list[str] = lines) -> None:
            if value:
                lines.append(f"{tag}  - {' '.join(str(value).split())}")

        add("TI", work.title)
        for author in filter(None, work.authors.split("; ")):
            add("AU", _ris_author(author))
        add("PY", work.year)
        add("T2", work.journal)
        add("J2", work.journal_abbrev)
        add("VL", work.volume)
        add("IS", work.issue)
        start, _, end = work.pages.partition("-")
        add("SP", start)
        add("EP", end)
        add("DO", work.doi)
        add("AN", work.pmid)
        add("C2", work.pmcid)
        for issn in filter(None, work.issn.split("; ")):
            add("SN", issn)
        add("LA", work.language)
        add("AB", work.abstract)
        for keyword in filter(None, work.keywords.split("; ")):
            add("KW", keyword)
        add("UR", work.url)
        add("N1", f"reviewflow work {work.work_id}; records {work.member_record_ids}")
        lines.append("ER  - ")
        out.append("\n".join(lines))
    return "\n\n".join(out) + "\n" if out else ""


def export_works(works: pd.DataFrame, ris: Path, bibtex: Path, csv: Path) -> None:
    """Write the works as RIS, BibTeX and CSV."""
    ris.parent.mkdir(parents=True, exist_ok=True)
    ris.write_text(works_to_ris(works), encoding="utf-8")
    write_bibtex(works, bibtex)
    write_table(works[CSV_COLUMNS], csv, sort_by=["work_id"])

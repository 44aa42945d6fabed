"""Citation tables in the layout deduplication tools share (ASySD, revtools, bib-dedupe's benchmark sets):
``record_id`` (or ``ID``), ``author`` (names joined by `` and `` or ``;``), ``title``, ``year``, ``journal``,
``volume``, ``number``, ``pages``, ``doi``, ``abstract``, ``isbn``, turned into rows of our records table so
the same deduplication runs on them."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from reviewflow.errors import InputError
from reviewflow.importing.exports import RECORD_COLUMNS
from reviewflow.normalize import extract_year, normalise_doi, normalise_pages, short_author
from reviewflow.tables import read_table

_SPLIT_AUTHORS = re.compile(r"\s+and\s+|\s*;\s*")


def is_citation_table(path: Path) -> bool:
    """True for a CSV whose header has an id column and the title/author columns of this layout."""
    try:
        with path.open(encoding="utf-8-sig", errors="replace") as handle:
            header = handle.readline().lower()
    except OSError:
        return False
    names = {name.strip().strip('"') for name in header.split(",")}
    return bool(names & {"record_id", "id"}) and {"title", "author"} <= names


def citations_to_records(frame: pd.DataFrame, *, source: str = "citations", database: str = "citations"
                         ) -> pd.DataFrame:
    """Records-table rows (see docs/DATA_CONTRACTS.md) from a citation table; ids are kept as given."""
    frame = frame.fillna("").astype(str)
    id_column = "record_id" if "record_id" in frame.columns else "ID"
    if id_column not in frame.columns or "title" not in frame.columns:
        raise InputError("citation table lacks an id or title column", file=source,
                         expected="columns record_id (or ID), author, title, year, journal, volume, number, pages, doi")
    duplicated = frame[id_column][frame[id_column].duplicated(keep=False)]
    if not duplicated.empty:
        shown = ", ".join(sorted(set(duplicated))[:5])
        raise InputError(f"duplicate record ids in the input: {shown}", file=source, field=id_column,
                         expected="each record id once")

    def column(name: str) -> pd.Series:
        return frame[name] if name in frame.columns else pd.Series([""] * len(frame), index=frame.index)

    authors_full = column("author").map(lambda v: [a.strip() for a in _SPLIT_AUTHORS.split(v) if a.strip()])
    authors = authors_full.map(lambda names: [short_author(n) for n in names])
    records = pd.DataFrame({
        "record_id": frame[id_column],
        "database": database,
        "source_file": source,
        "source_position": range(1, len(frame) + 1),
        "source_line": range(2, len(frame) + 2),
        "format": "citations",
        "accession": "",
        "title": column("title").map(lambda t: " ".join(t.split())),
        "authors": authors.map("; ".join),
        "authors_full": authors_full.map("; ".join),
        "first_author": authors.map(lambda a: a[0] if a else ""),
        "year": column("year").map(extract_year),
        "journal": column("journal").where(column("journal") != "", column("booktitle")),
        "journal_abbrev": "",
        "volume": column("volume"),
        "issue": column("number").where(column("number") != "", column("issue")),
        "pages": column("pages").map(normalise_pages),
        "doi": column("doi").map(normalise_doi),
        "pmid": column("pmid"),
        "pmcid": "",
        "issn": column("isbn"),
        "abstract": column("abstract"),
        "language": "",
        "publication_types": column("ENTRYTYPE"),
        "keywords": "",
        "url": column("url"),
    })
    return records[RECORD_COLUMNS]


def read_citation_table(path: Path, database: str = "citations") -> pd.DataFrame:
    """A citation CSV from disk as records-table rows."""
    return citations_to_records(read_table(path), source=path.as_posix(), database=database)

"""What every export reader produces: one ``ParsedRecord`` per exported record, in file order."""

from __future__ import annotations

from dataclasses import dataclass, field

BIBLIOGRAPHIC_FIELDS: tuple[str, ...] = (
    "title",
    "authors",
    "year",
    "journal",
    "journal_abbrev",
    "volume",
    "issue",
    "pages",
    "doi",
    "pmid",
    "abstract",
    "language",
    "publication_types",
    "keywords",
)


@dataclass
class ParsedRecord:
    """One exported record: where it sits in its file and its normalised bibliographic fields.

    ``accession`` is the database's own identifier for the record when the export carries one (the PMID in a
    PubMed file); it becomes the record id. ``authors``, ``publication_types`` and ``keywords`` are lists.
    """

    position: int
    line: int
    accession: str = ""
    title: str = ""
    authors: list[str] = field(default_factory=list)
    year: str = ""
    journal: str = ""
    journal_abbrev: str = ""
    volume: str = ""
    issue: str = ""
    pages: str = ""
    doi: str = ""
    pmid: str = ""
    abstract: str = ""
    language: str = ""
    publication_types: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)

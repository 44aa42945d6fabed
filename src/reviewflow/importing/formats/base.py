"""What every export reader produces: one ``ParsedRecord`` per exported record, in file order."""

from __future__ import annotations

from dataclasses import dataclass, field

# The normalised bibliographic columns of the records table (results/records.csv), in order; the works table
# carries the same columns except authors_full.
RECORD_FIELDS: tuple[str, ...] = (
    "title", "authors", "authors_full", "first_author", "year", "journal", "journal_abbrev", "volume", "issue",
    "pages", "doi", "pmid", "pmcid", "issn", "abstract", "language", "publication_types", "keywords", "url",
)


@dataclass
class ParsedRecord:
    """One exported record: where it sits in its file and its normalised bibliographic fields.

    ``accession`` is the database's own identifier for the record when the export carries one (PMID, Scopus
    EID, WoS UT, Embase accession number, CENTRAL id); it becomes the record id. ``authors`` holds the names as
    exported (``Neilen, Amanda D`` or ``Neilen AD``), in order; ``issn``, ``publication_types`` and ``keywords``
    are lists. ``raw`` keeps every field of the exported record (tag or column -> value or list of values) for
    the audit trail.
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
    pmcid: str = ""
    issn: list[str] = field(default_factory=list)
    abstract: str = ""
    language: str = ""
    publication_types: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    url: str = ""
    raw: dict[str, list[str] | str] = field(default_factory=dict)


def first_value(raw: dict[str, list[str]], *tags: str) -> str:
    """The first non-blank value, stripped, under any of ``tags`` in that order (tagged formats repeat tags and
    leave some empty)."""
    for tag in tags:
        for value in raw.get(tag, []):
            if value.strip():
                return value.strip()
    return ""

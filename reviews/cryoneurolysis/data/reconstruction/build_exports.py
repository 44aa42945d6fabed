"""Rebuild the review's search exports from the public bibliographic records in corpus_records.csv.

The published review searched PubMed, Scopus, Embase and Web of Science, but its own exports are not public, so
this script writes stand-ins for them from the corpus (one row per real study, blank = not seen). Each database
gets the rows a fixed rule assigns to it (see ``memberships``), written in that database's own export format:

* PubMed: MEDLINE ("PubMed format") in ``data/raw/pubmed/pubmed-cryoneurolysis-set.txt``;
* Scopus: the CSV export in ``data/raw/scopus/scopus.csv``;
* Embase: the Embase.com RIS export in ``data/raw/embase/embase.ris``;
* Web of Science: the plain-text tagged export in ``data/raw/wos/savedrecs.txt``.

It also writes ``data/reconstruction/provenance.csv`` (where each record was written: the export file, relative
to the project root as the import step names it, the 1-based position of the record in that file, and the corpus
key; a key appears once per database that holds it) and ``data/search_log.yaml`` (the PRISMA-S search log, with
reconstructed queries and dates). The Scopus RIS file of earlier versions is removed.

Only fields the corpus has seen are written; nothing is guessed. The output depends on the corpus alone (the
search date is a constant, there is no randomness: membership comes from SHA-1 hashes), so re-running on the same
corpus gives the same bytes. After writing, every file is read back on its own (Bio.Medline, the csv module,
rispy, a small WoS tag reader, PyYAML) and checked against the records it was meant to hold, and the provenance
table is checked against all of them. See README.md in this folder for the rules.

Run from the project root::

    python data/reconstruction/build_exports.py
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import sys
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
CORPUS = HERE / "corpus_records.csv"
PUBMED_OUT = ROOT / "data" / "raw" / "pubmed" / "pubmed-cryoneurolysis-set.txt"
SCOPUS_OUT = ROOT / "data" / "raw" / "scopus" / "scopus.csv"
EMBASE_OUT = ROOT / "data" / "raw" / "embase" / "embase.ris"
WOS_OUT = ROOT / "data" / "raw" / "wos" / "savedrecs.txt"
#: Written by earlier versions of this script (Scopus as RIS); removed, because Scopus is now a CSV export.
RETIRED_OUTPUTS = (ROOT / "data" / "raw" / "scopus" / "scopus-cryoneurolysis-set.ris",)
PROVENANCE_OUT = HERE / "provenance.csv"
PROVENANCE_COLUMNS = ["source_file", "source_position", "key"]
SEARCH_LOG_OUT = ROOT / "data" / "search_log.yaml"
SEARCH_LOG_SCHEMA = ROOT / "src" / "reviewflow" / "schemas" / "search_log.schema.json"

#: The day this reconstruction was generated, written as every search's date_searched. A constant, not the
#: run date, so that re-runs give the same bytes. The published review's search date is not in our sources.
RECONSTRUCTED_ON = "2026-11-24"

#: Databases in the config's priority order (config/review.yaml ids).
DATABASES: tuple[str, ...] = ("pubmed", "scopus", "embase", "wos")
#: Share of the eligible corpus rows that Scopus, Embase and Web of Science each hold (see memberships()).
SHARES: dict[str, float] = {"scopus": 0.85, "embase": 0.70, "wos": 0.60}
#: Where a row goes when no rule gives it a database (the largest database); also the only home of thin rows.
FALLBACK_DATABASE = "scopus"

Row = dict[str, str]

# ----------------------------------------------------------------------------------------------------
# Vocabulary maps. Every corpus value is listed on purpose; a value missing from a map is left out.
# ----------------------------------------------------------------------------------------------------

#: Corpus language -> MEDLINE LA code (NLM three-letter codes).
MEDLINE_LANGUAGE: dict[str, str] = {
    "English": "eng",
    "English (Italian summary)": "eng",
    "French": "fre",
    "Russian": "rus",
    "Polish": "pol",
    "Italian": "ita",
}

#: Corpus language -> the language spelled out, as Scopus, Embase and Web of Science give it (the document's
#: language; a summary language is not counted).
SPELLED_LANGUAGE: dict[str, str] = {
    "English": "English",
    "English (Italian summary)": "English",
    "French": "French",
    "Russian": "Russian",
    "Polish": "Polish",
    "Italian": "Italian",
}

#: Corpus publication_type (lower-cased) -> MEDLINE PT values, only where the names agree exactly.
MEDLINE_PUBLICATION_TYPES: dict[str, tuple[str, ...]] = {
    "journal article": ("Journal Article",),
    "review": ("Review",),
    "case report": ("Case Reports",),
    "case reports": ("Case Reports",),
    "randomized controlled trial": ("Randomized Controlled Trial",),
    "systematic review": ("Systematic Review",),
    "meta-analysis": ("Meta-Analysis",),
    "systematic review and meta-analysis": ("Meta-Analysis", "Systematic Review"),
    "observational study": ("Observational Study",),
}

#: Corpus publication_type (lower-cased) -> Scopus document type (M3). Types that do not say clearly which
#: Scopus type applies (case reports, trials, notes, protocols, theses ...) are left without M3.
SCOPUS_DOCUMENT_TYPES: dict[str, str] = {
    "journal article": "Article",
    "article": "Article",
    "article, peer-reviewed": "Article",
    "original article": "Article",
    "original paper": "Article",
    "research article": "Article",
    "scientific article": "Article",
    "journal article (early online)": "Article",
    "journal article (retrospective review)": "Article",
    "journal article (technique description)": "Article",
    "review": "Review",
    "review article": "Review",
    "review paper": "Review",
    "journal article (review)": "Review",
    "narrative review": "Review",
    "scoping review": "Review",
    "systematic review": "Review",
    "systematic review and meta-analysis": "Review",
    "book chapter (chapter 79)": "Book Chapter",
    "book chapter (online reference)": "Book Chapter",
    "conference abstract": "Conference Paper",
    "meeting abstract": "Conference Paper",
    "congress poster (world congress on pain 2024)": "Conference Paper",
    "scientific electronic presentation (case)": "Conference Paper",
}

#: Scopus document type (as mapped above) -> Embase.com document type (RIS M3). Embase calls a meeting item a
#: "Conference Abstract"; book chapters get no M3 (we have not seen how Embase would type them).
EMBASE_DOCUMENT_TYPES: dict[str, str] = {
    "Article": "Article",
    "Review": "Review",
    "Conference Paper": "Conference Abstract",
}

#: Scopus document type (as mapped above) -> Web of Science document type (DT). Meeting items are WoS "Meeting
#: Abstract"; book chapters get no DT.
WOS_DOCUMENT_TYPES: dict[str, str] = {
    "Article": "Article",
    "Review": "Review",
    "Conference Paper": "Meeting Abstract",
}

#: Name suffixes that may follow the initials in a corpus author ("Palmer FR 3rd", "Crockarell JR Jr").
NAME_SUFFIXES: dict[str, str] = {"Jr": "Jr.", "Sr": "Sr.", "2nd": "2nd", "3rd": "3rd", "4th": "4th"}

# ----------------------------------------------------------------------------------------------------
# Reading the corpus
# ----------------------------------------------------------------------------------------------------


def read_corpus(path: Path = CORPUS) -> list[Row]:
    """Return the corpus rows as dictionaries of stripped strings (a blank string means "not seen")."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [{key: (value or "").strip() for key, value in row.items()} for row in csv.DictReader(handle)]
    keys = [row["key"] for row in rows]
    if len(set(keys)) != len(keys):
        raise ValueError("corpus keys are not unique")
    for row in rows:
        for column, value in row.items():
            if re.search(r"[\r\n\t]", value):
                raise ValueError(f"{row['key']}: {column} holds a line break or tab, which the exports cannot carry")
    return rows


# ----------------------------------------------------------------------------------------------------
# Which database holds which row
# ----------------------------------------------------------------------------------------------------


def draw(database: str, key: str) -> float:
    """A number in [0, 1) fixed by the corpus key and the database: the first 8 hex digits of
    SHA-1("<database>|<key>") divided by 16**8. Salting with the database name gives each database its own,
    independent-looking share of the rows."""
    return int(hashlib.sha1(f"{database}|{key}".encode()).hexdigest()[:8], 16) / 16**8


def is_thin(row: Row) -> bool:
    """A row with no title, no DOI and no PMID: too little is known to show how several databases present it."""
    return not (row["title"] or row["doi"] or row["pmid"])


def databases_of(row: Row) -> list[str]:
    """The databases that hold the row, in DATABASES order.

    PubMed holds every row with a PMID. A thin row (is_thin) is held by Scopus alone. Every other row is held by
    Scopus, Embase and Web of Science when draw(database, key) is below the database's SHARES value. A row that
    none of these rules places goes to the fallback database, so every row is in at least one export.
    """
    if is_thin(row):
        return [FALLBACK_DATABASE]
    chosen = {"pubmed"} if row["pmid"] else set()
    chosen |= {database for database, share in SHARES.items() if draw(database, row["key"]) < share}
    return [database for database in DATABASES if database in chosen] or [FALLBACK_DATABASE]


def by_year(rows: Iterable[Row]) -> list[Row]:
    """Newest year first (as the databases' "date, newest" sort), rows with no year last, ties by corpus key."""
    return sorted(rows, key=lambda row: (-int(row["year"]) if row["year"] else 1, row["key"]))


def memberships(rows: Iterable[Row]) -> dict[str, list[Row]]:
    """Each database's rows in file order: PubMed by PMID, newest first (numeric descending); the others by
    by_year."""
    held: dict[str, list[Row]] = {database: [] for database in DATABASES}
    for row in rows:
        for database in databases_of(row):
            held[database].append(row)
    held["pubmed"].sort(key=lambda row: int(row["pmid"]), reverse=True)
    for database in DATABASES[1:]:
        held[database] = by_year(held[database])
    return held


# ----------------------------------------------------------------------------------------------------
# Shared helpers
# ----------------------------------------------------------------------------------------------------


def split_author(author: str) -> tuple[str, str, str]:
    """Split a corpus author "Surname Initials [Suffix]" into (surname, initials, suffix).

    The initials are the last word when it is written in capital letters only (at most four, as in "JD" or
    "È"); a suffix from NAME_SUFFIXES may follow them. A name without such a word is a surname alone
    ("Harbaugh", "Cadaval Gallardo", "von Falck").
    """
    words = author.split()
    suffix = ""
    if len(words) >= 3 and words[-1] in NAME_SUFFIXES:
        suffix = words[-1]
        words = words[:-1]
    if len(words) >= 2 and words[-1].isalpha() and words[-1].isupper() and len(words[-1]) <= 4:
        return " ".join(words[:-1]), words[-1], suffix
    return " ".join(words + ([suffix] if suffix else [])), "", ""


def corpus_authors(row: Row) -> list[str]:
    """The row's authors in corpus order ("Surname Initials" each)."""
    return [name.strip() for name in row["authors"].split(";") if name.strip()]


def dotted_author(author: str, comma: bool) -> str:
    """Corpus "Surname Initials [Suffix]" -> Elsevier's "Surname, I.J.[, Suffix]" (comma=True: Scopus and
    Embase RIS) or "Surname I.J.[, Suffix]" (comma=False: the Scopus CSV "Authors" column). A surname alone
    stays alone."""
    surname, initials, suffix = split_author(author)
    if not initials:
        return surname
    name = f"{surname}{',' if comma else ''} " + "".join(f"{letter}." for letter in initials)
    return f"{name}, {NAME_SUFFIXES[suffix]}" if suffix else name


def split_pages(pages: str) -> tuple[str, str]:
    """Corpus pages -> (start, end). "1234-1240" -> ("1234", "1240"); MEDLINE-style shortened end pages are
    written out ("1121-6" -> "1126", as Scopus, Embase and WoS give full page numbers); a single value is the
    start page."""
    match = re.fullmatch(r"([^-\s]+)-([^-\s]+)", pages)
    if not match:
        return pages, ""
    start, end = match.groups()
    if start.isdigit() and end.isdigit() and len(end) < len(start):
        full = start[: len(start) - len(end)] + end
        if int(full) > int(start):
            end = full
    return start, end


def row_pages(row: Row) -> tuple[str, str]:
    """(start, end) page of a row, or two blanks."""
    return split_pages(row["pages"]) if row["pages"] else ("", "")


def scopus_document_type(row: Row) -> str:
    """The Scopus document type the corpus publication type clearly names, or blank."""
    return SCOPUS_DOCUMENT_TYPES.get(row["publication_type"].lower(), "")


def spelled_language(row: Row) -> str:
    """The language spelled out (Scopus, Embase and WoS style), or blank when not seen."""
    return SPELLED_LANGUAGE[row["language"]] if row["language"] else ""


# ----------------------------------------------------------------------------------------------------
# PubMed (MEDLINE) format
# ----------------------------------------------------------------------------------------------------

MEDLINE_WIDTH = 81
"""Characters of text per MEDLINE line after the 6-character tag column (PubMed's own width)."""


def wrap_medline(text: str, width: int = MEDLINE_WIDTH) -> list[str]:
    """Wrap a field value the way current PubMed writes its "PubMed format" files.

    PubMed breaks at the last space that still lets the line hold at most ``width`` characters of words, and
    keeps that space at the end of the line (so a wrapped line carries a trailing space and may be
    ``width + 1`` characters long). A word longer than the width is cut at the width. This reproduces the line
    breaks of PubMed exports made in 2022 and 2024 exactly (see README.md).
    """
    lines: list[str] = []
    rest = text
    while len(rest) > width:
        cut = rest.rfind(" ", 0, width + 1)
        if cut <= 0:
            lines.append(rest[:width])
            rest = rest[width:]
        else:
            lines.append(rest[: cut + 1])
            rest = rest[cut + 1 :]
    lines.append(rest)
    return lines


def medline_field(tag: str, value: str) -> list[str]:
    """Lines of one MEDLINE field: tag padded to four characters, "- ", continuation lines indented by six."""
    head, *tail = wrap_medline(value)
    return [f"{tag:<4}- {head}"] + [f"      {line}" for line in tail]


def medline_title(title: str) -> str:
    """PubMed ends every title with a full stop (or the question or exclamation mark it already has)."""
    return title if title.endswith((".", "?", "!")) else title + "."


def medline_source(row: Row) -> str:
    """The SO (source) line, built like PubMed's "TA. DP;VI(IP):PG. doi: DOI." from the parts present."""
    citation = row["year"]
    volume = row["volume"] + (f"({row['issue']})" if row["issue"] else "")
    if volume:
        citation = f"{citation};{volume}" if citation else volume
    if row["pages"]:
        citation = f"{citation}:{row['pages']}" if citation else row["pages"]
    parts = [part for part in (row["journal_abbrev"], citation) if part]
    source = ". ".join(parts) + "." if parts else ""
    if row["doi"]:
        source = f"{source} doi: {row['doi']}." if source else f"doi: {row['doi']}."
    return source


def medline_record(row: Row) -> list[str]:
    """All lines of one PubMed record, in PubMed's tag order, with only the fields the corpus has."""
    lines: list[str] = []

    def add(tag: str, value: str) -> None:
        if value:
            lines.extend(medline_field(tag, value))

    add("PMID", row["pmid"])
    add("VI", row["volume"])
    add("IP", row["issue"])
    add("DP", row["year"])
    add("TI", medline_title(row["title"]) if row["title"] else "")
    add("PG", row["pages"])
    add("LID", f"{row['doi']} [doi]" if row["doi"] else "")
    for author in corpus_authors(row):
        add("AU", author)
    if row["language"]:
        add("LA", MEDLINE_LANGUAGE[row["language"]])
    for publication_type in MEDLINE_PUBLICATION_TYPES.get(row["publication_type"].lower(), ()):
        add("PT", publication_type)
    add("TA", row["journal_abbrev"])
    add("JT", row["journal"])
    add("PMC", row["pmcid"])
    add("AID", f"{row['doi']} [doi]" if row["doi"] else "")
    add("SO", medline_source(row))
    return lines


def medline_text(rows: Iterable[Row]) -> str:
    """The whole PubMed file: each record followed by one blank line, LF line endings, no byte-order mark."""
    return "".join("\n".join(medline_record(row)) + "\n\n" for row in rows)


# ----------------------------------------------------------------------------------------------------
# Scopus CSV
# ----------------------------------------------------------------------------------------------------

#: The columns of a current Scopus CSV export ("all information"), in Scopus's order.
SCOPUS_COLUMNS: list[str] = [
    "Authors",
    "Author full names",
    "Author(s) ID",
    "Title",
    "Year",
    "Source title",
    "Volume",
    "Issue",
    "Art. No.",
    "Page start",
    "Page end",
    "Page count",
    "Cited by",
    "DOI",
    "Link",
    "Affiliations",
    "Authors with affiliations",
    "Abstract",
    "Author Keywords",
    "Index Keywords",
    "Molecular Sequence Numbers",
    "Chemicals/CAS",
    "Tradenames",
    "Manufacturers",
    "Funding Details",
    "Funding Texts",
    "References",
    "Correspondence Address",
    "Editors",
    "Publisher",
    "Sponsors",
    "Conference name",
    "Conference date",
    "Conference location",
    "Conference code",
    "ISSN",
    "ISBN",
    "CODEN",
    "PubMed ID",
    "Language of Original Document",
    "Abbreviated Source Title",
    "Document Type",
    "Publication Stage",
    "Open Access",
    "Source",
    "EID",
]


def scopus_csv_row(row: Row) -> Row:
    """One Scopus CSV row: the columns the corpus can fill, every other column empty (not seen)."""
    start, end = row_pages(row)
    values = {
        "Authors": "; ".join(dotted_author(author, comma=False) for author in corpus_authors(row)),
        "Title": row["title"],
        "Year": row["year"],
        "Source title": row["journal"],
        "Volume": row["volume"],
        "Issue": row["issue"],
        "Page start": start,
        "Page end": end,
        "DOI": row["doi"],
        "PubMed ID": row["pmid"],
        "Language of Original Document": spelled_language(row),
        "Abbreviated Source Title": row["journal_abbrev"],
        "Document Type": scopus_document_type(row),
        "Source": "Scopus",
    }
    return {column: values.get(column, "") for column in SCOPUS_COLUMNS}


def scopus_csv_text(rows: Iterable[Row]) -> str:
    """The whole Scopus file: UTF-8 byte-order mark, header, every field quoted, LF line endings."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=SCOPUS_COLUMNS, quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writeheader()
    writer.writerows(scopus_csv_row(row) for row in rows)
    return "\ufeff" + buffer.getvalue()


# ----------------------------------------------------------------------------------------------------
# Embase.com RIS
# ----------------------------------------------------------------------------------------------------


def embase_type(row: Row) -> str:
    """RIS TY for Embase: CHAP for a book chapter, THES for a thesis, JOUR for everything else (Embase exports
    its conference abstracts, which it takes from journal supplements, as JOUR with M3 "Conference Abstract")."""
    kind = row["publication_type"].lower()
    if "book chapter" in kind:
        return "CHAP"
    if "thesis" in kind:
        return "THES"
    return "JOUR"


def embase_record(row: Row) -> list[str]:
    """All lines of one Embase.com RIS record in Embase's tag order, ending with "ER  - "."""
    lines: list[str] = []

    def add(tag: str, value: str) -> None:
        if value:
            lines.append(f"{tag}  - {value}")

    start, end = row_pages(row)
    add("TY", embase_type(row))
    add("M3", EMBASE_DOCUMENT_TYPES.get(scopus_document_type(row), ""))
    add("Y1", row["year"])
    add("VL", row["volume"])
    add("IS", row["issue"])
    add("SP", start)
    add("EP", end)
    add("JF", row["journal"])
    add("JO", row["journal_abbrev"])
    add("DB", "Embase")
    add("L2", f"http://dx.doi.org/{row['doi']}" if row["doi"] else "")
    add("DO", row["doi"])
    for author in corpus_authors(row):
        add("A1", dotted_author(author, comma=True))
    add("T1", row["title"])
    add("LA", spelled_language(row))
    lines.append("ER  - ")
    return lines


def embase_text(rows: Iterable[Row]) -> str:
    """The whole Embase file: each record followed by one blank line, LF line endings, no byte-order mark (as
    Embase.com exports in 2024)."""
    return "".join("\n".join(embase_record(row)) + "\n\n" for row in rows)


# ----------------------------------------------------------------------------------------------------
# Web of Science plain text ("tagged")
# ----------------------------------------------------------------------------------------------------

WOS_WIDTH = 72
"""Characters of text per WoS line after the 3-character tag column (greedy word wrap, as WoS writes)."""
WOS_HEADER = "FN Clarivate Analytics Web of Science\nVR 1.0\n"


def wrap_wos(text: str, width: int = WOS_WIDTH) -> list[str]:
    """Greedy word wrap: as many words as fit in ``width`` characters, broken at spaces (which are dropped); a
    word longer than the width stands on its own line."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    lines.append(current)
    return lines


def wos_author(author: str) -> str:
    """Corpus "Surname Initials [Suffix]" -> WoS "Surname, IJ[, Suffix]" (initials without full stops); a
    surname alone stays alone."""
    surname, initials, suffix = split_author(author)
    if not initials:
        return surname
    return f"{surname}, {initials}" + (f", {suffix}" if suffix else "")


def wos_publication_type(row: Row) -> str:
    """WoS PT: B (book) for a book chapter, J (journal) otherwise."""
    return "B" if "book chapter" in row["publication_type"].lower() else "J"


def wos_record(row: Row) -> list[str]:
    """All lines of one WoS record in WoS's tag order, ending with "ER"."""
    lines: list[str] = []

    def add(tag: str, values: list[str]) -> None:
        values = [value for value in values if value]
        if values:
            lines.append(f"{tag} {values[0]}")
            lines.extend(f"   {value}" for value in values[1:])

    authors = [wos_author(author) for author in corpus_authors(row)]
    start, end = row_pages(row)
    add("PT", [wos_publication_type(row)])
    add("AU", authors)
    add("AF", authors)  # no full names are known: WoS then repeats the short form, as in its older records
    add("TI", wrap_wos(row["title"]) if row["title"] else [])
    add("SO", wrap_wos(row["journal"].upper()) if row["journal"] else [])
    add("LA", [spelled_language(row)])
    add("DT", [WOS_DOCUMENT_TYPES.get(scopus_document_type(row), "")])
    add("PY", [row["year"]])
    add("VL", [row["volume"]])
    add("IS", [row["issue"]])
    add("BP", [start])
    add("EP", [end])
    add("DI", [row["doi"]])
    add("PM", [row["pmid"]])
    lines.append("ER")
    return lines


def wos_text(rows: Iterable[Row]) -> str:
    """The whole WoS file: byte-order mark, FN/VR header, each record followed by one blank line, "EF" at the
    end, LF line endings."""
    records = "".join("\n".join(wos_record(row)) + "\n\n" for row in rows)
    return "\ufeff" + WOS_HEADER + records + "EF\n"


# ----------------------------------------------------------------------------------------------------
# PRISMA-S search log
# ----------------------------------------------------------------------------------------------------

#: Per database: (database name, platform, query in the database's own syntax). The queries are ours, built from
#: the review's published keywords (cryoneurolysis, cryoanalgesia, cryoablation, chronic pain).
SEARCHES: dict[str, tuple[str, str, str]] = {
    "pubmed": (
        "PubMed",
        "PubMed (National Library of Medicine)",
        '(cryoneurolysis[tiab] OR cryoanalgesia[tiab] OR cryoablation[tiab]) AND "chronic pain"[tiab]',
    ),
    "scopus": (
        "Scopus",
        "Scopus (Elsevier)",
        'TITLE-ABS-KEY(cryoneurolysis OR cryoanalgesia OR cryoablation) AND TITLE-ABS-KEY("chronic pain")',
    ),
    "embase": (
        "Embase",
        "Embase.com (Elsevier)",
        "(cryoneurolysis:ti,ab,kw OR cryoanalgesia:ti,ab,kw OR cryoablation:ti,ab,kw) AND 'chronic pain':ti,ab,kw",
    ),
    "wos": (
        "Web of Science Core Collection",
        "Web of Science (Clarivate)",
        'TS=(cryoneurolysis OR cryoanalgesia OR cryoablation) AND TS=("chronic pain")',
    ),
}
SEARCH_LIMITS = "none at search (publication years and language are applied by rule at eligibility)"
SEARCH_NOTES = (
    "Reconstructed, not the review's own search: its query strings, search dates and hit counts are not reported "
    "in our sources, so this query is built from the published keywords, date_searched is the day the "
    "reconstruction was generated, and hits_reported counts the records of the reconstructed export, which holds "
    "corpus studies rather than what this query returns (see data/reconstruction/README.md)."
)
SEARCH_LOG_HEADER = """\
# PRISMA-S search log for the shipped review (cryoneurolysis for chronic pain): one entry per database, keyed by
# the database ids of config/review.yaml.
# RECONSTRUCTED. The published review searched PubMed, Scopus, Embase and Web of Science but did not publish its
# search strings, dates or hit counts, and its exports are not public. The queries below are ours, written in
# each database's own syntax from the review's published keywords; date_searched is the day the reconstruction
# was generated; hits_reported is the number of records in the reconstructed export files.
# Generated by data/reconstruction/build_exports.py (do not edit by hand); see data/reconstruction/README.md.
"""


def folded(text: str, indent: str, width: int = 110) -> list[str]:
    """A YAML folded block scalar (">-") holding ``text`` on lines of at most ``width`` characters of words."""
    return [">-"] + [indent + line for line in wrap_wos(text, width - len(indent))]


def search_log_text(held: dict[str, list[Row]], files: dict[str, Path]) -> str:
    """The search log as YAML text, in the shape of src/reviewflow/schemas/search_log.schema.json."""
    lines = [SEARCH_LOG_HEADER.rstrip("\n"), "searches:"]
    for database in DATABASES:
        name, platform, query = SEARCHES[database]
        notes = folded(SEARCH_NOTES, " " * 6)
        lines += [
            f"  {database}:",
            f"    database: {name}",
            f"    platform: {platform}",
            f'    date_searched: "{RECONSTRUCTED_ON}"',
            "    query: |",
            f"      {query}",
            f"    limits: {SEARCH_LIMITS}",
            f"    hits_reported: {len(held[database])}",
            f"    export_files: [{source_name(files[database])}]",
            f"    notes: {notes[0]}",
            *notes[1:],
        ]
    return "\n".join(lines) + "\n"


# ----------------------------------------------------------------------------------------------------
# Provenance: which corpus row sits where
# ----------------------------------------------------------------------------------------------------


def source_name(path: Path) -> str:
    """An export's name as the import step gives it: relative to the project root, forward slashes."""
    return path.relative_to(ROOT).as_posix()


def provenance_rows(exports: Iterable[tuple[Path, list[Row]]]) -> list[Row]:
    """One row per written record: (source_file, 1-based source_position, corpus key), sorted by file, then
    position. Positions count records in the order they were written, as the export parsers count them."""
    table = [
        {"source_file": source_name(path), "source_position": str(position), "key": row["key"]}
        for path, rows in exports
        for position, row in enumerate(rows, start=1)
    ]
    return sorted(table, key=lambda entry: (entry["source_file"], int(entry["source_position"])))


def provenance_text(table: list[Row]) -> str:
    """The provenance table as CSV text: header, LF line endings, minimal quoting."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=PROVENANCE_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(table)
    return buffer.getvalue()


# ----------------------------------------------------------------------------------------------------
# Verification: each file is read back on its own and compared with the rows it was meant to hold
# ----------------------------------------------------------------------------------------------------


def count_lines(path: Path, pattern: str) -> int:
    """How many lines of the file match the regular expression (like ``grep -c``), byte-order mark ignored."""
    text = path.read_bytes().decode("utf-8").removeprefix("\ufeff")
    return sum(1 for line in text.split("\n") if re.match(pattern, line))


def verify_pubmed(path: Path, rows: list[Row]) -> None:
    """Parse the PubMed file with Bio.Medline and check record count, order and a few round-tripped fields."""
    from Bio import Medline

    with path.open(encoding="utf-8") as handle:
        records = list(Medline.parse(handle))
    tagged = count_lines(path, r"PMID- ")
    assert len(records) == len(rows) == tagged, (len(records), len(rows), tagged)
    assert not path.read_bytes().startswith(b"\xef\xbb\xbf") and b"\r" not in path.read_bytes()
    for record, row in zip(records, rows, strict=True):
        assert record["PMID"] == row["pmid"], (record["PMID"], row["pmid"])
        assert record.get("TI", "") == (medline_title(row["title"]) if row["title"] else ""), row["key"]
        assert record.get("AU", []) == corpus_authors(row), row["key"]
        assert record.get("DP", "") == row["year"], row["key"]
        assert record.get("PG", "") == row["pages"], row["key"]
        dois = [value[: -len(" [doi]")] for value in record.get("AID", []) if value.endswith(" [doi]")]
        assert dois == ([row["doi"]] if row["doi"] else []), row["key"]
        assert record.get("PMC", "") == row["pmcid"], row["key"]


def verify_scopus(path: Path, rows: list[Row]) -> None:
    """Read the Scopus CSV with the csv module: BOM, header, one row per record, every field quoted, and the
    round-tripped fields."""
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\r" not in data, "Scopus CSV: BOM and LF line endings expected"
    text = data.decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text, newline="")))
    assert table[0] == SCOPUS_COLUMNS, table[0]
    body = table[1:]
    assert len(body) == len(rows) == text.count("\n") - 1, (len(body), len(rows))
    requoted = io.StringIO()
    csv.writer(requoted, quoting=csv.QUOTE_ALL, lineterminator="\n").writerows(table)
    assert requoted.getvalue() == text, "Scopus CSV: every field must be quoted"
    for values, row in zip(body, rows, strict=True):
        record = dict(zip(SCOPUS_COLUMNS, values, strict=True))
        start, end = row_pages(row)
        assert record["Title"] == row["title"] and record["Year"] == row["year"], row["key"]
        assert record["DOI"] == row["doi"] and record["PubMed ID"] == row["pmid"], row["key"]
        assert record["Authors"].split("; ") == [dotted_author(a, False) for a in corpus_authors(row)] or (
            not record["Authors"] and not corpus_authors(row)
        ), row["key"]
        assert (record["Page start"], record["Page end"]) == (start, end), row["key"]
        assert record["Source title"] == row["journal"] and record["Source"] == "Scopus", row["key"]
        assert record["EID"] == record["Author full names"] == "", row["key"]


def verify_embase(path: Path, rows: list[Row]) -> None:
    """Parse the Embase file with rispy (its standard tag names) and check counts and round-tripped fields."""
    import rispy

    data = path.read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf") and b"\r" not in data, "Embase RIS: no BOM, LF line endings"
    with path.open(encoding="utf-8") as handle:
        entries = rispy.load(handle)
    opening, closing = count_lines(path, r"TY  - "), count_lines(path, r"ER  -")
    assert len(entries) == len(rows) == opening == closing, (len(entries), len(rows), opening, closing)
    for entry, row in zip(entries, rows, strict=True):
        start, end = row_pages(row)
        assert entry.get("type_of_reference") == embase_type(row), row["key"]
        assert entry.get("primary_title", "") == row["title"], row["key"]
        assert entry.get("first_authors", []) == [dotted_author(a, True) for a in corpus_authors(row)], row["key"]
        assert entry.get("publication_year", "") == row["year"], row["key"]
        assert entry.get("doi", "") == row["doi"], row["key"]
        assert entry.get("start_page", "") == start and entry.get("end_page", "") == end, row["key"]
        assert entry.get("alternate_title3", "") == row["journal"], row["key"]
        assert entry.get("journal_name", "") == row["journal_abbrev"], row["key"]
        assert entry.get("name_of_database") == "Embase", row["key"]


def read_wos(text: str) -> list[dict[str, list[str]]]:
    """A small reader for WoS tagged text, independent of the writer: FN/VR header, records from "PT" to "ER"
    (continuation lines start with three spaces), "EF" last. Returns {tag: [lines]} per record."""
    lines = text.split("\n")
    assert lines[:2] == ["FN Clarivate Analytics Web of Science", "VR 1.0"], lines[:2]
    assert lines[-2:] == ["EF", ""], lines[-2:]
    records: list[dict[str, list[str]]] = []
    current: dict[str, list[str]] | None = None
    tag = ""
    for line in lines[2:-2]:
        if line == "ER":
            assert current is not None, "ER outside a record"
            records.append(current)
            current = None
        elif not line:
            assert current is None, "blank line inside a record"
        elif line.startswith("   "):
            assert current is not None and tag, f"continuation outside a field: {line!r}"
            current[tag].append(line[3:])
        else:
            assert re.match(r"[A-Z][A-Z0-9] \S", line), f"not a WoS field line: {line!r}"
            tag = line[:2]
            if tag == "PT":
                assert current is None, "PT inside a record"
                current = {}
            assert current is not None and tag not in current, f"field outside a record or repeated: {line!r}"
            current[tag] = [line[3:]]
    assert current is None, "last record has no ER"
    return records


def verify_wos(path: Path, rows: list[Row]) -> None:
    """Read the WoS file back with read_wos and check counts, line widths and round-tripped fields."""
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\r" not in data, "WoS: BOM and LF line endings expected"
    text = data.decode("utf-8-sig")
    records = read_wos(text)
    starts, ends = count_lines(path, r"PT "), count_lines(path, r"ER$")
    assert len(records) == len(rows) == starts == ends, (len(records), len(rows), starts, ends)
    for line in text.split("\n"):
        assert len(line) <= 3 + WOS_WIDTH or " " not in line[3:], f"WoS line too long: {line!r}"
    for record, row in zip(records, rows, strict=True):
        start, end = row_pages(row)
        authors = [wos_author(author) for author in corpus_authors(row)]
        assert record.get("AU", []) == authors == record.get("AF", []), row["key"]
        assert " ".join(record.get("TI", [])) == row["title"], row["key"]
        assert " ".join(record.get("SO", [])) == row["journal"].upper(), row["key"]
        assert record.get("PY", [""]) == [row["year"]] and record.get("DI", [""]) == [row["doi"]], row["key"]
        assert record.get("PM", [""]) == [row["pmid"]], row["key"]
        assert record.get("BP", [""]) == [start] and record.get("EP", [""]) == [end], row["key"]
        assert "UT" not in record and "AB" not in record, row["key"]


def verify_search_log(path: Path, held: dict[str, list[Row]], files: dict[str, Path]) -> None:
    """Load the search log with PyYAML, check it against the schema and the exports it describes."""
    import jsonschema
    import yaml

    log = yaml.safe_load(path.read_text(encoding="utf-8"))
    if SEARCH_LOG_SCHEMA.exists():
        schema = json.loads(SEARCH_LOG_SCHEMA.read_text(encoding="utf-8"))
        jsonschema.Draft202012Validator(schema).validate(log)
    assert list(log) == ["searches"] and list(log["searches"]) == list(DATABASES), list(log["searches"])
    for database, entry in log["searches"].items():
        name, platform, query = SEARCHES[database]
        assert (entry["database"], entry["platform"], entry["query"]) == (name, platform, query + "\n"), database
        assert entry["date_searched"] == RECONSTRUCTED_ON and entry["limits"] == SEARCH_LIMITS, database
        assert entry["hits_reported"] == len(held[database]), database
        assert entry["export_files"] == [source_name(files[database])], database
        assert entry["notes"] == SEARCH_NOTES, database


def verify_provenance(path: Path, exports: list[tuple[Path, list[Row]]], corpus: list[Row]) -> None:
    """Read the provenance table back: every corpus key once per database that holds it, and each file's
    positions run 1..n over the keys in the order its records were written (and so parsed back above)."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == PROVENANCE_COLUMNS, reader.fieldnames
        table = list(reader)
    counts = Counter(entry["key"] for entry in table)
    assert counts == Counter({row["key"]: len(databases_of(row)) for row in corpus}), "provenance keys"
    for export, rows in exports:
        placed = [entry for entry in table if entry["source_file"] == source_name(export)]
        assert [entry["source_position"] for entry in placed] == [str(i) for i in range(1, len(rows) + 1)]
        assert [entry["key"] for entry in placed] == [row["key"] for row in rows], export
    assert sum(len(rows) for _, rows in exports) == len(table)
    assert {entry["source_file"] for entry in table} == {source_name(export) for export, _ in exports}


# ----------------------------------------------------------------------------------------------------


def write(path: Path, text: str) -> None:
    """Write text as UTF-8 exactly as given (line endings and any byte-order mark included)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(text)


def overlap_summary(rows: list[Row]) -> list[str]:
    """Lines describing how many rows sit in 1, 2, 3 and 4 databases, and in which combinations."""
    per_row = [tuple(databases_of(row)) for row in rows]
    sizes = Counter(len(combination) for combination in per_row)
    lines = ["rows by number of databases: " + ", ".join(f"{n}: {sizes[n]}" for n in range(1, 5))]
    for combination, count in sorted(Counter(per_row).items(), key=lambda item: (-len(item[0]), item[0])):
        lines.append(f"  {' + '.join(combination)}: {count}")
    return lines


def main() -> int:
    """Build the four exports, the provenance table and the search log from the corpus, verify them, and print
    a summary."""
    rows = read_corpus()
    for mapping in (MEDLINE_LANGUAGE, SPELLED_LANGUAGE):
        unknown = sorted({row["language"] for row in rows if row["language"]} - set(mapping))
        if unknown:
            raise ValueError(f"corpus languages without a mapping: {unknown}")
    held = memberships(rows)
    files = {"pubmed": PUBMED_OUT, "scopus": SCOPUS_OUT, "embase": EMBASE_OUT, "wos": WOS_OUT}
    writers = {"pubmed": medline_text, "scopus": scopus_csv_text, "embase": embase_text, "wos": wos_text}
    for retired in RETIRED_OUTPUTS:
        if retired.exists():
            retired.unlink()
            print(f"removed {source_name(retired)} (replaced by {source_name(SCOPUS_OUT)})")
    for database in DATABASES:
        write(files[database], writers[database](held[database]))
    exports = [(files[database], held[database]) for database in DATABASES]
    write(PROVENANCE_OUT, provenance_text(provenance_rows(exports)))
    write(SEARCH_LOG_OUT, search_log_text(held, files))

    verify_pubmed(PUBMED_OUT, held["pubmed"])
    verify_scopus(SCOPUS_OUT, held["scopus"])
    verify_embase(EMBASE_OUT, held["embase"])
    verify_wos(WOS_OUT, held["wos"])
    verify_provenance(PROVENANCE_OUT, exports, rows)
    verify_search_log(SEARCH_LOG_OUT, held, files)

    eligible = [row for row in rows if not is_thin(row)]
    for database in DATABASES:
        share = sum(1 for row in eligible if row in held[database]) / len(eligible)
        print(
            f"{source_name(files[database])}: {len(held[database])} records "
            f"({share:.0%} of the {len(eligible)} rows with a title, DOI or PMID)"
        )
    thin = [row["key"] for row in rows if is_thin(row)]
    print(f"thin rows (no title, DOI or PMID), Scopus only: {len(thin)} ({', '.join(thin)})")
    for line in overlap_summary(rows):
        print(line)
    total = sum(len(held[database]) for database in DATABASES)
    print(f"{source_name(PROVENANCE_OUT)}: {total} records of {len(rows)} corpus rows")
    print(f"{source_name(SEARCH_LOG_OUT)}: {len(DATABASES)} searches, dated {RECONSTRUCTED_ON} (reconstructed)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

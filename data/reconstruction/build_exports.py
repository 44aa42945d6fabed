"""Rebuild the review's search exports from the public bibliographic records in corpus_records.csv.

The published review's own PubMed and Scopus exports are not public, so this script writes stand-ins for them
from the corpus (one row per real study, blank = not seen):

* every row with a PMID becomes a PubMed record in MEDLINE ("PubMed format") in
  ``data/raw/pubmed/pubmed-cryoneurolysis-set.txt``;
* every other row becomes a Scopus record in Scopus's RIS layout in
  ``data/raw/scopus/scopus-cryoneurolysis-set.ris``;
* ``data/reconstruction/provenance.csv`` records where each corpus row was written: the export file (relative
  to the project root, as the import step names it) and the 1-based position of its record in that file.

Only fields the corpus has seen are written; nothing is guessed. The output depends on the corpus alone (no
dates, no randomness), so re-running on the same corpus gives the same bytes. After writing, both files are
parsed back (Bio.Medline, rispy) and checked, and the provenance table is read back and checked against them.
See README.md in this folder for the rules.

Run from the project root::

    python data/reconstruction/build_exports.py
"""

from __future__ import annotations

import csv
import io
import re
import sys
from collections.abc import Iterable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
CORPUS = HERE / "corpus_records.csv"
PUBMED_OUT = ROOT / "data" / "raw" / "pubmed" / "pubmed-cryoneurolysis-set.txt"
SCOPUS_OUT = ROOT / "data" / "raw" / "scopus" / "scopus-cryoneurolysis-set.ris"
PROVENANCE_OUT = HERE / "provenance.csv"
PROVENANCE_COLUMNS = ["source_file", "source_position", "key"]

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

#: Corpus language -> Scopus LA value (Scopus spells the language out and gives the document's language).
SCOPUS_LANGUAGE: dict[str, str] = {
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
    return rows


def pubmed_rows(rows: Iterable[Row]) -> list[Row]:
    """Rows that go to the PubMed file: those with a PMID, newest PMID first (numeric descending)."""
    return sorted((row for row in rows if row["pmid"]), key=lambda row: int(row["pmid"]), reverse=True)


def scopus_rows(rows: Iterable[Row]) -> list[Row]:
    """Rows that go to the Scopus file: those without a PMID, newest year first, rows with no year last,
    ties by corpus key."""
    chosen = [row for row in rows if not row["pmid"]]
    return sorted(chosen, key=lambda row: (-int(row["year"]) if row["year"] else 1, row["key"]))


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
# Scopus RIS
# ----------------------------------------------------------------------------------------------------


def ris_type(publication_type: str) -> str:
    """RIS TY: JOUR unless the corpus publication type says book chapter, thesis or conference item."""
    kind = publication_type.lower()
    if "book chapter" in kind:
        return "CHAP"
    if "thesis" in kind:
        return "THES"
    if any(word in kind for word in ("conference", "congress", "meeting abstract", "poster", "presentation")):
        return "CONF"
    return "JOUR"


def scopus_author(author: str) -> str:
    """Corpus "Surname Initials [Suffix]" -> Scopus "Surname, I.J.[, Suffix]"; a surname alone stays alone."""
    surname, initials, suffix = split_author(author)
    if not initials:
        return surname
    name = f"{surname}, " + "".join(f"{letter}." for letter in initials)
    return f"{name}, {NAME_SUFFIXES[suffix]}" if suffix else name


def split_pages(pages: str) -> tuple[str, str]:
    """Corpus pages -> (SP, EP). "1234-1240" -> ("1234", "1240"); MEDLINE-style shortened end pages are
    written out ("1121-6" -> "1126", as Scopus gives full page numbers); a single value is the start page."""
    match = re.fullmatch(r"([^-\s]+)-([^-\s]+)", pages)
    if not match:
        return pages, ""
    start, end = match.groups()
    if start.isdigit() and end.isdigit() and len(end) < len(start):
        full = start[: len(start) - len(end)] + end
        if int(full) > int(start):
            end = full
    return start, end


def ris_record(row: Row) -> list[str]:
    """All lines of one Scopus RIS record in Scopus's tag order, ending with "ER  - "."""
    lines: list[str] = []

    def add(tag: str, value: str) -> None:
        if value:
            lines.append(f"{tag}  - {value}")

    start, end = split_pages(row["pages"]) if row["pages"] else ("", "")
    add("TY", ris_type(row["publication_type"]))
    add("TI", row["title"])
    add("T2", row["journal"])
    add("J2", row["journal_abbrev"])
    add("VL", row["volume"])
    add("IS", row["issue"])
    add("SP", start)
    add("EP", end)
    add("PY", row["year"])
    add("DO", row["doi"])
    for author in corpus_authors(row):
        add("AU", scopus_author(author))
    add("M3", SCOPUS_DOCUMENT_TYPES.get(row["publication_type"].lower(), ""))
    add("DB", "Scopus")
    if row["language"]:
        add("LA", SCOPUS_LANGUAGE[row["language"]])
    lines.append("ER  - ")
    return lines


def ris_text(rows: Iterable[Row]) -> str:
    """The whole Scopus file: each record followed by one blank line, LF line endings, no byte-order mark."""
    return "".join("\n".join(ris_record(row)) + "\n\n" for row in rows)


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
# Verification
# ----------------------------------------------------------------------------------------------------


def verify_pubmed(path: Path, rows: list[Row]) -> None:
    """Parse the PubMed file with Bio.Medline and check record count, order and a few round-tripped fields."""
    from Bio import Medline

    with path.open(encoding="utf-8") as handle:
        records = list(Medline.parse(handle))
    tagged = sum(1 for line in path.read_text(encoding="utf-8").split("\n") if line.startswith("PMID- "))
    assert len(records) == len(rows) == tagged, (len(records), len(rows), tagged)
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
    """Parse the Scopus file with rispy and check record count, order and a few round-tripped fields."""
    import rispy

    with path.open(encoding="utf-8") as handle:
        entries = rispy.load(handle)
    closing = sum(1 for line in path.read_text(encoding="utf-8").split("\n") if line.startswith("ER  -"))
    assert len(entries) == len(rows) == closing, (len(entries), len(rows), closing)
    for entry, row in zip(entries, rows, strict=True):
        assert entry.get("title", "") == row["title"], row["key"]
        assert entry.get("doi", "") == row["doi"], row["key"]
        assert entry.get("year", "") == row["year"], row["key"]
        assert entry.get("type_of_reference") == ris_type(row["publication_type"]), row["key"]
        expected = [scopus_author(author) for author in corpus_authors(row)]
        assert entry.get("authors", []) == expected, row["key"]
        start, end = split_pages(row["pages"]) if row["pages"] else ("", "")
        assert entry.get("start_page", "") == start and entry.get("end_page", "") == end, row["key"]


def verify_provenance(path: Path, exports: list[tuple[Path, list[Row]]], corpus: list[Row]) -> None:
    """Read the provenance table back: every corpus key exactly once, and each file's positions run 1..n over
    the keys in the order its records were written (and so parsed back above)."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == PROVENANCE_COLUMNS, reader.fieldnames
        table = list(reader)
    assert sorted(entry["key"] for entry in table) == sorted(row["key"] for row in corpus)
    for export, rows in exports:
        placed = [entry for entry in table if entry["source_file"] == source_name(export)]
        assert [entry["source_position"] for entry in placed] == [str(i) for i in range(1, len(rows) + 1)]
        assert [entry["key"] for entry in placed] == [row["key"] for row in rows], export
    assert sum(len(rows) for _, rows in exports) == len(table)


# ----------------------------------------------------------------------------------------------------


def write(path: Path, text: str) -> None:
    """Write text as UTF-8 with LF line endings exactly as given."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(text)


def main() -> int:
    """Build both export files and the provenance table from the corpus, verify them and print a summary."""
    rows = read_corpus()
    unknown = sorted({row["language"] for row in rows if row["language"]} - set(MEDLINE_LANGUAGE))
    if unknown:
        raise ValueError(f"corpus languages without a mapping: {unknown}")
    medline = pubmed_rows(rows)
    scopus = scopus_rows(rows)
    write(PUBMED_OUT, medline_text(medline))
    write(SCOPUS_OUT, ris_text(scopus))
    exports = [(PUBMED_OUT, medline), (SCOPUS_OUT, scopus)]
    write(PROVENANCE_OUT, provenance_text(provenance_rows(exports)))
    verify_pubmed(PUBMED_OUT, medline)
    verify_scopus(SCOPUS_OUT, scopus)
    verify_provenance(PROVENANCE_OUT, exports, rows)
    for path, count in ((PUBMED_OUT, len(medline)), (SCOPUS_OUT, len(scopus))):
        print(f"{path.relative_to(ROOT)}: {count} records")
    print(f"corpus rows: {len(rows)} = {len(medline)} PubMed + {len(scopus)} Scopus")
    print(f"{PROVENANCE_OUT.relative_to(ROOT)}: {len(rows)} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())

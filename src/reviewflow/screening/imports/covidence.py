"""Covidence's export of one list of studies (CSV or RIS).

Covidence keeps each study in one category (its help centre, support.covidence.org "Importing references", calls
them the stages of the review): irrelevant (excluded at title and abstract), screen (awaiting title and
abstract screening), select (awaiting full-text review), included, and excluded (excluded at full text). A
list is exported on its own, in a file named after it (``review_<id>_<list>_csv_<timestamp>.csv``), so the list
comes from ``--list`` or the file name: it is not inside the file. The CSV's columns are Title, Authors,
Abstract, Published Year, Published Month, Journal, Volume, Issue, Pages, Accession Number, DOI, Ref,
Covidence #, Study, Notes and Tags, and an excluded study's Notes read ``Exclusion reason: <reason>;`` (as public
scripts that read these exports expect them; see tests/screening/README.md). Accession Number is used as a PMID
only when it is all digits; Ref is the imported file's own record number, not an identifier.
"""

from __future__ import annotations

import re
from pathlib import Path

from reviewflow.errors import InputError
from reviewflow.importing.formats.ris import looks_like_ris, read_ris
from reviewflow.normalize import extract_year, normalise_doi
from reviewflow.screening.imports.rows import EXCLUDE, INCLUDE, UNDECIDED, ToolRow, column, read_export_table

LISTS = ("irrelevant", "screen", "select", "included", "excluded")
# What a study's list says at each stage; None: the study has not reached that stage.
DECISIONS: dict[str, dict[str, str | None]] = {
    "title_abstract": {"irrelevant": EXCLUDE, "screen": UNDECIDED, "select": INCLUDE, "included": INCLUDE,
                       "excluded": INCLUDE},
    "full_text": {"irrelevant": None, "screen": None, "select": UNDECIDED, "included": INCLUDE,
                  "excluded": EXCLUDE},
}
_REASON = re.compile(r"exclusion reason:\s*([^;]+)", re.IGNORECASE)


def list_of(path: Path, given: str | None) -> str:
    """The Covidence list the file holds: ``given``, else the one its file name names."""
    if given:
        if given not in LISTS:
            raise InputError(f"unknown Covidence list {given!r}", field="--list", expected=", ".join(LISTS))
        return given
    found = [name for name in LISTS if re.search(rf"(^|[_\-\s]){name}([_\-\s.]|$)", path.name.lower())]
    if len(found) != 1:
        raise InputError("cannot tell which Covidence list this file holds", file=path, field="--list",
                         expected=f"--list one of {', '.join(LISTS)}, or Covidence's own file name "
                                  "(review_<id>_<list>_csv_<date>.csv)")
    return found[0]


def _records(path: Path) -> list[tuple[int, str, str, str, str, str]]:
    text = path.read_text(encoding="utf-8-sig", errors="replace")
    if looks_like_ris(text):
        return [(r.line, r.title, r.year, r.doi, r.pmid, " ".join(r.raw.get("N1", []) or []))
                for r in read_ris(path, text)]
    frame = read_export_table(path, "Covidence", [["Title"], ["Covidence #"]])
    accession = column(frame, "Accession Number")
    return [(int(i) + 2, t, extract_year(y), normalise_doi(d), a if a.isdigit() else "", n)
            for i, t, y, d, a, n in zip(frame.index, column(frame, "Title"), column(frame, "Published Year"),
                                        column(frame, "DOI"), accession, column(frame, "Notes"), strict=True)]


def read(path: Path, stage: str, given_list: str | None) -> list[ToolRow]:
    """Each study of the list with what the list means at ``stage``."""
    name = list_of(path, given_list)
    meaning = DECISIONS[stage][name]
    rows = []
    for line, title, year, doi, pmid, notes in _records(path):
        reasons = [m.strip() for m in _REASON.findall(notes)] if meaning == EXCLUDE else []
        rows.append(ToolRow(line=line, title=title, year=year, doi=doi, pmid=pmid, decision=meaning or UNDECIDED,
                            label=name, reasons=reasons, note=f"Covidence list {name}", stage_ok=meaning is not None))
    return rows

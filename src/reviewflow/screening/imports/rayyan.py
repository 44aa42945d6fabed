"""Rayyan's export: decisions live in each article's notes.

Rayyan's help centre ("Understanding Your Rayyan Export Files",
https://help.rayyan.ai/hc/en-us/articles/45958666246161) says every export holds an articles file whose ``notes``
column bundles Rayyan's data with pipe-separated prefixes: ``RAYYAN-INCLUSION`` (each member's decision: Included,
Excluded, Maybe), ``RAYYAN-LABELS``, ``RAYYAN-EXCLUSION-REASONS`` (comma-separated) and ``USER-NOTES``, e.g.::

    RAYYAN-INCLUSION: {"Ama"=>"Included", "Kofi"=>"Maybe"} | RAYYAN-EXCLUSION-REASONS: wrong population

The articles CSV has the columns of Rayyan's CSV format (key, title, authors, journal, issn, volume, issue, pages,
year, publisher, url, abstract, notes, doi, keywords; some exports add day, month, pmc_id, pubmed_id); the RIS
export carries the same notes in ``N1``. A Maybe is not a decision: the work stays awaiting.
"""

from __future__ import annotations

import re
from pathlib import Path

from reviewflow.errors import InputError
from reviewflow.importing.formats.ris import looks_like_ris, read_ris
from reviewflow.normalize import extract_year, normalise_doi
from reviewflow.screening.imports.rows import EXCLUDE, INCLUDE, UNDECIDED, ToolRow, column, read_export_table

_INCLUSION = re.compile(r"RAYYAN-INCLUSION:\s*\{([^}]*)\}")
_MEMBER = re.compile(r'"([^"]+)"\s*=>\s*"([^"]*)"')
_REASONS = re.compile(r"RAYYAN-EXCLUSION-REASONS:\s*([^|]*)")
DECISIONS = {"included": INCLUDE, "excluded": EXCLUDE, "maybe": UNDECIDED}


def _decisions(notes: str) -> dict[str, str]:
    match = _INCLUSION.search(notes)
    return dict(_MEMBER.findall(match.group(1))) if match else {}


def _rows(path: Path) -> list[tuple[int, str, str, str, str, str]]:
    """(line, title, year, doi, pmid, notes) of each record, from the CSV or the RIS export."""
    text = path.read_text(encoding="utf-8-sig", errors="replace") if path.suffix.lower() != ".xlsx" else ""
    if text and looks_like_ris(text):
        return [(r.line, r.title, r.year, r.doi, r.pmid, " | ".join(r.raw.get("N1", []) or []))
                for r in read_ris(path, text)]
    frame = read_export_table(path, "Rayyan", [["title"], ["notes"]])
    doi = column(frame, "doi").where(column(frame, "doi") != "", column(frame, "url"))
    return [(int(i) + 2, t, extract_year(y), normalise_doi(d), p if p.isdigit() else "", n)
            for i, t, y, d, p, n in zip(frame.index, column(frame, "title"), column(frame, "year"), doi,
                                        column(frame, "pubmed_id"), column(frame, "notes"), strict=True)]


def read(path: Path, member: str | None) -> list[ToolRow]:
    """Each record with ``member``'s decision (the only member's when ``member`` is None)."""
    records = _rows(path)
    members = sorted({name for *_, notes in records for name in _decisions(notes)})
    if not members:
        raise InputError("no RAYYAN-INCLUSION decisions in the notes: not a Rayyan export with decisions",
                         file=path, field="notes",
                         expected='notes such as RAYYAN-INCLUSION: {"Name"=>"Included"} (Rayyan export with '
                                  "decisions)")
    if member is None and len(members) > 1:
        raise InputError(f"several Rayyan members decided: {', '.join(members)}", file=path,
                         expected="--tool-reviewer NAME, one of them (run once per member)")
    chosen = member or members[0]
    if chosen not in members:
        raise InputError(f"no decisions by Rayyan member {chosen!r}", file=path,
                         expected=f"--tool-reviewer one of {', '.join(members)}")
    rows = []
    for line, title, year, doi, pmid, notes in records:
        label = _decisions(notes).get(chosen, "")
        if label and label.strip().lower() not in DECISIONS:
            raise InputError(f"unknown Rayyan decision {label!r}", file=path, line=line, field="notes",
                             expected="Included, Excluded or Maybe")
        reasons_match = _REASONS.search(notes)
        reasons = [r.strip() for r in reasons_match.group(1).split(",") if r.strip()] if reasons_match else []
        rows.append(ToolRow(line=line, title=title, year=year, doi=doi, pmid=pmid,
                            decision=DECISIONS.get(label.strip().lower(), UNDECIDED), label=label or "undecided",
                            reasons=reasons, note=f"Rayyan {chosen}: {label or 'undecided'}"))
    return rows

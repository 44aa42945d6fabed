"""ASReview LAB's export of a project's dataset (CSV, TSV or XLSX).

ASReview's documentation ("Fully and partially labeled data", asreview.readthedocs.io) describes a label column
named ``included`` (also ``label``, ``label_included``, ...) holding 1 (relevant) or 0 (irrelevant), empty when
the record was not screened; version 1 exports add ``record_id`` and ``asreview_ranking`` to the imported
columns (title, abstract, authors, doi, ...), version 2 writes the label as ``asreview_label`` (with
``asreview_time`` and ``asreview_note``). ASReview has no exclusion reasons.
"""

from __future__ import annotations

from pathlib import Path

from reviewflow.errors import InputError
from reviewflow.normalize import extract_year, normalise_doi
from reviewflow.screening.imports.rows import EXCLUDE, INCLUDE, UNDECIDED, ToolRow, column, read_export_table

LABELS = ("included", "asreview_label")
DECISIONS = {"1": INCLUDE, "1.0": INCLUDE, "0": EXCLUDE, "0.0": EXCLUDE, "": UNDECIDED, "-1": UNDECIDED}


def read(path: Path) -> list[ToolRow]:
    """Each record with its label: 1 include, 0 exclude, empty not screened."""
    frame = read_export_table(path, "ASReview", [["record_id"], list(LABELS)])
    labels = column(frame, *LABELS)
    pmid = column(frame, "pmid", "pubmed_id")
    rows = []
    for index, title, year, doi, label, pm, note in zip(
            frame.index, column(frame, "title", "primary_title"), column(frame, "year", "publication_year"),
            column(frame, "doi"), labels, pmid, column(frame, "asreview_note", "exported_notes_1"), strict=True):
        line = int(index) + 2
        if label not in DECISIONS:
            raise InputError(f"unknown ASReview label {label!r}", file=path, line=line, field="included",
                             expected="1 (relevant), 0 (irrelevant) or empty (not screened)")
        rows.append(ToolRow(line=line, title=title, year=extract_year(year), doi=normalise_doi(doi),
                            pmid=pm if pm.isdigit() else "", decision=DECISIONS[label], label=label or "unlabelled",
                            note=f"ASReview label {label or 'none'}" + (f": {note}" if note else "")))
    return rows

"""The screening workbook (XLSX) a reviewer fills in: one sheet per stage, drop-down lists, links to the papers.

A CSV in Excel shows no choices and lets a typo become a decision; this workbook offers the config's decisions and
exclusion reasons as drop-down lists (data validation), links each DOI and PMID to the paper, wraps the abstract
in a wide column and freezes the header. Saved back under ``data/screening/`` it is read as a decision file
(screening/workbook_read.py). Text is written as text cells, never formulas, so a title such as
``=HYPERLINK(...)`` stays inert (reviewflow.formulas explains why). The bytes depend only on the content: the
document's dates and every zip entry's date are fixed.
"""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from reviewflow.screening.agreement import CONSENSUS, UNSURE

# Fixed document dates and zip entry dates: two writes of the same sheet give the same bytes.
FIXED_TIME = datetime.datetime(2000, 1, 1)
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
LISTS_SHEET = "lists"  # hidden sheet holding the drop-down values (a list over 255 characters cannot be inline)

COLUMNS = ["work_id", "stage", "title", "authors", "year", "journal", "doi", "pmid", "abstract", "keywords",
           "reviewer", "decision", "reason", "note"]
WIDTHS = {"work_id": 16, "stage": 14, "title": 60, "authors": 30, "year": 7, "journal": 28, "doi": 28, "pmid": 11,
          "abstract": 100, "keywords": 30, "reviewer": 14, "decision": 14, "reason": 26, "note": 40}
WRAPPED = {"title", "abstract", "authors", "keywords", "note"}
LINKS = {"doi": "https://doi.org/{}", "pmid": "https://pubmed.ncbi.nlm.nih.gov/{}/"}


def _text_cell(sheet: Worksheet, row: int, column: int, value: str) -> Cell:
    """A cell holding ``value`` as text: openpyxl would store text starting with '=' as a formula. Control
    characters XML cannot hold (a vertical tab in an exported abstract) are left out of the shown text."""
    cell = sheet.cell(row=row, column=column)
    cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell.data_type = "s"
    if value[:1] in "=+-@":
        cell.quotePrefix = True  # Excel keeps it text when the cell is edited again
    return cell


def _lists(book: Workbook, stages: list[str], config: dict[str, Any], reviewer: str) -> dict[str, str]:
    """The hidden sheet of drop-down values; returns each list's range, keyed ``reviewer``, ``reason`` and
    ``decision:<stage>``."""
    sheet = book.create_sheet(LISTS_SHEET)
    sheet.sheet_state = "hidden"
    lists = {"reviewer": [reviewer, CONSENSUS] if reviewer != CONSENSUS else [CONSENSUS],
             "reason": list(config["screening"]["reasons"])}
    # `unsure` is always allowed: a provisional mark that leaves the work awaiting (screening/agreement.py).
    lists |= {f"decision:{stage}": [*config["screening"]["decisions"][stage], UNSURE] for stage in stages}
    ranges = {}
    for number, (name, values) in enumerate(lists.items(), start=1):
        letter = get_column_letter(number)
        _text_cell(sheet, 1, number, name)
        for row, value in enumerate(values, start=2):
            _text_cell(sheet, row, number, str(value))
        ranges[name] = f"{LISTS_SHEET}!${letter}$2:${letter}${len(values) + 1}"
    return ranges


def _validate(sheet: Worksheet, column: str, source: str, last_row: int, title: str) -> None:
    letter = get_column_letter(COLUMNS.index(column) + 1)
    rule = DataValidation(type="list", formula1=source, allow_blank=True, showErrorMessage=True,
                          errorTitle=title, error=f"Choose a {column} from the list (config/review.yaml).")
    rule.add(f"{letter}2:{letter}{max(last_row, 2)}")
    sheet.add_data_validation(rule)


def _stage_sheet(book: Workbook, stage: str, rows: pd.DataFrame, ranges: dict[str, str], reviewer: str) -> None:
    sheet = book.create_sheet(stage)
    bold = Font(bold=True)
    for number, name in enumerate(COLUMNS, start=1):
        _text_cell(sheet, 1, number, name).font = bold
        sheet.column_dimensions[get_column_letter(number)].width = WIDTHS[name]
    link_font = Font(color="0563C1", underline="single")
    for row_number, row in enumerate(rows.itertuples(index=False), start=2):
        values = row._asdict()
        for number, name in enumerate(COLUMNS, start=1):
            value = reviewer if name == "reviewer" else str(values.get(name, "") or "")
            if name == "year" and value.isdigit():
                cell = sheet.cell(row=row_number, column=number, value=int(value))
            else:
                cell = _text_cell(sheet, row_number, number, value)
            if name in LINKS and value:
                cell.hyperlink = LINKS[name].format(quote(value, safe="/:;()._-<>[]"))
                cell.font = link_font
            if name in WRAPPED:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            else:
                cell.alignment = Alignment(vertical="top")
    last = len(rows) + 1
    _validate(sheet, "reviewer", ranges["reviewer"], last, "Reviewer")
    _validate(sheet, "decision", ranges[f"decision:{stage}"], last, "Decision")
    _validate(sheet, "reason", ranges["reason"], last, "Exclusion reason")
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{last}"


def build_workbook(awaiting: pd.DataFrame, stages: list[str], config: dict[str, Any], reviewer: str) -> Workbook:
    """The workbook: one sheet per stage with that stage's awaiting rows (``awaiting`` has COLUMNS but the
    decision columns), then the hidden lists sheet."""
    book = Workbook()
    book.remove(book.active)
    ranges = _lists(book, stages, config, reviewer)
    for stage in stages:
        _stage_sheet(book, stage, awaiting[awaiting["stage"] == stage], ranges, reviewer)
    book.move_sheet(LISTS_SHEET, offset=len(stages))  # the stage sheets first; the first one opens
    book.active = 0
    return book


def workbook_bytes(book: Workbook) -> bytes:
    """The saved workbook with fixed dates everywhere, so equal content gives equal bytes."""
    book.properties.created = FIXED_TIME
    book.properties.creator = "reviewflow"
    buffer = io.BytesIO()
    book.save(buffer)
    # openpyxl stamps 'modified' with the time of saving and the zip entries with the time of writing.
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = _fixed_modified(data)
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            target.writestr(entry, data)
    return out.getvalue()


def _fixed_modified(core: bytes) -> bytes:
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    return re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)", rb"\g<1>" + stamp + rb"\g<2>", core)


def write_workbook(awaiting: pd.DataFrame, stages: list[str], config: dict[str, Any], reviewer: str,
                   path: Path) -> None:
    """Write the workbook to ``path`` (folders made as needed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(workbook_bytes(build_workbook(awaiting, stages, config, reviewer)))

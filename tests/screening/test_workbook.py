"""The screening workbook: its structure, identical bytes on every write, and a filled workbook read back by the
build's decision reader (blank rows awaiting, a wrong value stopped with file, sheet, row and field)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from reviewflow.cli import main
from reviewflow.config import load_config
from reviewflow.errors import InputError
from reviewflow.screening.decisions import read_decisions
from reviewflow.screening.workbook import COLUMNS, write_workbook
from reviewflow.screening.workbook_read import decision_paths
from reviewflow.tables import read_table

PROJECT = Path(__file__).resolve().parents[2] / "reviews" / "cryoneurolysis"
CONFIG = load_config(PROJECT / "config" / "review.yaml")


def _awaiting(tmp_path: Path) -> Path:
    """An awaiting sheet as the build writes it, with real works of the shipped review at both stages."""
    works = read_table(PROJECT / "results" / "works.csv")
    chosen = works[works["doi"].ne("") & works["pmid"].ne("")].head(3).copy()
    chosen["stage"] = ["title_abstract", "title_abstract", "full_text"]
    for column in ("reviewer", "decision", "reason", "note"):
        chosen[column] = ""
    path = tmp_path / "results" / "awaiting_screening.csv"
    path.parent.mkdir(parents=True)
    chosen[["work_id", "stage", "title", "first_author", "year", "journal", "doi", "pmid", "abstract", "keywords",
            "reviewer", "decision", "reason", "note"]].to_csv(path, index=False)
    return path


def _sheets(tmp_path: Path, name: str = "alice.xlsx", *extra: str) -> Path:
    out = tmp_path / "data" / "screening" / name
    code = main(["sheets", "--config", str(PROJECT / "config" / "review.yaml"), "--reviewer", "alice",
                 "--awaiting", str(_awaiting(tmp_path) if not (tmp_path / "results").exists()
                                   else tmp_path / "results" / "awaiting_screening.csv"),
                 "--works", str(PROJECT / "results" / "works.csv"), "--out", str(out), *extra])
    assert code == 0
    return out


def test_workbook_has_a_sheet_per_stage_with_lists_links_wrap_and_frozen_header(tmp_path: Path) -> None:
    book = load_workbook(_sheets(tmp_path))
    assert book.sheetnames == ["title_abstract", "full_text", "lists"]
    assert book["lists"].sheet_state == "hidden"
    sheet = book["title_abstract"]
    assert [c.value for c in sheet[1]] == COLUMNS
    assert sheet.freeze_panes == "A2"
    assert sheet.max_row == 3
    doi, pmid = sheet.cell(2, COLUMNS.index("doi") + 1), sheet.cell(2, COLUMNS.index("pmid") + 1)
    assert doi.hyperlink.target == f"https://doi.org/{doi.value}"
    assert pmid.hyperlink.target == f"https://pubmed.ncbi.nlm.nih.gov/{pmid.value}/"
    abstract = sheet.cell(2, COLUMNS.index("abstract") + 1)
    assert abstract.alignment.wrap_text
    assert sheet.column_dimensions["I"].width >= 80  # the abstract column
    works = read_table(PROJECT / "results" / "works.csv").set_index("work_id")
    shown = [(sheet.cell(r, 1).value, sheet.cell(r, COLUMNS.index("authors") + 1).value) for r in (2, 3)]
    assert shown == [(w, works.loc[w, "authors"]) for w, _ in shown]  # the full author list, not the first
    assert sheet.cell(2, COLUMNS.index("reviewer") + 1).value == "alice"
    rules = {str(rule.sqref): rule.formula1 for rule in sheet.data_validations.dataValidation}
    assert set(rules) == {"K2:K3", "L2:L3", "M2:M3"}
    lists = book["lists"]
    values = {lists.cell(1, c).value: [lists.cell(r, c).value for r in range(2, lists.max_row + 1)
                                       if lists.cell(r, c).value] for c in range(1, lists.max_column + 1)}
    assert values["decision:title_abstract"] == ["include", "exclude", "unsure"]
    assert values["decision:full_text"] == ["include", "exclude", "not_retrieved", "unsure"]
    assert values["reason"] == list(CONFIG["screening"]["reasons"])
    assert values["reviewer"] == ["alice", "consensus"]
    last = 1 + len(values["decision:title_abstract"])  # the decision cells point at their stage's list
    assert rules["L2:L3"] == f"lists!$C$2:$C${last}" and all(rule.type == "list" for rule in
                                                       sheet.data_validations.dataValidation)


def test_two_writes_give_identical_bytes_with_fixed_dates(tmp_path: Path) -> None:
    first = _sheets(tmp_path, "a.xlsx")
    second = _sheets(tmp_path, "b.xlsx")
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = archive.read("docProps/core.xml").decode()
    assert "2000-01-01T00:00:00Z" in core


def test_existing_workbook_is_not_overwritten(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = _sheets(tmp_path)
    code = main(["sheets", "--config", str(PROJECT / "config" / "review.yaml"), "--reviewer", "alice",
                 "--awaiting", str(tmp_path / "results" / "awaiting_screening.csv"), "--out", str(out)])
    assert code == 1 and "file exists" in capsys.readouterr().err


def _fill(path: Path, cells: dict[tuple[str, int, str], str]) -> None:
    book = load_workbook(path)
    for (sheet, row, column), value in cells.items():
        book[sheet].cell(row, COLUMNS.index(column) + 1).value = value
    book.save(path)


def test_filled_workbook_is_read_as_decisions_and_blank_rows_stay_awaiting(tmp_path: Path) -> None:
    path = _sheets(tmp_path)
    _fill(path, {("title_abstract", 2, "decision"): "exclude", ("title_abstract", 2, "reason"): "protocol",
                 ("full_text", 2, "decision"): "include"})
    (path.parent / "~$alice.xlsx").write_bytes(b"lock")  # Excel's lock file beside an open workbook
    paths = decision_paths(tmp_path / "data" / "screening")
    assert paths == [path]
    decisions = read_decisions(paths, CONFIG)
    assert len(decisions) == 2  # the second title/abstract row is blank: still awaiting
    excluded = decisions[decisions["stage"] == "title_abstract"].iloc[0]
    assert (excluded.decision, excluded.reason, excluded.reviewer) == ("exclude", "protocol", "alice")
    assert excluded.file.endswith("alice.xlsx [sheet title_abstract]") and excluded.line == 2
    awaiting = read_table(tmp_path / "results" / "awaiting_screening.csv")
    assert excluded.work_id == awaiting.loc[0, "work_id"]


def test_invalid_value_names_file_sheet_row_and_field(tmp_path: Path) -> None:
    path = _sheets(tmp_path)
    _fill(path, {("title_abstract", 3, "decision"): "maybe later"})
    with pytest.raises(InputError) as caught:
        read_decisions(decision_paths(tmp_path / "data" / "screening"), CONFIG)
    message = str(caught.value)
    assert "alice.xlsx [sheet title_abstract]:3" in message and "field 'decision'" in message
    assert "'maybe later'" in message


def test_sheet_without_decision_columns_is_refused(tmp_path: Path) -> None:
    path = _sheets(tmp_path)
    book = load_workbook(path)
    book.create_sheet("my notes")["A1"] = "to check with Bob"
    book["my notes"]["A2"] = "W08eee5f5c1b2"
    book.save(path)
    with pytest.raises(InputError, match=r"\[sheet my notes\]:1: missing column\(s\) work_id"):
        read_decisions([path], CONFIG)


def test_workflow_lists_workbooks_as_decision_inputs() -> None:
    rules = (Path(__file__).resolve().parents[2] / "src/reviewflow/workflow/rules/common.smk").read_text()
    assert '"xlsx"' in rules and "~$" in rules


def test_workbook_written_from_a_frame_keeps_rows_by_stage(tmp_path: Path) -> None:
    rows = pd.DataFrame([{"work_id": "W000000000001", "stage": "full_text", "title": "T", "year": "2020"}])
    path = tmp_path / "x.xlsx"
    write_workbook(rows, ["title_abstract", "full_text"], CONFIG, "bob", path)
    book = load_workbook(path)
    assert book["title_abstract"].max_row == 1 and book["full_text"]["E2"].value == 2020


def test_without_a_build_the_command_says_to_build_first(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["sheets", "--config", str(PROJECT / "config" / "review.yaml"), "--reviewer", "alice",
                 "--awaiting", str(tmp_path / "results" / "awaiting_screening.csv"), "--out", str(tmp_path / "a.xlsx")])
    assert code == 1 and "run `reviewflow build`" in capsys.readouterr().err

"""The problem table: every bad cell of a sheet in one CSV, and one error naming it."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
import pytest

from reviewflow.errors import InputError
from reviewflow.problems import Problems, schema_problems
from reviewflow.tables import read_table


def _schema() -> pa.DataFrameSchema:
    return pa.DataFrameSchema({
        "work_id": pa.Column(str),
        "n": pa.Column(str, pa.Check(lambda v: v.isdigit(), element_wise=True), description="a whole number"),
    })


def test_schema_problems_lists_every_bad_cell_with_its_line_and_study() -> None:
    frame = pd.DataFrame({"work_id": ["Wa", "Wb", "Wc"], "n": ["1", "x", "-2"]})
    problems = schema_problems(frame, _schema(), file="sheet.csv", study_column="work_id")
    assert sorted((p.line, p.study, p.field, p.value, p.expected) for p in problems) == [
        (3, "Wb", "n", "x", "a whole number"), (4, "Wc", "n", "-2", "a whole number")]


def test_a_clean_sheet_has_no_problem_and_writes_a_header_only(tmp_path) -> None:
    frame = pd.DataFrame({"work_id": ["Wa"], "n": ["1"]})
    problems = Problems()
    problems.extend(schema_problems(frame, _schema(), file="sheet.csv"))
    problems.write(tmp_path / "errors.csv")
    assert (tmp_path / "errors.csv").read_text() == "file,line,study,field,value,expected\n"
    problems.stop_if_any(tmp_path / "errors.csv", "the sheet")  # does not raise


def test_stopping_names_the_table_and_the_first_problems_in_file_order(tmp_path) -> None:
    problems = Problems()
    for line in (9, 3, 7, 2, 5, 4, 8):
        problems.add(file="s.csv", line=line, study=f"W{line}", field="n", value="=1+1", expected="a number")
    problems.write(tmp_path / "errors.csv")
    table = read_table(tmp_path / "errors.csv")
    assert list(table["line"]) == ["2", "3", "4", "5", "7", "8", "9"]
    assert list(table["value"]) == ["=1+1"] * 7  # written neutralised, read back as typed
    assert "'=1+1" in (tmp_path / "errors.csv").read_text()
    with pytest.raises(InputError) as caught:
        problems.stop_if_any(tmp_path / "errors.csv", "the extraction sheet")
    message = str(caught.value)
    assert message.startswith("s.csv:2: 7 problem(s) in the extraction sheet")
    assert str(tmp_path / "errors.csv") in message and "... and 2 more" in message

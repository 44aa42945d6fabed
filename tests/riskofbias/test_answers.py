"""Every bad cell of every sheet in one table: unknown judgement, missing domain, a study not of the tool's
designs, a study not included, a study assessed twice, an included study left out, an overall the algorithm
does not allow."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from reviewflow.errors import InputError
from reviewflow.riskofbias.stage import run_risk_of_bias
from tests.riskofbias.helpers import CONFIG, STUDIES, jbi_row, rob2_row, robins_row, sheet, write


def _run(root: Path, config: dict = CONFIG) -> dict:
    return run_risk_of_bias(config, STUDIES, project=root, studies_path=root / "results/studies.csv",
                            out=root / "results/risk_of_bias.csv", numbers_path=root / "results/risk_of_bias.json",
                            errors_path=root / "results/risk_of_bias_errors.csv", figures=root / "results/figures")


def _errors(root: Path) -> pd.DataFrame:
    return pd.read_csv(root / "results/risk_of_bias_errors.csv", dtype=str, keep_default_na=False)


def test_all_problems_of_all_sheets_in_one_table(tmp_path: Path) -> None:
    write(tmp_path, "rob2", sheet("rob2", [
        rob2_row("W1", "Trial A 2020", ["low", "some concerns", "low", "low", "moderate"]),  # line 2: unknown
        rob2_row("W2", "Trial B 2021", ["low", "low", "", "low", "low"]),                     # line 3: missing d3
        rob2_row("W3", "Cohort C 2019", ["low"] * 5),                                          # line 4: design
        rob2_row("W9", "Nobody", ["low"] * 5),                                                 # line 5: not included
        rob2_row("W1", "Trial A 2020", ["low"] * 5),                                           # line 6: twice
        rob2_row("W2", "Trial B 2021", ["low"] * 5, result="function", overall="high"),        # line 7: overall
    ]))
    write(tmp_path, "jbi_case_report", sheet("jbi_case_report", [
        jbi_row("W4", "Case D 2018", ["yes"] * 7 + ["maybe"])]))                # W5 not assessed
    with pytest.raises(InputError) as stop:
        _run(tmp_path)
    assert "risk_of_bias_errors.csv" in str(stop.value)
    found = {(r.file.split("/")[-1], r.line, r.study, r.field) for r in _errors(tmp_path).itertuples()}
    assert found == {
        ("rob2.csv", "2", "W1", "d5"),
        ("rob2.csv", "3", "W2", "d3"),
        ("rob2.csv", "4", "W3", "work_id"),
        ("rob2.csv", "5", "W9", "work_id"),
        ("rob2.csv", "6", "W1", "work_id"),
        ("rob2.csv", "7", "W2", "overall"),
        ("jbi_case_report.csv", "2", "W4", "q8"),
        ("jbi_case_report.csv", "", "W5", "work_id"),
    }
    table = _errors(tmp_path).set_index(["line", "field"])
    assert "one of low (Low risk of bias), some_concerns (Some concerns), high" in table.loc[("2", "d5"), "expected"]
    assert "design rct" in table.loc[("4", "work_id"), "expected"]
    assert "already assessed on line 2" in table.loc[("6", "work_id"), "expected"]
    assert "low from the domain judgements" in table.loc[("7", "overall"), "expected"]


def test_unknown_and_missing_columns_are_problems(tmp_path: Path) -> None:
    frame = sheet("jbi_case_report", [jbi_row("W4", "Case D 2018", ["yes"] * 8),
                                      jbi_row("W5", "Case E 2022", ["yes"] * 8)])
    write(tmp_path, "jbi_case_report", frame.drop(columns=["q3"]).assign(score="7"))
    with pytest.raises(InputError):
        _run(tmp_path, {**CONFIG, "risk_of_bias": {"tools": {"jbi_case_report": ["case_report"]}}})
    fields = set(_errors(tmp_path)["field"])
    assert {"q3", "score"} <= fields


def test_a_clean_sheet_gives_judgements_numbers_and_an_empty_error_table(tmp_path: Path) -> None:
    config = {**CONFIG, "risk_of_bias": {"tools": {"rob2": ["rct"], "robins_i": ["retrospective"]}}}
    write(tmp_path, "rob2", sheet("rob2", [
        rob2_row("W1", "Trial A 2020", ["Low"] * 5, q1_1="y", q1_2="PY"),
        rob2_row("W2", "", ["some_concerns", "low", "some_concerns", "low", "low"], overall="high")]))
    write(tmp_path, "robins_i", sheet("robins_i", [
        robins_row("W3", "Cohort C 2019", ["low_except_confounding", "low", "moderate", "low", "low", "serious"],
                   q1a_1="sy")]))
    assessed = _run(tmp_path, config)
    assert _errors(tmp_path).empty
    assert [a.overall for a in assessed["rob2"]] == ["low", "high"]
    assert [a.overall_source for a in assessed["rob2"]] == ["algorithm", "assessor"]
    assert assessed["robins_i"][0].overall == "serious"
    table = pd.read_csv(tmp_path / "results/risk_of_bias.csv", dtype=str, keep_default_na=False)
    overall = table[table["domain"] == "overall"].set_index("work_id")["judgement"].to_dict()
    assert overall == {"W1": "low", "W2": "high", "W3": "serious"}
    numbers = pd.read_json(tmp_path / "results/risk_of_bias.json", typ="series")
    assert numbers["rob.assessed"]["value"] == "yes"
    assert numbers["rob.rob2.overall.high"]["value"] == 1
    assert "randomised controlled trial with Cochrane risk-of-bias tool" in numbers["rob.statement"]["value"]
    for name in ("rob_rob2_traffic_light", "rob_rob2_summary", "rob_robins_i_traffic_light"):
        assert all((tmp_path / f"results/figures/{name}.{ext}").exists() for ext in ("png", "pdf", "svg"))
    assert not (tmp_path / "results/figures/rob_jbi_case_report_summary.png").exists()


def test_no_section_or_no_sheet_means_not_assessed(tmp_path: Path) -> None:
    stale = tmp_path / "results/figures/rob_rob2_summary.png"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"old")
    assert _run(tmp_path, {"extraction": CONFIG["extraction"]}) == {}
    numbers = pd.read_json(tmp_path / "results/risk_of_bias.json", typ="series")
    assert numbers["rob.assessed"]["value"] == "no"
    assert numbers["rob.statement"]["value"] == "The risk of bias of the included studies was not assessed."
    assert not stale.exists()
    assert _run(tmp_path) == {}  # tools configured, no sheet yet
    assert pd.read_json(tmp_path / "results/risk_of_bias.json", typ="series")["rob.assessed"]["value"] == "no"


def test_a_sheet_for_a_tool_the_config_does_not_name_is_a_problem(tmp_path: Path) -> None:
    write(tmp_path, "jbi_case_series", sheet("jbi_case_series", []))
    with pytest.raises(InputError):
        _run(tmp_path, {**CONFIG, "risk_of_bias": {"tools": {"rob2": ["rct"]}}})
    assert _errors(tmp_path)[["field", "value"]].values.tolist() == [["(sheet)", "jbi_case_series"]]

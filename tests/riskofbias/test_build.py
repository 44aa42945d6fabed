"""End to end on a copy of the shipped review: blank sheets from `reviewflow rob-forms`, one RoB 2 and one JBI
sheet filled in, the build writes the judgements, the plots and the manuscript's sentences; a wrong cell stops
the build with one message naming the problems table; the shipped review itself says risk of bias was not
assessed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd

from tests.conftest import PROJECT

SECTION = """
risk_of_bias:
  tools:
    rob2: [rct]
    jbi_case_report: [case_report]
  palette: colourblind
"""


def _reviewflow(project: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "reviewflow", *args], cwd=project, capture_output=True, text=True,
                          timeout=900)


def _typ(project: Path) -> str:
    return " ".join((project / "results/manuscript/review.typ").read_text(encoding="utf-8").split())


def test_a_review_with_rob2_and_jbi_sheets_builds_plots_and_sentences(project_copy: Path) -> None:
    config = project_copy / "config/review.yaml"
    config.write_text(config.read_text(encoding="utf-8") + SECTION, encoding="utf-8")
    forms = _reviewflow(project_copy, "rob-forms")
    assert forms.returncode == 0, forms.stderr
    assert "data/risk_of_bias/rob2.csv: 4 included studies, written" in forms.stdout
    rob2 = pd.read_csv(project_copy / "data/risk_of_bias/rob2.csv", dtype=str, keep_default_na=False)
    rob2["result"] = "pain at 3 months"
    rob2[["d1", "d2", "d3", "d4", "d5"]] = "low"
    rob2.loc[0, "d3"] = "high"
    rob2.to_csv(project_copy / "data/risk_of_bias/rob2.csv", index=False)
    jbi = pd.read_csv(project_copy / "data/risk_of_bias/jbi_case_report.csv", dtype=str, keep_default_na=False)
    jbi[[f"q{i}" for i in range(1, 9)]] = "Yes"
    jbi["q2"] = "unclear"
    jbi.to_csv(project_copy / "data/risk_of_bias/jbi_case_report.csv", index=False)

    built = _reviewflow(project_copy, "build", "--cores", "2")
    assert built.returncode == 0, built.stdout + built.stderr
    for name in ("rob_rob2_traffic_light", "rob_rob2_summary", "rob_jbi_case_report_traffic_light",
                 "rob_jbi_case_report_summary"):
        for ext in ("png", "pdf", "svg"):
            assert (project_copy / f"results/figures/{name}.{ext}").stat().st_size > 0
    assert not (project_copy / "results/figures/rob_robins_i_summary.png").exists()
    table = pd.read_csv(project_copy / "results/risk_of_bias.csv", dtype=str, keep_default_na=False)
    overall = table[(table["tool"] == "rob2") & (table["domain"] == "overall")]
    assert sorted(overall["judgement"]) == ["high", "low", "low", "low"]
    text = _typ(project_copy)
    assert ("Risk of bias was assessed for randomised controlled trial with Cochrane risk-of-bias tool for "
            "randomised trials, version 2 (RoB 2)") in text
    assert "The JBI checklists define no overall judgement, so none was derived." in text
    assert "the overall judgements were low risk of bias: 3; high risk of bias: 1." in text

    jbi.loc[0, "q8"] = "perhaps"
    jbi.to_csv(project_copy / "data/risk_of_bias/jbi_case_report.csv", index=False)
    stopped = _reviewflow(project_copy, "build", "--cores", "2")
    assert stopped.returncode != 0
    assert "1 problem(s) in the risk-of-bias sheets" in stopped.stderr + stopped.stdout
    assert "Traceback" not in stopped.stderr
    errors = pd.read_csv(project_copy / "results/risk_of_bias_errors.csv", dtype=str, keep_default_na=False)
    assert errors[["line", "field", "value"]].values.tolist() == [["2", "q8", "perhaps"]]


def test_the_shipped_review_says_risk_of_bias_was_not_assessed() -> None:
    numbers = pd.read_json(PROJECT / "results/risk_of_bias.json", typ="series")
    assert numbers["rob.assessed"]["value"] == "no"
    assert not list((PROJECT / "results/figures").glob("rob_*"))
    assert "{{< var rob.statement >}}" in (PROJECT / "manuscript/index.qmd").read_text(encoding="utf-8")
    assert "The risk of bias of the included studies was not assessed." in _typ(PROJECT)

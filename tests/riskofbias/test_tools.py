"""The tool definitions load and are complete: every domain has its questions (checklists: the item itself) and
allowed judgements, every judgement a robvis level, every tool its sources and overall rule."""

from __future__ import annotations

import pytest

from reviewflow.riskofbias.tools import LEVELS, TOOL_IDS, load_tool, robvis_conventions


@pytest.mark.parametrize("tool_id", TOOL_IDS)
def test_each_tool_loads_complete(tool_id: str) -> None:
    tool = load_tool(tool_id)
    assert tool.id == tool_id
    assert tool.sources and all(url.startswith("https://") for url in tool.sources)
    assert tool.domains
    for domain in tool.domains:
        assert domain.name
        assert tool.allowed(domain.id), f"{tool_id} {domain.id} has no allowed judgement"
        if not tool.checklist:
            assert domain.questions, f"{tool_id} {domain.id} has no signalling question"
    assert all(j.level in LEVELS for j in tool.judgements)
    if any(d.questions for d in tool.domains):
        assert {"y", "py", "pn", "n", "ni"} <= set(tool.answers)


def test_the_forms_are_the_current_versions() -> None:
    rob2, robins, report, series = (load_tool(t) for t in ("rob2", "robins_i", "jbi_case_report",
                                                            "jbi_case_series"))
    assert [j.code for j in rob2.judgements] == ["low", "some_concerns", "high"]
    assert [len(d.questions) for d in rob2.domains] == [3, 7, 4, 5, 3]
    assert rob2.algorithm == "rob2"
    assert "V2" in robins.name and robins.status == "draft"
    assert {"moderate", "serious", "critical"} <= {j.code for j in robins.judgements}
    assert "no_information" not in {j.code for j in robins.judgements}  # retired in V2
    assert robins.allowed("d1")[:2] == ["low", "low_except_confounding"]
    assert "low_except_confounding" not in robins.allowed("d2")
    assert len(report.domains) == 8 and len(series.domains) == 10
    assert report.algorithm == series.algorithm == "none"  # JBI defines no overall judgement
    assert "no overall" in report.overall_description


def test_robvis_palettes_and_symbols() -> None:
    drawing = robvis_conventions()
    assert drawing.palettes["cochrane"]["low"] == "#02C100"
    assert drawing.palettes["cochrane"]["high"] == "#BF0000"
    assert drawing.palettes["colourblind"]["critical"] == "#993404"
    assert drawing.symbols == {"low": "+", "concerns": "-", "high": "x", "critical": "!", "no_information": "?",
                               "not_applicable": ""}


def test_the_form_in_words_lists_columns_questions_and_answers() -> None:
    from reviewflow.riskofbias.answers import sheet_columns
    from reviewflow.riskofbias.forms import form_guide

    text = form_guide("rob2")
    assert "`q2_7` 2.7:" in text and "`d5` Bias in selection of the reported result" in text
    assert "`some_concerns` Some concerns" in text
    assert sheet_columns(load_tool("rob2"))[:5] == ["work_id", "study_label", "result", "q1_1", "q1_2"]
    assert sheet_columns(load_tool("jbi_case_report"))[-3:] == ["q8", "appraisal", "notes"]

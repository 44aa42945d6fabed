"""The plots: the same bytes on every save, robvis's colour for a known judgement, the colour-blind palette
when asked, and the summary's shares."""

from __future__ import annotations

from pathlib import Path

import pytest

from reviewflow.riskofbias.figures import Row, draw_summary, draw_traffic_light, summary_shares
from reviewflow.riskofbias.tools import load_tool

HIGH = Row("Trial A 2020", ("high", "high", "high", "high", "high", "high"))


def test_two_saves_write_the_same_bytes(tmp_path: Path) -> None:
    tool = load_tool("rob2")
    rows = [HIGH, Row("Trial B 2021", ("low", "some_concerns", "low", "low", "low", "some_concerns"), 2.0)]
    for draw in (draw_traffic_light, draw_summary):
        first = draw(tool, rows, tmp_path / "a")
        second = draw(tool, rows, tmp_path / "b")
        assert [p.suffix for p in first] == [".png", ".pdf", ".svg"]
        assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]


@pytest.mark.parametrize(("palette", "high", "low"), [("cochrane", "#bf0000", "#02c100"),
                                                      ("colourblind", "#d95f0e", "#fed98e")])
def test_a_high_judgement_is_drawn_in_its_palette_colour(tmp_path: Path, palette: str, high: str,
                                                         low: str) -> None:
    svg = draw_traffic_light(load_tool("rob2"), [HIGH], tmp_path / "tl", palette=palette)[2]
    text = svg.read_text(encoding="utf-8").lower()
    assert high in text
    assert low not in text  # no low judgement: its colour appears nowhere, not even in the legend


def test_summary_shares_count_each_study_or_its_weight() -> None:
    tool = load_tool("rob2")
    rows = [HIGH, Row("B", ("low",) * 6, weight=3.0)]
    first = dict(summary_shares(tool, rows))["Bias arising from the randomisation process"]
    assert first == {"low": 0.75, "some_concerns": 0.0, "high": 0.25}
    unweighted = [Row(r.label, r.judgements) for r in rows]
    assert dict(summary_shares(tool, unweighted))["Overall risk of bias"]["high"] == 0.5

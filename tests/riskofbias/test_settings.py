"""The config's risk_of_bias section: checked by the schema and against the extraction form's designs."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from reviewflow.config import load_config
from reviewflow.errors import InputError
from reviewflow.riskofbias.settings import assessed_tools, rob_settings
from tests.conftest import CONFIG_TEXT


def _config(tmp_path: Path, section: object) -> Path:
    config = yaml.safe_load(CONFIG_TEXT)
    config["risk_of_bias"] = section
    path = tmp_path / "review.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return path


def test_a_valid_section_gives_the_tools_by_design(tmp_path: Path) -> None:
    config = load_config(_config(tmp_path, {"tools": {"rob2": ["rct"], "jbi_case_report": ["case_report"]},
                                            "palette": "colourblind"}))
    settings = rob_settings(config)
    assert settings.tool_of("rct") == "rob2" and settings.tool_of("retrospective") is None
    assert settings.palette == "colourblind"
    assert assessed_tools(config, tmp_path) == []
    (tmp_path / "data/risk_of_bias").mkdir(parents=True)
    (tmp_path / "data/risk_of_bias/rob2.csv").write_text("work_id\n", encoding="utf-8")
    assert assessed_tools(config, tmp_path) == ["rob2"]


@pytest.mark.parametrize(("section", "field", "message"), [
    ({"tools": {"quadas2": ["rct"]}}, "risk_of_bias.tools", "quadas2"),
    ({"tools": {"rob2": ["rct"]}, "palette": "rainbow"}, "risk_of_bias.palette", "rainbow"),
    ({"tools": {"rob2": ["randomised"]}}, "risk_of_bias.tools.rob2", "not one of the extraction form's designs"),
    ({"tools": {"rob2": ["rct"], "robins_i": ["rct"]}}, "risk_of_bias.tools.robins_i", "given to two tools"),
])
def test_a_wrong_section_names_its_key(tmp_path: Path, section: dict, field: str, message: str) -> None:
    with pytest.raises(InputError) as error:
        load_config(_config(tmp_path, section))
    assert error.value.field == field
    assert message in str(error.value)

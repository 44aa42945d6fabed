"""The extraction form in the config: what its JSON Schema and the form checks refuse, with the config path."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from reviewflow.config import load_config
from reviewflow.errors import InputError
from reviewflow.extraction.form import form_from_config
from tests.conftest import PROJECT

SHIPPED = yaml.safe_load((PROJECT / "config/review.yaml").read_text(encoding="utf-8"))

FIELDS = [
    {"name": "setting", "label": "Setting", "type": "category",
     "values": {"community": "Community", "hospital": "Hospital"}, "summary": True, "figure": True},
    {"name": "participants", "label": "Participants", "type": "integer", "min": 1, "required_for": ["rct"],
     "summary": True},
    {"name": "programme", "label": "Programme length", "type": "duration", "unit": "weeks", "min": 1},
    {"name": "blinded", "label": "Blinded", "type": "yes_no", "summary": True},
]


def config_with(fields: list[dict], **extra: object) -> dict:
    config = copy.deepcopy(SHIPPED)
    config["extraction"] = {"designs": config["extraction"]["designs"],
                            "design_groups": config["extraction"]["design_groups"], "fields": fields, **extra}
    return config


def load(tmp_path: Path, config: dict) -> dict:
    path = tmp_path / "review.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return load_config(path)


def test_a_valid_form_gives_the_sheet_columns_in_order(tmp_path: Path) -> None:
    form = form_from_config(load(tmp_path, config_with(FIELDS)))
    assert form.columns == ["work_id", "design", "setting", "participants", "programme", "blinded"]
    assert form.field("programme").heading == "Programme length (weeks)"
    assert form.field("blinded").codes == {"yes": "Yes", "no": "No"}


def test_the_shipped_form_reproduces_the_sheet_of_the_shipped_review() -> None:
    header = (PROJECT / "data/extraction/studies.csv").read_text(encoding="utf-8").splitlines()[0]
    assert form_from_config(load_config(PROJECT / "config/review.yaml")).columns == header.split(",")


def _broken(change: dict, index: int = 1) -> list[dict]:
    fields = copy.deepcopy(FIELDS)
    fields[index] = {**fields[index], **change}
    return fields


@pytest.mark.parametrize(("fields", "path", "message"), [
    (_broken({"min": 10, "max": 2}), "extraction.fields[1].min", "min 10 is above max 2"),
    (_broken({"required_for": ["cohort"]}), r"extraction.fields[1].required_for[0]", "unknown design 'cohort'"),
    (_broken({"name": "setting"}), "extraction.fields[1].name", "field 'setting' declared twice"),
    (_broken({"name": "design"}), "extraction.fields[1].name", "field name 'design' is a fixed column"),
    (_broken({"name": "Participants"}), "extraction.fields[1].name", "is not an identifier"),
    (_broken({"values": None}, 0), "extraction.fields[0].values", "category field 'setting' has no values"),
    (_broken({"min": 1.5}), "extraction.fields[1].min", "of an integer field is not whole"),
    (_broken({"unit": "weeks"}), "extraction.fields[1].unit", "unit given for a field of type integer"),
    (_broken({"figure": True}), "extraction.fields[1].figure", "figure asked for a field of type integer"),
    (_broken({"required": True}), "extraction.fields[1].required_for", "both required and required_for"),
    (_broken({"values": {"not_reported": "x"}}, 0), "extraction.fields[0].values.not_reported", "cannot be used"),
])
def test_form_errors_name_the_config_path(tmp_path: Path, fields: list[dict], path: str, message: str) -> None:
    config = config_with(fields)
    if fields[0].get("values") is None:
        del config["extraction"]["fields"][0]["values"]
    with pytest.raises(InputError) as caught:
        load(tmp_path, config)
    assert caught.value.field == path
    assert message in caught.value.message
    assert str(caught.value).startswith(str(tmp_path / "review.yaml"))


def test_the_json_schema_refuses_an_unknown_type_with_a_bracketed_path(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"field 'extraction.fields\[2\].type'"):
        load(tmp_path, config_with(_broken({"type": "percent"}, 2)))


@pytest.mark.parametrize(("extra", "path"), [
    ({"changes": [{"name": "x", "before": "setting", "after": "participants"}]}, "extraction.changes[0].before"),
    ({"tables": {"included_studies": {"columns": ["setting", "size"]}}},
     "extraction.tables.included_studies.columns[1]"),
    ({"tables": {"designs": {"columns": ["setting"], "caption": "x"}}}, "extraction.tables.designs"),
    ({"tables": {"trials": {"designs": ["trial"], "columns": ["setting"], "caption": "x"}}},
     "extraction.tables.trials.designs[0]"),
    ({"topic": "participants"}, "extraction.topic"),
])
def test_changes_tables_and_topic_must_name_fitting_fields(tmp_path: Path, extra: dict, path: str) -> None:
    with pytest.raises(InputError) as caught:
        load(tmp_path, config_with(FIELDS, **extra))
    assert caught.value.field == path


def test_a_design_group_may_not_take_the_draft_code_or_name_unknown_designs(tmp_path: Path) -> None:
    config = config_with(FIELDS)
    config["extraction"]["design_groups"]["awaiting_extraction"] = {"label": "x", "designs": ["rct"]}
    with pytest.raises(InputError, match="is reserved"):
        load(tmp_path, config)
    config = config_with(FIELDS)
    config["extraction"]["design_groups"]["rct"]["designs"] = ["rct", "trial"]
    with pytest.raises(InputError, match=r"unknown design 'trial'; field 'extraction.design_groups.rct.designs\[1\]'"):
        load(tmp_path, config)

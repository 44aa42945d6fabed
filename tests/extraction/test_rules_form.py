"""Rules and scales in the config: what the JSON Schema and the form checks refuse, with the config path, and that
plain ``code: label`` values keep working beside ranged ones."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from reviewflow.errors import InputError
from reviewflow.extraction.form import form_from_config
from tests.extraction.test_form import FIELDS, config_with, load

SCALED = [
    *FIELDS,
    {"name": "scale", "label": "Scale", "type": "category",
     "values": {"nrs": {"label": "NRS 0-10", "min": 0, "max": 10}, "words": "Verbal rating"}},
    {"name": "score", "label": "Score", "type": "number", "scale": "scale"},
    {"name": "note", "label": "Note", "type": "text"},
]
RULE = {"when": {"design": ["case_report"]}, "field": "participants", "equals": 1, "why": "one patient"}


def rules(*items: dict) -> dict:
    return config_with(copy.deepcopy(SCALED), rules=list(items))


def test_ranged_and_plain_values_side_by_side(tmp_path: Path) -> None:
    form = form_from_config(load(tmp_path, rules(RULE)))
    scale = form.field("scale")
    assert scale.values == {"nrs": "NRS 0-10", "words": "Verbal rating"}
    assert scale.ranges == {"nrs": (0, 10)}
    assert form.field("score").scale == "scale"
    assert form.field("setting").values == {"community": "Community", "hospital": "Hospital"}
    assert form.rules[0].field == "participants" and form.rules[0].equals == "1"
    assert form.rules[0].expected() == "exactly 1 where design is case_report (one patient) [rule extraction.rules[0]]"


@pytest.mark.parametrize(("rule", "path", "message"), [
    ({**RULE, "field": "patients"}, "extraction.rules[0].field", "unknown field 'patients'"),
    ({**RULE, "when": {"desing": ["rct"]}}, "extraction.rules[0].when.desing", "unknown field 'desing'"),
    ({**RULE, "when": {"design": ["cohort"]}}, "extraction.rules[0].when.design[0]", "unknown design 'cohort'"),
    ({**RULE, "when": {"setting": ["clinic"]}}, "extraction.rules[0].when.setting[0]", "'clinic' is not a value"),
    ({"field": "note", "min": 1}, "extraction.rules[0].min", "min for a column that is not a number"),
    ({"field": "participants", "min": 5, "max": 2}, "extraction.rules[0].min", "min 5 is above max 2"),
    ({"field": "participants", "equals": "one"}, "extraction.rules[0].equals", "'one' is not a value"),
    ({"field": "setting", "one_of": ["clinic"]}, "extraction.rules[0].one_of[0]", "'clinic' is not a value"),
    ({"field": "participants", "why": "no constraint"}, "extraction.rules[0]", "rule without a constraint"),
    ({"field": "note", "required": True, "empty": True}, "extraction.rules[0].empty", "both required and empty"),
])
def test_form_refuses_bad_rules_with_their_config_path(tmp_path: Path, rule: dict, path: str, message: str) -> None:
    with pytest.raises(InputError, match=message) as caught:
        load(tmp_path, rules(rule))
    assert caught.value.field == path


@pytest.mark.parametrize(("rule", "path"), [
    ({**RULE, "not": ["none"]}, "extraction.rules[0]"),
    ({**RULE, "when": {"blinded": [True]}}, "extraction.rules[0].when.blinded[0]"),  # yes unquoted in YAML
    ({**RULE, "required": "yes"}, "extraction.rules[0].required"),
    ({"when": {"design": ["rct"]}, "equals": 1}, "extraction.rules[0]"),
])
def test_the_json_schema_refuses_malformed_rules(tmp_path: Path, rule: dict, path: str) -> None:
    with pytest.raises(InputError) as caught:
        load(tmp_path, rules(rule))
    assert caught.value.field == path


@pytest.mark.parametrize(("change", "path", "message"), [
    ({"name": "score", "label": "Score", "type": "text", "scale": "scale"}, "extraction.fields[5].scale",
     "scale given for a field of type text"),
    ({"name": "score", "label": "Score", "type": "number", "scale": "note"}, "extraction.fields[5].scale",
     "scale names 'note', not a category field"),
    ({"name": "score", "label": "Score", "type": "number", "scale": "missing"}, "extraction.fields[5].scale",
     "scale names 'missing'"),
])
def test_form_refuses_bad_scales(tmp_path: Path, change: dict, path: str, message: str) -> None:
    fields = copy.deepcopy(SCALED)
    fields[5] = change
    with pytest.raises(InputError, match=message) as caught:
        load(tmp_path, config_with(fields))
    assert caught.value.field == path


def test_a_scale_range_with_min_above_max_is_refused(tmp_path: Path) -> None:
    fields = copy.deepcopy(SCALED)
    fields[4]["values"]["nrs"] = {"label": "NRS", "min": 10, "max": 0}
    with pytest.raises(InputError, match="min 10 is above max 0") as caught:
        load(tmp_path, config_with(fields))
    assert caught.value.field == "extraction.fields[4].values.nrs.min"

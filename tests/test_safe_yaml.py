"""YAML that people write is read as data: no templating, no object tags, no duplicate keys, no alias bombs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from reviewflow.errors import InputError
from reviewflow.safe_yaml import load_yaml_file, load_yaml_text


def refusal(text: str) -> InputError:
    with pytest.raises(InputError) as caught:
        load_yaml_text(text, source="config/review.yaml")
    return caught.value


def test_plain_data_reads_as_before() -> None:
    text = "title: A review\nyears: {from: 2010, to: 2024}\nlist: [a, b]\ndate: 2024-05-01\nbase: &b {x: 1}\n" \
           "merged:\n  <<: *b\n  y: 2\n"
    data = load_yaml_text(text, source="x.yaml")
    assert data["years"] == {"from": 2010, "to": 2024}
    assert data["date"] == dt.date(2024, 5, 1)
    assert data["merged"] == {"x": 1, "y": 2}


@pytest.mark.parametrize("key", ["__use_yte__", "__definitions__", "__variables__"])
def test_templating_key_is_refused_with_its_name_and_line(key: str) -> None:
    error = refusal(f"title: x\ndatabases:\n  pubmed: {{}}\n{key}: true\n")
    assert error.field == key and error.line == 4
    assert key in str(error) and "never evaluated" in str(error)


def test_templating_key_nested_is_refused() -> None:
    assert refusal("a:\n  b:\n    __use_yte__: true\n").line == 3


@pytest.mark.parametrize("tag", ["!!python/object/apply:os.system ['true']", "!!python/name:os.system",
                                 "!custom 3", "!<tag:example.com,2000:thing> 3"])
def test_object_tags_are_refused(tag: str) -> None:
    error = refusal(f"ok: 1\nbad: {tag}\n")
    assert error.line == 2 and "tag" in error.message


def test_duplicate_key_is_refused_naming_the_second() -> None:
    error = refusal("eligibility:\n  years: 1\n  years: 2\n")
    assert error.line == 3 and error.field == "years" and "twice" in error.message


def test_syntax_error_names_the_line() -> None:
    error = refusal("a: 1\nb: [1, 2\nc: 3\n")
    assert error.line is not None and error.line >= 2 and "not valid YAML" in error.message


def test_alias_bomb_is_refused_quickly() -> None:
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    levels += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 9)]
    assert "alias" in refusal("\n".join(levels) + "\n").message


def test_recursive_alias_is_refused() -> None:
    assert "contains it" in refusal("a: &a [1, *a]\n").message


def test_file_errors_name_the_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="file not found"):
        load_yaml_file(tmp_path / "missing.yaml")
    assert load_yaml_file(tmp_path / "missing.yaml", required=False) is None
    bad = tmp_path / "latin1.yaml"
    bad.write_bytes(b"a: 1\nb: caf\xe9\n")
    with pytest.raises(InputError) as caught:
        load_yaml_file(bad)
    assert caught.value.line == 2 and caught.value.file == bad
    with_bom = tmp_path / "bom.yaml"
    with_bom.write_bytes(b"\xef\xbb\xbfa: 1\n")
    assert load_yaml_file(with_bom) == {"a": 1}

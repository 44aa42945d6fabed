"""Read the YAML files people write (config, search log, manuscript settings) as data and nothing else.

A review's protocol is passed between team members, journals and CI: opening it must never run code. PyYAML's
safe loader already refuses tags that construct Python objects, but Snakemake would template a config that says
``__use_yte__: true`` (evaluating Python expressions in it), and a key written twice silently keeps the last value.
This loader refuses all three with an error naming the file, the line and the key, before any stage reads the data.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from reviewflow.errors import InputError

TEMPLATING_KEYS = frozenset({"__use_yte__", "__definitions__", "__variables__"})
"""Keys that switch on Snakemake's YTE templating (Python evaluated inside YAML); never allowed in data."""


MAX_EXPANDED_VALUES = 1_000_000
"""Values a file may expand to once its aliases (``*name``) are followed: far more than any config, far fewer
than an alias bomb ("billion laughs"), which is small on disk and explodes when a validator walks it."""


class _DataLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys, tags and templating keys, naming the line."""


def _expanded_size(value: Any, memo: dict[int, int]) -> int:
    """How many values ``value`` holds with every alias followed, counted in linear time (shared parts once)."""
    if not isinstance(value, dict | list):
        return 1
    if memo.get(id(value)) == 0:
        raise RecursionError("an alias refers to a value that contains it")
    if id(value) not in memo:
        memo[id(value)] = 0  # marks "being counted", so a value containing itself is caught above
        children = [*value.keys(), *value.values()] if isinstance(value, dict) else value
        memo[id(value)] = min(1 + sum(_expanded_size(child, memo) for child in children), MAX_EXPANDED_VALUES + 1)
    return memo[id(value)]


def _construct_mapping(loader: _DataLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    mapping: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=deep)
        try:
            hash(key)
        except TypeError as exc:
            raise _Refused("a mapping key must be a plain value", key_node, str(key)) from exc
        if key in mapping:
            raise _Refused(f"key {key!r} appears twice in one mapping; the second would silently win",
                           key_node, str(key), hint="keep one of the two entries")
        if isinstance(key, str) and key in TEMPLATING_KEYS:
            raise _Refused(f"templating key {key!r} is not allowed: a config is data and is never evaluated",
                           key_node, key)
        mapping[key] = loader.construct_object(value_node, deep=deep)
    return mapping


def _refuse_tag(loader: _DataLoader, tag_suffix: str, node: yaml.Node) -> Any:
    raise _Refused(f"YAML tag {node.tag!r} is not allowed: it would construct an object instead of reading data",
                   node, None)


_DataLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_DataLoader.add_multi_constructor("!", _refuse_tag)
_DataLoader.add_multi_constructor("tag:yaml.org,2002:python/", _refuse_tag)
_DataLoader.add_constructor(None, lambda loader, node: _refuse_tag(loader, "", node))


class _Refused(Exception):
    def __init__(self, message: str, node: yaml.Node, key: str | None, hint: str | None = None) -> None:
        super().__init__(message)
        self.message, self.node, self.key = message, node, key
        self.hint = hint or "remove the key or tag; reviewflow never evaluates what a YAML file contains"


def load_yaml_text(text: str, *, source: str | Path) -> Any:
    """Parse YAML ``text`` as plain data; any problem is an ``InputError`` naming ``source`` and the line."""
    try:
        data = yaml.load(text, Loader=_DataLoader)  # noqa: S506 - a SafeLoader subclass that refuses more
    except _Refused as refused:
        raise InputError(refused.message, file=source, line=refused.node.start_mark.line + 1, field=refused.key,
                         expected="plain YAML data (mappings, lists, strings, numbers, dates)",
                         hint=refused.hint) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise InputError(f"not valid YAML: {problem}", file=source, line=mark.line + 1 if mark else None,
                         hint="check the indentation and quoting on that line") from None
    try:
        size = _expanded_size(data, {})
    except RecursionError:
        raise InputError("an alias (*name) refers to a value that contains it, so the data never ends",
                         file=source, expected="plain YAML data", hint="write the value out instead") from None
    if size > MAX_EXPANDED_VALUES:
        raise InputError(f"the aliases (*name) in this file expand to more than {MAX_EXPANDED_VALUES:,} values",
                         file=source, expected="plain YAML data", hint="refused as a possible alias bomb; write the "
                         "repeated values out, or use fewer aliases")
    return data


def load_yaml_file(path: Path, *, required: bool = True) -> Any:
    """Read and parse a YAML file people wrote; a missing required file is an error naming it."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        if not required:
            return None
        raise InputError("file not found", file=path) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError("not valid UTF-8", file=path, line=line, expected="a YAML file saved as UTF-8") from None
    return load_yaml_text(text, source=path)

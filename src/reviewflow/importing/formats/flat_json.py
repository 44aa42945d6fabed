"""One API record (a JSON object) as the flat field -> value(s) map a ``ParsedRecord.raw`` keeps for the audit trail.

Every readable value of the record is kept, whatever the reader makes of it: nested objects become dotted paths
(``source.pages.range``), values under a list become lists (``author.surname``: one surname per author, in
order), and numbers and booleans become their JSON text. Nulls and empty strings are left out.
"""

from __future__ import annotations

import json
from typing import Any


def flatten(record: dict[str, Any]) -> dict[str, list[str] | str]:
    """``record``'s leaves by dotted path: a string where the path crosses no list, else a list of strings."""
    found: dict[str, list[str]] = {}
    listed: set[str] = set()
    _walk(record, "", False, found, listed)
    return {path: (values if path in listed else values[0]) for path, values in found.items()}


def _walk(value: Any, path: str, in_list: bool, found: dict[str, list[str]], listed: set[str]) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _walk(item, f"{path}.{key}" if path else str(key), in_list, found, listed)
    elif isinstance(value, list):
        for item in value:
            _walk(item, path, True, found, listed)
    elif value is not None and value != "":
        leaf = value if isinstance(value, str) else json.dumps(value)
        found.setdefault(path, []).append(leaf)
        if in_list or len(found[path]) > 1:
            listed.add(path)


def text(value: Any) -> str:
    """A scalar JSON value as text, runs of white space (line breaks, no-break spaces) made one space; numbers as
    written; null and containers empty."""
    if isinstance(value, str):
        return " ".join(value.split())
    if isinstance(value, bool) or value is None or isinstance(value, dict | list):
        return ""
    return str(value)

"""Every reader can be named in the config, and the config names no reader that does not exist."""

from __future__ import annotations

import json

from reviewflow.importing.formats.detect import BY_NAME
from reviewflow.paths import SCHEMA_DIR


def test_the_config_schema_lists_exactly_the_readers() -> None:
    schema = json.loads((SCHEMA_DIR / "review.schema.json").read_text(encoding="utf-8"))
    entry = schema["properties"]["databases"]["additionalProperties"]["properties"]["format"]
    assert entry["enum"] == ["auto", *BY_NAME]

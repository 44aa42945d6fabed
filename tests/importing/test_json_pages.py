"""A JSON API snapshot (answers saved one after another) read document by document, with their lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from reviewflow.errors import InputError
from reviewflow.importing.formats.json_pages import iter_documents


def test_documents_in_order_with_the_line_each_starts_on() -> None:
    text = '{"page": 1}\n{"page":\n 2}{"page": 3}\n\n  {"page": [4,\n5]}\n'
    assert list(iter_documents(Path("s.json"), text)) == [
        (1, {"page": 1}), (2, {"page": 2}), (3, {"page": 3}), (5, {"page": [4, 5]})]


def test_a_document_that_does_not_parse_is_named_by_file_and_line() -> None:
    with pytest.raises(InputError) as caught:
        list(iter_documents(Path("s.json"), '{"page": 1}\n\n{"page": }'))
    assert str(caught.value).startswith("s.json:3: not readable JSON")


def test_a_document_that_is_not_an_object_is_refused() -> None:
    with pytest.raises(InputError, match="s.json:2: a JSON answer that is not an object"):
        list(iter_documents(Path("s.json"), '{"page": 1}\n[1, 2]'))

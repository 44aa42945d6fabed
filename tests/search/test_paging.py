"""The shared page loop of the JSON APIs: to the end, counts reconciled, no record twice, bodies kept as received."""

from __future__ import annotations

import json
from collections.abc import Hashable

import pytest

from reviewflow.errors import InputError
from reviewflow.search.paging import Page, page_through, read_json


def _pages(*pages: tuple[int, list[str], str | None]) -> dict[Hashable, bytes]:
    """Cursor -> body; the first page is asked with cursor "*"."""
    cursors = ["*", *[f"c{n}" for n in range(1, len(pages))]]
    return {cursor: json.dumps({"count": count, "ids": ids, "next": nxt}).encode()
            for cursor, (count, ids, nxt) in zip(cursors, pages, strict=True)}


def _parse(body: bytes, where: str) -> Page:
    data = read_json(body, where)
    return Page(data["count"], data["ids"], data["next"])


def _run(bodies: dict[Hashable, bytes]) -> tuple[list[bytes], list[Hashable], object]:
    written: list[bytes] = []
    asked: list[Hashable] = []

    def fetch(cursor: Hashable) -> bytes:
        asked.append(cursor)
        return bodies[cursor]

    return written, asked, page_through("Test API", "*", fetch, _parse, written.append)


def test_pages_to_the_end_writing_each_body_as_received() -> None:
    bodies = _pages((5, ["a", "b"], "c1"), (5, ["c", "d"], "c2"), (5, ["e"], None))
    written, asked, outcome = _run(bodies)
    assert asked == ["*", "c1", "c2"]
    assert written == [bodies["*"], bodies["c1"], bodies["c2"]]
    assert (outcome.count, outcome.records, outcome.pages) == (5, 5, 3)


def test_a_last_page_that_names_its_own_cursor_or_is_empty_ends_the_loop() -> None:
    # Europe PMC repeats the cursor on the last page; Crossref answers an empty page after the last records.
    same = _pages((3, ["a", "b"], "c1"), (3, ["c"], "c1"))
    assert _run(same)[2].records == 3
    empty = _pages((2, ["a", "b"], "c1"), (2, [], "c2"))
    written, asked, outcome = _run({**empty, "c2": b"never asked"})
    assert outcome.records == 2 and written == [empty["*"]]


def test_an_empty_result_writes_nothing() -> None:
    written, asked, outcome = _run(_pages((0, [], None)))
    assert written == [] and (outcome.count, outcome.records) == (0, 0)


def test_a_count_that_changes_between_pages_stops_the_search() -> None:
    with pytest.raises(InputError, match=r"page 2: the database reported 6 records where the first page reported 5"):
        _run(_pages((5, ["a", "b"], "c1"), (6, ["c", "d"], "c2"), (6, ["e", "f"], None)))


def test_a_record_twice_stops_the_search() -> None:
    with pytest.raises(InputError, match="record b arrived twice"):
        _run(_pages((4, ["a", "b"], "c1"), (4, ["b", "c"], None)))


def test_a_server_that_stops_early_is_caught_by_the_final_tally() -> None:
    with pytest.raises(InputError, match="reported 5 records but 3 were received"):
        _run(_pages((5, ["a", "b"], "c1"), (5, ["c"], None)))


def test_malformed_json_names_the_page() -> None:
    with pytest.raises(InputError, match=r"Test API, page 2: the answer is not readable JSON"):
        _run({**_pages((4, ["a", "b"], "c1"), (4, ["c", "d"], None)), "c1": b'{"count": 4, "ids": ["c"'})

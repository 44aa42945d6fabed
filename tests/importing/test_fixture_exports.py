"""Every database or reference-manager export under ../shared/fixtures/exports, checked against a table.

``tests/importing/fixture_expectations.csv`` has one row per export: its record count, how that count was
confirmed independently (``count_method``, see ``tests/importing/fixture_counting.py``) and spot-check values for the
FIRST record (``title_start``, ``first_author`` surname, ``year``, ``doi``) read by eye from the file, never from
reviewflow.

For each row:

* ``test_independent_count`` recounts the file with the stdlib-only counter; it does not import reviewflow.
* ``test_reader`` reads the file with ``reviewflow.importing.formats.detect.read_export`` and checks the record
  count and the first record. Comparison rules, chosen to be strict about content and tolerant only about presentation:

  - title: the record's title, whitespace-collapsed and case-folded, starts with ``title_start`` treated the same
    way (so a reader may decode entities, drop inline XML markup or BibTeX braces, and change case, but not words);
  - first author: ``first_author`` equals, case-insensitively, the surname reviewflow's normaliser derives from
    ``authors[0]`` (``surname(short_author(...))``), or ``authors[0]`` begins with it followed by a non-letter
    (surname-first forms the normaliser cannot shorten, such as ``Peterson, James A. Ph.D., FACSM``);
  - year: equal; doi: equal after lower-casing (the table holds bare lower-case DOIs, no URL prefix);
  - an empty cell in the table means the first record has no such value in the file, and it is not checked.

* Rows whose ``count_method`` starts with ``xlsx:refused`` are Excel workbooks: the import refuses them, so the test
  asserts an ``InputError`` that names an Excel workbook.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, shared_fixture
from tests.importing.fixture_counting import count

TABLE = Path(__file__).with_name("fixture_expectations.csv")
COLUMNS = ["path", "expected_records", "count_method", "title_start", "first_author", "year", "doi", "note"]
NOT_EXPORTS = {"README.md"}


def load_table() -> list[dict[str, str]]:
    with TABLE.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == COLUMNS, f"{TABLE.name} columns are {reader.fieldnames}, expected {COLUMNS}"
        return list(reader)


ROWS = load_table()
PARAMS = [pytest.param(row, id=row["path"]) for row in ROWS]


def collapse(text: str) -> str:
    return " ".join(text.split()).casefold()


def author_matches(expected: str, raw: str) -> bool:
    from reviewflow.normalize import short_author, surname

    want = collapse(expected)
    have = collapse(raw)
    if collapse(surname(short_author(raw))) == want:
        return True
    return have.startswith(want) and not have[len(want) : len(want) + 1].isalpha()


def test_table_lists_every_export() -> None:
    if not FIXTURES.is_dir():
        pytest.skip(f"real export fixtures not available: {FIXTURES} (../shared sits beside the checkout in CI)")
    on_disk = {
        path.relative_to(FIXTURES).as_posix()
        for path in FIXTURES.rglob("*")
        if path.is_file() and path.name not in NOT_EXPORTS
    }
    listed = [row["path"] for row in ROWS]
    assert len(listed) == len(set(listed)), "a path is listed twice"
    assert sorted(on_disk - set(listed)) == [], "exports missing from the table"
    assert sorted(set(listed) - on_disk) == [], "table rows for files that do not exist"


@pytest.mark.parametrize("row", PARAMS)
def test_table_row_is_well_formed(row: dict[str, str]) -> None:
    assert int(row["expected_records"]) > 0
    assert row["count_method"].split(":")[0] in {"lines", "xml", "csv", "bibtex", "ovid", "xlsx"}
    assert row["title_start"].strip() == row["title_start"] and len(row["title_start"]) >= 20
    assert re.fullmatch(r"(1[5-9]|20)\d\d|", row["year"])
    assert row["doi"] == row["doi"].lower().strip()
    assert row["doi"] == "" or re.fullmatch(r"10\.\d{4,9}/\S+", row["doi"]), "bare DOI, no URL prefix"


@pytest.mark.parametrize("row", PARAMS)
def test_independent_count(row: dict[str, str]) -> None:
    path = shared_fixture(row["path"])
    assert count(path, row["count_method"]) == int(row["expected_records"])


@pytest.mark.parametrize("row", PARAMS)
def test_reader(row: dict[str, str]) -> None:
    from reviewflow.errors import InputError
    from reviewflow.importing.formats.detect import read_export

    path = shared_fixture(row["path"])
    if row["count_method"].startswith("xlsx:refused"):
        with pytest.raises(InputError, match="Excel workbook"):
            read_export(path)
        return
    _, records = read_export(path)
    assert len(records) == int(row["expected_records"])
    first = records[0]
    assert collapse(first.title).startswith(collapse(row["title_start"])), f"first title is {first.title[:80]!r}"
    if row["first_author"]:
        assert first.authors, "first record has no authors"
        assert author_matches(row["first_author"], first.authors[0]), f"first author is {first.authors[0]!r}"
    if row["year"]:
        assert first.year == row["year"]
    if row["doi"]:
        assert first.doi.strip().lower() == row["doi"]

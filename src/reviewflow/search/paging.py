"""Paging a JSON API to the end of its result set, with the counts reconciled and no record kept twice.

Europe PMC, OpenAlex and Crossref hand out a cursor with each page; Scopus and Web of Science Starter page by
number or offset. Both are a "next request" the page names, so one loop serves all: ask, parse, check that the
count the database reports has not changed and no record arrived twice, write the body exactly as received, and
stop at the end. A result set that changed while it was being paged stops the search (nothing is kept), and so
does a final tally that differs from the count reported.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass

from reviewflow.errors import InputError

MAX_PAGES = 1_000_000
"""A guard against a server that never says "last page"."""


@dataclass
class Page:
    """One answer as the source reads it: the total it reports, its records' identifiers, and the next request
    (a cursor or a page number; None at the end)."""

    count: int
    ids: list[str]
    next: Hashable | None


@dataclass
class Paged:
    """The outcome of paging: the count reported (the same on every page), records written and pages asked."""

    count: int
    records: int
    pages: int


def page_through(name: str, first: Hashable, fetch: Callable[[Hashable], bytes], parse: Callable[[bytes, str], Page],
                 write: Callable[[bytes], None]) -> Paged:
    """Ask ``fetch(first)``, then each next request the pages name, until the last; every body holding records is
    passed to ``write`` in order. ``name`` names the source in messages."""
    request: Hashable | None = first
    count: int | None = None
    seen: set[str] = set()
    records = pages = 0
    while request is not None:
        if pages >= MAX_PAGES:
            raise InputError(f"{name}: more than {MAX_PAGES:,} pages without reaching the end",
                             expected="a last page", hint="nothing was kept; narrow the query")
        where = f"{name}, page {pages + 1}"
        body = fetch(request)
        page = parse(body, where)
        pages += 1
        if count is None:
            count = page.count
        elif page.count != count:
            raise InputError(f"{where}: the database reported {page.count} records where the first page reported "
                             f"{count}", expected="one unchanged result set",
                             hint="the database changed during the search; nothing was kept, run the search again")
        _check_new(page.ids, seen, where)
        if page.ids:
            write(body)
            records += len(page.ids)
        if not page.ids or records >= count or page.next == request:
            break
        request = page.next
    count = count or 0
    if records != count:
        raise InputError(f"{name}: the database reported {count} records but {records} were received",
                         expected="every record of the result set",
                         hint="the result set changed or the server stopped early; nothing was kept, run the search "
                              "again")
    return Paged(count, records, pages)


def _check_new(ids: Iterable[str], seen: set[str], where: str) -> None:
    for identifier in ids:
        if identifier in seen:
            raise InputError(f"{where}: record {identifier} arrived twice in one search", expected="disjoint pages",
                             hint="nothing was kept; run the search again")
        seen.add(identifier)


def read_json(body: bytes, where: str) -> dict:
    """A JSON object from an answer; malformed JSON stops the search with the place named."""
    import json

    try:
        value = json.loads(body)
    except ValueError as exc:
        excerpt = body[:120].decode("utf-8", "replace")
        raise InputError(f"{where}: the answer is not readable JSON ({exc}); it begins {excerpt!r}",
                         expected="a JSON object", hint="nothing was written; run the search again") from None
    if not isinstance(value, dict):
        raise InputError(f"{where}: the answer is JSON but not an object", expected="a JSON object",
                         hint="nothing was written; run the search again")
    return value

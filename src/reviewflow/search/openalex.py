"""OpenAlex through its works API: the search log's query is the API's own URL parameters, paged by cursor.

A search is written in the search log exactly as OpenAlex takes it (``filter=title_and_abstract.search:...`` or
``search=...&filter=...``), so the log shows what was sent and a reader can paste it into a browser. Only the
parameters that choose the result set are accepted there; paging, field selection and the key are the tool's
business, and a query that sets them is refused naming the parameter rather than silently changed. Every answer
is written as received; ``paging.page_through`` stops a search whose count changes while it is paged.

What the documentation says, and what this module does with it (docs.openalex.org; developers.openalex.org):
``cursor=*`` then ``meta.next_cursor`` (null at the end), ``meta.count`` the total; ``per_page`` 1-100 in the
current reference (the older pages say ``per-page`` up to 200, so 100 is what both accept); the key is an
``api_key`` parameter and a polite contact a ``mailto`` parameter; updates filter on ``from_created_date``
(``created_date`` >= the day given), which the documentation says needs an API key; no upper bound is
documented or needed, since no work is created in OpenAlex after the day the update runs.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Hashable
from datetime import date
from typing import Any
from urllib.parse import parse_qsl

from reviewflow.errors import InputError
from reviewflow.search.http import PoliteClient
from reviewflow.search.paging import Page, page_through, read_json
from reviewflow.search.sources import SearchContext, SearchResult, Source

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://api.openalex.org/"
PER_PAGE_MAX = 100
"""Largest ``per_page`` the current API reference documents (1-100)."""
KEY_VARIABLE = "OPENALEX_API_KEY"
WORK_PREFIX = "https://openalex.org/"

QUERY_PARAMETERS = ("filter", "search")
"""The documented parameters that choose a works result set (``search`` and the ``.search`` filters)."""
_REFUSED = {
    "cursor": "paging is done by reviewflow (cursor=* then meta.next_cursor)",
    "page": "paging is done by reviewflow with a cursor, which reaches past the 10,000 records basic paging can",
    "per_page": "the page size is reviewflow's --batch",
    "per-page": "the page size is reviewflow's --batch",
    "select": "the snapshot keeps whole works, so the import has every field",
    "sample": "a systematic search retrieves the whole result set, not a sample",
    "seed": "a systematic search retrieves the whole result set, not a sample",
    "group_by": "a search retrieves works, not group counts",
    "group-by": "a search retrieves works, not group counts",
    "sort": "the order of a cursor-paged result set is OpenAlex's own; the snapshot is read whole",
    "api_key": f"the key is read from ${KEY_VARIABLE} and never written in the search log",
    "mailto": "the contact address is read from $REVIEWFLOW_MAILTO and never written in the search log",
}


def parse_query(query: str, where: str = "query") -> dict[str, str]:
    """The search log's query as API parameters (``filter`` and/or ``search``), each at most once; any other
    parameter is refused naming it."""
    text = query.strip()
    if "\n" in text or "\r" in text:
        raise InputError("the OpenAlex query spans several lines", field=where,
                         expected="the API's URL parameters on one line, e.g. "
                                  "filter=title_and_abstract.search:cryoneurolysis,publication_year:2010-2024")
    try:
        pairs = parse_qsl(text, keep_blank_values=True, strict_parsing=True)
    except ValueError:
        raise InputError(f"the OpenAlex query is not URL parameters: {text[:80]!r}", field=where,
                         expected="name=value pairs joined by &, e.g. search=cryoneurolysis&filter="
                                  "publication_year:2010-2024") from None
    params: dict[str, str] = {}
    for name, value in pairs:
        if name in _REFUSED:
            raise InputError(f"the OpenAlex query sets {name}, which reviewflow sets itself: {_REFUSED[name]}",
                             field=f"{where} ({name})", expected=f"only {' and '.join(QUERY_PARAMETERS)}",
                             hint=f"remove {name}= from the query")
        if name not in QUERY_PARAMETERS:
            raise InputError(f"the OpenAlex query has the parameter {name!r}, which does not choose works",
                             field=f"{where} ({name})", expected=f"only {' and '.join(QUERY_PARAMETERS)} "
                             "(the documented parameters of the works list)")
        if name in params:
            raise InputError(f"the OpenAlex query gives {name} twice", field=f"{where} ({name})",
                             expected=f"one {name}= (join filters with commas)")
        if not value.strip():
            raise InputError(f"the OpenAlex query's {name} is empty", field=f"{where} ({name})",
                             expected=f"{name}=<value>")
        if name == "filter" and any(":" not in part for part in value.split(",") if part.strip()):
            raise InputError(f"the OpenAlex filter {value!r} has a part without attribute:value", field=f"{where} "
                             "(filter)", expected="filter=attribute:value,attribute2:value2")
        params[name] = value
    if not params:
        raise InputError("the OpenAlex query is empty", field=where, expected="filter=... and/or search=...")
    return params


def with_created_from(params: dict[str, str], mindate: date) -> dict[str, str]:
    """The parameters restricted to works created in OpenAlex on or after ``mindate``."""
    dated = f"from_created_date:{mindate.isoformat()}"
    return {**params, "filter": f"{params['filter']},{dated}" if params.get("filter") else dated}


def short_id(value: Any, where: str) -> str:
    """``W2741809807`` from ``https://openalex.org/W2741809807`` (a work's ``id``)."""
    if isinstance(value, str):
        short = value.removeprefix(WORK_PREFIX)
        if short[:1] == "W" and short[1:].isdigit():
            return short
    raise InputError(f"{where}: a work whose id is {value!r}", expected="an OpenAlex work id "
                     "(https://openalex.org/W...)", hint="nothing was kept; run the search again")


def parse_page(body: bytes, where: str) -> Page:
    """One works-list answer: ``meta.count``, the works' ids and ``meta.next_cursor``."""
    value = read_json(body, where)
    meta, results = value.get("meta"), value.get("results")
    if not isinstance(meta, dict) or not isinstance(results, list):
        raise InputError(f"{where}: the answer has no meta and results", expected="an OpenAlex list answer "
                         "({meta: {count, next_cursor, ...}, results: [...]})",
                         hint="nothing was kept; run the search again")
    count = meta.get("count")
    if not isinstance(count, int) or isinstance(count, bool) or count < 0:
        raise InputError(f"{where}: meta.count is {count!r}", expected="the number of works found")
    cursor = meta.get("next_cursor")
    if cursor is not None and not isinstance(cursor, str):
        raise InputError(f"{where}: meta.next_cursor is {cursor!r}", expected="a cursor string or null")
    ids = [short_id(work.get("id") if isinstance(work, dict) else work, where) for work in results]
    return Page(count, ids, cursor or None)


def page_works(http: PoliteClient, params: dict[str, str], per_page: int, name: str,
               write: Callable[[bytes], None]) -> tuple[int, int, int]:
    """Every page of a works list, cursor-paged, each body passed to ``write``; (count, records, pages)."""

    def fetch(cursor: Hashable) -> bytes:
        return http.get("works", {**params, "per_page": str(per_page), "cursor": str(cursor)})

    paged = page_through(name, "*", fetch, parse_page, write)
    return paged.count, paged.records, paged.pages


def count_works(http: PoliteClient, params: dict[str, str], where: str) -> int:
    """``meta.count`` of a works list, asking for one work only."""
    return parse_page(http.get("works", {**params, "per_page": "1"}), where).count


def check_batch(batch: int | None) -> int:
    """The page size, within what the API documents."""
    per_page = batch or PER_PAGE_MAX
    if not 1 <= per_page <= PER_PAGE_MAX:
        raise InputError(f"OpenAlex pages hold 1 to {PER_PAGE_MAX} works; {per_page} was asked", field="--batch",
                         expected=f"a number from 1 to {PER_PAGE_MAX}")
    return per_page


def search(context: SearchContext) -> SearchResult:
    """One OpenAlex search for ``reviewflow search``: the query as logged, the records created since the last
    search when updating, and then the whole query's count."""
    params = parse_query(context.query)
    per_page = check_batch(context.batch)
    keyed = "api_key" in context.http.secret_params
    if not keyed:
        log.warning("OpenAlex: no API key in $%s; the documented keyless allowance is very small", KEY_VARIABLE)
    asked = params
    if context.mindate is not None:
        if not keyed:
            raise InputError("an OpenAlex update filters on from_created_date, which OpenAlex documents as needing "
                             "an API key", field=f"${KEY_VARIABLE}", expected="an OpenAlex API key",
                             hint=f"export {KEY_VARIABLE}=... (free at openalex.org/settings/api) and run the update "
                                  "again; the key is never written to a file")
        asked = with_created_from(params, context.mindate)
    count, records, pages = page_works(context.http, asked, per_page, "OpenAlex", context.write)
    full = count_works(context.http, params, "OpenAlex, whole query") if context.mindate is not None else None
    return SearchResult(count, records, full, {"api_parameters": asked, "per_page": per_page, "pages": pages})


SOURCE = Source(
    api="openalex", name="OpenAlex", default_url=DEFAULT_BASE_URL, url_variable="REVIEWFLOW_OPENALEX_URL",
    suffix=".json", run=search, update_dates="creation date in OpenAlex (from_created_date)", rate=10.0,
    key_variable=KEY_VARIABLE, key_param="api_key", secret_variables={"mailto": "REVIEWFLOW_MAILTO"},
    default_batch=PER_PAGE_MAX)

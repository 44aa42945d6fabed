"""Crossref through its REST API: the works route, deep-paged with a cursor, every page frozen as received.

Crossref documents deep paging for result sets of any size: ask with ``cursor=*``, then pass each answer's
``message.next-cursor`` back, up to 1000 ``rows`` a page; ``message.total-results`` is the count, and once every
record has been sent further pages come back with no items. Each page is asked for whole and retried whole by the
polite client, one request at a time (the public and polite pools allow 1 and 3 concurrent requests), within the
documented rate for list requests: since 1 December 2025, 1 a second in the public pool and 3 a second in the
polite pool, which a ``mailto`` parameter joins (from $REVIEWFLOW_MAILTO; a Metadata Plus key, from
$CROSSREF_PLUS_TOKEN, travels as the documented ``Crossref-Plus-API-Token: Bearer <key>`` header). Neither is ever
written: both are the client's secrets, sent and redacted from every message.

An update asks for the records indexed from the previous search's day to today, with the documented index-date
filters (``from-index-date`` / ``until-index-date``, the ones Crossref names for incremental harvesting) added to
the query's own filters, and asks the whole query's count again.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass

from reviewflow.errors import InputError
from reviewflow.search.crossref_query import CrossrefQuery, index_window, parse_query
from reviewflow.search.http import PoliteClient
from reviewflow.search.paging import Page, page_through, read_json
from reviewflow.search.sources import SearchContext, SearchResult, Source

DEFAULT_BASE_URL = "https://api.crossref.org/"
ENDPOINT = "works"
ROWS = 1000
"""Crossref's maximum ``rows`` (records a page)."""
PUBLIC_RATE = 1.0
"""List requests a second in the public pool (Crossref, from 1 December 2025)."""
POLITE_RATE = 3.0
"""List requests a second in the polite pool (a ``mailto`` sent), and the least a Metadata Plus key is allowed."""
MAILTO_VARIABLE = "REVIEWFLOW_MAILTO"
PLUS_VARIABLE = "CROSSREF_PLUS_TOKEN"
PLUS_HEADER = "Crossref-Plus-API-Token"


def read_work_list(body: bytes, where: str) -> dict:
    """The ``message`` of a works-list answer, its count and items checked; anything else stops the search."""
    answer = read_json(body, where)
    message = answer.get("message")
    if answer.get("status") != "ok" or answer.get("message-type") != "work-list" or not isinstance(message, dict):
        said = message if isinstance(message, str) else answer.get("message-type")
        raise InputError(f"{where}: Crossref did not answer with a list of works (status {answer.get('status')!r}, "
                         f"{said!r})", expected='"status": "ok" and "message-type": "work-list"',
                         hint="nothing was written; run the search again")
    total, items = message.get("total-results"), message.get("items")
    if not isinstance(total, int) or isinstance(total, bool) or total < 0 or not isinstance(items, list):
        raise InputError(f"{where}: the answer has no total-results count or no items list",
                         expected="message.total-results (a number) and message.items (a list)",
                         hint="nothing was written; run the search again")
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict) or not isinstance(item.get("DOI"), str) or not item["DOI"].strip():
            raise InputError(f"{where}: item {number} has no DOI", expected="every work with its DOI",
                             hint="nothing was written; run the search again")
    return message


@dataclass
class _Pager:
    """Asks the works route page by page. A request is (page number, cursor): Crossref may hand back the same
    cursor string for every page of one result set, so the number keeps two requests from looking alike."""

    http: PoliteClient
    params: dict[str, str]
    rows: int
    current: tuple[int, str] = (0, "*")

    def fetch(self, request: Hashable) -> bytes:
        assert isinstance(request, tuple)
        self.current = request
        return _get(self.http, {**self.params, "rows": str(self.rows), "cursor": request[1]})

    def parse(self, body: bytes, where: str) -> Page:
        message = read_work_list(body, where)
        cursor = message.get("next-cursor")
        following = (self.current[0] + 1, cursor) if isinstance(cursor, str) and cursor else None
        return Page(message["total-results"], [item["DOI"].strip().lower() for item in message["items"]], following)


def _get(http: PoliteClient, params: dict[str, str]) -> bytes:
    """One GET of the works route (the client redacts the mailto and key from any message, encoded forms too)."""
    return http.get(ENDPOINT, params)


def _pool(http: PoliteClient) -> str:
    """Which pool the requests go to; the polite and Plus pools are asked at the polite rate (no faster: that is
    all the documentation promises for a list request outside the public pool)."""
    token = http.secret_headers.get(PLUS_HEADER)
    if token and not token.lower().startswith("bearer "):
        http.secret_headers[PLUS_HEADER] = f"Bearer {token}"
    pool = "plus" if token else "polite" if http.secret_params.get("mailto") else "public"
    if pool != "public" and http.rate < POLITE_RATE:
        http.rate = POLITE_RATE
        if http.limiter is not None:
            http.limiter.per_second = POLITE_RATE
    return pool


def run_crossref(http: PoliteClient, query: CrossrefQuery, context: SearchContext) -> SearchResult:
    """Page through the query's works (indexed from ``context.mindate`` to ``context.today`` for an update),
    every page body to ``context.write`` in order, the counts reconciled by ``page_through``."""
    rows = min(context.batch or ROWS, ROWS)
    window = index_window(query, context.mindate, context.today)
    pager = _Pager(http, query.params(window), rows)
    paged = page_through("Crossref", (1, "*"), pager.fetch, pager.parse, context.write)
    full_count = None
    if window:
        whole = _get(http, {**query.params(), "rows": "0"})
        full_count = read_work_list(whole, "Crossref, the whole query's count")["total-results"]
    return SearchResult(paged.count, paged.records, full_count,
                        {"pages": paged.pages, "rows_per_page": rows, "filter_sent": pager.params.get("filter")})


def search(context: SearchContext) -> SearchResult:
    """One Crossref search for ``reviewflow search``: the query checked before anything is asked."""
    query = parse_query(context.query)
    pool = _pool(context.http)
    result = run_crossref(context.http, query, context)
    result.details["pool"] = pool
    return result


SOURCE = Source(
    api="crossref", name="Crossref", default_url=DEFAULT_BASE_URL, url_variable="REVIEWFLOW_CROSSREF_URL",
    suffix=".json", run=search, update_dates="index date (from-index-date/until-index-date)", rate=PUBLIC_RATE,
    keyed_rate=POLITE_RATE, key_variable=PLUS_VARIABLE, key_header=PLUS_HEADER,
    secret_variables={"mailto": MAILTO_VARIABLE}, default_batch=ROWS)

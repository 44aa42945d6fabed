"""Web of Science through the Clarivate Web of Science Starter API: ``GET /documents``, paged by page number.

The query is sent exactly as the search log holds it, in Web of Science advanced search syntax (``q=TS=(...)``;
the Starter API accepts the field tags TI, IS, SO, VL, PG, CS, PY, AU, AI, UT, DO, DT, PMID, OG, TS and SUR), in
the Core Collection (``db=WOS``), 50 records a page (the documented maximum of ``limit``), pages numbered from 1.
Each answer reports the total in ``metadata.total``. The key travels in the ``X-ApiKey`` header (``WOS_API_KEY``).

Updates: the Starter API has no load-date (or index-date) filter. Its field tags include none, and of its
parameters only ``sortField=LD`` knows the load date (for sorting). The closest documented filter is
``modifiedTimeSpan=<mindate>+<today>``, "a date range in which the results were most recently modified": every
record loaded in the window was last modified in it too, so an update finds all of them, and also older records
that were corrected in the window (records the earlier search may already hold; deduplication merges them by
their UT). The search log's note says so, through ``update_dates``.
"""

from __future__ import annotations

from collections.abc import Hashable

from reviewflow.errors import InputError
from reviewflow.search.paging import Page, page_through, read_json
from reviewflow.search.sources import SearchContext, SearchResult, Source

DEFAULT_BASE_URL = "https://api.clarivate.com/apis/wos-starter/v1/"
"""The base the search asks ``documents`` of (``REVIEWFLOW_WOS_URL`` replaces it, e.g. with a proxy's)."""
ENDPOINT = "documents"
DATABASE = "WOS"
MAX_LIMIT = 50
"""Records per page: ``limit`` ranges 1..50."""
RATE = 1.0
"""Requests per second: the lowest throttle among the Starter API's plans, so any key stays within its plan."""
UPDATE_DATES = ("date most recently modified (modifiedTimeSpan; the Starter API has no load-date filter, and "
                "every record loaded in the window was modified in it, along with older records corrected then)")


def parse_page(body: bytes, where: str) -> Page:
    """One Starter API answer: ``metadata.total``, the hits' UIDs, and the next page number."""
    answer = read_json(body, where)
    metadata = answer.get("metadata")
    if not isinstance(metadata, dict):
        raise InputError(f"{where}: the answer has no metadata object", expected="a Web of Science Starter answer",
                         hint="nothing was written; run the search again")
    total, page, limit = (_number(metadata.get(name), f"metadata.{name}", where) for name in ("total", "page", "limit"))
    hits = answer.get("hits") or []
    if not isinstance(hits, list):
        raise InputError(f"{where}: hits is not a list", expected="a list of documents")
    ids = []
    for number, hit in enumerate(hits, start=1):
        uid = hit.get("uid") if isinstance(hit, dict) else None
        if not (isinstance(uid, str) and uid.strip()):
            raise InputError(f"{where}: document {number} has no uid", field="uid",
                             expected="every document to carry its accession number (WOS:...)",
                             hint="nothing was written; run the search again")
        ids.append(uid.strip())
    following = page + 1 if page * limit < total else None
    return Page(total, ids, following)


def _number(value: object, name: str, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InputError(f"{where}: {name} is {value!r}", field=name, expected="a whole number",
                         hint="nothing was written; run the search again")
    return value


def search(context: SearchContext) -> SearchResult:
    """One Web of Science Starter search for ``reviewflow search``: every page, in order."""
    limit = str(min(context.batch or MAX_LIMIT, MAX_LIMIT))
    window = (f"{context.mindate.isoformat()}+{context.today.isoformat()}" if context.mindate is not None else None)
    base = {"q": context.query, "db": DATABASE, "limit": limit}
    if window:
        base["modifiedTimeSpan"] = window

    def fetch(page: Hashable) -> bytes:
        return context.http.get(ENDPOINT, {**base, "page": str(page)})

    paged = page_through("Web of Science", 1, fetch, parse_page, context.write)
    full_count = None
    if window:
        body = context.http.get(ENDPOINT, {"q": context.query, "db": DATABASE, "limit": "1", "page": "1"})
        full_count = parse_page(body, "Web of Science, the whole query's count").count
    details = {"database": DATABASE, "page_size": int(limit), "pages": paged.pages}
    if window:
        details["modified_time_span"] = window
    return SearchResult(paged.count, paged.records, full_count, details)


SOURCE = Source(
    api="wos_starter", name="Web of Science", default_url=DEFAULT_BASE_URL, url_variable="REVIEWFLOW_WOS_URL",
    suffix=".json", run=search, update_dates=UPDATE_DATES, rate=RATE, key_variable="WOS_API_KEY",
    key_required=True, key_header="X-ApiKey", default_batch=MAX_LIMIT)

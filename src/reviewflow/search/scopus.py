"""Scopus through the Elsevier Scopus Search API: the COMPLETE view, paged by cursor to the end of the result set.

Scopus is searched with the query exactly as the search log holds it (Scopus advanced search syntax). Paging by
``start`` reaches only the first 5,000 records of a result set, so the search pages by ``cursor`` instead
(``cursor=*`` first, then each answer's ``search-results.cursor.@next``), which Elsevier documents for "deep
pagination ... to the end of a result set" and grants to subscribing institutions. The COMPLETE view carries what
a review needs (every author, the abstract, author keywords) and allows at most 25 records per request.

The key travels in the ``X-ELS-APIKey`` header (``ELSEVIER_API_KEY``), and an institution token, when the user
has one, in ``X-ELS-Insttoken`` (``ELSEVIER_INSTTOKEN``); both are secrets the HTTP client never logs or writes.

An update searches ``(query) AND ORIG-LOAD-DATE AFT <day before mindate> AND ORIG-LOAD-DATE BEF <day after
today>``: ORIG-LOAD-DATE is the date a record was first loaded into Scopus (Elsevier's sort option
``orig-load-date``: "date of first accession into Scopus"); AFT and BEF are exclusive, so the window is
``mindate..today`` inclusive, as PubMed's entry-date window is.
"""

from __future__ import annotations

from collections.abc import Hashable
from datetime import date, timedelta

from reviewflow.errors import InputError
from reviewflow.search.paging import Page, page_through, read_json
from reviewflow.search.sources import SearchContext, SearchResult, Source

DEFAULT_BASE_URL = "https://api.elsevier.com/content/search/"
"""The base the search asks ``scopus`` of (``REVIEWFLOW_SCOPUS_URL`` replaces it, e.g. with a proxy's)."""
ENDPOINT = "scopus"
VIEW = "COMPLETE"
MAX_COUNT = 25
"""Records per request the COMPLETE view allows (STANDARD allows 200, but lacks the author list and abstract)."""
RATE = 8.0
"""Requests per second: under the 9 per second Elsevier's key settings give the Scopus Search API."""


def windowed_query(query: str, mindate: date | None, today: date) -> str:
    """The query as sent: the search log's query, or for an update that query (in parentheses) ANDed with the
    first-load-date window ``mindate..today``."""
    if mindate is None:
        return query
    after = (mindate - timedelta(days=1)).strftime("%Y%m%d")
    before = (today + timedelta(days=1)).strftime("%Y%m%d")
    return f"({query}) AND ORIG-LOAD-DATE AFT {after} AND ORIG-LOAD-DATE BEF {before}"


def parse_page(body: bytes, where: str) -> Page:
    """One Scopus Search answer: ``opensearch:totalResults`` (a string), the entries' EIDs, the next cursor."""
    results = read_json(body, where).get("search-results")
    if not isinstance(results, dict):
        raise InputError(f"{where}: the answer has no search-results object", expected="a Scopus Search API answer",
                         hint="nothing was written; run the search again")
    count = _total(results.get("opensearch:totalResults"), where)
    entries = results.get("entry") or []
    if not isinstance(entries, list):
        raise InputError(f"{where}: search-results.entry is not a list", expected="a list of entries")
    ids = []
    for number, entry in enumerate(entries, start=1):
        eid = entry.get("eid") if isinstance(entry, dict) else None
        if isinstance(eid, str) and eid.strip():
            ids.append(eid.strip())
        elif count == 0 and isinstance(entry, dict) and "error" in entry:
            continue  # Scopus answers an empty result with one {"error": "Result set was empty"} entry
        else:
            raise InputError(f"{where}: entry {number} has no EID", field="eid",
                             expected="every entry to carry its Scopus EID (2-s2.0-...)",
                             hint="nothing was written; run the search again")
    cursor = results.get("cursor")
    following = cursor.get("@next") if isinstance(cursor, dict) else None
    return Page(count, ids, following if isinstance(following, str) and following else None)


def _total(value: object, where: str) -> int:
    text = str(value).strip() if isinstance(value, str | int) else ""
    if not text.isdigit():
        raise InputError(f"{where}: opensearch:totalResults is {value!r}", field="opensearch:totalResults",
                         expected="the number of records the query found",
                         hint="nothing was written; run the search again")
    return int(text)


def _get(context: SearchContext, params: dict[str, str]) -> bytes:
    """One request, JSON asked for; a refusal of the cursor or the COMPLETE view says what Elsevier requires."""
    try:
        return context.http.get(ENDPOINT, {**params, "httpAccept": "application/json"})
    except InputError as exc:
        if "HTTP 403" not in exc.message:
            raise
        raise InputError(exc.message, expected="a key entitled to cursor paging and the COMPLETE view",
                         hint="Elsevier grants both to subscribing institutions: search from the institution's "
                              "network, or export its institution token as ELSEVIER_INSTTOKEN; nothing was written"
                         ) from None


def search(context: SearchContext) -> SearchResult:
    """One Scopus search for ``reviewflow search``: every page of the COMPLETE view, in cursor order."""
    query = windowed_query(context.query, context.mindate, context.today)
    size = str(min(context.batch or MAX_COUNT, MAX_COUNT))

    def fetch(cursor: Hashable) -> bytes:
        return _get(context, {"query": query, "view": VIEW, "count": size, "cursor": str(cursor)})

    paged = page_through("Scopus", "*", fetch, parse_page, context.write)
    full_count = None
    if context.mindate is not None:
        body = _get(context, {"query": context.query, "count": "1"})
        full_count = parse_page(body, "Scopus, the whole query's count").count
    return SearchResult(paged.count, paged.records, full_count,
                        {"query_sent": query, "view": VIEW, "page_size": int(size), "pages": paged.pages})


SOURCE = Source(
    api="scopus", name="Scopus", default_url=DEFAULT_BASE_URL, url_variable="REVIEWFLOW_SCOPUS_URL", suffix=".json",
    run=search, update_dates="date first loaded into Scopus (ORIG-LOAD-DATE)", rate=RATE,
    key_variable="ELSEVIER_API_KEY", key_required=True, key_header="X-ELS-APIKey",
    secret_header_variables={"X-ELS-Insttoken": "ELSEVIER_INSTTOKEN"}, default_batch=MAX_COUNT)

"""Europe PMC through its Articles RESTful API: the ``search`` endpoint paged with ``cursorMark``.

The API is described at https://europepmc.org/RestfulWebService (Request Methods: ``GET .../rest/search``). Each
request asks ``query=`` (the search log's query, in Europe PMC's own query syntax, sent exactly as written),
``format=json``, ``resultType=core`` (the full record: abstract, author list, journal details, MeSH headings,
keywords, publication types), ``pageSize`` (1 to 1000; 1000 by default here) and ``synonym=false`` (the API's
default, sent so the provenance says it: no expansion by MeSH or UniProt synonym lists, which change over time; a
query run on the website, where synonyms are on, may count more), and ``cursorMark``: ``*`` first, then the
``nextCursorMark`` each answer carries. Every answer repeats ``hitCount``, the size of the whole result set. The end
is an answer whose ``nextCursorMark`` is absent (the Europe PMC web services announcement of version 6.6, Europe PMC
Developer Forum, 4 August 2021: "If nextPageUrl or nextCursorMark are absent from response, this means that end
of results is reached"), the same cursor as the one asked, or no results; ``paging.page_through`` stops at any of
these, or once ``hitCount`` records have arrived, and refuses a count that changes between pages or a record
(``source:id``) that arrives twice. An answer may be a refusal carried with HTTP 200, ``{"errCode": ...,
"errMsg": ...}`` (for instance a page size over 1000): it stops the search with Europe PMC's message.

Updates restrict the query to the records Europe PMC first indexed since the previous search:
``(<query>) AND (FIRST_IDATE:[<previous search's day> TO <today>])``, days as ``YYYY-MM-DD``, both ends included
(a record indexed on the day of the previous search may be fetched again; deduplication keeps it once).
``FIRST_IDATE`` is the first-index-date field of Europe PMC's search syntax (the fields module,
``GET .../rest/fields``, and the search syntax reference, https://europepmc.org/searchsyntax, both linked from
the RESTful Web Service page); the core record shows the same date as ``firstIndexDate``. It is preferred to
``INDEX_DATE`` and ``UPDATE_DATE``, which move when a record is re-indexed or revised and would bring old records
back, and to ``CREATION_DATE`` and ``FIRST_PDATE``, which are dates of the article, not of its arrival in Europe
PMC, and would miss a late-indexed old article. The range syntax ``FIELD:[YYYY-MM-DD TO YYYY-MM-DD]`` is the one
the search syntax gives for the date fields (e.g. ``FIRST_PDATE``). The whole query's count that day is asked as
well (one record, not kept).

Europe PMC needs no key. The search endpoint takes an optional ``email`` parameter, a contact address Europe PMC
may use about heavy use; it is read from ``EUROPEPMC_EMAIL`` and sent as a secret (never written or logged). No
request rate is published, so the client stays at a polite 3 requests per second and honours 429/Retry-After.
"""

from __future__ import annotations

from collections.abc import Hashable
from datetime import date
from typing import Any

from reviewflow.errors import InputError
from reviewflow.search.paging import Page, page_through, read_json
from reviewflow.search.sources import SearchContext, SearchResult, Source

DEFAULT_BASE_URL = "https://www.ebi.ac.uk/europepmc/webservices/rest/"
ENDPOINT = "search"
MAX_PAGE_SIZE = 1000
"""The largest ``pageSize`` the search endpoint accepts."""
FIRST_CURSOR = "*"
INDEX_DATE_FIELD = "FIRST_IDATE"
EMAIL_VARIABLE = "EUROPEPMC_EMAIL"


def dated_query(query: str, mindate: date | None, today: date) -> str:
    """The query as sent: as written, or for an update restricted to the records first indexed from ``mindate``
    to ``today``."""
    if mindate is None:
        return query
    return f"({query}) AND ({INDEX_DATE_FIELD}:[{mindate.isoformat()} TO {today.isoformat()}])"


def parse_page(body: bytes, where: str) -> Page:
    """One search answer: its ``hitCount``, its records' ``source:id`` and the next cursor (None at the end)."""
    answer = read_json(body, where)
    if "errCode" in answer or "errMsg" in answer:
        raise InputError(f"{where}: Europe PMC refused the search: {answer.get('errMsg') or answer.get('errCode')}",
                         field="query", expected="a query and parameters Europe PMC accepts",
                         hint="check the query in the search log; nothing was written")
    count = answer.get("hitCount")
    if not isinstance(count, int) or isinstance(count, bool) or count < 0:
        raise InputError(f"{where}: the answer has no hitCount", expected="a Europe PMC search answer (format=json)",
                         hint="nothing was written; run the search again")
    result_list = answer.get("resultList", {} if count == 0 else None)
    results = result_list.get("result", []) if isinstance(result_list, dict) else None
    if not isinstance(results, list):
        raise InputError(f"{where}: the answer has no resultList.result list",
                         expected="a Europe PMC search answer (format=json)",
                         hint="nothing was written; run the search again")
    ids = [record_key(record, where, number) for number, record in enumerate(results, start=1)]
    cursor = answer.get("nextCursorMark")
    return Page(count, ids, cursor if isinstance(cursor, str) and cursor else None)


def record_key(record: Any, where: str, number: int) -> str:
    """``source:id`` (``MED:12345678``, ``PPR:PPR123``), Europe PMC's identity of a record."""
    if not isinstance(record, dict) or not str(record.get("source") or "").strip() \
            or not str(record.get("id") or "").strip():
        raise InputError(f"{where}: result {number} has no source and id", expected="each result with source and id",
                         hint="nothing was written; run the search again")
    return f"{str(record['source']).strip()}:{str(record['id']).strip()}"


def _params(query: str, page_size: int, cursor: str) -> dict[str, str]:
    return {"query": query, "format": "json", "resultType": "core", "synonym": "false",
            "pageSize": str(page_size), "cursorMark": cursor}


def search(context: SearchContext) -> SearchResult:
    """One Europe PMC search for ``reviewflow search``: every page written as received, counts reconciled."""
    page_size = context.batch or MAX_PAGE_SIZE
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise InputError(f"a page size of {page_size} records", field="--batch",
                         expected=f"1 to {MAX_PAGE_SIZE} (Europe PMC's largest pageSize)")
    sent = dated_query(context.query, context.mindate, context.today)

    def fetch(cursor: Hashable) -> bytes:
        return context.http.get(ENDPOINT, _params(sent, page_size, str(cursor)))

    paged = page_through("Europe PMC", FIRST_CURSOR, fetch, parse_page, context.write)
    full_count = None
    if context.mindate is not None:
        full_count = parse_page(context.http.get(ENDPOINT, _params(context.query, 1, FIRST_CURSOR)),
                                "Europe PMC, the whole query's count").count
    details = {"query_sent": sent, "pages": paged.pages, "page_size": page_size}
    if context.mindate is not None:
        details["update_field"] = INDEX_DATE_FIELD
    return SearchResult(paged.count, paged.records, full_count, details)


SOURCE = Source(
    api="europepmc", name="Europe PMC", default_url=DEFAULT_BASE_URL, url_variable="REVIEWFLOW_EUROPEPMC_URL",
    suffix=".json", run=search, update_dates=f"first index date ({INDEX_DATE_FIELD})", rate=3.0,
    secret_variables={"email": EMAIL_VARIABLE}, default_batch=MAX_PAGE_SIZE)

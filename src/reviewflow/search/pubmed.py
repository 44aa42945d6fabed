"""PubMed through NCBI E-utilities: esearch on the history server, efetch of MEDLINE text in batches.

PubMed's esearch and efetch reach only the first 10,000 records of a result set, so a larger search is split
into disjoint entry-date (``edat``) ranges, bisected by day until each holds fewer than 10,000, and the slices'
counts must add up to the count reported for the whole query. Every batch must hold exactly the records its
offset promises, no PMID may arrive twice, and the count is asked again at the end: a result set that changed
while it was being paged stops the search rather than freezing an inconsistent snapshot.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from Bio import Entrez

from reviewflow.errors import InputError
from reviewflow.search.http import PoliteClient
from reviewflow.search.sources import SearchContext, SearchResult, Source

DEFAULT_BASE_URL = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/"
WINDOW = 10_000
"""PubMed's esearch/efetch reach only this many records of one result set."""
BATCH = 1_000
"""Records per efetch (NCBI allows up to 10,000; smaller pages mean less to ask again after a dropped one)."""
EARLIEST = date(1781, 1, 1)
"""Before any PubMed entry date, so a split can begin at a fixed day."""

_DTD = re.compile(rb'<!DOCTYPE\s+\w+\s+PUBLIC\s+"[^"]*"\s+"([^"]+)"')
_LOCAL_DTDS = Path(Entrez.__file__).resolve().parent / "DTDs"
_PMID = re.compile(rb"^PMID- *(\d+)", re.MULTILINE)


@dataclass
class Slice:
    """One entry-date range of the search (``None`` bounds: the whole query) on the history server."""

    mindate: date | None
    maxdate: date | None
    count: int
    webenv: str
    query_key: str


@dataclass
class PubMedSearch:
    """What one run asked and got: the slices fetched and the counts reconciled."""

    term: str
    mindate: date | None
    maxdate: date
    count: int
    slices: list[Slice] = field(default_factory=list)
    records: int = 0
    full_count: int | None = None


def _dates(mindate: date | None, maxdate: date | None) -> dict[str, str]:
    if mindate is None and maxdate is None:
        return {}
    low = mindate or EARLIEST
    return {"datetype": "edat", "mindate": low.strftime("%Y/%m/%d"), "maxdate": maxdate.strftime("%Y/%m/%d")}


def parse_esearch(body: bytes, where: str) -> dict[str, Any]:
    """The esearch answer as Bio.Entrez reads it; malformed XML or an error element stops the search."""
    doctype = _DTD.search(body[:2000])
    if doctype and not (_LOCAL_DTDS / Path(doctype[1].decode("ascii", "replace")).name).is_file():
        # Bio.Entrez would download an unknown DTD; the search talks to the configured server only.
        raise InputError(f"{where}: the esearch answer names a DTD Bio.Entrez does not hold locally "
                         f"({doctype[1].decode('ascii', 'replace')})", expected="an eSearchResult (esearch.dtd)")
    try:
        result = Entrez.read(io.BytesIO(body))
    except RuntimeError as exc:  # an <ERROR> element: the server refused the query
        raise InputError(f"{where}: PubMed refused the search: {exc}", field="query",
                         expected="a query PubMed accepts") from None
    except ValueError as exc:  # NotXMLError, CorruptedXMLError, ValidationError, no DTD
        raise InputError(f"{where}: the esearch answer is not a readable eSearchResult ({exc})",
                         expected="eSearchResult XML", hint="nothing was written; run the search again") from None
    if not isinstance(result, dict) or "Count" not in result:
        raise InputError(f"{where}: the esearch answer has no Count", expected="eSearchResult XML with Count")
    return result


class PubMedClient:
    """esearch and efetch calls with the parameters NCBI documents, through a ``PoliteClient``."""

    def __init__(self, http: PoliteClient) -> None:
        self.http = http

    def esearch(self, term: str, mindate: date | None = None, maxdate: date | None = None) -> Slice:
        params = {"db": "pubmed", "term": term, "usehistory": "y", "retmax": "0", "tool": "reviewflow",
                  **_dates(mindate, maxdate)}
        result = parse_esearch(self.http.post("esearch.fcgi", params), "esearch")
        count = int(result["Count"])
        if count and not (result.get("WebEnv") and result.get("QueryKey")):
            raise InputError("esearch: the answer has no WebEnv/QueryKey for the history server",
                             expected="usehistory=y honoured")
        return Slice(mindate, maxdate, count, str(result.get("WebEnv", "")), str(result.get("QueryKey", "")))

    def efetch(self, part: Slice, retstart: int, retmax: int) -> bytes:
        params = {"db": "pubmed", "WebEnv": part.webenv, "query_key": part.query_key, "retstart": str(retstart),
                  "retmax": str(retmax), "rettype": "medline", "retmode": "text", "tool": "reviewflow"}
        return self.http.post("efetch.fcgi", params)


def split_by_entry_date(client: PubMedClient, term: str, whole: Slice, low: date, high: date) -> list[Slice]:
    """Disjoint entry-date slices of ``[low, high]``, each under the window, bisected by day."""
    parts = []
    pending = [(low, high, None)]
    while pending:
        start, end, known = pending.pop()
        part = known or client.esearch(term, start, end)
        if part.count < WINDOW:
            parts.append(part)
            continue
        if start == end:
            raise InputError(f"PubMed holds {part.count} records entered on {start} alone, more than the "
                             f"{WINDOW:,} one result set can reach", field="query",
                             expected="a query whose records of one entry day stay under 10,000",
                             hint="narrow the query, or split it into several searches in the search log")
        middle = start + timedelta(days=(end - start).days // 2)
        pending += [(middle + timedelta(days=1), end, None), (start, middle, None)]
    parts.sort(key=lambda p: p.mindate or EARLIEST)
    total = sum(p.count for p in parts)
    if total != whole.count:
        raise InputError(f"PubMed reported {whole.count} records for the query but its entry-date slices hold "
                         f"{total}", field="query", expected="the slices to add up to the count",
                         hint="the database changed during the search, or records have no entry date in "
                              f"{low}..{high}; run the search again")
    return parts


def run_pubmed(client: PubMedClient, term: str, today: date, write: Callable[[bytes], None],
               mindate: date | None = None, batch: int = BATCH) -> PubMedSearch:
    """Search ``term`` (entered from ``mindate`` when given, up to ``today``) and pass every efetch body to
    ``write`` in order; returns the counts, reconciled, or stops with an InputError before anything is kept."""
    low = mindate
    whole = client.esearch(term, low, today if low else None)
    search = PubMedSearch(term, low, today, whole.count)
    search.slices = ([whole] if whole.count < WINDOW else
                     split_by_entry_date(client, term, whole, low or EARLIEST, today))
    seen: set[bytes] = set()
    for part in search.slices:
        for body, expected in _pages(client, part, batch):
            pmids = _PMID.findall(body)
            if len(pmids) != expected:
                raise InputError(f"efetch returned {len(pmids)} records where {expected} were due "
                                 f"(PubMed reported {part.count} for {_range(part)})",
                                 expected="every page to hold the records its offset promises",
                                 hint="the result set changed while it was being fetched; nothing was kept, run "
                                      "the search again")
            repeated = seen.intersection(pmids)
            if repeated:
                raise InputError(f"PMID {sorted(repeated)[0].decode()} arrived twice in one search",
                                 expected="disjoint pages", hint="nothing was kept; run the search again")
            seen.update(pmids)
            write(body)
            search.records += len(pmids)
    again = client.esearch(term, low, today if low else None)
    if again.count != whole.count or search.records != whole.count:
        raise InputError(f"PubMed reported {whole.count} records at the start of the search, {again.count} at the "
                         f"end, and {search.records} were fetched", expected="one unchanged result set",
                         hint="the database changed during the search; nothing was kept, run the search again")
    if low is not None:
        search.full_count = client.esearch(term).count
    return search


def _pages(client: PubMedClient, part: Slice, batch: int) -> Iterator[tuple[bytes, int]]:
    for retstart in range(0, part.count, batch):
        retmax = min(batch, part.count - retstart)
        yield client.efetch(part, retstart, retmax), retmax


def _range(part: Slice) -> str:
    return "the query" if part.mindate is None and part.maxdate is None else f"entry dates {part.mindate}.." \
        f"{part.maxdate}"


def search(context: SearchContext) -> SearchResult:
    """One PubMed search for ``reviewflow search``, its entry-date slices kept for the provenance."""
    found = run_pubmed(PubMedClient(context.http), context.query, context.today, context.write, context.mindate,
                       context.batch or BATCH)
    slices = [{"mindate": s.mindate.isoformat() if s.mindate else None,
               "maxdate": s.maxdate.isoformat() if s.maxdate else None, "count": s.count} for s in found.slices]
    return SearchResult(found.count, found.records, found.full_count, {"slices": slices})


SOURCE = Source(
    api="pubmed", name="PubMed", default_url=DEFAULT_BASE_URL, url_variable="REVIEWFLOW_EUTILS_URL", suffix=".txt",
    run=search, update_dates="entry date (edat)", rate=3.0, keyed_rate=10.0, key_variable="NCBI_API_KEY",
    key_param="api_key", default_batch=BATCH)

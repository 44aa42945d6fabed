"""A Crossref search as the search log writes it: the API's own URL parameters, checked against the documentation.

The search log is the PRISMA-S record of what was run, so a Crossref search is logged exactly as the works route
takes it (``query.bibliographic=...&filter=from-pub-date:2010-01-01,until-pub-date:2024-12-31``) and read with
``urllib.parse.parse_qsl``. Only the documented query and filter parameters are accepted: a misspelt filter would
otherwise come back as an HTTP 400 halfway through a run, and paging or field-selection parameters (``cursor``,
``rows``, ``offset``, ``select``, ``sort``) would change what the frozen snapshot holds, so reviewflow sets those
itself and refuses them here. The lists below are the works route's, as api.crossref.org documents them (its
Swagger description: "Field Queries", "Filters", "Note on dates", "Notes on incremental metadata updates").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import parse_qsl

from reviewflow.errors import InputError

FIELD_QUERIES = frozenset({
    "query", "query.affiliation", "query.author", "query.bibliographic", "query.chair", "query.container-title",
    "query.contributor", "query.degree", "query.description", "query.editor", "query.event-acronym",
    "query.event-location", "query.event-name", "query.event-sponsor", "query.event-theme", "query.funder-name",
    "query.publisher-location", "query.publisher-name", "query.standards-body-acronym",
    "query.standards-body-name", "query.title", "query.translator",
})
"""The free-text query and the field queries of /works (each ANDed with the others)."""

DATE_FILTERS = frozenset(f"{side}-{what}-date" for side in ("from", "until") for what in (
    "accepted", "approved", "awarded", "created", "deposit", "event-end", "event-start", "index", "issued",
    "online-pub", "posted", "print-pub", "pub", "update"))
"""Filters whose value is a date: YYYY-MM-DD, YYYY-MM or YYYY, inclusive."""

FILTERS = DATE_FILTERS | frozenset({
    "alternative-id", "archive", "article-number", "assertion", "assertion-group", "award.funder", "award.number",
    "category-name", "citation-id", "clinical-trial-number", "container-title", "content-domain", "doi",
    "full-text.application", "full-text.type", "full-text.version", "funder", "funder-doi-asserted-by",
    "group-title", "gte-award-amount", "has-abstract", "has-affiliation", "has-archive", "has-assertion",
    "has-authenticated-orcid", "has-award", "has-clinical-trial-number", "has-content-domain", "has-description",
    "has-domain-restriction", "has-event", "has-full-text", "has-funder", "has-funder-doi", "has-license",
    "has-orcid", "has-references", "has-relation", "has-ror-id", "has-update", "has-update-policy", "is-update",
    "isbn", "issn", "license.delay", "license.url", "license.version", "lte-award-amount", "member", "orcid",
    "prefix", "relation.object", "relation.object-type", "relation.type", "ror-id", "type", "type-name",
    "update-type", "updates",
})
"""The filters of the works route."""

INDEX_DATE_FILTERS = ("from-index-date", "until-index-date")
"""What an update filters on: the documented choice for incremental harvesting (the index date changes whenever a
record is re-indexed, so nothing changed since the last search is missed)."""

REFUSED = {
    "cursor": "reviewflow pages through the whole result set itself (cursor=* then next-cursor)",
    "rows": "reviewflow sets the page size itself (--batch, at most 1000)",
    "offset": "reviewflow pages with a cursor, which offset cannot be combined with",
    "sample": "a random sample is not a reproducible search",
    "select": "the snapshot keeps whole records, as the database returned them",
    "sort": "the order of the pages does not change which records a search finds",
    "order": "the order of the pages does not change which records a search finds",
    "facet": "facet counts are not records",
    "mailto": "the contact address is a setting, read from $REVIEWFLOW_MAILTO and never written to the search log",
}
"""Parameters of /works that a search-log query may not carry, and why."""

_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def _is_date(value: str) -> bool:
    """Whether a filter's value is a calendar date written YYYY-MM-DD, YYYY-MM or YYYY."""
    match = _DATE.fullmatch(value)
    if not match:
        return False
    try:
        date(int(match[1]), int(match[2] or 1), int(match[3] or 1))
    except ValueError:
        return False
    return True


@dataclass
class CrossrefQuery:
    """The search log's query as parameters: the query parameters in the order written, and the filters
    (name, value) in the order written."""

    text: str
    queries: list[tuple[str, str]] = field(default_factory=list)
    filters: list[tuple[str, str]] = field(default_factory=list)

    def params(self, extra_filters: list[tuple[str, str]] | None = None) -> dict[str, str]:
        """The GET parameters for /works: the query parameters and one comma-joined ``filter``."""
        params = dict(self.queries)
        joined = ",".join(f"{name}:{value}" for name, value in self.filters + (extra_filters or []))
        if joined:
            params["filter"] = joined
        return params


def _refuse(message: str, expected: str, hint: str | None = None) -> InputError:
    return InputError(f"the search log's Crossref query: {message}", field="query", expected=expected, hint=hint)


def parse_query(text: str) -> CrossrefQuery:
    """The query's parameters, each checked against the documentation; an InputError naming the search log's
    ``query`` field for anything else. A query written over several lines is read as if joined by ``&``."""
    joined = "&".join(part.strip() for part in re.split(r"[\r\n]+", text) if part.strip())
    joined = re.sub(r"&{2,}", "&", joined).strip("&")
    try:
        pairs = parse_qsl(joined, keep_blank_values=True, strict_parsing=True)
    except ValueError as exc:
        raise _refuse(f"not URL parameters ({exc})", expected="name=value pairs joined by & "
                      "(query.bibliographic=...&filter=from-pub-date:2010-01-01)") from None
    query = CrossrefQuery(text)
    seen: set[str] = set()
    for name, value in pairs:
        if name in REFUSED:
            raise _refuse(f"`{name}` is not allowed: {REFUSED[name]}",
                          expected="only query, query.<field> and filter parameters",
                          hint=f"remove `{name}={value}` from the query in the search log")
        if name in seen:
            raise _refuse(f"`{name}` is given twice", expected=f"one `{name}` parameter",
                          hint="join filters with commas in one filter= parameter" if name == "filter" else
                          "join the words in one parameter")
        seen.add(name)
        if name == "filter":
            query.filters = _filters(value)
        elif name in FIELD_QUERIES:
            if not value.strip():
                raise _refuse(f"`{name}` is empty", expected="words to search for")
            query.queries.append((name, value))
        else:
            raise _refuse(f"`{name}` is not a documented parameter of Crossref's works route",
                          expected="query, one of the field queries (" + ", ".join(sorted(FIELD_QUERIES - {"query"}))
                          + ") or filter")
    if not query.queries and not query.filters:
        raise _refuse("no query or filter parameter", expected="for example query.bibliographic=...")
    return query


def _filters(value: str) -> list[tuple[str, str]]:
    found = []
    for item in (part.strip() for part in value.split(",")):
        name, colon, argument = item.partition(":")
        name, argument = name.strip(), argument.strip()
        if not colon or not name or not argument:
            raise _refuse(f"filter `{item}` is not name:value", expected="filter=name:value,name:value")
        if name not in FILTERS:
            raise _refuse(f"`{name}` is not a documented filter of Crossref's works route",
                          expected="a filter of the works route (e.g. from-pub-date, until-pub-date, type, issn, "
                                   "has-abstract)")
        if name in DATE_FILTERS and not _is_date(argument):
            raise _refuse(f"filter `{name}` has the date {argument!r}", expected="YYYY-MM-DD, YYYY-MM or YYYY")
        found.append((name, argument))
    return found


def index_window(query: CrossrefQuery, mindate: date | None, today: date) -> list[tuple[str, str]]:
    """The filters of an update (records indexed from ``mindate`` to ``today``, both inclusive); none for a
    whole search. A query that filters on the index date itself cannot be updated: the same filter given twice
    means either value to Crossref, so the window would be silently widened."""
    if mindate is None:
        return []
    clash = [name for name, _ in query.filters if name in INDEX_DATE_FILTERS]
    if clash:
        raise _refuse(f"the query filters on {clash[0]} itself, so an update cannot add its own index-date window",
                      expected="a query without from-index-date/until-index-date",
                      hint="remove the index-date filter from the query, or log the update as a new search")
    return [(INDEX_DATE_FILTERS[0], mindate.isoformat()), (INDEX_DATE_FILTERS[1], today.isoformat())]

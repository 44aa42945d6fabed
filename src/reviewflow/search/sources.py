"""The databases `reviewflow search` can query, each described once: where it answers, how a key is sent, how fast
it may be asked, and the function that runs one search.

A source module (``pubmed``, ``europepmc``, ...) exports ``SOURCE``; ``run.py`` only ever talks to this shape, so a
new API is one module and one line in ``SOURCES``. Keys are read from the environment by name and handed to the
HTTP client as secrets, which it sends but never logs, writes or shows.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from reviewflow.search.http import PoliteClient


@dataclass
class SearchContext:
    """What one search run is given: the client (rate-limited, secrets attached), the query exactly as the search
    log holds it, the day it runs, where response bodies go (the snapshot, in order), the first entry/index date of
    an update (None for a whole search), the page size, and the environment (for non-secret settings such as a
    polite contact address)."""

    http: PoliteClient
    query: str
    today: date
    write: Callable[[bytes], None]
    mindate: date | None = None
    batch: int | None = None
    environ: Mapping[str, str] = field(default_factory=dict)


@dataclass
class SearchResult:
    """What a run got, reconciled: the count the database reported for the search as run (an update: the records
    indexed since ``mindate``), the records written, the whole query's count on that day (updates), and details
    the provenance keeps (PubMed's entry-date slices, the cursor pages)."""

    count: int
    records: int
    full_count: int | None = None
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Source:
    """One searchable database's API."""

    api: str
    """The name a config uses: ``search: {api: <api>}``."""
    name: str
    default_url: str
    url_variable: str
    """Environment variable that points the search elsewhere (tests: a loopback server)."""
    suffix: str
    """The snapshot file's extension, the database's own format (``.txt`` MEDLINE, ``.json`` JSON pages)."""
    run: Callable[[SearchContext], SearchResult]
    update_dates: str
    """Which date an update filters on, in words for the search log (e.g. "entry date (edat)")."""
    rate: float = 3.0
    """Requests per second without a key."""
    keyed_rate: float | None = None
    """Requests per second with a key (None: the same)."""
    key_variable: str | None = None
    key_required: bool = False
    key_param: str | None = None
    """Send the key as this parameter..."""
    key_header: str | None = None
    """...or as this header."""
    secret_variables: Mapping[str, str] = field(default_factory=dict)
    """Further settings sent as secret parameters: parameter name -> environment variable (e.g. a mailto)."""
    secret_header_variables: Mapping[str, str] = field(default_factory=dict)
    """Further settings sent as secret headers: header name -> environment variable (e.g. Elsevier's institution
    token, X-ELS-Insttoken)."""
    default_batch: int = 1000


def sources() -> dict[str, Source]:
    """Every source this installation can search, by config name."""
    # Imported here: each source module imports this one for its types.
    from reviewflow.search import crossref, europepmc, openalex, pubmed, scopus, wos_starter

    found = (pubmed.SOURCE, europepmc.SOURCE, openalex.SOURCE, crossref.SOURCE, scopus.SOURCE, wos_starter.SOURCE)
    return {source.api: source for source in found}

"""The `search` subcommand, kept apart from the per-stage commands of reviewflow.cli (it goes to the network)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def cmd_search(args: argparse.Namespace) -> int:
    # Imported here: requests and Bio.Entrez are needed only when searching, not by every stage's start-up.
    from reviewflow.config import load_config
    from reviewflow.search.run import SearchOptions, run_searches

    options = SearchOptions(base_url=args.base_url, batch=args.batch)
    done = run_searches(load_config(Path(args.config)), Path.cwd(), update=args.update, only=args.database,
                        options=options)
    for row in done:
        kind = "update" if row["update"] else "search"
        full = f"; the whole query: {row['full_count']}" if row["full_count"] is not None else ""
        where = f"-> {row['export']}" if row["export"] else "(nothing to export)"
        print(f"reviewflow search: {row['database']} {kind}: {row['source']} reported {row['count']}, {row['records']} "
              f"records fetched{full} {where}; provenance {row['provenance']}; search log filled in")
    return 0


def register(sub: Any) -> None:
    """Add `search` to the command line's subcommands."""
    search = sub.add_parser(
        "search", help="Run the search log's queries against the databases' APIs and freeze the results.",
        description="For each database whose config entry has `search: {api: <source>}` (pubmed, europepmc, "
        "openalex, crossref, scopus, wos_starter), run the query of its latest search in data/search_log.yaml "
        "whose date and hits still say TODO, write the answers exactly as returned to "
        "data/raw/<database>/<database>-<YYYY-MM-DD>.<txt|json> with a .provenance.json beside it, and fill in the "
        "search log. With --update, add a new dated search fetching the records indexed since the last one. API "
        "keys are read from the environment (NCBI_API_KEY, OPENALEX_API_KEY, ELSEVIER_API_KEY, WOS_API_KEY) and "
        "never written anywhere.")
    search.add_argument("--config", default="config/review.yaml", help="review protocol (YAML)")
    search.add_argument("--update", action="store_true", help="add an update: same query, records entered since "
                        "the previous search's date, full count re-checked")
    search.add_argument("--database", action="append", help="search only this database id (repeat for several)")
    search.add_argument("--base-url", help="the API's base URL (default: the source's environment variable, e.g. "
                        "$REVIEWFLOW_EUTILS_URL, else the database's own)")
    search.add_argument("--batch", type=int, help="records per request (default: each source's own)")
    search.set_defaults(func=cmd_search)

"""The `citations` subcommand, kept apart from the per-stage commands of reviewflow.cli (it goes to the network)."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


def cmd_citations(args: argparse.Namespace) -> int:
    # Imported here: requests is needed only when searching, not by every stage's start-up.
    from reviewflow.config import load_config
    from reviewflow.search.citation_log import citation_source, record_citation_search
    from reviewflow.search.citations import search_citations
    from reviewflow.search.run import SearchOptions

    config = load_config(Path(args.config))
    day = datetime.now(UTC).date()
    database = citation_source(config, day.isoformat())  # before any request: the import must read the snapshot
    done = search_citations(Path.cwd(), args.seeds, today=day,
                            options=SearchOptions(base_url=args.base_url, batch=args.batch))
    record_citation_search(config, Path.cwd(), database, done, day.isoformat(), args.seeds)
    counts = done["counts"]
    where = f"-> {done['export']}" if done["export"] else "(nothing to export)"
    print(f"reviewflow citations: {done['resolved']} of {done['seeds']} seeds found in OpenAlex; "
          f"{counts['backward']['records']} referenced and {counts['forward']['records']} citing works, "
          f"{done['distinct']} distinct {where}; provenance {done['provenance']}; search log: searches.{database}")
    for label, reason in done["unresolved"]:
        print(f"reviewflow citations: seed {label} not searched: {reason}")
    return 0


def register(sub: Any) -> None:
    """Add `citations` to the command line's subcommands."""
    citations = sub.add_parser(
        "citations", help="Citation searching: the works the included studies cite and the works citing them.",
        description="Resolve each included study (its DOI, else its PMID) to an OpenAlex work, then fetch the "
        "works it references (backward) and the works that cite it (forward), one level. The answers are frozen "
        "as received in data/raw/citations/citations-<YYYY-MM-DD>.json with a .provenance.json beside it naming "
        "each request's and each work's seed and direction, and the seeds OpenAlex could not find, and the search "
        "is logged in the search log under the config source (arm: other_methods) that reads it. The key is "
        "read from OPENALEX_API_KEY and a contact address from REVIEWFLOW_MAILTO; neither is written anywhere.")
    citations.add_argument("--config", default="config/review.yaml", help="review protocol (YAML): a source with "
                           "arm: other_methods must read data/raw/citations/")
    citations.add_argument("--seeds", default="results/studies.csv",
                           help="the included studies, a CSV with doi and/or pmid columns (default: "
                           "results/studies.csv, written by the build)")
    citations.add_argument("--base-url", help="OpenAlex's base URL (default: $REVIEWFLOW_OPENALEX_URL, else "
                           "https://api.openalex.org/)")
    citations.add_argument("--batch", type=int, help="works per page of citing works (1-100, default 100)")
    citations.set_defaults(func=cmd_citations)

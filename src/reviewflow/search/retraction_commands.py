"""The `check-retractions` subcommand: the one step besides `search` that goes to the network, so it is kept
apart from the build's stages and run only on request (`make retractions`)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def cmd_check_retractions(args: argparse.Namespace) -> int:
    from reviewflow.search.retractions import CheckOptions, check_retractions

    done = check_retractions(Path.cwd(), Path(args.studies),
                             options=CheckOptions(crossref_url=args.crossref_url, openalex_url=args.openalex_url))
    print(f"reviewflow check-retractions: {done['dois']} DOI(s) of {done['studies']} included studies asked of "
          f"Crossref and OpenAlex ({done['answers']} answers) -> {done['snapshot']}; provenance "
          f"{done['provenance']}")
    for study in done["not_checkable"]:
        print(f"reviewflow check-retractions: not checkable (no DOI): {study.work_id} {study.label}")
    print("reviewflow check-retractions: `make review` now reports the check (results/retractions.csv)")
    return 0


def register(sub: Any) -> None:
    """Add `check-retractions` to the command line's subcommands."""
    command = sub.add_parser(
        "check-retractions", help="Ask Crossref and OpenAlex whether an included study was retracted; freeze "
        "the answers.",
        description="For every included study of results/studies.csv with a DOI, ask Crossref (works/<doi>: the "
        "notices in its updated-by list, from publishers and the Retraction Watch database) and OpenAlex "
        "(works/doi:<doi>: is_retracted), and write the answers exactly as received to "
        "data/retractions/retractions-<YYYY-MM-DD>.json with a .provenance.json beside it. The build reads that "
        "frozen file (results/retractions.csv, the manuscript's numbers) and never goes to the network. A polite "
        "contact address is read from REVIEWFLOW_MAILTO and an OpenAlex key from OPENALEX_API_KEY; neither is "
        "ever written anywhere.")
    command.add_argument("--studies", default="results/studies.csv", help="included studies (default: %(default)s)")
    command.add_argument("--crossref-url", help="Crossref's base URL (default: $REVIEWFLOW_CROSSREF_URL, else "
                         "https://api.crossref.org/)")
    command.add_argument("--openalex-url", help="OpenAlex's base URL (default: $REVIEWFLOW_OPENALEX_URL, else "
                         "https://api.openalex.org/)")
    command.set_defaults(func=cmd_check_retractions)

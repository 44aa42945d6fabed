"""The project-level subcommands (`init`, `verify`), kept apart from the per-stage commands of reviewflow.cli."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from reviewflow.errors import InputError
from reviewflow.project.scaffold import KNOWN_DATABASES, ReviewSpec, init_project, parse_databases, parse_years


def _ask(args: argparse.Namespace, name: str, question: str) -> str:
    """An option's value, asked for at the terminal when it was not given (an error when nobody can answer)."""
    value = getattr(args, name)
    if value:
        return value
    if not sys.stdin.isatty():
        raise InputError(f"no --{name} given", field=f"--{name}",
                         expected=f"{question.rstrip('?: ')} (give --{name}, or run in a terminal to be asked)")
    return input(question).strip()


def cmd_init(args: argparse.Namespace) -> int:
    title = _ask(args, "title", "Title of the review: ")
    question = _ask(args, "question", "Review question: ")
    databases = parse_databases(_ask(args, "databases", f"Databases searched, in priority order "
                                                         f"(known: {', '.join(KNOWN_DATABASES)}): "))
    spec = ReviewSpec(title=title, question=question, databases=databases, authors=args.author or [],
                      years=parse_years(args.years), languages=args.language or ["English"])
    directory = Path(args.directory)
    written = init_project(directory, spec)
    print(f"reviewflow init: wrote a review project with {len(written)} files in {directory}")
    print(f"next: put each database's exports in {directory}/data/raw/<database>/, record each search in "
          f"{directory}/data/search_log.yaml (replace every TODO), then run `reviewflow build --draft` in "
          f"{directory} (its README.md walks through the rest)")
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    from reviewflow.verify import verify

    return verify(args.cores)


def register(sub: Any) -> None:
    """Add `init` and `verify` to the command line's subcommands."""
    init = sub.add_parser(
        "init", help="Start a new review project in a folder.",
        description="Write a new review project: the protocol (config/review.yaml) with a default extraction "
        "form, a search log to fill in, empty decision files, a neutral manuscript, a Snakefile that runs the "
        "installed workflow, .gitignore, a Makefile, CI (.ci/run) and a README for the team. Options not given "
        "are asked for at the terminal.")
    init.add_argument("directory", metavar="DIR", help="the new project's folder (new or empty)")
    init.add_argument("--title", help="the review's title")
    init.add_argument("--question", help="the review question")
    init.add_argument("--databases", help="database ids in priority order, e.g. pubmed,scopus,embase,wos")
    init.add_argument("--author", action="append", help="an author (repeat for each)")
    init.add_argument("--years", default="1900-2100", help="publication years eligible, FIRST-LAST "
                      "(default: %(default)s, i.e. no limit)")
    init.add_argument("--language", action="append", help="a language accepted (repeat; default: English)")
    init.set_defaults(func=cmd_init)
    verify = sub.add_parser(
        "verify", help="Rebuild everything and check the committed results did not change.",
        description="The reproducibility check for CI and journal editors: re-run every stage (--forceall) in "
        "this project folder, then fail naming each committed file under results/ or manuscript/ the rebuild "
        "changed. Needs the project to be a git repository with everything committed.")
    verify.add_argument("--cores", type=int, default=2, help="CPU cores Snakemake may use (default: 2)")
    verify.set_defaults(func=cmd_verify)

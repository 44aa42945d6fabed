"""``reviewflow screen``: the command that starts the local screening app in a project folder."""

from __future__ import annotations

import argparse
from pathlib import Path

from reviewflow.errors import InputError
from reviewflow.screening.app.names import STAGES

# Listed here, not imported from order.py: every reviewflow command loads this module, and the order module
# brings scikit-learn with it.
ORDERS = ("prioritised", "file")


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``screen`` subcommand."""
    help_text = "Screen works in the browser: one at a time, keyboard first, saved to your own decision file."
    command = sub.add_parser(
        "screen", help=help_text,
        description=help_text + " Run it in the project folder after a build has listed the works awaiting "
        "screening. Decisions go to data/screening/STAGE/REVIEWER.csv, the file the build reads.")
    command.add_argument("--stage", required=True, choices=STAGES, help="screening stage")
    command.add_argument("--reviewer", required=True, help="your name or initials (the file name); 'consensus' "
                         "settles the conflicts once every reviewer has finished")
    command.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: a free one)")
    command.add_argument("--no-browser", action="store_true", help="only print the address")
    command.add_argument("--order", choices=ORDERS, default="prioritised",
                         help="prioritised: most likely relevant first, retrained after every decision "
                              "(default); file: the build's order")
    command.add_argument("--seed", type=int, default=0, help="seed of the prioritised order (default: 0)")
    command.add_argument("--config", default="config/review.yaml", help="review protocol (YAML)")
    command.set_defaults(func=run)


def run(args: argparse.Namespace) -> None:
    from reviewflow.config import load_config
    from reviewflow.screening.app.server import serve
    from reviewflow.screening.app.session import Session

    if not 0 <= args.port <= 65535:
        raise InputError(f"port {args.port} is out of range", field="--port", expected="0-65535")
    if args.seed < 0:
        raise InputError("the seed must not be negative", field="--seed", expected="0 or more")
    config_path = Path(args.config)
    if not config_path.is_file():
        raise InputError("no config here: run this in the project folder", file=config_path)
    config = load_config(config_path)
    session = Session(Path.cwd(), config, args.stage, args.reviewer, order=args.order, seed=args.seed)
    serve(session, port=args.port, open_browser=not args.no_browser)

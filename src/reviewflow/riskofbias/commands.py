"""Command line of the risk-of-bias stage (`reviewflow risk-of-bias`, one call per Snakemake rule) and of
`reviewflow rob-forms`, which writes blank sheets for the assessors; registered from here so the CLI module
only adds one line."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def cmd_risk_of_bias(args: argparse.Namespace) -> None:
    from reviewflow.config import load_config
    from reviewflow.riskofbias.stage import run_risk_of_bias
    from reviewflow.tables import read_table

    studies_path = Path(args.studies)
    studies = read_table(studies_path, required=["work_id", "study_label", "design"])
    run_risk_of_bias(load_config(Path(args.config)), studies, project=Path(args.project),
                     studies_path=studies_path, out=Path(args.out), numbers_path=Path(args.numbers),
                     errors_path=Path(args.errors), figures=Path(args.figures))


def cmd_rob_forms(args: argparse.Namespace) -> int:
    from reviewflow.config import load_config
    from reviewflow.riskofbias.forms import form_guide, write_blank_sheets
    from reviewflow.riskofbias.settings import rob_settings
    from reviewflow.tables import read_table

    config = load_config(Path(args.config))
    if not rob_settings(config).tools:
        print("reviewflow rob-forms: the config has no risk_of_bias.tools section: nothing to write")
        return 1
    studies = read_table(Path(args.studies), required=["work_id", "study_label", "design"])
    for path, count, written in write_blank_sheets(config, studies, Path("."), overwrite=args.overwrite):
        state = "written" if written else "kept (exists; --overwrite replaces it)"
        print(f"reviewflow rob-forms: {path}: {count} included stud{'y' if count == 1 else 'ies'}, {state}")
    if args.guide:
        Path(args.guide).parent.mkdir(parents=True, exist_ok=True)
        Path(args.guide).write_text("\n".join(form_guide(t) for t in rob_settings(config).tools), encoding="utf-8")
        print(f"reviewflow rob-forms: the forms in words -> {args.guide}")
    return 0


def register(sub: Any) -> None:
    """Add `risk-of-bias` (the build's stage) and `rob-forms` to the command line's subcommands."""
    stage = sub.add_parser(
        "risk-of-bias", help="Check the risk-of-bias sheets; write judgements, numbers and plots.",
        description="Check every data/risk_of_bias/<tool>.csv of the tools the config names (all problems in "
        "one table), derive overall judgements by each tool's algorithm, and write the judgements, the "
        "manuscript's rob.* numbers and the traffic-light and summary plots.")
    stage.add_argument("--config", default="config/review.yaml", help="review protocol (YAML)")
    stage.add_argument("--project", default=".", help="project folder holding data/risk_of_bias/")
    for flag, text in (("--studies", "included studies CSV"), ("--out", "output judgements CSV"),
                       ("--numbers", "output numbers JSON"), ("--errors", "output problems CSV"),
                       ("--figures", "figures folder")):
        stage.add_argument(flag, required=True, help=text)
    stage.set_defaults(func=cmd_risk_of_bias)
    forms = sub.add_parser(
        "rob-forms", help="Write blank risk-of-bias sheets for the included studies.",
        description="For each tool of the config's risk_of_bias.tools, write data/risk_of_bias/<tool>.csv with "
        "one row per included study of the tool's designs (from results/studies.csv) and the form's columns. "
        "An existing sheet is kept.")
    forms.add_argument("--config", default="config/review.yaml", help="review protocol (YAML)")
    forms.add_argument("--studies", default="results/studies.csv", help="included studies (default: %(default)s)")
    forms.add_argument("--overwrite", action="store_true", help="replace existing sheets")
    forms.add_argument("--guide", help="also write the forms in words (Markdown) to this file")
    forms.set_defaults(func=cmd_rob_forms)

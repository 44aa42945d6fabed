"""The `sheets` and `import-decisions` subcommands, kept apart from the per-stage commands of reviewflow.cli: a
reviewer runs them by hand between builds; neither is a workflow stage."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from reviewflow.errors import InputError

STAGES = ("title_abstract", "full_text")
DECISIONS_DIR = Path("data/screening")  # every CSV and workbook below it is read as a decision file
TOOLS = ("rayyan", "covidence", "asreview")


def _config(path: str) -> dict[str, Any]:
    from reviewflow.config import load_config

    return load_config(Path(path))


def _refuse_overwrite(path: Path, force: bool) -> None:
    if path.exists() and not force:
        raise InputError("file exists: it may hold decisions already made", file=path,
                         expected="a new file name, or --force to replace it")


def _refuse_inside_decisions(path: Path, what: str) -> None:
    """A tool's export or the import report under data/screening/ would be read by the build as decisions."""
    if DECISIONS_DIR.resolve() in path.resolve().parents:
        raise InputError(f"{what} inside {DECISIONS_DIR}/, where every CSV and workbook is read as decisions",
                         file=path, expected=f"a place outside {DECISIONS_DIR}/, e.g. data/imports/")


def cmd_sheets(args: argparse.Namespace) -> int:
    from reviewflow.screening.workbook import write_workbook
    from reviewflow.screening.workbook_rows import workbook_rows

    config = _config(args.config)
    stages = [args.stage] if args.stage else list(STAGES)
    # One stage's workbook where that stage's decision files are; a workbook of both stages beside the folders.
    out = Path(args.out or (DECISIONS_DIR / args.stage / f"{args.reviewer}.xlsx" if args.stage
                            else DECISIONS_DIR / f"{args.reviewer}.xlsx"))
    _refuse_overwrite(out, args.force)
    rows = workbook_rows(Path(args.awaiting), Path(args.works))
    write_workbook(rows, stages, config, args.reviewer, out)
    counts = ", ".join(f"{stage}: {int((rows['stage'] == stage).sum())}" for stage in stages)
    print(f"reviewflow sheets: {out} ({counts} work(s) awaiting); fill in decision and reason, save, and build")
    return 0


def cmd_import_decisions(args: argparse.Namespace) -> int:
    from reviewflow.screening.imports.run import import_decisions

    out = Path(args.out or f"data/screening/{args.stage}/{args.reviewer}.csv")
    _refuse_overwrite(out, args.force)
    source = Path(args.file)
    report = Path(args.report) if args.report else source.with_name(source.name + ".unmatched.csv")
    _refuse_inside_decisions(source, "the tool's export is")
    _refuse_inside_decisions(report, "the report would be")
    summary = import_decisions(args.tool, source, stage=args.stage, reviewer=args.reviewer,
                               config=_config(args.config), works=Path(args.works), out=out, report=report,
                               tool_reviewer=args.tool_reviewer, covidence_list=args.list,
                               reason=args.reason)
    print(f"reviewflow import-decisions: {summary}")
    return 0


def register(sub: Any) -> None:
    """Add `sheets` and `import-decisions` to the command line's subcommands."""
    sheets = sub.add_parser(
        "sheets", help="Write a screening workbook (XLSX) of the works awaiting a decision, for one reviewer.",
        description="Write an XLSX workbook of the works awaiting screening (results/awaiting_screening.csv, as "
        "the last build left it): one sheet per stage, DOI and PMID linked, the abstract wrapped, and drop-down "
        "lists of the config's decisions and exclusion reasons. Saved under data/screening/ after filling it in, "
        "it is read by the build as a decision file; rows left blank stay awaiting.")
    sheets.add_argument("--config", default="config/review.yaml", help="review protocol (YAML)")
    sheets.add_argument("--stage", choices=STAGES, help="only this stage's sheet (default: a sheet per stage)")
    sheets.add_argument("--reviewer", required=True, help="the reviewer's name or initials, filled in on every row")
    sheets.add_argument("--out", help="workbook to write (default: data/screening/<stage>/<reviewer>.xlsx, or "
                        "data/screening/<reviewer>.xlsx without --stage)")
    sheets.add_argument("--awaiting", default="results/awaiting_screening.csv",
                        help="the works awaiting a decision (default: %(default)s)")
    sheets.add_argument("--works", default="results/works.csv", help="works table, for full author lists "
                        "(default: %(default)s)")
    sheets.add_argument("--force", action="store_true", help="replace --out if it exists")
    sheets.set_defaults(func=cmd_sheets)

    importer = sub.add_parser(
        "import-decisions", help="Turn a Rayyan, Covidence or ASReview export into a decision file.",
        description="Read a screening tool's export (Rayyan CSV/RIS with RAYYAN-INCLUSION notes; Covidence CSV/RIS "
        "of one list: irrelevant, screen, select, included or excluded; ASReview CSV/XLSX with `included` or "
        "`asreview_label`), match each row to a work by DOI, then PMID, then title and year, and write a "
        "decision file. Rows that match no work, or several, and rows the tool left undecided are listed in a "
        "report CSV (printed); nothing is dropped silently.")
    importer.add_argument("file", metavar="FILE", help="the tool's export")
    importer.add_argument("--tool", required=True, choices=TOOLS, help="the tool that wrote FILE")
    importer.add_argument("--stage", required=True, choices=STAGES, help="the screening stage the export decides")
    importer.add_argument("--reviewer", required=True, help="reviewer name written in the decision file")
    importer.add_argument("--out", help="decision file to write (default: data/screening/<stage>/<reviewer>.csv)")
    importer.add_argument("--report", help="CSV of rows not imported (default: FILE.unmatched.csv, beside FILE)")
    importer.add_argument("--tool-reviewer", help="Rayyan: whose decisions to take when several members decided")
    importer.add_argument("--list", help="Covidence: the list FILE was exported from (irrelevant, screen, select, "
                          "included, excluded); default: read from Covidence's file name")
    importer.add_argument("--reason", help="reason code for imported exclusions whose tool reason is no code of the "
                          "config (default: other; the tool's wording goes in the note)")
    importer.add_argument("--config", default="config/review.yaml", help="review protocol (YAML)")
    importer.add_argument("--works", default="results/works.csv", help="works table (default: %(default)s)")
    importer.add_argument("--force", action="store_true", help="replace --out if it exists")
    importer.set_defaults(func=cmd_import_decisions)

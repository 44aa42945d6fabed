"""Command line: one subcommand per workflow stage, so Snakemake rules stay one line and users can run a stage
by hand. Problems with inputs are printed as one clear message (file, line, field, what was expected), never as
a traceback.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import pandas as pd

from reviewflow import __version__
from reviewflow.errors import InputError, InvariantError
from reviewflow.project.commands import register as register_project_commands
from reviewflow.riskofbias.commands import register as register_rob_commands
from reviewflow.screening.app.commands import register as register_screen_app
from reviewflow.screening.commands import register as register_screening_tool_commands
from reviewflow.search.citation_commands import register as register_citation_commands
from reviewflow.search.commands import register as register_search_commands
from reviewflow.search.retraction_commands import register as register_retraction_commands

log = logging.getLogger("reviewflow")


def _config(args: argparse.Namespace) -> dict:
    from reviewflow.config import load_config

    return load_config(Path(args.config))


def cmd_import(args: argparse.Namespace) -> None:
    from reviewflow.importing.exports import import_files
    from reviewflow.tables import write_json, write_table

    if args.files:
        if not args.output:
            raise InputError("no output file given", expected="-o RECORDS.csv when export files are named")
        records, report = import_files([Path(f) for f in args.files], args.database)
        for entry in report["files"]:
            print(f"{entry['file']}: {entry['format']}, {entry['records']} records")
        print(f"total: {report['records_total']} records -> {args.output}")
        write_table(records, Path(args.output), sort_by=["database", "source_file", "source_position"])
        return
    if not (args.records and args.report):
        raise InputError("nothing to import", expected="export FILE... -o OUT.csv, or --records and --report to "
                         "import the exports listed in the config")
    from reviewflow.importing.staged import StagedImport
    from reviewflow.synthesis.prisma_update import split_searches

    config = _config(args)
    # Streamed: records are staged as they are read, and results/ is written only once everything checked out.
    with StagedImport(config, Path.cwd(), raw=bool(args.raw)) as staged:
        split_searches(config, staged.report["searches"], Path(args.config))  # an update's dates, before screening
        staged.write_records(Path(args.records))
        write_json(staged.report, Path(args.report))
        if args.raw:
            staged.write_raw(Path(args.raw))


def cmd_dedup(args: argparse.Namespace) -> None:
    from reviewflow.dedup.identity import (
        read_id_history,
        read_ledger,
        with_history,
        write_id_history_if_changed,
        write_ledger_if_changed,
    )
    from reviewflow.dedup.overrides import read_overrides
    from reviewflow.dedup.run import deduplicate
    from reviewflow.importing.citations import is_citation_table, read_citation_table
    from reviewflow.importing.exports import import_files
    from reviewflow.tables import read_table, write_table

    if args.inputs:
        if not args.output:
            raise InputError("no output file given", expected="-o OUTPUT.csv when input files are named")
        frames = []
        for name in args.inputs:
            path = Path(name)
            if not path.is_file():
                raise InputError("file not found", file=path)
            frames.append(read_citation_table(path) if is_citation_table(path) else import_files([path])[0])
        records = pd.concat(frames, ignore_index=True)
        databases = {db: {} for db in dict.fromkeys(records["database"])}
        result = deduplicate(records, {"databases": databases})
        pairs = result.pairs[result.pairs["verdict"] == "duplicate"]
        rule_of: dict[str, str] = {}
        for row in pairs.itertuples(index=False):
            for record_id in (row.record_id_a, row.record_id_b):
                rule_of.setdefault(record_id, row.rule)
        out = pd.DataFrame({"record_id": records["record_id"]})
        out["work_id"] = out["record_id"].map(result.record_to_work)
        out["rule"] = out["record_id"].map(rule_of).fillna("unique")
        write_table(out, Path(args.output), sort_by=["work_id", "record_id"])
        print(f"{len(records)} records -> {len(result.works)} works -> {args.output}")
        return
    if not (args.records and args.works and args.pairs):
        raise InputError("nothing to deduplicate", expected="INPUT... -o OUTPUT.csv, or --records, --works and "
                         "--pairs as the workflow runs it")
    records = read_table(Path(args.records))
    overrides = read_overrides(Path(args.overrides), set(records["record_id"])) if args.overrides else None
    ledger = read_ledger(Path(args.ledger)) if args.ledger else None
    result = deduplicate(records, _config(args), overrides, ledger)
    # The ledger first: it is an input of this stage, and outputs older than an input would make Snakemake re-run it.
    if args.ledger and write_ledger_if_changed(Path(args.ledger), result.ledger):
        log.info("identity ledger %s updated", args.ledger)
    id_changes = result.id_changes
    if args.id_history:
        # Every merge and split so far, not only this run's: a decision file may still name an id retired long ago.
        id_changes = with_history(read_id_history(Path(args.id_history)), result.id_changes)
        if write_id_history_if_changed(Path(args.id_history), id_changes):
            log.info("work id history %s updated", args.id_history)
    if args.id_changes:
        write_table(id_changes, Path(args.id_changes), sort_by=["old_work_id", "new_work_id"])
    if not result.id_changes.empty:
        log.warning("%d work id(s) merged or split by this run; see %s", len(result.id_changes), args.id_changes)
    write_table(result.works, Path(args.works), sort_by=["work_id"])
    write_table(result.pairs, Path(args.pairs), sort_by=["record_id_a", "record_id_b"])
    if args.review:
        write_table(result.review, Path(args.review), sort_by=["record_id_a", "record_id_b"])
    log.info("%d records -> %d works (%d candidate pairs, %d for review)", len(records), len(result.works),
             len(result.pairs), len(result.review))


def cmd_export(args: argparse.Namespace) -> None:
    from reviewflow.dedup.export import export_works
    from reviewflow.tables import read_table

    export_works(read_table(Path(args.works)), Path(args.ris), Path(args.bibtex), Path(args.csv))


def cmd_eligibility(args: argparse.Namespace) -> None:
    from reviewflow.screening.eligibility import ELIGIBILITY_COLUMNS, apply_eligibility
    from reviewflow.tables import read_table, write_table

    excluded = apply_eligibility(read_table(Path(args.works), columns=ELIGIBILITY_COLUMNS), _config(args))
    write_table(excluded, Path(args.out), sort_by=["work_id"])


def cmd_screening(args: argparse.Namespace) -> None:
    from reviewflow.screening.carry_over import carry_screening_decisions, read_id_changes, stop_on_conflicts
    from reviewflow.screening.decisions import STAGES, read_decisions, resolve_screening
    from reviewflow.screening.interrater import screening_agreement
    from reviewflow.screening.sheets import SCREENING_DISPLAY
    from reviewflow.screening.workbook_read import decision_paths
    from reviewflow.tables import read_table, write_json, write_table

    config = _config(args)
    # Subfolders too (one file per stage and reviewer): a decision file the stage skipped would be lost silently.
    paths = decision_paths(Path(args.decisions))  # CSV files and filled workbooks (.xlsx)
    decisions = read_decisions(paths, config)
    auto_excluded = read_table(Path(args.auto_excluded))
    if args.id_changes:
        decisions, conflicts = carry_screening_decisions(
            decisions, read_id_changes(Path(args.id_changes)), set(auto_excluded["work_id"]))
        stop_on_conflicts(conflicts, Path(args.id_conflicts), "screening")
    works = read_table(Path(args.works), columns=["work_id", *SCREENING_DISPLAY])
    screening = resolve_screening(works, auto_excluded, decisions, config, Path(args.awaiting), draft=args.draft,
                                  conflicts_path=Path(args.conflicts))
    write_table(screening, Path(args.out), sort_by=["work_id"])
    if args.agreement:
        # Agreement on the decisions the stage used: not those on works still excluded by rule.
        still_auto = set(screening.loc[screening["final"] == "auto_excluded", "work_id"])
        used = decisions[~decisions["work_id"].isin(still_auto)]
        write_json(screening_agreement(used, STAGES), Path(args.agreement))


def cmd_extract(args: argparse.Namespace) -> None:
    from reviewflow.extraction.sheet import check_extraction
    from reviewflow.screening.carry_over import read_id_changes
    from reviewflow.tables import read_table, write_table

    studies = check_extraction(
        Path(args.sheet), read_table(Path(args.screening)), read_table(Path(args.works)), _config(args),
        Path(args.awaiting), read_id_changes(Path(args.id_changes)) if args.id_changes else None,
        Path(args.id_conflicts), draft=args.draft, screening_path=Path(args.screening),
        errors_path=Path(args.errors), disagreements_path=Path(args.conflicts),
    )
    write_table(studies, Path(args.out), sort_by=["work_id"])


def cmd_synthesise(args: argparse.Namespace) -> None:
    from reviewflow.extraction.reports import further_reports
    from reviewflow.synthesis.draft import refuse_draft_results
    from reviewflow.synthesis.numbers import compute_numbers, variables_yaml
    from reviewflow.synthesis.prisma import compute_prisma
    from reviewflow.synthesis.prisma_update import compute_update, split_searches
    from reviewflow.tables import read_table, write_json

    config = _config(args)
    report = json.loads(Path(args.import_report).read_text(encoding="utf-8"))
    screening = read_table(Path(args.screening))
    studies = read_table(Path(args.studies))
    works, auto_excluded = read_table(Path(args.works)), read_table(Path(args.auto_excluded))
    if not args.draft:
        refuse_draft_results(screening, Path(args.screening))
    draft_studies = studies if args.draft else None
    further = further_reports(studies)
    prisma = compute_prisma(report, works, auto_excluded, screening, config, studies=draft_studies, further=further)
    split = split_searches(config, report.get("searches"), Path(args.config))
    if split is not None and "other_methods" in prisma:
        raise InputError("the PRISMA diagram of an updated review with an other-methods arm is not supported yet",
                         file=args.config, field="databases.<id>.arm",
                         expected="either update searches or sources with `arm: other_methods`, not both",
                         hint="report the other methods' counts in the text for now (reviewflow issue 12)")
    if split is not None:
        if not args.records:
            raise InputError("the counts of an updated review need each record's export file", field="--records",
                             expected="results/records.csv")
        records = read_table(Path(args.records), required=["record_id", "database", "source_file"])
        prisma["update"] = compute_update(prisma, split, records, works, auto_excluded, screening, config,
                                          studies=draft_studies, further=further)
    pairs = read_table(Path(args.dedup_pairs), required=["rule", "verdict"])
    agreement = None
    if args.screening_agreement:
        agreement = json.loads(Path(args.screening_agreement).read_text(encoding="utf-8"))
    numbers = compute_numbers(prisma, studies, config, pairs, agreement)
    if args.retractions:
        from reviewflow.synthesis.retractions import add_retraction_numbers

        add_retraction_numbers(numbers, Path(args.retractions))
    if args.risk_of_bias:
        from reviewflow.riskofbias.numbers import add_rob_numbers

        add_rob_numbers(numbers, Path(args.risk_of_bias))
    write_json(prisma, Path(args.prisma))
    write_json(numbers, Path(args.numbers))
    Path(args.variables).write_text(variables_yaml(numbers), encoding="utf-8")


def cmd_retractions(args: argparse.Namespace) -> None:
    from reviewflow.synthesis.retractions import report_retractions
    from reviewflow.tables import read_table, write_json, write_table

    studies = read_table(Path(args.studies), required=["work_id", "study_label", "doi"])
    table, numbers = report_retractions(studies, Path(args.snapshots))
    write_table(table, Path(args.out), sort_by=["work_id"])
    write_json(numbers, Path(args.numbers))


def cmd_figures(args: argparse.Namespace) -> None:
    from reviewflow.report.figures.make import make_figures

    make_figures(_config(args), Path(args.prisma), Path(args.studies), Path(args.outdir))


def cmd_tables(args: argparse.Namespace) -> None:
    from reviewflow.report.tables import make_tables

    make_tables(_config(args), Path(args.studies), Path(args.prisma), Path(args.outdir), Path(args.bibliography),
                Path(args.works) if args.works else None)


def cmd_search_report(args: argparse.Namespace) -> None:
    from reviewflow.report.search_report import make_search_report

    make_search_report(_config(args), Path(args.import_report), Path(args.prisma), Path(args.dedup_pairs),
                       Path(args.table), Path(args.out))


def cmd_render(args: argparse.Namespace) -> None:
    from reviewflow.manuscript.render import render_pdf
    from reviewflow.synthesis.draft import draft_note

    config = _config(args)
    note = args.draft_note
    if args.draft and note is None:
        if not args.prisma:
            raise InputError("--draft without the PRISMA counts", expected="--prisma results/prisma.json, whose "
                             "awaiting counts make the note on every page, or --draft-note TEXT")
        note = draft_note(json.loads(Path(args.prisma).read_text(encoding="utf-8")))
    render_pdf(
        Path(args.manuscript), Path(args.variables), Path(args.out), Path(args.bibliography),
        number_allow=config.get("manuscript", {}).get("number_allow", []), draft_note=note,
    )


def cmd_prisma_lists(args: argparse.Namespace) -> None:
    from reviewflow.synthesis.prisma_lists import prisma_lists
    from reviewflow.tables import read_table, write_table

    lists = prisma_lists(
        read_table(Path(args.records), columns=["record_id", "database", "year", "title"]),
        read_table(Path(args.works), columns=["work_id", "anchor_record_id", "member_record_ids", "databases", "year",
                                              "title"]),
        read_table(Path(args.auto_excluded)), read_table(Path(args.screening)), _config(args),
        json.loads(Path(args.prisma).read_text(encoding="utf-8")),
        read_table(Path(args.studies), columns=["work_id", "report_work_ids"]) if args.studies else None)
    write_table(lists, Path(args.out))  # already in box order, then by id


def cmd_render_html(args: argparse.Namespace) -> None:
    from reviewflow.manuscript.html import write_html_manuscript
    from reviewflow.synthesis.draft import draft_note

    config = _config(args)
    note = draft_note(json.loads(Path(args.prisma).read_text(encoding="utf-8"))) if args.draft else None
    write_html_manuscript(
        Path(args.manuscript), Path(args.variables), Path(args.bibliography), Path(args.numbers), Path(args.prisma),
        Path(args.prisma_lists), Path(args.out), number_allow=config.get("manuscript", {}).get("number_allow", []),
        draft_note=note)


def cmd_build(args: argparse.Namespace) -> int:
    from reviewflow.build import build

    return build(args.cores, args.snakemake_args, Path(args.config), draft=args.draft)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="reviewflow",
        description="Reproducible evidence review: raw search exports to a rendered manuscript. Each subcommand "
        "is one stage of the Snakemake workflow; `reviewflow build` (what `make review` runs) builds everything.",
    )
    parser.add_argument("--version", action="version", version=f"reviewflow {__version__}")
    parser.add_argument("--log", help="also write progress messages to this file")
    parser.add_argument("-v", "--verbose", action="store_true", help="print progress messages")
    sub = parser.add_subparsers(dest="command", required=True, metavar="STAGE")

    def stage(name: str, func: Callable, help_text: str, *options: tuple[str, str]) -> argparse.ArgumentParser:
        command = sub.add_parser(name, help=help_text, description=help_text)
        command.add_argument("--config", default="config/review.yaml", help="review protocol (YAML)")
        for flag, flag_help in options:
            command.add_argument(flag, required=True, help=flag_help)
        command.set_defaults(func=func)
        return command

    def id_options(command: argparse.ArgumentParser) -> None:
        command.add_argument("--id-changes", help="work ids the dedup stage merged or split (CSV); decisions on "
                             "them are carried over where unambiguous")
        command.add_argument("--id-conflicts", default="results/id_conflicts.csv",
                             help="CSV listing id changes a person must settle (default: %(default)s)")

    builder = sub.add_parser(
        "build", help="Build the whole review (runs Snakemake) and end with a one-line summary.",
        description="Validate the config, run the Snakemake workflow in the current project folder with its "
        "output kept in logs/build.log, and end with the stopping stage's own message and a summary: stages "
        "done, what waits for people and in which file, where the PDF is. Any further options go to "
        "Snakemake, e.g. --forceall, --forcerun dedup, -n.")
    builder.add_argument("--cores", type=int, default=2, help="CPU cores Snakemake may use (default: 2)")
    builder.add_argument("--config", default="config/review.yaml", help="review protocol (YAML)")
    builder.add_argument("--draft", action="store_true", help="build a draft: works awaiting screening or "
                         "extraction do not stop the build; the PDF says DRAFT and what awaits on every page")
    builder.set_defaults(func=cmd_build, snakemake_args=[])
    register_project_commands(sub)
    register_search_commands(sub)
    register_citation_commands(sub)
    register_retraction_commands(sub)
    register_rob_commands(sub)
    register_screen_app(sub)
    register_screening_tool_commands(sub)
    importer = sub.add_parser(
        "import", help="Read export files into one records table.",
        description="Read export files (any supported format, detected from the content) into one records "
        "table. With FILE arguments: prints the format and record count of each file and writes -o. Without: "
        "imports the exports listed in the config, as the workflow does.")
    importer.add_argument("files", nargs="*", metavar="FILE", help="export files to read")
    importer.add_argument("-o", "--output", help="records CSV to write (with FILE arguments)")
    importer.add_argument("--database", default="import", help="database id for FILE arguments (default: import)")
    importer.add_argument("--config", default="config/review.yaml", help="review protocol (YAML)")
    importer.add_argument("--records", help="records CSV to write (config mode)")
    importer.add_argument("--report", help="import report JSON to write (config mode)")
    importer.add_argument("--raw", help="JSON Lines file with every record's raw fields (config mode)")
    importer.set_defaults(func=cmd_import)
    dedup = sub.add_parser(
        "dedup", help="Merge duplicate records into works, with an audit file of pairs.",
        description="Merge duplicate records into works. With INPUT files (any export the import reads, or a "
        "citation CSV with record_id,author,title,year,journal,volume,number,pages,doi,abstract,isbn): writes "
        "record_id,work_id,rule to -o. Without: the workflow's stage, from --records.")
    dedup.add_argument("inputs", nargs="*", metavar="INPUT", help="export files or citation CSVs")
    dedup.add_argument("-o", "--output", help="record_id,work_id,rule CSV (with INPUT files)")
    dedup.add_argument("--config", default="config/review.yaml", help="review protocol (YAML)")
    dedup.add_argument("--records", help="records CSV (workflow mode)")
    dedup.add_argument("--overrides", help="people's same/different decisions on pairs (CSV)")
    dedup.add_argument("--works", help="output works CSV (workflow mode)")
    dedup.add_argument("--pairs", help="output candidate pairs CSV (workflow mode)")
    dedup.add_argument("--review", help="output CSV of pairs for a person to decide (workflow mode)")
    dedup.add_argument("--id-history", help="every merge and split of work ids so far (CSV; read, and rewritten "
                       "when this run adds one); --id-changes then lists them all")
    dedup.add_argument("--ledger", help="identity ledger record_id,work_id (CSV; read, and rewritten when it "
                       "changes) that keeps work ids from moving (workflow mode)")
    dedup.add_argument("--id-changes", help="output CSV of work ids merged or split by this run (workflow mode)")
    dedup.set_defaults(func=cmd_dedup)
    stage("export", cmd_export, "Write the deduplicated works as RIS, BibTeX and CSV for reference managers.",
          ("--works", "works CSV"), ("--ris", "output RIS"), ("--bibtex", "output BibTeX"), ("--csv", "output CSV"))
    stage("eligibility", cmd_eligibility, "Exclude works by rule (publication years, language).",
          ("--works", "works CSV"), ("--out", "output auto-excluded CSV"))
    screening = stage(
        "screening", cmd_screening, "Check the reviewers' decision files and settle each work's status.",
        ("--works", "works CSV"), ("--auto-excluded", "auto-excluded CSV"),
        ("--decisions", "folder of decision CSV files"), ("--out", "output screening CSV"),
        ("--awaiting", "CSV listing works with no decision yet"))
    id_options(screening)
    screening.add_argument("--conflicts", default="results/screening_conflicts.csv",
                           help="CSV listing reviewers who disagree with no consensus row (default: %(default)s)")
    screening.add_argument("--agreement", help="output JSON with each stage's reviewers and their agreement "
                           "(Cohen's kappa with its 95%% CI, percent agreement)")
    extract = stage("extract", cmd_extract, "Check the extraction sheet against the included works.",
                    ("--sheet", "extraction CSV (when its folder holds <extractor>.csv files instead, those)"),
                    ("--screening", "screening CSV"), ("--works", "works CSV"), ("--out", "output studies CSV"),
                    ("--awaiting", "CSV listing included works with no extraction row"))
    id_options(extract)
    extract.add_argument("--errors", default="results/extraction_errors.csv",
                         help="CSV listing every problem of the sheet(s): file, line, study, field, value, expected "
                              "(default: %(default)s)")
    extract.add_argument("--conflicts", default="results/extraction_conflicts.csv",
                         help="CSV listing the cells where extractors disagree with no consensus row "
                              "(default: %(default)s)")
    stage("synthesise", cmd_synthesise, "Compute the PRISMA counts and every number the manuscript uses.",
          ("--import-report", "import report JSON"), ("--works", "works CSV"),
          ("--dedup-pairs", "dedup candidate pairs CSV"), ("--auto-excluded", "auto-excluded CSV"),
          ("--screening", "screening CSV"),
          ("--studies", "studies CSV"), ("--prisma", "output PRISMA JSON"), ("--numbers", "output numbers JSON"),
          ("--variables", "output Quarto _variables.yml"))
    sub.choices["synthesise"].add_argument(
        "--records", help="records CSV (each record's export file); needed when the config describes an update")
    sub.choices["synthesise"].add_argument(
        "--screening-agreement", help="the screening stage's agreement JSON; adds screening.* numbers and the "
        "Methods sentence screening.statement")
    sub.choices["synthesise"].add_argument(
        "--retractions", help="the retraction check's numbers (JSON from the retractions stage) to add")
    sub.choices["synthesise"].add_argument(
        "--risk-of-bias", help="the risk-of-bias numbers (JSON from the risk_of_bias stage) to add: rob.*")
    stage("retractions", cmd_retractions, "Report each included study's retraction status from the latest "
          "frozen check (data/retractions; never the network).", ("--studies", "studies CSV"),
          ("--snapshots", "folder of frozen checks"), ("--out", "output retractions CSV"),
          ("--numbers", "output numbers JSON"))
    stage("figures", cmd_figures, "Draw the PRISMA 2020 flow diagram and the review's plots.",
          ("--prisma", "PRISMA JSON"), ("--studies", "studies CSV"), ("--outdir", "figures folder"))
    stage("tables", cmd_tables, "Write the manuscript's tables and the bibliography of included studies.",
          ("--studies", "studies CSV"), ("--prisma", "PRISMA JSON"), ("--outdir", "tables folder"),
          ("--bibliography", "output BibTeX"))
    sub.choices["tables"].add_argument("--works", help="works CSV, for the further reports of included studies")
    stage("search-report", cmd_search_report, "Write the PRISMA-S search report (Markdown for the manuscript) "
          "and its data with the 16 checklist items, from the search log, the snapshots' provenance, the import "
          "and the deduplication.",
          ("--import-report", "import report JSON"), ("--prisma", "PRISMA JSON"),
          ("--dedup-pairs", "dedup candidate pairs CSV"), ("--table", "output Markdown table"),
          ("--out", "output PRISMA-S JSON"))
    stage("render", cmd_render, "Render the manuscript to PDF (quarto if installed, else pandoc + typst).",
          ("--manuscript", "manuscript folder"), ("--variables", "_variables.yml"),
          ("--bibliography", "BibTeX file"), ("--out", "output PDF"))
    sub.choices["render"].add_argument(
        "--draft-note", help="render a draft: DRAFT on every page and this note (what awaits people) in the header")
    sub.choices["render"].add_argument("--prisma", help="PRISMA JSON whose awaiting counts make the draft note")
    stage("prisma-lists", cmd_prisma_lists, "List the records and works behind each box of the PRISMA flow "
          "diagram (checked against its counts), for the HTML manuscript's linked diagram.",
          ("--records", "records CSV"), ("--works", "works CSV"), ("--auto-excluded", "auto-excluded CSV"),
          ("--screening", "screening CSV"), ("--prisma", "PRISMA JSON"), ("--out", "output CSV"))
    sub.choices["prisma-lists"].add_argument("--studies", help="studies CSV (further reports of a study)")
    stage("render-html", cmd_render_html, "Render the manuscript to HTML in which every number links to its "
          "definition (numbers.html, written beside it) and every PRISMA box to its works (prisma.html).",
          ("--manuscript", "manuscript folder"), ("--variables", "_variables.yml"),
          ("--bibliography", "BibTeX file"), ("--numbers", "numbers JSON"), ("--prisma", "PRISMA JSON"),
          ("--prisma-lists", "PRISMA lists CSV"), ("--out", "output HTML (numbers.html and prisma.html beside it)"))
    draft_help = {"screening": "draft: a work without a decision, or whose reviewers disagree, gets the "
                               "status awaiting_<stage> instead of stopping the build",
                  "extract": "draft: included works without an extraction row are left out instead of stopping",
                  "synthesise": "draft: count the works awaiting screening and extraction (prisma.json 'awaiting')",
                  "render": "draft: DRAFT on every page, with a note made from --prisma's awaiting counts",
                  "render-html": "draft: a DRAFT note (what awaits people, from --prisma) above the text"}
    for name, text in draft_help.items():
        sub.choices[name].add_argument("--draft", action="store_true", help=text)
    return parser


def _setup_logging(args: argparse.Namespace) -> None:
    handlers: list[logging.Handler] = []
    if args.log:
        Path(args.log).parent.mkdir(parents=True, exist_ok=True)
        handlers.append(logging.FileHandler(args.log, mode="w", encoding="utf-8"))
    stream = logging.StreamHandler(sys.stderr)
    stream.setLevel(logging.INFO if args.verbose else logging.WARNING)
    handlers.append(stream)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s", handlers=handlers,
                        force=True)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns 0 on success, 1 on a problem with the inputs, 2 on a failed internal check."""
    parser = _parser()
    args, unknown = parser.parse_known_args(argv)
    if unknown and args.command != "build":
        parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    args.snakemake_args = unknown
    _setup_logging(args)
    try:
        code = args.func(args)
    except InputError as error:
        message = f"reviewflow {args.command}: error: {error}"
        log.info("%s", message)
        print(message, file=sys.stderr)
        return 1
    except InvariantError as error:
        message = f"reviewflow {args.command}: internal check failed: {error}"
        log.info("%s", message)
        print(message, file=sys.stderr)
        return 2
    return code or 0


if __name__ == "__main__":
    sys.exit(main())

"""`reviewflow build`: run the whole workflow and end with what a person needs, not Snakemake's log.

Snakemake prints hundreds of lines per run; when a stage stops on bad input, the one line that matters (file:line,
field, what was expected) is buried in them. This runner validates the config first, sends Snakemake's output to
``logs/build.log``, prints one line per stage, and ends with the stopping stage's own message and a one-line summary:
stages done, what waits for people and in which file, and where the PDF is (or that it is out of date).

``--draft`` passes ``--config draft=true`` to Snakemake; the stages that behave differently in a draft take it as
a ``params:`` entry, so switching between draft and final re-runs exactly them (Snakemake's params trigger), and
the summary of a draft says DRAFT, so a draft PDF is never announced as the review.
"""

from __future__ import annotations

import csv
import re
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from reviewflow.config import load_config
from reviewflow.errors import InputError

BUILD_LOG = Path("logs/build.log")
PDF = Path("results/manuscript/review.pdf")
RETRACTIONS = Path("results/retractions.csv")
WAITING_SHEETS = (
    (Path("results/dedup_review.csv"), "duplicate pair(s) to decide", "decision"),
    (Path("results/id_conflicts.csv"), "merged or split work id(s) to settle", None),
    (Path("results/screening_conflicts.csv"), "conflicting reviewer decision(s) to settle by consensus", None),
    (Path("results/awaiting_screening.csv"), "work(s) to screen", None),
    (Path("results/awaiting_extraction.csv"), "included work(s) to extract", None),
    (Path("results/extraction_errors.csv"), "extraction problem(s) to correct", None),
    (Path("results/extraction_conflicts.csv"), "differing extraction cell(s) to settle by consensus", None),
)
"""Sheets the stages write for people: (file, what its rows are, column that is empty while a row waits)."""

_STARTED = re.compile(r"^\s*(?:local)?rule (?P<rule>\w+):\s*$")
_FINISHED = re.compile(r"Finished jobid: \d+ \(Rule: (?P<rule>\w+)\)")
_FAILED = re.compile(r"^\s*Error in rule (?P<rule>\w+):\s*$")
_LOG_LINE = re.compile(r"^\s*log: (?P<log>\S+)")
_NOTHING = "Nothing to be done"
_TARGET_RULES = ("all", "default")
"""Rules that only gather the stages' outputs (the workflow's `all`, a project Snakefile's `default`)."""


@dataclass
class BuildOutcome:
    """What one Snakemake run did, read from its output."""

    returncode: int
    finished: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    failed_logs: dict[str, str] = field(default_factory=dict)
    up_to_date: bool = False
    tail: list[str] = field(default_factory=list)


def snakemake_command(cores: int, extra: Sequence[str]) -> list[str]:
    """Snakemake with this interpreter (the locked environment), re-running jobs a killed run left incomplete."""
    return [sys.executable, "-m", "snakemake", "--cores", str(cores), "--rerun-incomplete", *extra]


def run_snakemake(command: Sequence[str], log_path: Path = BUILD_LOG, echo: bool = True) -> BuildOutcome:
    """Run Snakemake, keeping its whole output in ``log_path`` and printing one line per stage started."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    outcome = BuildOutcome(returncode=0)
    current_failed: str | None = None
    with log_path.open("w", encoding="utf-8") as log, subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, encoding="utf-8", errors="replace"
    ) as process:
        assert process.stdout is not None
        for line in process.stdout:
            log.write(line)
            outcome.tail = [*outcome.tail[-39:], line.rstrip("\n")]
            if (match := _STARTED.match(line)) and match["rule"] not in _TARGET_RULES and echo:
                print(f"  {match['rule']} ...", flush=True)
            elif (match := _FINISHED.search(line)) and match["rule"] not in _TARGET_RULES:
                outcome.finished.append(match["rule"])
            elif match := _FAILED.match(line):
                current_failed = match["rule"]
                outcome.failed.append(current_failed)
            elif current_failed and (match := _LOG_LINE.match(line)):
                outcome.failed_logs[current_failed] = match["log"]
                current_failed = None
            elif _NOTHING in line:
                outcome.up_to_date = True
        outcome.returncode = process.wait()
    return outcome


def stage_message(log_file: Path) -> list[str]:
    """The stopping stage's own words: reviewflow's error line(s) from its log, else the log's last lines."""
    try:
        lines = log_file.read_text(encoding="utf-8", errors="replace").splitlines()
    except FileNotFoundError:
        return []
    ours = [line.split(": ", 1)[1] if line.startswith("INFO reviewflow: ") else line
            for line in lines if "reviewflow " in line and (": error: " in line or "internal check failed" in line)]
    return ours[-5:] if ours else lines[-15:]


def waiting_for_people(root: Path = Path()) -> list[str]:
    """'N thing(s) in FILE' for every sheet with rows still waiting for a person."""
    waiting = []
    for path, what, empty_column in WAITING_SHEETS:
        try:
            with (root / path).open(encoding="utf-8", newline="") as handle:
                rows = list(csv.DictReader(handle))
        except FileNotFoundError:
            continue
        count = sum(1 for row in rows if not empty_column or not (row.get(empty_column) or "").strip())
        if count:
            waiting.append(f"{count} {what} in {path}")
    return waiting


def retraction_warning(root: Path = Path()) -> str | None:
    """A loud line naming every included study the retraction check found retracted (results/retractions.csv,
    from the frozen check), or None."""
    try:
        with (root / RETRACTIONS).open(encoding="utf-8", newline="") as handle:
            retracted = [row for row in csv.DictReader(handle) if row.get("status") == "retracted"]
    except FileNotFoundError:
        return None
    if not retracted:
        return None
    names = "; ".join(f"{row['work_id']} {row['study_label']} (doi {row['doi']})" for row in retracted)
    return f"reviewflow build: WARNING: {len(retracted)} included study(ies) RETRACTED: {names}; see {RETRACTIONS}"


def summary(outcome: BuildOutcome, root: Path = Path(), draft: bool = False) -> str:
    """The one line ``make review`` (or ``make draft``) ends with."""
    waiting = waiting_for_people(root)
    people = "waiting for people: " + "; ".join(waiting) if waiting else "nothing waits for people"
    ran = sorted(set(outcome.finished))
    if outcome.returncode == 0:
        done = "everything was up to date" if outcome.up_to_date and not ran else f"{len(ran)} stage(s) run"
        if draft:
            pdf = (f"DRAFT PDF (DRAFT on every page, not the review): {PDF}" if (root / PDF).exists()
                   else "no PDF requested")
            return f"reviewflow build: DRAFT done, {done}; {people}; {pdf}; `make review` builds the final review"
        pdf = f"PDF: {PDF}" if (root / PDF).exists() else "no PDF requested"
        return f"reviewflow build: done, {done}; {people}; {pdf}"
    stopped = ", ".join(sorted(set(outcome.failed))) or "snakemake"
    pdf = f"{PDF} is OUT OF DATE (from an earlier build)" if (root / PDF).exists() else "no PDF yet"
    kind = "DRAFT " if draft else ""
    again = "make draft" if draft else "make review"
    return (f"reviewflow build: {kind}STOPPED at {stopped} ({len(ran)} stage(s) done before it); {people}; {pdf}; "
            f"fix the input named above and run `{again}` again (full log: {BUILD_LOG})")


def with_draft_value(extra: Sequence[str], draft: bool) -> list[str]:
    """Snakemake's options with ``draft=true|false`` among the --config values. Snakemake keeps only the last
    ``--config`` it is given, so a user's own ``--config k=v`` gets the draft value added to it, not replaced."""
    value = f"draft={'true' if draft else 'false'}"
    extra = list(extra)
    if "--config" in extra:
        where = extra.index("--config") + 1
        return [*extra[:where], value, *[item for item in extra[where:] if not item.startswith("draft=")]]
    return [*extra, "--config", value]


def build(cores: int, extra: Sequence[str], config_path: Path = Path("config/review.yaml"),
          draft: bool = False) -> int:
    """Validate the config, run the workflow, print the stopping stage's message and the summary line.

    Final mode passes ``draft=false`` explicitly, so a final build after a draft always sees the changed value.
    """
    try:
        load_config(config_path)
    except InputError as error:
        print(f"reviewflow build: error: {error}", file=sys.stderr)
        print("reviewflow build: STOPPED before any stage: the config is not valid; nothing was run",
              file=sys.stderr)
        return 1
    extra = with_draft_value(extra, draft)
    if any(flag in extra for flag in ("-n", "--dry-run", "--dryrun", "--summary", "-S", "--detailed-summary",
                                      "-D", "--list-changes", "--lc", "--dag", "--rulegraph")):
        # Asking Snakemake what it would do: its own answer is the point, so it is shown as it is.
        return subprocess.run(snakemake_command(cores, extra)).returncode
    outcome = run_snakemake(snakemake_command(cores, extra))
    warning = retraction_warning()
    if warning:
        print(warning, file=sys.stderr)
    if outcome.returncode != 0:
        print(file=sys.stderr)
        messages = [line for rule in outcome.failed for line in stage_message(Path(outcome.failed_logs.get(
            rule, f"logs/{rule}.log")))]
        for line in messages or outcome.tail[-15:]:
            print(line, file=sys.stderr)
        print(summary(outcome, draft=draft), file=sys.stderr)
        return outcome.returncode
    print(summary(outcome, draft=draft))
    return 0

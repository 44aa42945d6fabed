"""``reviewflow import-decisions``: a tool's export in, a decision file and a report of what was not imported out.

Each exported record is matched to a work (imports/matching.py). A matched record with a decision becomes a row of
the decision file; every other record (no work, several works, several records for one work, no decision in the
tool, not at this stage) is a row of the report, so nothing is dropped silently. An exclusion's reason is the
config's code whose code or description matches the tool's reason; otherwise the ``--reason`` code (default
``other``), with the tool's wording kept in the note.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import pandas as pd

from reviewflow.errors import InputError
from reviewflow.normalize import fold
from reviewflow.screening.imports import asreview, covidence, rayyan
from reviewflow.screening.imports.matching import WorkIndex
from reviewflow.screening.imports.rows import EXCLUDE, UNDECIDED, ToolRow
from reviewflow.tables import read_table, write_table

DECISION_COLUMNS = ["work_id", "stage", "reviewer", "decision", "reason", "note"]
REPORT_COLUMNS = ["line", "status", "tool_decision", "title", "year", "doi", "pmid", "work_ids", "detail"]
DEFAULT_REASON = "other"


def _words(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", " ", fold(text)).strip()


def reason_code(tool_reasons: list[str], reasons: dict[str, str], fallback: str | None) -> str:
    """The config's reason code for the tool's reasons: the first that names a code or its description."""
    known = {}
    for code, description in reasons.items():
        known[_words(code)] = code
        known[_words(str(description))] = code
    # Rayyan separates reasons with commas, which a reason's own wording may hold ("Review, no novel data"):
    # runs of neighbouring pieces are tried too, the longest first.
    count = len(tool_reasons)
    for start in range(count):
        for end in range(count, start, -1):
            words = _words(", ".join(tool_reasons[start:end]))
            if words in known:
                return known[words]
    if fallback is None:
        raise InputError(
            f"an exclusion whose reason ({', '.join(tool_reasons) or 'none given'}) is no code of the config, and "
            f"the config has no {DEFAULT_REASON!r} code", field="--reason",
            expected=f"--reason CODE, one of {', '.join(reasons)}, for such exclusions")
    return fallback


def read_tool(tool: str, path: Path, stage: str, tool_reviewer: str | None,
              covidence_list: str | None) -> list[ToolRow]:
    """The export's records as the tool reader gives them."""
    if not path.is_file():
        raise InputError("file not found", file=path)
    if tool == "rayyan":
        return rayyan.read(path, tool_reviewer)
    if tool == "covidence":
        return covidence.read(path, stage, covidence_list)
    return asreview.read(path)


def _report_row(row: ToolRow, status: str, work_ids: list[str], detail: str) -> dict[str, Any]:
    return {"line": row.line, "status": status, "tool_decision": row.label, "title": row.title, "year": row.year,
            "doi": row.doi, "pmid": row.pmid, "work_ids": "; ".join(work_ids), "detail": detail}


def import_decisions(tool: str, path: Path, *, stage: str, reviewer: str, config: dict[str, Any], works: Path,
                     out: Path, report: Path, tool_reviewer: str | None = None, covidence_list: str | None = None,
                     reason: str | None = None) -> str:
    """Write the decision file and the report; returns a one-line summary."""
    reasons = config["screening"]["reasons"]
    if reason is not None and reason not in reasons:
        raise InputError(f"unknown reason code {reason!r}", field="--reason", expected=", ".join(reasons))
    fallback = reason or (DEFAULT_REASON if DEFAULT_REASON in reasons else None)
    allowed = config["screening"]["decisions"][stage]
    index = WorkIndex(read_table(works, required=["work_id"], columns=["work_id", "title", "year", "doi", "pmid"]))
    rows = read_tool(tool, path, stage, tool_reviewer, covidence_list)
    problems: list[dict[str, Any]] = []
    by_work: dict[str, list[tuple[ToolRow, str]]] = defaultdict(list)
    for row in rows:
        if not row.stage_ok:
            problems.append(_report_row(row, "not_at_stage", [], f"the tool's list {row.label!r} has not reached "
                                        f"{stage}"))
            continue
        if row.decision == UNDECIDED:
            problems.append(_report_row(row, "undecided", [], "no final decision in the tool; the work stays "
                                        "awaiting"))
            continue
        if row.decision not in allowed:
            raise InputError(f"decision {row.decision!r} is not allowed at {stage}", file=path, line=row.line,
                             expected=", ".join(allowed))
        found = index.match(row.doi, row.pmid, row.title, row.year)
        if not found.work_ids:
            problems.append(_report_row(row, "unmatched", [], "no work with this DOI, PMID or title (and year)"))
        elif len(found.work_ids) > 1:
            problems.append(_report_row(row, "ambiguous", found.work_ids, f"several works share this {found.by}"))
        else:
            by_work[found.work_ids[0]].append((row, found.by))
    decisions = []
    for work_id, matched in sorted(by_work.items()):
        if len(matched) > 1:  # which row is the reviewer's last word is not ours to guess
            lines = ", ".join(str(row.line) for row, _ in matched)
            problems.extend(_report_row(row, "several_rows", [work_id], f"rows {lines} all match this work")
                            for row, _ in matched)
            continue
        row, by = matched[0]
        code = reason_code(row.reasons, reasons, fallback) if row.decision == EXCLUDE else ""
        note = row.note + (f"; reasons: {', '.join(row.reasons)}" if row.reasons else "") + f"; matched by {by}"
        decisions.append({"work_id": work_id, "stage": stage, "reviewer": reviewer, "decision": row.decision,
                          "reason": code, "note": f"imported from {path.name}: {note}"})
    write_table(pd.DataFrame(decisions, columns=DECISION_COLUMNS), out, sort_by=["work_id"])
    write_table(pd.DataFrame(problems, columns=REPORT_COLUMNS), report, sort_by=["line"])
    return (f"{len(rows)} record(s) read; {len(decisions)} decision(s) -> {out}; {len(problems)} not imported "
            f"(listed in {report})")

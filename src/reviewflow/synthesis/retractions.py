"""The retraction check as the build reports it: each included study's status, read from the latest frozen check.

`reviewflow check-retractions` froze what Crossref and OpenAlex answered; this step only reads that file, after
checking that its bytes are the ones received (a changed byte stops the build naming the file), so a rebuild
never goes to the network and always says the same. Every included study gets one status: ``retracted`` (a
retraction, partial retraction, withdrawal or removal notice in Crossref, or OpenAlex's ``is_retracted``),
``expression_of_concern``, ``corrected`` (correction, corrigendum, erratum), ``none``, ``not_checkable`` (no DOI,
or one neither service knows) or ``not_checked`` (no check run yet, or the study was included after it). The
manuscript's sentence about the check is made here from the same data, so it cannot claim a check that was not
run or leave out a retracted study.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from reviewflow.errors import InputError
from reviewflow.normalize import normalise_doi
from reviewflow.search.snapshot import file_sha256, is_provenance, provenance_path

log = logging.getLogger(__name__)

SNAPSHOT_GLOB = "retractions-*.json"
NOTICE_STATUS = {
    "retraction": "retracted", "partial_retraction": "retracted", "withdrawal": "retracted",
    "removal": "retracted", "expression_of_concern": "expression_of_concern", "correction": "corrected",
    "corrigendum": "corrected", "erratum": "corrected",
}
"""Crossref update types (lower case, ``-`` and spaces read as ``_``) that change a study's status; other updates
(addendum, clarification, new version, new edition) leave it ``none``."""
SEVERITY = {"retracted": 3, "expression_of_concern": 2, "corrected": 1, "none": 0}
STATUSES = ("retracted", "expression_of_concern", "corrected", "none", "not_checkable", "not_checked")
COLUMNS = ["work_id", "study_label", "doi", "checked_on", "crossref_record", "crossref_notice_type",
           "crossref_notice_doi", "crossref_notice_date", "crossref_notice_source", "crossref_other_notices",
           "openalex_is_retracted", "status"]


@dataclass(frozen=True)
class Notice:
    """One notice updating a study, as Crossref's ``updated-by`` gives it."""

    kind: str
    status: str
    doi: str
    day: str
    source: str

    def text(self) -> str:
        return " ".join(part for part in (self.kind, self.doi, self.day, f"({self.source})" if self.source else "")
                        if part)


@dataclass
class Snapshot:
    """A verified frozen check: its date, file, and for each DOI the answers of each service (status, JSON)."""

    day: str
    path: Path
    answers: dict[str, dict[str, tuple[int, Any]]]


def latest_snapshot(folder: Path) -> Path | None:
    """The newest ``retractions-<date>.json`` in ``folder`` (not a provenance file), or None."""
    found = sorted(p for p in folder.glob(SNAPSHOT_GLOB) if not is_provenance(p)) if folder.is_dir() else []
    return found[-1] if found else None


def read_snapshot(path: Path) -> Snapshot:
    """The check frozen in ``path``, after checking its bytes against its provenance."""
    prov_path = provenance_path(path)
    try:
        provenance = json.loads(prov_path.read_text(encoding="utf-8"))
        expected, day, answers = provenance["export"]["sha256"], provenance["date"], provenance["answers"]
        if not (isinstance(expected, str) and isinstance(day, str) and isinstance(answers, list)):
            raise TypeError
    except (OSError, ValueError, KeyError, TypeError):
        raise InputError("not a readable provenance file of a retraction check", file=prov_path,
                         field="export.sha256, date, answers",
                         expected="the JSON `reviewflow check-retractions` wrote beside the check",
                         hint="restore it from git, or run `make retractions` again") from None
    if file_sha256(path) != expected:
        raise InputError("the retraction check changed after it was received: its sha256 differs from its "
                         "provenance", file=path, expected=f"sha256 {expected} ({prov_path.name})",
                         hint="a frozen check is never edited: restore the file from git, or run "
                              "`make retractions` again")
    body = path.read_bytes()
    found: dict[str, dict[str, tuple[int, Any]]] = {}
    for number, answer in enumerate(answers, start=1):
        try:
            part = body[answer["offset"]:answer["offset"] + answer["bytes"]]
            service, doi, status = answer["service"], normalise_doi(answer["doi"]), int(answer["status"])
            value = json.loads(part) if status == 200 else None
        except (KeyError, TypeError, ValueError):
            raise InputError(f"answer {number} of the check cannot be read", file=path,
                             expected=f"the byte range and service named in {prov_path.name}",
                             hint="restore both files from git, or run `make retractions` again") from None
        found.setdefault(doi, {})[service] = (status, value)
    return Snapshot(day, path, found)


def _day(updated: Any) -> str:
    try:
        parts = [int(p) for p in updated["date-parts"][0] if p is not None]
    except (KeyError, TypeError, ValueError, IndexError):
        return ""
    return "-".join(f"{p:02d}" if i else str(p) for i, p in enumerate(parts[:3]))


def crossref_notices(work: dict[str, Any]) -> list[Notice]:
    """The notices of a Crossref work's ``updated-by`` that change its status, most serious first; one notice
    deposited twice (publisher and Retraction Watch) is kept once, with both sources."""
    merged: dict[tuple[str, str], Notice] = {}
    for entry in (work.get("message") or {}).get("updated-by") or []:
        if not isinstance(entry, dict):
            continue
        kind = str(entry.get("type") or "").strip().lower().replace("-", "_").replace(" ", "_")
        status = NOTICE_STATUS.get(kind)
        if status is None:
            continue
        doi = normalise_doi(str(entry.get("DOI") or "")) or str(entry.get("DOI") or "")
        notice = Notice(kind, status, doi, _day(entry.get("updated")), str(entry.get("source") or ""))
        key = (kind, doi)
        if key in merged:
            old = merged[key]
            sources = "; ".join(sorted({*old.source.split("; "), notice.source} - {""}))
            notice = Notice(kind, status, doi, min(d for d in (old.day, notice.day) if d) if old.day or notice.day
                            else "", sources)
        merged[key] = notice
    return sorted(merged.values(), key=lambda n: (-SEVERITY[n.status], n.day or "9999", n.doi))


def _row(study: pd.Series, snapshot: Snapshot | None) -> dict[str, str]:
    doi = normalise_doi(str(study["doi"] or ""))
    row = dict.fromkeys(COLUMNS, "")
    row.update(work_id=str(study["work_id"]), study_label=str(study["study_label"] or ""), doi=doi)
    if not doi:
        row["status"] = "not_checkable"
        return row
    answers = snapshot.answers.get(doi) if snapshot else None
    if snapshot is None or not answers:
        row["status"] = "not_checked"
        return row
    row["checked_on"] = snapshot.day
    status = "none" if any(answer[0] == 200 for answer in answers.values()) else "not_checkable"
    crossref = answers.get("crossref")
    if crossref:
        row["crossref_record"] = "found" if crossref[0] == 200 else "not_found"
        notices = crossref_notices(crossref[1]) if crossref[0] == 200 else []
        if notices:
            first = notices[0]
            row.update(crossref_notice_type=first.kind, crossref_notice_doi=first.doi,
                       crossref_notice_date=first.day, crossref_notice_source=first.source,
                       crossref_other_notices="; ".join(n.text() for n in notices[1:]))
            status = first.status
    openalex = answers.get("openalex")
    if openalex:
        retracted = openalex[0] == 200 and openalex[1].get("is_retracted") is True
        row["openalex_is_retracted"] = ("true" if retracted else "false") if openalex[0] == 200 else "not_found"
        if retracted:
            status = "retracted"
    row["status"] = status
    return row


def retraction_table(studies: pd.DataFrame, snapshot: Snapshot | None) -> pd.DataFrame:
    """One row per included study, sorted by work id, with its notices and status."""
    rows = [_row(study, snapshot) for _, study in studies.fillna("").iterrows()]
    table = pd.DataFrame(rows, columns=COLUMNS)
    return table.sort_values("work_id", kind="stable").reset_index(drop=True)


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _names(table: pd.DataFrame, status: str) -> str:
    rows = table[table["status"] == status]
    named = []
    for row in rows.itertuples(index=False):
        notice = f", notice {row.crossref_notice_doi}" if row.crossref_notice_doi else ""
        when = f" of {row.crossref_notice_date}" if row.crossref_notice_date else ""
        openalex = ", flagged by OpenAlex" if row.openalex_is_retracted == "true" else ""
        named.append(f"{row.study_label} (doi {row.doi}{notice}{when}{openalex})")
    return "; ".join(named) if named else "none"


def _statement(table: pd.DataFrame, snapshot: Snapshot | None, counts: dict[str, int]) -> str:
    if snapshot is None:
        return ("The included studies have not been checked for retractions, expressions of concern or "
                "corrections: the check against Crossref and OpenAlex has not been run for this version of the "
                "review.")
    checked = len(table) - counts["not_checkable"] - counts["not_checked"]
    text = (f"On {snapshot.day}, the {_plural(checked, 'included study', 'included studies')} with a DOI "
            "were checked against Crossref (notices linked to the DOI by publishers and the Retraction Watch "
            f"database) and OpenAlex: {counts['retracted']} retracted, {counts['expression_of_concern']} with "
            f"an expression of concern, {counts['corrected']} corrected and {counts['none']} without such a notice.")
    if counts["retracted"]:
        text += f" RETRACTED: {_names(table, 'retracted')}."
    if counts["expression_of_concern"]:
        text += f" Expression of concern: {_names(table, 'expression_of_concern')}."
    if counts["not_checkable"]:
        text += (f" {_plural(counts['not_checkable'], 'study has', 'studies have')} no DOI, or one neither "
                 "service knows, and could not be checked.")
    if counts["not_checked"]:
        text += (f" {_plural(counts['not_checked'], 'study was', 'studies were')} included after the check and "
                 "not checked.")
    return text


def retraction_numbers(table: pd.DataFrame, snapshot: Snapshot | None) -> dict[str, dict[str, Any]]:
    """The check's numbers and sentences for the manuscript, as ``{name: {value, description}}``."""
    counts = {status: int((table["status"] == status).sum()) for status in STATUSES}
    items: dict[str, dict[str, Any]] = {}

    def add(name: str, value: Any, description: str) -> None:
        items[f"retractions.{name}"] = {"value": value, "description": description}

    add("run", "yes" if snapshot else "no", "Whether the retraction check was run (yes/no)")
    add("checked_on", snapshot.day if snapshot else "not run", "Date of the retraction check used")
    add("studies", len(table), "Included studies")
    add("checked", len(table) - counts["not_checkable"] - counts["not_checked"],
        "Included studies checked against Crossref and OpenAlex")
    descriptions = {
        "retracted": "Included studies retracted (Crossref notice or OpenAlex is_retracted)",
        "expression_of_concern": "Included studies with an expression of concern",
        "corrected": "Included studies with a correction",
        "none": "Included studies checked without a retraction, concern or correction notice",
        "not_checkable": "Included studies without a DOI, or with one neither service knows: not checkable",
        "not_checked": "Included studies not checked (no check run, or included after it)",
    }
    for status, description in descriptions.items():
        add(status, counts[status], description)
    add("retracted_studies", _names(table, "retracted"), "Retracted included studies, named")
    add("concern_studies", _names(table, "expression_of_concern"),
        "Included studies with an expression of concern, named")
    add("statement", _statement(table, snapshot, counts), "The manuscript's sentence(s) on the retraction check")
    return items


def report_retractions(studies: pd.DataFrame, folder: Path) -> tuple[pd.DataFrame, dict[str, dict[str, Any]]]:
    """The table and numbers from the latest check in ``folder`` (none: every study ``not_checked``); a retracted
    included study is logged as a warning naming it."""
    path = latest_snapshot(folder)
    snapshot = read_snapshot(path) if path else None
    table = retraction_table(studies, snapshot)
    for row in table[table["status"] == "retracted"].itertuples(index=False):
        log.warning("RETRACTED included study: %s %s (doi %s; Crossref notice %s %s; OpenAlex is_retracted %s)",
                    row.work_id, row.study_label, row.doi, row.crossref_notice_type or "none",
                    row.crossref_notice_doi, row.openalex_is_retracted or "unknown")
    for row in table[table["status"] == "expression_of_concern"].itertuples(index=False):
        log.warning("expression of concern on included study: %s %s (doi %s; notice %s)", row.work_id,
                    row.study_label, row.doi, row.crossref_notice_doi)
    if snapshot is None:
        log.info("no retraction check in %s: every included study is not_checked", folder)
    return table, retraction_numbers(table, snapshot)


def add_retraction_numbers(numbers: dict[str, dict[str, Any]], path: Path) -> None:
    """Merge the check's numbers (``results/retractions.json``) into the manuscript's numbers."""
    try:
        extra = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(extra, dict):
            raise TypeError
    except (OSError, ValueError, TypeError):
        raise InputError("not a readable retraction numbers file", file=path,
                         expected="the JSON the build's retractions stage writes") from None
    clash = sorted(set(extra) & set(numbers))
    if clash:
        raise InputError(f"number {clash[0]!r} defined twice", file=path)
    numbers.update(extra)

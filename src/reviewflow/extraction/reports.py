"""Studies and their reports: an included work may be a further report of a study extracted under another work.

PRISMA 2020 counts studies (the investigations) apart from reports (the documents describing them): a trial and
its follow-up paper are two included reports of one study. The extraction sheet says so in an optional column,
``report_of``: on the follow-up's row it holds the work id of the study's main work (the row with the study's
data), and every other column of that row stays empty. The checks:

- the named work has an extraction row of its own in the sheet and is included (so it is extracted);
- it is not itself a further report (links are one step deep, so there is one main work per study and no cycle;
  a row naming itself is refused the same way);
- the further report is an included work, like every row of the sheet.

results/studies.csv keeps one row per study, keyed by the main work, with ``report_work_ids`` listing all its
reports (the main work first, then the others by work id); the synthesis counts studies and reports from it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from reviewflow.errors import InputError

log = logging.getLogger(__name__)

REPORT_OF = "report_of"
"""The extraction sheet's optional column naming a further report's main work."""
REPORTS = "report_work_ids"
"""results/studies.csv column: the work ids of all the study's reports, main work first, joined by ``"; "``."""
SEPARATOR = "; "


def split_report_rows(frame: pd.DataFrame, path: Path, data_columns: Iterable[str]
                      ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(rows with the studies' data, further-report rows as ``work_id``/``report_of``), the index of both kept
    for line numbers. A sheet without the column has no further reports. A further-report row with any of the
    form's ``data_columns`` filled in is refused: its values would be silently dropped, or mistaken for a second
    study (the awaiting sheet's orientation columns, author, year and title, may stay)."""
    if REPORT_OF not in frame.columns:
        return frame, pd.DataFrame({"work_id": pd.Series(dtype=str), REPORT_OF: pd.Series(dtype=str)})
    target = frame[REPORT_OF].fillna("").str.strip()
    further = frame[target != ""]
    others = [c for c in data_columns if c in frame.columns and c != "work_id"]
    for index, row in further.iterrows():
        filled = [c for c in others if str(row[c]).strip()]
        if filled:
            raise InputError(
                f"a further report (report_of {target[index]}) has values in {', '.join(filled)}", file=path,
                line=int(index) + 2, record=str(row["work_id"]), field=filled[0],
                expected="only work_id and report_of on a further report's row: the study's data go on the row "
                         "of the work report_of names",
            )
    links = further[["work_id"]].assign(**{REPORT_OF: target[target != ""]})
    return frame[target == ""].drop(columns=REPORT_OF), links


def check_links(links: pd.DataFrame, main_ids: Iterable[str], path: Path) -> None:
    """Each further report names a main work that has its own row (the sheet's rows are checked to be included
    works, so the main work is included); none names a further report (itself included), so links cannot chain
    or loop; a work has one row only."""
    mains = set(main_ids)
    further = set(links["work_id"])
    for index, row in links.iterrows():
        work_id, target = str(row["work_id"]), str(row[REPORT_OF])
        where = {"file": path, "line": int(index) + 2, "record": work_id, "field": REPORT_OF}
        if work_id in mains:
            raise InputError(f"work {work_id} has both a row of its own and a report_of row", **where,
                             expected="one row per work: either the study's data or report_of")
        if target in further or target == work_id:
            raise InputError(f"report_of names {target}, which is itself a further report", **where,
                             expected="the work id of a study's main work (a row with the study's data), so "
                                      "links are one step deep and cannot loop")
        if target not in mains:
            raise InputError(f"report_of names {target}, which has no extraction row of its own", **where,
                             expected="the work id of an included work extracted in this sheet")
    duplicated = links[links["work_id"].duplicated()]
    if not duplicated.empty:
        index = duplicated.index[0]
        raise InputError(f"work {duplicated.at[index, 'work_id']} has more than one report_of row", file=path,
                         line=int(index) + 2, record=str(duplicated.at[index, "work_id"]), field="work_id",
                         expected="one row per work")


def attach_reports(studies: pd.DataFrame, links: pd.DataFrame) -> pd.DataFrame:
    """``studies`` with ``report_work_ids``: the main work, then its further reports by work id."""
    further: dict[str, list[str]] = {}
    for work_id, target in zip(links["work_id"], links[REPORT_OF], strict=True):
        further.setdefault(str(target), []).append(str(work_id))
    studies = studies.copy()
    studies[REPORTS] = [SEPARATOR.join([main, *sorted(further.get(main, []))]) for main in studies["work_id"]]
    return studies


def keep_links(links: pd.DataFrame, main_ids: Iterable[str], included: set[str], path: Path,
               draft: bool = False) -> pd.DataFrame:
    """The checked further-report rows. In a draft, rows of works not included yet (awaiting screening) and
    rows whose main work is not extracted yet are left out, as such main rows are: they await extraction."""
    if draft:
        mains = set(main_ids)
        waiting = ~links["work_id"].isin(included) | ~links[REPORT_OF].isin(mains)
        if waiting.any():
            log.warning("draft: %d further-report row(s) left out until their works are included and their "
                        "main works extracted", int(waiting.sum()))
        links = links[~waiting]
    check_links(links, main_ids, path)
    outside = links[~links["work_id"].isin(included)]
    if not outside.empty:
        index = outside.index[0]
        raise InputError("extraction row for a work that is not included", file=path, line=int(index) + 2,
                         record=str(outside.at[index, "work_id"]), field="work_id",
                         expected="rows only for works whose final status in results/screening.csv is 'included'")
    return links


def report_ids(studies: pd.DataFrame) -> dict[str, str]:
    """Every extracted work id -> the work id of its study's main work (a main work maps to itself). A studies
    table written before reports were linked (no ``report_work_ids``) has one report per study."""
    if REPORTS not in studies.columns:
        return {str(w): str(w) for w in studies["work_id"]}
    study_of: dict[str, str] = {}
    for main, reports in zip(studies["work_id"], studies[REPORTS].fillna(""), strict=True):
        for report in [r for r in str(reports).split(";") if r.strip()] or [str(main)]:
            study_of[report.strip()] = str(main)
    return study_of


def further_reports(studies: pd.DataFrame | None) -> set[str]:
    """The work ids that are further reports of a study extracted under another work."""
    if studies is None:
        return set()
    return {report for report, main in report_ids(studies).items() if report != main}


def further_report_works(studies: pd.DataFrame, works: pd.DataFrame) -> pd.DataFrame:
    """The works.csv rows of the further reports (with their study's ``design``), so the bibliography can list
    and the tables cite every report of a study, not only its main work."""
    study_of = {report: main for report, main in report_ids(studies).items() if report != main}
    rows = works[works["work_id"].isin(study_of)].copy()
    missing = sorted(set(study_of) - set(rows["work_id"]))
    if missing:
        raise InputError(f"further report {missing[0]} of results/studies.csv is not in the works table",
                         record=missing[0], field=REPORTS, expected="works of the same build (results/works.csv)")
    design = studies.set_index("work_id")["design"]
    rows["design"] = [design[study_of[w]] for w in rows["work_id"]]
    return rows.reset_index(drop=True)

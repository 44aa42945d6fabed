"""Every included study extracted, and nothing else: the sheets checked against the screening's included works.

A row for a work that was not included would put an excluded study into the synthesis; an included work with no
row would silently shrink it. Both are problems of the same table as the cells' (extraction_errors.csv). In a
draft an included work with no row is not a problem: it awaits extraction.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from reviewflow.problems import Problem

NOT_INCLUDED = "rows only for works whose final status in results/screening.csv is 'included'"


def extra_rows(sheets: dict[Path, pd.DataFrame], included: set[str], skip: set[str]) -> list[Problem]:
    """A problem for each row (at its file and line) whose work is not included; ``skip``: ids already reported
    as work-id changes a person must settle."""
    return [Problem(str(file), int(index) + 2, work, "work_id", work, NOT_INCLUDED)
            for file, frame in sheets.items() for index, work in frame["work_id"].items()
            if work not in included and work not in skip]


def missing_rows(missing: list[str], where: Path, awaiting_path: Path) -> list[Problem]:
    """A problem for each included work that no sheet has a row for."""
    return [Problem(str(where), None, work, "work_id", "",
                    f"a row for this included work (one row per included work; a row to fill in, with its title, "
                    f"is in {awaiting_path})") for work in missing]

"""Draft builds: what still awaits people, counted from the stage outputs.

A draft (``reviewflow build --draft``, ``make draft``) lets a team see the review before screening and extraction
are finished. Screening then marks a work without a decision as awaiting at its stage instead of stopping, and
extraction leaves out included works with no extraction row. This module keeps the accounting of those works in
one place, so the PRISMA counts, the manuscript's numbers and the note printed on every page of the draft PDF
all say the same thing, and so a final build can refuse results a draft left behind.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from reviewflow.errors import InputError
from reviewflow.extraction.reports import report_ids

AWAITING_STATUS = {"title_abstract": "awaiting_title_abstract", "full_text": "awaiting_full_text"}
"""The ``final`` status results/screening.csv gives, in a draft only, to a work still awaiting a decision."""

AWAITING_KEYS = ("title_abstract", "full_text", "extraction")
"""The keys of prisma.json's ``awaiting`` section (present in a draft only)."""

_WHAT = {"title_abstract": "title/abstract screening", "full_text": "full-text assessment",
         "extraction": "extraction"}


def awaiting_counts(screening: pd.DataFrame, studies: pd.DataFrame) -> dict[str, int]:
    """Works awaiting a title/abstract decision, a full-text decision, and included works not yet extracted."""
    final = screening["final"]
    included = set(screening.loc[final == "included", "work_id"])
    return {
        "title_abstract": int((final == AWAITING_STATUS["title_abstract"]).sum()),
        "full_text": int((final == AWAITING_STATUS["full_text"]).sum()),
        "extraction": len(included - set(report_ids(studies))),  # a further report is extracted with its study
    }


def refuse_draft_results(screening: pd.DataFrame, path: Path) -> None:
    """A final build must not carry a draft's awaiting statuses into results that look final.

    Snakemake re-runs screening when the build switches from draft to final (its ``draft`` param changes), so
    this only fires when a stage is run by hand on a draft's screening file.
    """
    awaiting = screening[screening["final"].isin(AWAITING_STATUS.values())]
    if not awaiting.empty:
        raise InputError(
            f"{len(awaiting)} work(s) have a draft status ({awaiting['final'].iloc[0]})",
            file=path, line=int(awaiting.index[0]) + 2, record=str(awaiting["work_id"].iloc[0]), field="final",
            expected="a screening file written by a final build (no awaiting_* status)",
            hint="run `make review` (or `reviewflow build`), which re-runs screening in final mode, or pass "
                 "--draft to build a draft",
        )


def all_awaiting(prisma: dict[str, Any]) -> dict[str, int]:
    """Works awaiting people in the whole review: the main arm's, the other-methods arm's, and extraction."""
    main = prisma.get("awaiting", {})
    other = prisma.get("other_methods", {}).get("awaiting", {})
    return {key: int(main.get(key, 0)) + int(other.get(key, 0)) for key in AWAITING_KEYS}


def draft_note(prisma: dict[str, Any]) -> str:
    """The header line of every page of a draft PDF: what still awaits people, from prisma.json's counts."""
    awaiting = all_awaiting(prisma)
    parts = []
    for key in AWAITING_KEYS:
        count = int(awaiting.get(key, 0))
        if count:
            verb = "await" if parts else ("work awaits" if count == 1 else "works await")
            parts.append(f"{count} {verb} {_WHAT[key]}")
    waiting = ", ".join(parts) if parts else "nothing awaits people, but this is not the final build"
    return f"DRAFT: {waiting} \u2014 not for citation"


def add_awaiting_numbers(numbers: Any, prisma: dict[str, Any]) -> None:
    """``prisma.awaiting.*`` for the manuscript of a draft (a final build has no such numbers)."""
    if prisma.get("awaiting") is None:
        return
    awaiting = all_awaiting(prisma)
    for key in AWAITING_KEYS:
        numbers.add(f"prisma.awaiting.{key}", awaiting[key], f"Works still awaiting {_WHAT[key]} (draft)")
    numbers.add("prisma.awaiting.total", sum(awaiting[key] for key in AWAITING_KEYS),
                "Works still awaiting a person's decision or extraction (draft)")

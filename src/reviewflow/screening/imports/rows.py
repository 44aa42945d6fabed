"""What every tool reader gives: one ``ToolRow`` per exported record, and the shared helpers for reading files."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from reviewflow.errors import InputError
from reviewflow.tables import read_table

INCLUDE, EXCLUDE, UNDECIDED = "include", "exclude", ""


@dataclass
class ToolRow:
    """One record of a tool's export: where it is, what identifies its work, and the tool's decision.

    ``decision`` is include, exclude or empty (the tool has no final decision: unseen, Maybe, still in a list);
    ``label`` is the tool's own wording (``Included``, ``1``, ``irrelevant``) for the note and the report.
    ``stage_ok`` is False when the record is not at the imported stage (a Covidence record still in title and
    abstract screening, imported as a full-text list).
    """

    line: int
    title: str = ""
    year: str = ""
    doi: str = ""
    pmid: str = ""
    decision: str = UNDECIDED
    label: str = ""
    reasons: list[str] = field(default_factory=list)
    note: str = ""
    stage_ok: bool = True


def read_export_table(path: Path, tool: str, required: list[list[str]]) -> pd.DataFrame:
    """A tool's CSV or XLSX export as text; refuses a file lacking a column of each group in ``required`` (each
    group lists a column's names across the tool's versions) and names the tool whose layout was expected."""
    if path.suffix.lower() in (".xlsx", ".xls"):
        try:
            frame = pd.read_excel(path, dtype=str).fillna("")
        except Exception as exc:  # noqa: BLE001 - any unreadable workbook becomes one clear message
            raise InputError(f"not a readable workbook: {exc}", file=path) from exc
        frame.columns = [str(c).strip() for c in frame.columns]
    else:
        frame = read_table(path)
    missing = [" or ".join(group) for group in required if not any(name in frame.columns for name in group)]
    if missing:
        raise InputError(
            f"not the layout of a {tool} export: no column {'; no column '.join(missing)}", file=path, line=1,
            expected=f"the layout of {tool}'s export (see reviewflow.screening.imports.{tool.lower()})",
            hint=f"found columns: {', '.join(frame.columns[:12])}{' ...' if len(frame.columns) > 12 else ''}",
        )
    return frame


def column(frame: pd.DataFrame, *names: str) -> pd.Series:
    """The first of ``names`` present, else empty strings."""
    for name in names:
        if name in frame.columns:
            return frame[name].astype(str).str.strip()
    return pd.Series([""] * len(frame), index=frame.index)

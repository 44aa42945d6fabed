"""Which works a stage offers, and what the screen shows of each.

The build lists the works awaiting a decision in ``results/awaiting_screening.csv``. The app keeps every work it
has offered at a stage in ``data/screening/<stage>/offered.txt`` (one work id a line; not a CSV, so the build
never reads it), because one reviewer's decisions may settle works for the next build while the second reviewer
has not seen them yet: they must stay offered to everyone. Without the awaiting file the works are computed as
the build would: every work not excluded by rule at title/abstract, the works included there at full text.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from reviewflow.errors import InputError
from reviewflow.screening.sheets import readable_title

SHOWN = ["title", "authors", "first_author", "year", "journal", "doi", "pmid", "abstract", "keywords"]


@dataclass(frozen=True)
class Work:
    """What a reviewer reads of one work."""

    work_id: str
    title: str
    authors: str
    year: str
    journal: str
    doi: str
    pmid: str
    abstract: str
    keywords: str

    def text(self) -> str:
        """The words a search of past decisions looks through."""
        return " ".join([self.work_id, self.title, self.authors, self.year, self.journal, self.keywords]).lower()


def _read(path: Path) -> pd.DataFrame:
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (OSError, ValueError, pd.errors.ParserError) as error:
        raise InputError(f"cannot read the table: {error}", file=path) from None


def _work(row: dict[str, str]) -> Work:
    value = {name: str(row.get(name, "") or "") for name in SHOWN}
    authors = value["authors"] or value["first_author"]
    title = readable_title(value["title"], value["abstract"], value["keywords"]) or "(no title)"
    return Work(row["work_id"], title, authors, value["year"], value["journal"], value["doi"], value["pmid"],
                value["abstract"], value["keywords"])


OFFERED = "offered.txt"


def read_offered(folder: Path) -> list[str]:
    """Work ids the app has offered at this stage so far, in the order they first were."""
    path = folder / OFFERED
    if not path.is_file():
        return []
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]


def stage_pool(root: Path, stage: str, own: list[str] = ()) -> list[str]:
    """Work ids offered at ``stage``: those offered before, then any newly awaiting (and ``own`` decided ones)."""
    works_path = root / "results" / "works.csv"
    if not works_path.is_file():
        raise InputError("the build has not run yet: there are no works to screen", file=works_path,
                         expected="the works the build writes",
                         hint="run `reviewflow build --draft` in the project folder first; it stops at screening "
                              "and lists the works awaiting a decision")
    awaiting_path = root / "results" / "awaiting_screening.csv"
    if awaiting_path.is_file():
        awaiting = _read(awaiting_path)
        if not {"work_id", "stage"} <= set(awaiting.columns):
            raise InputError("not the build's awaiting sheet", file=awaiting_path, line=1, field="stage",
                             expected="columns work_id and stage (written by the build)")
        now = list(awaiting.loc[awaiting["stage"] == stage, "work_id"])
    else:
        now = _computed_pool(root, stage, works_path)
    folder = root / "data" / "screening" / stage
    before = read_offered(folder)
    pool = list(dict.fromkeys([*before, *now, *own]))
    if pool != before:
        from reviewflow.screening.app.store import write_text_atomically

        header = "# Works offered by `reviewflow screen` at this stage (kept so all reviewers see the same ones)\n"
        write_text_atomically(folder / OFFERED, header + "".join(f"{work_id}\n" for work_id in pool))
    return pool


def _computed_pool(root: Path, stage: str, works_path: Path) -> list[str]:
    screening_path = root / "results" / "screening.csv"
    screening = _read(screening_path) if screening_path.is_file() else pd.DataFrame(columns=["work_id", "final"])
    if stage == "full_text":
        if "title_abstract" not in screening.columns:
            return []
        return sorted(screening.loc[screening["title_abstract"] == "include", "work_id"])
    works = _read(works_path)
    auto = set(screening.loc[screening["final"] == "auto_excluded", "work_id"])
    auto_path = root / "results" / "auto_excluded.csv"
    if auto_path.is_file():
        auto |= set(_read(auto_path)["work_id"])
    return sorted(set(works["work_id"]) - auto)


def load_works(root: Path, ids: list[str]) -> dict[str, Work]:
    """The shown fields of the given works from ``results/works.csv`` (the awaiting sheet for any it lacks)."""
    wanted = set(ids)
    frame = _read(root / "results" / "works.csv")
    if "work_id" not in frame.columns:
        raise InputError("no work_id column", file=root / "results" / "works.csv", field="work_id")
    found = {row["work_id"]: _work(row) for row in frame.to_dict("records") if row["work_id"] in wanted}
    awaiting_path = root / "results" / "awaiting_screening.csv"
    if len(found) < len(wanted) and awaiting_path.is_file():
        for row in _read(awaiting_path).to_dict("records"):
            if row["work_id"] in wanted and row["work_id"] not in found:
                found[row["work_id"]] = _work(row)
    for work_id in wanted - set(found):
        found[work_id] = Work(work_id, "(work not in results/works.csv)", "", "", "", "", "", "", "")
    return found

"""A small screening project for the app's tests: the shipped review with ten works back to awaiting."""

from __future__ import annotations

import shutil
import socket
from pathlib import Path

import pandas as pd
import yaml

from reviewflow.screening.sheets import awaiting_screening_sheet

REPO = Path(__file__).resolve().parents[2]
SHIPPED = REPO / "reviews" / "cryoneurolysis"
CRITERIA = ["Adults with chronic pain (three months or more)", "Percutaneous cryoneurolysis of a peripheral nerve",
            "Original data: trials, cohorts, case series or reports"]
HIGHLIGHT = {"include": ["cryoneurolysis", "cryoanalgesia", "chronic", "nerve*"],
             "exclude": ["review", "acute", "surgery", "pig"]}


def read_csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def make_project(target: Path, n: int = 10) -> tuple[Path, list[str]]:
    """Copy config, data and results; take back the decisions on ``n`` titled works (half once included, half
    excluded) and list them in results/awaiting_screening.csv as the build would. Returns the folder and ids."""
    for part in ("config", "data", "results"):
        shutil.copytree(SHIPPED / part, target / part)
    config_path = target / "config" / "review.yaml"
    config = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    config["screening"]["criteria"] = CRITERIA
    config["screening"]["highlight"] = HIGHLIGHT
    config_path.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")

    works = read_csv(target / "results" / "works.csv")
    titled = set(works.loc[works["title"] != "", "work_id"])
    folder = target / "data" / "screening"
    first = read_csv(folder / "title_abstract" / "reconstruction.csv")
    candidates = first[first["work_id"].isin(titled)].sort_values("work_id")
    chosen = sorted([*candidates.loc[candidates["decision"] == "include", "work_id"][: n // 2],
                     *candidates.loc[candidates["decision"] == "exclude", "work_id"][: n - n // 2]])
    first[~first["work_id"].isin(chosen)].to_csv(folder / "title_abstract" / "reconstruction.csv", index=False)
    second = read_csv(folder / "full_text" / "reconstruction.csv")
    second[~second["work_id"].isin(chosen)].to_csv(folder / "full_text" / "reconstruction.csv", index=False)
    shown = works.set_index("work_id").loc[chosen].reset_index()
    sheet = awaiting_screening_sheet((work, "title_abstract") for work in shown.itertuples(index=False))
    sheet.to_csv(target / "results" / "awaiting_screening.csv", index=False)
    return target, chosen


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]

"""Tables stage: the manuscript's tables as Markdown files, built from results/, plus the BibTeX of the
included studies so each table row can cite its study."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pandas as pd

from reviewflow.report.bibliography import escape_bibtex, write_bibtex
from reviewflow.report.figures.make import design_group_counts
from reviewflow.synthesis.numbers import percent
from reviewflow.tables import read_table

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#@$|~^])")


def cell(text: str) -> str:
    """Table cell text with Markdown specials escaped and line breaks flattened."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(str(text).split())) if text else "NR"


def pipe_table(header: list[str], rows: list[list[str]], caption: str, label: str,
               align: list[str] | None = None) -> str:
    """A pandoc pipe table with a caption and a cross-reference label."""
    align = align or ["l"] * len(header)
    rule = ["---:" if a == "r" else ":---" for a in align]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(rule) + " |"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines) + f"\n\n: {caption} {{#{label}}}\n"


def _design_rank(config: dict[str, Any]) -> dict[str, int]:
    ranks: dict[str, int] = {}
    for rank, group in enumerate(config["extraction"]["design_groups"].values()):
        for design in group["designs"]:
            ranks.setdefault(design, rank)
    return ranks


def included_studies_table(studies: pd.DataFrame, keys: dict[str, str], config: dict[str, Any]) -> str:
    """One row per included study, grouped by design, then by year and label."""
    designs = config["extraction"]["designs"]
    ranks = _design_rank(config)
    ordered = studies.assign(_rank=studies["design"].map(lambda d: ranks.get(d, len(ranks))))
    ordered = ordered.sort_values(["_rank", "year", "study_label"], kind="mergesort")
    rows = [
        [f"@{keys[s.work_id]}", cell(designs[s.design]), cell(s.condition),
         cell(s.target_nerve), s.n_patients or "NR", cell(s.follow_up)]
        for s in ordered.itertuples(index=False)
    ]
    return pipe_table(
        ["Study", "Design", "Condition", "Target nerve", "Patients", "Follow-up"], rows,
        "Included studies, by design. NR: not reported.", "tbl-included",
        align=["l", "l", "l", "l", "r", "l"],
    )


TABLES = ("included_studies", "designs", "exclusions", "trials")
"""The tables every review gets (the workflow declares exactly these as outputs)."""


def design_table(studies: pd.DataFrame, config: dict[str, Any]) -> str:
    """Included studies per design group; beside the published review's counts when the config names one."""
    reference = config.get("published_reference")
    total = len(studies)
    rows = []
    for code, label, count in design_group_counts(studies["design"].tolist(), config):
        row = [cell(label), str(count), percent(count, total)]
        if reference:
            published = reference["design_groups"].get(code)
            row.append("NR" if published is None else str(published))
        rows.append(row)
    total_row = ["Total", str(total), percent(total, total)]
    if not reference:
        return pipe_table(["Design", "Studies (n)", "Studies (%)"], rows + [total_row],
                          "Included studies by design.", "tbl-designs", align=["l", "r", "r"])
    rows.append([*total_row, str(reference.get("included", "NR"))])
    return pipe_table(["Design", "This review (n)", "This review (%)", "Published review (n)"], rows,
                      "Included studies by design: this reconstruction and the published review.",
                      "tbl-designs", align=["l", "r", "r", "r"])


def trials_table(studies: pd.DataFrame, keys: dict[str, str]) -> str:
    """The randomised trials with their comparator, follow-up and a one-sentence outcome summary."""
    trials = studies[studies["design"] == "rct"].sort_values(["year", "study_label"], kind="mergesort")
    rows = [
        [f"@{keys[s.work_id]}", s.n_patients or "NR", cell(s.comparator),
         cell(s.follow_up), cell(s.outcome_summary)]
        for s in trials.itertuples(index=False)
    ]
    return pipe_table(["Trial", "Patients", "Comparator", "Follow-up", "Outcome"], rows,
                      "Randomised controlled trials of cryoneurolysis for chronic pain. NR: not reported.",
                      "tbl-trials", align=["l", "r", "l", "l", "l"])


def exclusion_table(prisma: dict[str, Any]) -> str:
    """Reasons for excluding reports at full text, and for exclusions at title/abstract."""
    rows = [[cell(r["label"]), "Full text", str(r["count"])] for r in prisma["excluded_full_text"]]
    rows += [[cell(r["label"]), "Title/abstract", str(r["count"])]
             for r in prisma.get("excluded_title_abstract_reasons", [])]
    rows += [[cell(r["label"]), "By rule, before screening", str(r["count"])]
             for r in prisma["removed_before_screening"]["automation_reasons"]]
    return pipe_table(["Reason", "Stage", "Works"], rows, "Reasons for exclusion, by stage.", "tbl-exclusions",
                      align=["l", "l", "r"])


def published_reference_bibtex(reference: dict[str, Any]) -> str:
    """BibTeX entry for the published review the manuscript compares itself with (from the config)."""
    fields = {
        "author": " and ".join(escape_bibtex(", ".join(name.rsplit(" ", 1))) for name in reference["authors"]),
        "title": "{" + escape_bibtex(reference["title"]) + "}",
        "journal": escape_bibtex(reference.get("journal", "")),
        "year": str(reference["year"]),
        "volume": escape_bibtex(str(reference.get("volume", ""))),
        "number": escape_bibtex(str(reference.get("issue", ""))),
        "pages": escape_bibtex(str(reference.get("pages", ""))),
        "doi": escape_bibtex(reference.get("doi", "")),
    }
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields.items() if value)
    return f"@article{{{reference['key']},\n{body}\n}}\n"


def _describe_untitled(studies: pd.DataFrame) -> pd.DataFrame:
    """Give works whose exports carry neither title nor authors a bracketed description from the extraction
    (design and condition), so the reference list says what they are instead of showing a bare year."""
    studies = studies.copy()
    bare = (studies["title"] == "") & (studies["authors"] == "")
    studies.loc[bare, "title"] = [
        f"[No title or authors in the search exports: {design.replace('_', ' ')} on {condition}]"
        for design, condition in zip(studies.loc[bare, "design"], studies.loc[bare, "condition"], strict=True)
    ]
    return studies


def make_tables(config: dict[str, Any], studies_path: Path, prisma_path: Path, outdir: Path,
                bibliography: Path) -> None:
    """Write every manuscript table and the bibliography they cite."""
    studies = read_table(studies_path)
    prisma = json.loads(prisma_path.read_text(encoding="utf-8"))
    keys = write_bibtex(_describe_untitled(studies), bibliography)
    reference = config.get("published_reference")
    if reference:
        with bibliography.open("a", encoding="utf-8") as handle:
            handle.write("\n" + published_reference_bibtex(reference))
    outdir.mkdir(parents=True, exist_ok=True)
    (outdir / "included_studies.md").write_text(included_studies_table(studies, keys, config), encoding="utf-8")
    (outdir / "designs.md").write_text(design_table(studies, config), encoding="utf-8")
    (outdir / "trials.md").write_text(trials_table(studies, keys), encoding="utf-8")
    (outdir / "exclusions.md").write_text(exclusion_table(prisma), encoding="utf-8")

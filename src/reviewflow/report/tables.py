"""Tables stage: the manuscript's tables as Markdown files, built from results/, plus the BibTeX of the
included studies so each table row can cite its study."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path
from typing import Any

import pandas as pd

from reviewflow.extraction.form import (
    BUILTIN_TABLES,
    COUNTED,
    OTHER_STAGE_TABLES,
    Field,
    Form,
    Table,
    form_from_config,
)
from reviewflow.extraction.reports import further_report_works
from reviewflow.extraction.sheet import BIBLIOGRAPHIC
from reviewflow.report.bibliography import escape_bibtex, verbatim_bibtex, write_bibtex
from reviewflow.synthesis.groups import design_group_counts
from reviewflow.synthesis.numbers import percent
from reviewflow.tables import read_table

log = logging.getLogger(__name__)

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#@$|~^])")


def cell(text: str) -> str:
    """Table cell text with Markdown specials escaped and line breaks flattened."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(str(text).split())) if text else "NR"


def pipe_table(header: list[str], rows: list[list[str]], caption: str, label: str,
               align: list[str] | None = None, widths: list[int] | None = None) -> str:
    """A pandoc pipe table with a caption and a cross-reference label; ``widths`` (relative, one per column)
    sets the dashes of the rule line, which pandoc reads as column widths when cells hold long text."""
    align = align or ["l"] * len(header)
    dashes = ["-" * max(3, width) for width in widths] if widths else ["---"] * len(header)
    rule = [f"{d}:" if a == "r" else f":{d}" for a, d in zip(align, dashes, strict=True)]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(rule) + " |"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines) + f"\n\n: {caption} {{#{label}}}\n"


def _design_rank(config: dict[str, Any]) -> dict[str, int]:
    ranks: dict[str, int] = {}
    for rank, group in enumerate(config["extraction"]["design_groups"].values()):
        for design in group["designs"]:
            ranks.setdefault(design, rank)
    return ranks


def _field_cell(study: pd.Series, field: Field) -> str:
    """A field's value in a table cell: a category's label, numbers as written, NR when not reported."""
    value = str(study[field.name])
    if field.type in COUNTED and value:
        return cell(field.codes.get(value, value))
    return cell(value)


STUDY_WIDTH = 18
"""Relative width of the study column: a citation renders as "Author et al. (year)", longer than its key."""


def _widths(header: list[str], rows: list[list[str]]) -> list[int]:
    """Relative column widths: the study column fixed, the others from the mean length of their cells, within
    bounds so short codes stay legible and long text does not swallow the page."""
    widths = [STUDY_WIDTH]
    for i in range(1, len(header)):
        mean = sum(len(row[i]) for row in rows) / len(rows) if rows else 0
        # Room for the longest word, which cannot wrap (a label such as "Fluoroscopy").
        word = max((len(word) for row in rows for word in row[i].split()), default=0)
        widths.append(min(36, max(10, min(word + 3, 18), round(mean / 2))))
    return widths


def study_cell(study: pd.Series, keys: dict[str, str]) -> str:
    """The study's generated label linked to its main report's reference, then a citation of any further report,
    so a trial and its follow-up paper are one row naming both. The label is not itself a citation: in an
    author-date style "Label [@key]" would print the authors and year twice; the manuscript's ``nocite``
    puts the main reports in the reference list."""
    reports = [r.strip() for r in str(study.get("report_work_ids") or study["work_id"]).split(";") if r.strip()]
    linked = f"[{cell(study['study_label'])}](#ref-{keys[reports[0]]})"
    further = reports[1:]
    return f"{linked} [{'; '.join('@' + keys[r] for r in further)}]" if further else linked


def study_table(studies: pd.DataFrame, keys: dict[str, str], form: Form, table: Table,
                with_design: bool = False, sized: bool = False) -> str:
    """One row per study of the table's designs: the citation, the design (in the included-studies table) and
    the configured columns, headed by the form's labels; ``sized`` sets column widths from the cells' lengths
    (for tables of long text)."""
    fields = [form.field(name) for name in table.columns]
    header = [table.study_heading, *(["Design"] if with_design else []), *(f.heading for f in fields)]
    align = ["l", *(["l"] if with_design else []), *("r" if f.numeric else "l" for f in fields)]
    rows = [
        [study_cell(s, keys), *([cell(form.designs[s['design']])] if with_design else []),
         *(_field_cell(s, f) for f in fields)]
        for _, s in studies.iterrows()
    ]
    widths = _widths(header, rows) if sized else None
    return pipe_table(header, rows, table.caption, table.label, align=align, widths=widths)


def _by_design(studies: pd.DataFrame, config: dict[str, Any]) -> pd.DataFrame:
    """Studies in design-group order, then by year and label."""
    ranks = _design_rank(config)
    ordered = studies.assign(_rank=studies["design"].map(lambda d: ranks.get(d, len(ranks))))
    return ordered.sort_values(["_rank", "year", "study_label"], kind="mergesort")


def included_studies_table(studies: pd.DataFrame, keys: dict[str, str], config: dict[str, Any]) -> str:
    """One row per included study, grouped by design, then by year and label."""
    form = form_from_config(config)
    return study_table(_by_design(studies, config), keys, form, form.included_table, with_design=True)


def group_tables(studies: pd.DataFrame, keys: dict[str, str], config: dict[str, Any]) -> dict[str, str]:
    """Table name -> table of each group of the grouped synthesis (none without one): the group's studies by
    design, year and label, with the synthesis columns, captioned with the group's label."""
    form = form_from_config(config)
    synthesis = form.synthesis
    if synthesis is None:
        return {}
    tables = {}
    for code, label in synthesis.groups.items():
        table = Table(name=synthesis.table_name(code), label=synthesis.table_label(code),
                      caption=synthesis.caption.replace("{group}", label), columns=synthesis.columns,
                      designs=tuple(form.designs), study_heading=synthesis.study_heading)
        members = _by_design(studies[studies[synthesis.group_by] == code], config)
        tables[table.name] = study_table(members, keys, form, table, with_design=synthesis.design, sized=True)
    return tables


def table_names(config: dict[str, Any]) -> list[str]:
    """The tables this review has (the workflow declares exactly these as outputs): the built-in ones, those
    declared under extraction.tables, then one per group of the grouped synthesis."""
    form = form_from_config(config)
    grouped = form.synthesis.table_names if form.synthesis else []
    return [*BUILTIN_TABLES, *(table.name for table in form.extra_tables), *grouped]


def design_table(studies: pd.DataFrame, config: dict[str, Any], prisma: dict[str, Any] | None = None) -> str:
    """Included studies per design group; beside the published review's counts when the config names one. In a
    draft (``prisma`` with works awaiting extraction) those works are a row of their own, so rows add up to the
    included total."""
    reference = config.get("published_reference")
    total = prisma["included"] if prisma else len(studies)
    rows = []
    for code, label, count in design_group_counts(studies["design"].tolist(), config, prisma):
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


def extra_table(studies: pd.DataFrame, keys: dict[str, str], form: Form, table: Table) -> str:
    """A table declared under extraction.tables: the studies of its designs, by year and label."""
    chosen = studies[studies["design"].isin(table.designs)].sort_values(["year", "study_label"], kind="mergesort")
    return study_table(chosen, keys, form, table)


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
        "doi": verbatim_bibtex(reference.get("doi", "")),
    }
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields.items() if value)
    return f"@article{{{reference['key']},\n{body}\n}}\n"


def _describe_untitled(studies: pd.DataFrame, topic: str | None = None) -> pd.DataFrame:
    """Give works whose exports carry neither title nor authors a supplied title in square brackets from the
    extraction (design, and the form's topic field when it names one), so the reference list says what they are
    instead of showing a bare year; the bibliography cites them by its first part, "[Untitled]"."""
    studies = studies.copy()
    bare = (studies["title"] == "") & (studies["authors"] == "")
    subjects = studies.loc[bare, topic] if topic else pd.Series("", index=studies.index[bare])
    about = f"; {topic.replace('_', ' ')}: " if topic else ""
    studies.loc[bare, "title"] = [
        f"[Untitled; design: {design.replace('_', ' ')}{f'{about}{subject}' if subject else ''}]"
        for design, subject in zip(studies.loc[bare, "design"], subjects, strict=True)
    ]
    return studies


def make_tables(config: dict[str, Any], studies_path: Path, prisma_path: Path, outdir: Path,
                bibliography: Path, works_path: Path | None = None) -> None:
    """Write every manuscript table and the bibliography they cite: every report of every included study, the
    further reports read from ``works_path`` (results/works.csv)."""
    form = form_from_config(config)
    studies = read_table(studies_path)
    prisma = json.loads(prisma_path.read_text(encoding="utf-8"))
    works = (read_table(works_path, columns=["work_id", *BIBLIOGRAPHIC]) if works_path is not None
             else studies.iloc[0:0])
    cited = pd.concat([studies, further_report_works(studies, works)], ignore_index=True).fillna("")
    keys = write_bibtex(_describe_untitled(cited, form.topic), bibliography)
    reference = config.get("published_reference")
    if reference:
        with bibliography.open("a", encoding="utf-8") as handle:
            handle.write("\n" + published_reference_bibtex(reference))
    outdir.mkdir(parents=True, exist_ok=True)
    _remove_tables_not_made(config, outdir)
    (outdir / "included_studies.md").write_text(included_studies_table(studies, keys, config), encoding="utf-8")
    (outdir / "designs.md").write_text(design_table(studies, config, prisma), encoding="utf-8")
    (outdir / "exclusions.md").write_text(exclusion_table(prisma), encoding="utf-8")
    for table in form.extra_tables:
        (outdir / f"{table.name}.md").write_text(extra_table(studies, keys, form, table), encoding="utf-8")
    for name, text in group_tables(studies, keys, config).items():
        (outdir / f"{name}.md").write_text(text, encoding="utf-8")


def _remove_tables_not_made(config: dict[str, Any], outdir: Path) -> None:
    """A table the config no longer declares must not linger beside the current ones looking current."""
    made = {*table_names(config), *OTHER_STAGE_TABLES}
    for stale in sorted(outdir.glob("*.md")):
        if stale.stem not in made:
            log.info("removing %s: the config no longer asks for this table", stale)
            stale.unlink()

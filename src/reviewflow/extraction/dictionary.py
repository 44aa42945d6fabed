"""The data dictionary of the extraction form (results/extraction_form.md), beside the awaiting sheet.

The sheet people fill in is a plain CSV, with no room for instructions; this page says, for each column, what it
means, its type, unit and allowed values and whether it may be left empty.
"""

from __future__ import annotations

from pathlib import Path

from reviewflow.extraction.form import Form
from reviewflow.extraction.values import expected


def _cell(text: str) -> str:
    return " ".join(text.replace("|", "\\|").split())


def _span(bounds: tuple[float | None, float | None] | None) -> str:
    """' (scores 0 to 10)' for a scale code with a range, '' otherwise."""
    if bounds is None:
        return ""
    low, high = ("" if value is None else f"{value:g}" for value in bounds)
    return f" (scores {low or '...'} to {high or '...'})"


def form_markdown(form: Form) -> str:
    """One table row per column of the extraction sheet, fixed columns first."""
    rows = [
        ("work_id", "Work id", "the included work's id, as in results/awaiting_extraction.csv", "required"),
        ("design", "Design", "one of " + ", ".join(f"`{c}` ({label})" for c, label in form.designs.items()),
         "required"),
    ]
    for field in form.fields:
        accepted = expected(field)
        if field.values:
            accepted += "; " + ", ".join(f"`{code}` = {label}{_span(field.ranges.get(code))}"
                                         for code, label in field.values.items())
        if field.scale:
            accepted += f"; on the scale `{field.scale}` names, within its range"
        rows.append((field.name, field.label, f"{field.description} ({field.type}); {accepted}".lstrip(),
                     "required" if field.required else
                     ("for " + ", ".join(field.required_for) if field.required_for else "no")))
    rows.append(("report_of", "Further report of",
                 "only on the row of a further report of a study (e.g. a trial's follow-up paper): the work id of "
                 "the study's main work, whose row holds the study's data; every other column stays empty",
                 "no (optional column)"))
    lines = ["# Extraction form", "",
             "Generated from `extraction.fields` in the config. Do not edit; fill in "
             "results/awaiting_extraction.csv and save it as the extraction sheet. Study labels (\"Wolter et al. "
             "(2011)\") are generated from each work's authors, year and title; a `study_label` column is "
             "ignored.", "",
             "| column | label | what to write | required |", "| :--- | :--- | :--- | :--- |"]
    lines += ["| " + " | ".join(_cell(part) for part in row) + " |" for row in rows]
    if form.rules:
        lines += ["", "## Rules across columns", "",
                  "From `extraction.rules` in the config; a row that breaks one is listed in "
                  "results/extraction_errors.csv.", ""]
        lines += [f"- `{rule.field}`: {_cell(rule.expected())}" for rule in form.rules]
    return "\n".join(lines) + "\n"


def write_dictionary(form: Form, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(form_markdown(form), encoding="utf-8")

"""The grouped synthesis's figures (``extraction.synthesis.figures``): the counts and pairs each one shows, taken
from results/studies.csv in the form's order, handed to the drawing modules."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from reviewflow.extraction.form import Field, Form
from reviewflow.extraction.grouping import SynthesisFigure
from reviewflow.report.figures.before_after import Pair, draw_before_after
from reviewflow.report.figures.crosstab import draw_crosstab

NOT_REPORTED_LABEL = "Not reported"


def _categories(studies: pd.DataFrame, field: Field) -> list[tuple[str, str]]:
    """(code, label) of a field in form order, then "Not reported" ("") when some study leaves it empty."""
    codes = list(field.codes.items())
    return codes + [("", NOT_REPORTED_LABEL)] if (studies[field.name] == "").any() else codes


def crosstab_counts(studies: pd.DataFrame, form: Form,
                    figure: SynthesisFigure) -> tuple[list[str], list[str], list[list[int]]]:
    """Row labels, column labels and the studies in each cell of a crosstab figure."""
    rows, columns = form.field(str(figure.rows)), form.field(str(figure.columns))
    row_codes, column_codes = _categories(studies, rows), _categories(studies, columns)
    counts = [[int(((studies[rows.name] == r) & (studies[columns.name] == c)).sum()) for c, _ in column_codes]
              for r, _ in row_codes]
    return [label for _, label in row_codes], [label for _, label in column_codes], counts


def change_pairs(studies: pd.DataFrame, form: Form, figure: SynthesisFigure) -> list[Pair]:
    """One pair per study reporting both sides of the change, ordered by group (when the synthesis groups the
    studies) and label; the title names the study and its group, the scale comes from the figure's scale field."""
    change = next(c for c in form.changes if c.name == figure.change)
    both = studies[(studies[change.before] != "") & (studies[change.after] != "")]
    synthesis = form.synthesis
    groups = synthesis.groups if synthesis else {}
    rank = {code: position for position, code in enumerate(groups)}

    def order(row: pd.Series) -> tuple[int, str]:
        return (rank.get(row[synthesis.group_by], len(rank)) if synthesis else 0, row["study_label"])

    rows = sorted((row for _, row in both.iterrows()), key=order)
    pairs = []
    for row in rows:
        group = groups.get(row[synthesis.group_by], "") if synthesis else ""
        scale = str(row[figure.scale]) if figure.scale else ""
        if figure.scale and form.field(figure.scale).type == "category" and scale:
            scale = form.field(figure.scale).values.get(scale, scale)
        pairs.append(Pair(title=f"{row['study_label']} ({group})" if group else str(row["study_label"]),
                          before=str(row[change.before]), after=str(row[change.after]),
                          scale=f"Scale: {scale}" if scale else "Scale not reported"))
    return pairs


def draw_synthesis_figure(studies: pd.DataFrame, form: Form, figure: SynthesisFigure, outdir: Path) -> list[Path]:
    """Draw one synthesis figure as <outdir>/<name>.{png,pdf,svg}."""
    stem = outdir / figure.name
    if figure.type == "crosstab":
        rows, columns, counts = crosstab_counts(studies, form, figure)
        return draw_crosstab(rows, columns, counts, stem, ylabel=form.field(str(figure.rows)).label,
                             xlabel=form.field(str(figure.columns)).label)
    return draw_before_after(change_pairs(studies, form, figure), stem)

"""The grouped synthesis (extraction.synthesis): what the form refuses, the per-group tables and numbers of a small
project, the two synthesis figures written byte-identically, and groups that add up to the included studies."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pandas as pd
import pytest
import yaml

from reviewflow.config import load_config
from reviewflow.errors import InputError
from reviewflow.extraction.form import form_from_config
from reviewflow.report.figures.before_after import Pair, draw_before_after
from reviewflow.report.figures.crosstab import draw_crosstab
from reviewflow.report.figures.grouped import change_pairs, crosstab_counts
from reviewflow.report.figures.make import ALL_FIGURES, figure_names, make_figures
from reviewflow.report.tables import make_tables, table_names
from reviewflow.synthesis.numbers import compute_numbers
from reviewflow.synthesis.prisma import compute_prisma
from reviewflow.tables import write_json, write_table
from tests.conftest import PROJECT
from tests.extraction.test_form import config_with, load
from tests.test_screening_extraction import Review

FIELDS = [
    {"name": "site", "label": "Site", "type": "category", "required": True,
     "values": {"upper": "Upper limb", "lower": "Lower limb", "head": "Head"}},
    {"name": "nerve", "label": "Nerve", "type": "category",
     "values": {"suprascapular": "Suprascapular", "saphenous": "Saphenous"}},
    {"name": "patients", "label": "Patients", "type": "integer", "min": 1, "summary": True},
    {"name": "scale", "label": "Scale", "type": "text"},
    {"name": "before", "label": "Before", "type": "number", "min": 0},
    {"name": "after", "label": "After", "type": "number", "min": 0},
    {"name": "harms", "label": "Adverse events", "type": "text"},
]
CHANGES = [{"name": "pain", "label": "Pain", "before": "before", "after": "after"}]
SYNTHESIS = {
    "group_by": "site",
    "columns": ["nerve", "patients", "harms"],
    "caption": "Studies of the {group}. NR: not reported.",
    "figures": {"site_by_nerve": {"type": "crosstab", "rows": "site", "columns": "nerve"},
                "pain_pairs": {"type": "change", "change": "pain", "scale": "scale"}},
}


def grouped(synthesis: dict | None = None, fields: list[dict] | None = None) -> dict:
    return config_with(fields or FIELDS, changes=CHANGES, synthesis=synthesis or SYNTHESIS)


def _with(change: dict, figure: str | None = None) -> dict:
    synthesis = copy.deepcopy(SYNTHESIS)
    if figure:
        synthesis["figures"][figure] = {**synthesis["figures"][figure], **change}
    else:
        synthesis.update(change)
    return synthesis


def test_a_valid_grouped_synthesis_is_read_in_the_group_fields_order(tmp_path: Path) -> None:
    config = load(tmp_path, grouped())
    synthesis = form_from_config(config).synthesis
    assert synthesis is not None and list(synthesis.groups) == ["upper", "lower", "head"]
    assert table_names(config)[-3:] == ["synthesis_upper", "synthesis_lower", "synthesis_head"]
    assert figure_names(config)[-2:] == ["site_by_nerve", "pain_pairs"]
    assert synthesis.table_label("upper") == "tbl-synthesis-upper"


@pytest.mark.parametrize(("synthesis", "path", "message"), [
    (_with({"group_by": "region"}), "extraction.synthesis.group_by", "unknown field 'region'"),
    (_with({"group_by": "scale"}), "extraction.synthesis.group_by", "'scale' is a field of type text, not a category"),
    (_with({"group_by": "nerve"}), "extraction.synthesis.group_by", "group field 'nerve' is not required"),
    (_with({"columns": ["nerve", "dose"]}), "extraction.synthesis.columns[1]", "unknown field 'dose'"),
    (_with({"columns": "patients"}, "site_by_nerve"), "extraction.synthesis.figures.site_by_nerve.columns",
     "'patients' is a field of type integer, not a category"),
    (_with({"columns": "site"}, "site_by_nerve"), "extraction.synthesis.figures.site_by_nerve.columns",
     "rows and columns both name 'site'"),
    (_with({"change": "mood"}, "pain_pairs"), "extraction.synthesis.figures.pain_pairs.change",
     "unknown change 'mood'"),
    (_with({"scale": "patients"}, "pain_pairs"), "extraction.synthesis.figures.pain_pairs.scale",
     "scale names 'patients'"),
    (_with({"figures": {"design_breakdown": {"type": "crosstab", "rows": "site", "columns": "nerve"}}}),
     "extraction.synthesis.figures.design_breakdown", "figure name 'design_breakdown' cannot be used"),
])
def test_form_errors_name_the_config_path(tmp_path: Path, synthesis: dict, path: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        load(tmp_path, grouped(synthesis))
    assert caught.value.field == path
    assert message in caught.value.message
    assert str(caught.value).startswith(str(tmp_path / "review.yaml"))


def test_a_group_table_may_not_take_a_declared_table_name(tmp_path: Path) -> None:
    config = grouped()
    config["extraction"]["tables"] = {"synthesis_head": {"columns": ["nerve"], "caption": "x"}}
    with pytest.raises(InputError, match="a table already declared") as caught:
        load(tmp_path, config)
    assert caught.value.field == "extraction.tables.synthesis_head"


def test_the_schema_refuses_a_figure_of_no_known_type(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="extraction.synthesis.figures.site_by_nerve"):
        load(tmp_path, grouped(_with({"type": "pie"}, "site_by_nerve")))


def test_no_synthesis_figure_can_take_a_built_in_figure_name() -> None:
    from reviewflow.extraction.grouping import RESERVED_FIGURES

    assert set(ALL_FIGURES) <= set(RESERVED_FIGURES)


@pytest.fixture
def review(mini_project: Path) -> Review:
    path = mini_project / "config/review.yaml"
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    config["extraction"] = {key: config["extraction"][key] for key in ("designs", "design_groups")} | {
        "fields": FIELDS, "changes": CHANGES, "synthesis": SYNTHESIS}
    config.pop("published_reference")
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return Review(mini_project)


def _extract(review: Review) -> tuple[pd.DataFrame, dict]:
    """Three included studies: two of the upper limb (one without a nerve), one of the lower, none of the head
    (labels and years come from the works)."""
    from reviewflow.extraction.sheet import check_extraction

    shoulder, knee = review.work("Ultrasound-guided"), review.work("Cryoneurolysis for knee")
    phantom, surgery = review.work("Cryoneurolysis for phantom"), review.work("Cryoablation of intercostal")
    review.decide([f"{w},{stage},AB,include,," for w in (shoulder, knee, phantom)
                   for stage in ("title_abstract", "full_text")]
                  + [f"{surgery},title_abstract,AB,exclude,intraoperative,"])
    sheet = review.project / "data/extraction/studies.csv"
    sheet.write_text(
        "work_id,design,site,nerve,patients,scale,before,after,harms\n"
        f"{shoulder},case_series,upper,suprascapular,3,NRS 0-10,7,2,none\n"
        f"{knee},rct,Lower limb,saphenous,40,WOMAC 0-20,12.5,8,\n"
        f"{phantom},case_report,upper,,1,,6,\n", encoding="utf-8")
    screening = review.screen()
    studies = check_extraction(sheet, screening, review.works, review.config,
                               review.project / "results/awaiting_extraction.csv")
    prisma = compute_prisma(review.report, review.works, review.auto, screening, review.config)
    return studies, prisma


def test_grouped_numbers_tables_and_figures_of_a_small_project(review: Review, tmp_path: Path) -> None:
    studies, prisma = _extract(review)
    numbers = {name: item["value"] for name, item in compute_numbers(prisma, studies, review.config).items()}
    assert (numbers["synthesis.upper.n"], numbers["synthesis.lower.n"], numbers["synthesis.head.n"]) == (2, 1, 0)
    assert (numbers["synthesis.upper.pct"], numbers["synthesis.head.pct"]) == ("66.7", "0.0")
    assert numbers["synthesis.upper.design_group.case_report_or_series.n"] == 2
    assert numbers["synthesis.lower.design_group.rct.n"] == 1
    assert numbers["synthesis.upper.field.patients.total"] == 4
    assert numbers["synthesis.upper.reporting.nerve"] == 1 and numbers["synthesis.upper.reporting.harms"] == 1
    assert numbers["synthesis.upper.change.pain.studies"] == 1
    assert numbers["synthesis.lower.change.pain.median_decrease"] == "4.5"
    assert "synthesis.upper.field.site.upper" not in numbers, "the group field's own counts are not repeated"

    write_table(studies, tmp_path / "studies.csv")
    write_json(prisma, tmp_path / "prisma.json")
    tables = tmp_path / "tables"
    make_tables(review.config, tmp_path / "studies.csv", tmp_path / "prisma.json", tables, tmp_path / "refs.bib")
    upper = (tables / "synthesis_upper.md").read_text(encoding="utf-8")
    lines = upper.splitlines()
    assert lines[0] == "| Study | Nerve | Patients | Adverse events |"
    # Both are case reports or series, so by the works' years: the shoulder record (2015), then the phantom (2021).
    assert [line.split(" | ")[1:3] for line in lines[2:4]] == [["Suprascapular", "3"], ["NR", "1"]]
    assert upper.rstrip().endswith(": Studies of the Upper limb. NR: not reported. {#tbl-synthesis-upper}")
    assert "Brown" not in upper and "| Saphenous | 40 | NR |" in (tables / "synthesis_lower.md").read_text()
    head = (tables / "synthesis_head.md").read_text(encoding="utf-8")
    assert len(head.split("\n\n")[0].splitlines()) == 2, "an empty group's table has its header only"

    figures = tmp_path / "figures"
    written = {path.name for path in make_figures(review.config, tmp_path / "prisma.json", tmp_path / "studies.csv",
                                                  figures)}
    assert {"site_by_nerve.png", "site_by_nerve.svg", "pain_pairs.pdf"} <= written
    form = form_from_config(review.config)
    rows, columns, counts = crosstab_counts(studies, form, form.synthesis.figures[0])
    assert rows == ["Upper limb", "Lower limb", "Head"]
    assert columns == ["Suprascapular", "Saphenous", "Not reported"]
    assert counts == [[1, 0, 1], [0, 1, 0], [0, 0, 0]]
    pairs = change_pairs(studies, form, form.synthesis.figures[1])
    assert pairs == [Pair("Smith and Jones (2015) (Upper limb)", "7", "2", "Scale: NRS 0-10"),
                     Pair("Brown (2020) (Lower limb)", "12.5", "8", "Scale: WOMAC 0-20")]


def test_the_groups_add_up_to_the_included_studies_of_a_small_project(review: Review) -> None:
    studies, prisma = _extract(review)
    numbers = compute_numbers(prisma, studies, review.config)
    groups = form_from_config(review.config).synthesis.groups
    assert sum(numbers[f"synthesis.{code}.n"]["value"] for code in groups) == prisma["included"] == 3


def test_the_groups_of_the_shipped_review_add_up_to_its_included_studies() -> None:
    config = load_config(PROJECT / "config/review.yaml")
    synthesis = form_from_config(config).synthesis
    numbers = json.loads((PROJECT / "results/numbers.json").read_text(encoding="utf-8"))
    counts = [numbers[f"synthesis.{code}.n"]["value"] for code in synthesis.groups]
    assert sum(counts) == numbers["prisma.included"]["value"]
    assert all(count > 0 for count in counts), "every condition group of the shipped review has studies"
    for code in synthesis.groups:
        designs = [numbers[name]["value"] for name in numbers
                   if name.startswith(f"synthesis.{code}.design_group.") and name.endswith(".n")]
        assert sum(designs) == numbers[f"synthesis.{code}.n"]["value"], code
        nerves = [numbers[name]["value"] for name in numbers if name.startswith(f"synthesis.{code}.field.nerve_group.")]
        assert sum(nerves) == numbers[f"synthesis.{code}.n"]["value"], code


def _bytes(paths: list[Path]) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in paths}


@pytest.mark.parametrize("draw", [
    lambda stem: draw_crosstab(["Knee", "Shoulder pain of a long label"], ["Saphenous", "Suprascapular"],
                               [[2, 0], [0, 3]], stem, xlabel="Nerve", ylabel="Condition"),
    lambda stem: draw_before_after([Pair("Smith 2015 (Knee)", "7.5", "4.1", "Scale: VAS 0-10"),
                                    Pair("Brown 2020", "60", "35", "Scale not reported")], stem),
    lambda stem: draw_before_after([], stem),
])
def test_synthesis_figures_are_written_byte_identically(tmp_path: Path, draw) -> None:
    first = _bytes(draw(tmp_path / "a" / "figure"))
    second = _bytes(draw(tmp_path / "b" / "figure"))
    assert sorted(first) == ["figure.pdf", "figure.png", "figure.svg"]
    assert first == second


def test_the_drawings_refuse_counts_that_do_not_fit_their_labels(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="counts must be 1 rows of 2 columns"):
        draw_crosstab(["Knee"], ["A", "B"], [[1]], tmp_path / "x", xlabel="x", ylabel="y")
    with pytest.raises(ValueError, match="negative score"):
        draw_before_after([Pair("Smith", "-1", "2")], tmp_path / "y")

"""A review that is not about pain: its own form drives the template, the checks, the numbers, the tables and the
figures, from the awaiting sheet saved back filled in to the Markdown tables."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
import yaml

from reviewflow.errors import InputError
from reviewflow.extraction.sheet import check_extraction
from reviewflow.report.figures.make import figure_names, make_figures
from reviewflow.report.tables import make_tables, table_names
from reviewflow.synthesis.numbers import compute_numbers
from reviewflow.synthesis.prisma import compute_prisma
from reviewflow.tables import write_json, write_table
from tests.extraction.test_form import FIELDS
from tests.test_screening_extraction import Review

FORM = {
    "fields": [
        *FIELDS,
        {"name": "mood_before", "label": "Mood before", "type": "number", "min": 0, "max": 63},
        {"name": "mood_after", "label": "Mood after", "type": "number", "min": 0, "max": 63},
        {"name": "started", "label": "Start", "type": "date"},
        {"name": "notes", "label": "Notes", "type": "text", "description": "anything else"},
    ],
    "changes": [{"name": "mood", "label": "BDI score", "before": "mood_before", "after": "mood_after"}],
    "tables": {
        "included_studies": {"columns": ["setting", "participants", "programme"]},
        "randomised": {"designs": ["rct"], "columns": ["participants", "blinded", "notes"],
                       "caption": "Randomised trials of exercise."},
    },
}


@pytest.fixture
def review(mini_project: Path) -> Review:
    path = mini_project / "config/review.yaml"
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    config["extraction"] = {key: config["extraction"][key] for key in ("designs", "design_groups")} | FORM
    config.pop("published_reference")
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return Review(mini_project)


def extract(review: Review, screening: pd.DataFrame) -> pd.DataFrame:
    return check_extraction(review.project / "data/extraction/studies.csv", screening, review.works,
                            review.config, review.project / "results/awaiting_extraction.csv")


def fill(review: Review, rows: dict[str, list[str]]) -> Path:
    """The awaiting sheet, saved back as the extraction sheet with ``rows`` filled in (by work id)."""
    template = pd.read_csv(review.project / "results/awaiting_extraction.csv", dtype=str, keep_default_na=False)
    for work, values in rows.items():
        template.loc[template["work_id"] == work, template.columns[1:1 + len(values)]] = values
    sheet = review.project / "data/extraction/studies.csv"
    template.to_csv(sheet, index=False)
    return sheet


def test_the_template_round_trip_with_a_form_of_its_own(review: Review) -> None:
    review.complete_decisions()
    screening = review.screen()
    shoulder, knee = review.work("Ultrasound-guided"), review.work("Cryoneurolysis for knee")
    with pytest.raises(InputError, match="extraction sheet not found"):
        extract(review, screening)
    template = pd.read_csv(review.project / "results/awaiting_extraction.csv", dtype=str, keep_default_na=False)
    assert list(template.columns) == ["work_id", "design", "setting", "participants", "programme", "blinded",
                                      "mood_before", "mood_after", "started", "notes", "report_of",
                                      "first_author", "year", "title"]
    dictionary = (review.project / "results/extraction_form.md").read_text(encoding="utf-8")
    assert "| programme | Programme length |" in dictionary and "`hospital` = Hospital" in dictionary

    fill(review, {shoulder: ["case_series", "Community", "12", "3 months", "", "20", "12.50",
                             "2015-03", "home programme"],
                  knee: ["rct", "hospital", "40", "12 wk", "YES", "", "", "", ""]})
    studies = extract(review, screening)
    rows = studies.set_index("study_label")
    assert rows.loc["Smith and Jones (2015)", ["setting", "programme", "mood_after"]].tolist() == [
        "community", "13.04", "12.5"]
    assert rows.loc["Brown (2020)", ["setting", "programme", "blinded"]].tolist() == ["hospital", "12", "yes"]
    assert "pain" not in " ".join(studies.columns)


@pytest.mark.parametrize(("cells", "field", "value", "wanted"), [
    (["rct", "hospital", "40", "about 3 months"], "programme", "about 3 months",
     r"^a duration in weeks such as '6 months'.*not a range"),
    (["rct", "clinic", "40"], "setting", "clinic", r"^one of community, hospital"),
    (["rct", "", "0"], "participants", "0", r"at least 1"),
    (["rct", "", "40", "", "", "", "70"], "mood_after", "70", r"from 0 to 63"),
    (["rct", "", "40", "", "", "", "", "2020-02-30"], "started", "2020-02-30", r"^a date YYYY-MM-DD"),
    (["rct", "", ""], "participants", "", r"^a whole number, at least 1 \(required for design rct;"),
])
def test_errors_name_file_line_record_field_and_what_is_expected(review: Review, cells: list[str], field: str,
                                                                 value: str, wanted: str) -> None:
    review.complete_decisions()
    screening = review.screen()
    with pytest.raises(InputError):
        extract(review, screening)
    knee = review.work("Cryoneurolysis for knee")
    sheet = fill(review, {review.work("Ultrasound-guided"): ["case_series"], knee: cells})
    line = 2 + pd.read_csv(sheet, dtype=str)["work_id"].tolist().index(knee)
    with pytest.raises(InputError, match=rf"studies.csv:{line}: 1 problem\(s\) in the extraction sheet; "
                                         rf"record {knee}; field '{field}'") as stop:
        extract(review, screening)
    assert "results/extraction_errors.csv" in str(stop.value)
    table = pd.read_csv(review.project / "results/extraction_errors.csv", dtype=str, keep_default_na=False)
    assert table[["file", "line", "study", "field", "value"]].values.tolist() == [
        [str(sheet), str(line), knee, field, value]]
    assert re.search(wanted, table.at[0, "expected"]), table.at[0, "expected"]


def test_numbers_tables_and_figures_follow_the_form(review: Review, tmp_path: Path) -> None:
    review.complete_decisions()
    screening = review.screen()
    shoulder, knee = review.work("Ultrasound-guided"), review.work("Cryoneurolysis for knee")
    with pytest.raises(InputError):
        extract(review, screening)
    fill(review, {shoulder: ["case_series", "community", "12", "6", "no", "20", "12.5"],
                  knee: ["rct", "hospital", "40", "12 wk", "", "30", "18", "", "sham walking"]})
    studies = extract(review, screening)
    prisma = compute_prisma(review.report, review.works, review.auto, screening, review.config)
    numbers = {name: item["value"] for name, item in compute_numbers(prisma, studies, review.config).items()}
    assert not [name for name in numbers if name.startswith(("patients", "pain", "guidance", "category"))]
    assert (numbers["field.participants.studies_reporting"], numbers["field.participants.total"],
            numbers["field.participants.median"], numbers["field.participants.min"],
            numbers["field.participants.max"]) == (2, 52, "26", 12, 40)
    assert numbers["field.participants.group.rct.total"] == 40
    assert numbers["field.participants.group.case_report_or_series.total"] == 12
    assert (numbers["field.setting.community"], numbers["field.setting.hospital"],
            numbers["field.setting.not_reported"]) == (1, 1, 0)
    assert (numbers["field.blinded.yes"], numbers["field.blinded.no"], numbers["field.blinded.not_reported"]) == (
        0, 1, 1)
    assert "field.programme.total" not in numbers, "only fields marked summary are summarised"
    assert (numbers["change.mood.studies"], numbers["change.mood.median"],
            numbers["change.mood.median_decrease"]) == (2, "-9.8", "9.8")

    config = review.config
    assert table_names(config) == ["included_studies", "designs", "exclusions", "randomised"]
    assert figure_names(config) == ["prisma_flow", "design_breakdown", "field_setting"]
    write_table(studies, tmp_path / "studies.csv")
    write_json(prisma, tmp_path / "prisma.json")
    tables = tmp_path / "tables"
    tables.mkdir()
    (tables / "trials.md").write_text("from a config that had it\n", encoding="utf-8")
    make_tables(config, tmp_path / "studies.csv", tmp_path / "prisma.json", tables, tmp_path / "refs.bib")
    assert sorted(p.name for p in tables.iterdir()) == [
        "designs.md", "exclusions.md", "included_studies.md", "randomised.md"]
    included = (tables / "included_studies.md").read_text(encoding="utf-8")
    assert included.startswith("| Study | Design | Setting | Participants | Programme length (weeks) |\n"
                               "| :--- | :--- | :--- | ---: | ---: |\n")
    assert "| Randomised controlled trial | Hospital | 40 | 12 |" in included
    randomised = (tables / "randomised.md").read_text(encoding="utf-8")
    assert "| Study | Participants | Blinded | Notes |" in randomised
    assert "| 40 | NR | sham walking |" in randomised and "Smith" not in randomised
    assert randomised.rstrip().endswith(": Randomised trials of exercise. {#tbl-randomised}")
    figures = tmp_path / "figures"
    written = make_figures(config, tmp_path / "prisma.json", tmp_path / "studies.csv", figures)
    assert {p.name for p in written} >= {"field_setting.png", "field_setting.pdf", "field_setting.svg"}
    assert json.loads((tmp_path / "prisma.json").read_text())["included"] == 2

"""The build's retraction step: each included study's status and the manuscript's numbers from the latest frozen
check (made here by `check-retractions` against the loopback server, which is stopped before the build step
runs), `not_checked` without a check, and a changed byte stopping the build naming the file."""

from __future__ import annotations

import json
import logging
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from reviewflow.cli import main
from reviewflow.errors import InputError
from reviewflow.search.retractions import CheckOptions, check_retractions
from reviewflow.synthesis.retractions import (
    Snapshot,
    add_retraction_numbers,
    report_retractions,
    retraction_table,
)
from reviewflow.tables import read_table
from tests.search.fake_retractions import FakeScholarly
from tests.search.loopback import serving
from tests.search.test_retractions_check import STUDIES

FOLDER = Path("data/retractions")


def _project(tmp_path: Path) -> Path:
    root = tmp_path / "review"
    (root / "results").mkdir(parents=True)
    (root / "results/studies.csv").write_text(STUDIES, encoding="utf-8")
    return root


def _freeze(root: Path, day: date, fake: FakeScholarly | None = None) -> Path:
    """A frozen check of ``root``'s studies on ``day``; the server is gone once it returns."""
    fake = fake or FakeScholarly()
    with serving(fake):
        done = check_retractions(root, Path("results/studies.csv"), today=day, options=CheckOptions(
            crossref_url=fake.crossref_url, openalex_url=fake.openalex_url, environ={}, sleep=lambda _: None))
    return root / done["snapshot"]


def _studies(root: Path) -> pd.DataFrame:
    return read_table(root / "results/studies.csv")


@pytest.fixture
def checked(tmp_path: Path) -> Path:
    root = _project(tmp_path)
    _freeze(root, date(2026, 12, 1))
    return root


def test_statuses_notices_and_numbers_from_the_frozen_check(checked: Path, caplog: pytest.LogCaptureFixture
                                                             ) -> None:
    caplog.set_level(logging.INFO)
    table, numbers = report_retractions(_studies(checked), checked / FOLDER)
    rows = table.set_index("work_id")
    assert list(table["work_id"]) == ["W1", "W2", "W3", "W4", "W5", "W6"]
    assert dict(rows["status"]) == {"W1": "retracted", "W2": "retracted", "W3": "expression_of_concern",
                                    "W4": "none", "W5": "not_checkable", "W6": "not_checkable"}
    # retracted per Crossref: the notice deposited twice is one notice with both sources and the earlier date
    w1 = rows.loc["W1"]
    assert (w1["doi"], w1["checked_on"], w1["crossref_record"]) == ("10.1021/am300292v", "2026-12-01", "found")
    assert (w1["crossref_notice_type"], w1["crossref_notice_doi"], w1["crossref_notice_date"],
            w1["crossref_notice_source"]) == ("retraction", "10.1021/acsami.9b11759", "2019-07-26",
                                              "publisher; retraction-watch")
    assert w1["crossref_other_notices"] == "correction 10.1021/acsami.5b00001 2015-01-09 (publisher)"
    assert w1["openalex_is_retracted"] == "false"
    # retracted per OpenAlex only
    w2 = rows.loc["W2"]
    assert (w2["crossref_notice_type"], w2["openalex_is_retracted"]) == ("", "true")
    # expression of concern; a new version changes nothing, an erratum with a partial date is listed
    w3 = rows.loc["W3"]
    assert (w3["crossref_notice_type"], w3["crossref_notice_doi"], w3["crossref_notice_date"]) == \
        ("expression_of_concern", "10.5555/eoc.2026.109332", "2026-02-13")
    assert w3["crossref_other_notices"] == "erratum 10.5555/erratum.2005.1 2005-03 (publisher)"
    # no DOI, and a DOI neither service knows
    assert rows.loc["W5", "checked_on"] == "" and rows.loc["W5", "doi"] == ""
    assert (rows.loc["W6", "crossref_record"], rows.loc["W6", "openalex_is_retracted"]) == ("not_found", "not_found")

    value = {name: item["value"] for name, item in numbers.items()}
    assert {k: value[f"retractions.{k}"] for k in ("run", "checked_on", "studies", "checked", "retracted",
                                                   "expression_of_concern", "corrected", "none", "not_checkable",
                                                   "not_checked")} == {
        "run": "yes", "checked_on": "2026-12-01", "studies": 6, "checked": 4, "retracted": 2,
        "expression_of_concern": 1, "corrected": 0, "none": 1, "not_checkable": 2, "not_checked": 0}
    assert value["retractions.retracted_studies"] == (
        "Retracted 2012 (doi 10.1021/am300292v, notice 10.1021/acsami.9b11759 of 2019-07-26); "
        "Flagged 2013 (doi 10.5555/openalex-only, flagged by OpenAlex)")
    statement = value["retractions.statement"]
    assert statement.startswith("On 2026-12-01, the 4 included studies with a DOI were checked")
    assert "RETRACTED: Retracted 2012 (doi 10.1021/am300292v" in statement and "Flagged 2013" in statement
    assert "Expression of concern: Concern 2004" in statement and "2 studies have no DOI" in statement
    assert all(item["description"] for item in numbers.values())
    # loud in the build log, naming the study
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any(m.startswith("RETRACTED included study: W1 Retracted 2012") for m in warnings)
    assert any(m.startswith("RETRACTED included study: W2 Flagged 2013") for m in warnings)
    assert any("expression of concern on included study: W3" in m for m in warnings)


def test_without_a_check_every_study_is_not_checked_and_the_manuscript_says_so(tmp_path: Path) -> None:
    root = _project(tmp_path)
    table, numbers = report_retractions(_studies(root), root / FOLDER)
    assert dict(zip(table["work_id"], table["status"], strict=True)) == {
        "W1": "not_checked", "W2": "not_checked", "W3": "not_checked", "W4": "not_checked", "W5": "not_checkable",
        "W6": "not_checked"}
    assert set(table["checked_on"]) == {""}
    value = {name: item["value"] for name, item in numbers.items()}
    assert (value["retractions.run"], value["retractions.checked_on"], value["retractions.checked"],
            value["retractions.not_checked"], value["retractions.retracted"]) == ("no", "not run", 0, 5, 0)
    assert "has not been run" in value["retractions.statement"]
    assert value["retractions.retracted_studies"] == "none"


def test_a_study_included_after_the_check_is_not_checked_and_the_latest_check_is_used(tmp_path: Path) -> None:
    root = _project(tmp_path)
    _freeze(root, date(2026, 11, 1))
    fake = FakeScholarly()
    del fake.answers["10.1021/am300292v"]  # an older answer must not be read: the latest check says unknown
    _freeze(root, date(2026, 12, 1), fake)
    studies = pd.concat([_studies(root), pd.DataFrame([{"work_id": "W7", "study_label": "Late 2026",
                                                         "doi": "10.5555/late"}])], ignore_index=True)
    table, numbers = report_retractions(studies, root / FOLDER)
    rows = table.set_index("work_id")
    assert rows.loc["W7", "status"] == "not_checked" and rows.loc["W1", "status"] == "not_checkable"
    assert set(table.loc[table["checked_on"] != "", "checked_on"]) == {"2026-12-01"}
    assert numbers["retractions.not_checked"]["value"] == 1
    assert "1 study was included after the check" in numbers["retractions.statement"]["value"]


def test_notice_types_are_read_whatever_their_spelling() -> None:
    def work(*types: str) -> dict:
        return {"message": {"updated-by": [{"DOI": f"10.5555/n{i}", "type": t, "updated": {"date-parts": [[2020]]}}
                                           for i, t in enumerate(types)]}}

    answers = {"10.5555/a": {"crossref": (200, work("Correction")), "openalex": (200, {"is_retracted": False})},
               "10.5555/b": {"crossref": (200, work("expression-of-concern", "corrigendum"))},
               "10.5555/c": {"crossref": (200, work("Partial Retraction"))},
               "10.5555/d": {"crossref": (200, work("addendum", "new_edition"))}}
    studies = pd.DataFrame({"work_id": ["A", "B", "C", "D"], "study_label": list("abcd"),
                            "doi": ["10.5555/a", "10.5555/b", "10.5555/c", "10.5555/d"]})
    table = retraction_table(studies, Snapshot("2026-01-01", Path("x.json"), answers))
    assert list(table["status"]) == ["corrected", "expression_of_concern", "retracted", "none"]
    assert list(table["crossref_notice_type"]) == ["correction", "expression_of_concern", "partial_retraction", ""]
    assert list(table["crossref_notice_date"]) == ["2020", "2020", "2020", ""]


def test_one_changed_byte_stops_the_build_naming_the_file(checked: Path, monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture) -> None:
    snapshot = checked / FOLDER / "retractions-2026-12-01.json"
    data = bytearray(snapshot.read_bytes())
    at = data.index(b'"is_retracted":true')
    data[at + len('"is_retracted":')] = ord("T")  # one byte
    snapshot.write_bytes(bytes(data))
    with pytest.raises(InputError, match="changed after it was received"):
        report_retractions(_studies(checked), checked / FOLDER)

    monkeypatch.chdir(checked)
    code = main(["retractions", "--studies", "results/studies.csv", "--snapshots", "data/retractions",
                 "--out", "results/retractions.csv", "--numbers", "results/retractions.json"])
    err = capsys.readouterr().err
    assert code == 1
    assert "data/retractions/retractions-2026-12-01.json: the retraction check changed" in err
    assert not (checked / "results/retractions.csv").exists()

    (checked / FOLDER / "retractions-2026-12-01.provenance.json").write_text("{", encoding="utf-8")
    with pytest.raises(InputError, match="not a readable provenance file"):
        report_retractions(_studies(checked), checked / FOLDER)


def test_the_command_writes_the_table_and_numbers_the_synthesis_adds(checked: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(checked)
    assert main(["retractions", "--studies", "results/studies.csv", "--snapshots", "data/retractions",
                 "--out", "results/retractions.csv", "--numbers", "results/retractions.json"]) == 0
    table = pd.read_csv(checked / "results/retractions.csv", dtype=str, keep_default_na=False)
    assert list(table.columns) == ["work_id", "study_label", "doi", "checked_on", "crossref_record",
                                   "crossref_notice_type", "crossref_notice_doi", "crossref_notice_date",
                                   "crossref_notice_source", "crossref_other_notices", "openalex_is_retracted",
                                   "status"]
    assert list(table["status"]) == ["retracted", "retracted", "expression_of_concern", "none", "not_checkable",
                                     "not_checkable"]
    numbers = {"prisma.included": {"value": 6, "description": "Studies included"}}
    add_retraction_numbers(numbers, checked / "results/retractions.json")
    assert numbers["retractions.retracted"]["value"] == 2 and numbers["prisma.included"]["value"] == 6
    with pytest.raises(InputError, match="defined twice"):
        add_retraction_numbers(numbers, checked / "results/retractions.json")
    assert json.loads((checked / "results/retractions.json").read_text())["retractions.run"]["value"] == "yes"


def test_the_build_ends_with_a_loud_line_naming_each_retracted_study(checked: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from reviewflow.build import retraction_warning

    assert retraction_warning(checked) is None  # no table yet
    monkeypatch.chdir(checked)
    assert main(["retractions", "--studies", "results/studies.csv", "--snapshots", "data/retractions",
                 "--out", "results/retractions.csv", "--numbers", "results/retractions.json"]) == 0
    assert retraction_warning(checked) == (
        "reviewflow build: WARNING: 2 included study(ies) RETRACTED: W1 Retracted 2012 (doi 10.1021/am300292v); "
        "W2 Flagged 2013 (doi 10.5555/openalex-only); see results/retractions.csv")


def test_the_shipped_review_reports_a_frozen_check_without_the_network(project_copy: Path) -> None:
    """End to end on a copy of the shipped review: built without a check it says so; a check frozen (from the
    loopback server, stopped before the rebuild) names the retracted study in the build's output and the
    manuscript; a changed byte in the check stops the build naming the file."""
    import subprocess
    import sys

    def build(*extra: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "reviewflow", "build", "--cores", "2", *extra],
                              cwd=project_copy, capture_output=True, text=True, timeout=900)

    first = build("--forceall")
    assert first.returncode == 0, first.stdout + first.stderr
    typ = project_copy / "results/manuscript/review.typ"
    assert "check against Crossref and OpenAlex has not been run" in typ.read_text(encoding="utf-8")
    assert "RETRACTED" not in first.stderr

    fake = FakeScholarly(answers={"10.1111/papr.12020": ("crossref_work_retracted.json", "openalex_work.json"),
                                  "10.5603/ait.2015.0045": ("crossref_work_clean.json", "openalex_work.json")})
    _freeze(project_copy, date(2026, 12, 1), fake)
    second = build()
    assert second.returncode == 0, second.stdout + second.stderr
    assert "reviewflow build: WARNING: 1 included study(ies) RETRACTED: W08eee5f5c1b2 Moesker (2014)" in second.stderr
    text = " ".join(typ.read_text(encoding="utf-8").split())
    assert "RETRACTED: Moesker (2014) (doi 10.1111/papr.12020, notice 10.1021/acsami.9b11759 of 2019-07-26)" in text
    table = pd.read_csv(project_copy / "results/retractions.csv", dtype=str, keep_default_na=False)
    assert set(table["status"]) == {"retracted", "none", "not_checkable"}
    assert (project_copy / "logs/retractions.log").read_text(encoding="utf-8").count("RETRACTED included") == 1

    snapshot = project_copy / "data/retractions/retractions-2026-12-01.json"
    snapshot.write_bytes(snapshot.read_bytes().replace(b"retraction-watch", b"retraction-watcH", 1))
    third = build()
    assert third.returncode != 0
    assert "data/retractions/retractions-2026-12-01.json: the retraction check changed" in third.stderr
    assert "STOPPED at retractions" in third.stderr

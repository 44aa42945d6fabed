"""Decisions made in Rayyan, Covidence and ASReview become decision files the build reads; records matching no
work or several, and records the tool left undecided, are listed in the report; a file of another layout is
refused. The example exports follow each tool's documented layout (tests/screening/README.md) and carry real
works of the shipped review."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from reviewflow.cli import main
from reviewflow.config import load_config
from reviewflow.screening.decisions import read_decisions
from reviewflow.tables import read_table

PROJECT = Path(__file__).resolve().parents[2] / "reviews" / "cryoneurolysis"
CONFIG_PATH = PROJECT / "config" / "review.yaml"
WORKS = read_table(PROJECT / "results" / "works.csv").set_index("work_id")
PHANTOM, NEURAL, NERVE_STIM = "W08eee5f5c1b2", "W0d52bcc0f3da", "W0c5a117acb6e"  # DOI (and PMID)
TONSIL, EXTREME_COLD = "W0004749a15c8", "W00e0406cf2db"  # PMID only; neither DOI nor PMID
NOT_IN_REVIEW = "Cryotherapy for ankle sprains in elite football players"

RAYYAN_COLUMNS = ["key", "title", "authors", "journal", "issn", "volume", "issue", "pages", "year", "publisher",
                  "url", "abstract", "notes", "doi", "keywords"]
COVIDENCE_COLUMNS = ["Title", "Authors", "Abstract", "Published Year", "Published Month", "Journal", "Volume",
                     "Issue", "Pages", "Accession Number", "DOI", "Ref", "Covidence #", "Study", "Notes", "Tags"]


def _w(work_id: str, field: str) -> str:
    return WORKS.loc[work_id, field]


def _write(path: Path, columns: list[str], rows: list[dict[str, str]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, columns, quoting=csv.QUOTE_ALL)
        writer.writeheader()
        writer.writerows({c: row.get(c, "") for c in columns} for row in rows)
    return path


def _run(tmp_path: Path, tool: str, export: Path, stage: str = "title_abstract", *extra: str,
         works: Path = PROJECT / "results" / "works.csv") -> tuple[int, Path]:
    out = tmp_path / "data" / "screening" / stage / f"{tool}.csv"
    code = main(["import-decisions", "--tool", tool, str(export), "--stage", stage, "--reviewer", "AB",
                 "--config", str(CONFIG_PATH), "--works", str(works), "--out", str(out), *extra])
    return code, out


def _report(export: Path) -> pd.DataFrame:
    return read_table(export.with_name(export.name + ".unmatched.csv"))


def _rayyan(tmp_path: Path) -> Path:
    return _write(tmp_path / "exports" / "articles.csv", RAYYAN_COLUMNS, [
        {"key": "rayyan-101", "title": _w(PHANTOM, "title"), "year": _w(PHANTOM, "year"), "doi": "",
         "url": f"https://doi.org/{_w(PHANTOM, 'doi').upper()}",
         "notes": 'RAYYAN-INCLUSION: {"Ama"=>"Included", "Kofi"=>"Included"}'},
        {"key": "rayyan-102", "title": _w(NEURAL, "title"), "year": _w(NEURAL, "year"), "doi": _w(NEURAL, "doi"),
         "notes": 'RAYYAN-INCLUSION: {"Ama"=>"Excluded", "Kofi"=>"Maybe"} | RAYYAN-EXCLUSION-REASONS: Review, no '
                  'novel data | RAYYAN-LABELS: narrative'},
        {"key": "rayyan-103", "title": _w(EXTREME_COLD, "title").upper(), "year": _w(EXTREME_COLD, "year"),
         "notes": 'imported from EndNote | RAYYAN-INCLUSION: {"Ama"=>"Excluded"} | RAYYAN-EXCLUSION-REASONS: '
                  'wrong population | USER-NOTES: {"Ama"=>["animal model?"]}'},
        {"key": "rayyan-104", "title": NOT_IN_REVIEW, "year": "2019",
         "notes": 'RAYYAN-INCLUSION: {"Ama"=>"Included"}'},
        {"key": "rayyan-105", "title": _w(NERVE_STIM, "title"), "doi": _w(NERVE_STIM, "doi"),
         "notes": 'RAYYAN-INCLUSION: {"Ama"=>"Maybe", "Kofi"=>"Excluded"}'},
    ])


def test_rayyan_csv_decisions_of_one_member_become_a_decision_file(tmp_path: Path) -> None:
    export = _rayyan(tmp_path)
    code, out = _run(tmp_path, "rayyan", export, "title_abstract", "--tool-reviewer", "Ama")
    assert code == 0
    decisions = read_decisions([out], load_config(CONFIG_PATH)).set_index("work_id")
    assert decisions.loc[PHANTOM, "decision"] == "include"  # matched by the DOI in the url
    assert tuple(decisions.loc[NEURAL, ["decision", "reason"]]) == ("exclude", "review_no_novel_data")
    assert tuple(decisions.loc[EXTREME_COLD, ["decision", "reason"]]) == ("exclude", "other")
    assert "wrong population" in decisions.loc[EXTREME_COLD, "note"]
    assert "matched by title" in decisions.loc[EXTREME_COLD, "note"]
    assert set(decisions["reviewer"]) == {"AB"} and len(decisions) == 3
    report = _report(export)
    assert report[["line", "status"]].values.tolist() == [["5", "unmatched"], ["6", "undecided"]]
    assert report.loc[0, "title"] == NOT_IN_REVIEW


def test_rayyan_with_several_members_needs_the_member(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _run(tmp_path, "rayyan", _rayyan(tmp_path))
    assert code == 1 and not out.exists()
    assert "several Rayyan members decided: Ama, Kofi" in capsys.readouterr().err


def test_rayyan_ris_export_reads_the_n1_notes(tmp_path: Path) -> None:
    export = tmp_path / "exports" / "rayyan.ris"
    export.parent.mkdir(parents=True)
    export.write_text(
        f"TY  - JOUR\nTI  - {_w(TONSIL, 'title')}\nPY  - {_w(TONSIL, 'year')}\nAN  - {_w(TONSIL, 'pmid')}\n"
        "N1  - RAYYAN-INCLUSION: {\"Ama\"=>\"Excluded\"} | RAYYAN-EXCLUSION-REASONS: Not cryoneurolysis of a nerve\n"
        f"ER  - \n\nTY  - JOUR\nTI  - {_w(NERVE_STIM, 'title')}\nDO  - {_w(NERVE_STIM, 'doi')}\n"
        "N1  - RAYYAN-INCLUSION: {\"Ama\"=>\"Included\"}\nER  - \n", encoding="utf-8")
    code, out = _run(tmp_path, "rayyan", export)
    assert code == 0
    decisions = read_table(out).set_index("work_id")
    assert tuple(decisions.loc[TONSIL, ["decision", "reason"]]) == ("exclude", "not_nerve_cryoneurolysis")
    assert decisions.loc[NERVE_STIM, "decision"] == "include"


def _covidence(tmp_path: Path, name: str, rows: list[dict[str, str]]) -> Path:
    return _write(tmp_path / "exports" / name, COVIDENCE_COLUMNS, rows)


def _study(work_id: str, number: int, **extra: str) -> dict[str, str]:
    return {"Title": _w(work_id, "title"), "Published Year": _w(work_id, "year"), "DOI": _w(work_id, "doi"),
            "Accession Number": _w(work_id, "pmid"), "Covidence #": f"#{number}", "Study": f"Study {number}",
            **extra}


def test_covidence_lists_mean_different_decisions_at_each_stage(tmp_path: Path) -> None:
    irrelevant = _covidence(tmp_path, "review_412345_irrelevant_csv_20250301141516.csv",
                            [_study(NEURAL, 12), _study(TONSIL, 13, DOI="")])
    code, out = _run(tmp_path, "covidence", irrelevant)
    assert code == 0
    decisions = read_table(out)
    assert set(decisions["decision"]) == {"exclude"} and set(decisions["reason"]) == {"other"}
    assert set(decisions["work_id"]) == {NEURAL, TONSIL}  # the tonsil study by its PMID

    excluded = _covidence(tmp_path, "review_412345_excluded_csv_20250301141516.csv",
                          [_study(PHANTOM, 21, Notes="Exclusion reason: Protocol only; ")])
    code, out = _run(tmp_path, "covidence", excluded, "full_text")
    assert code == 0
    row = read_table(out).iloc[0]
    assert (row.work_id, row.stage, row.decision, row.reason) == (PHANTOM, "full_text", "exclude", "protocol")

    screen = _covidence(tmp_path, "screen.csv", [_study(NERVE_STIM, 30)])
    code, out = _run(tmp_path, "covidence", screen, "full_text", "--list", "screen", "--force")
    assert code == 0 and read_table(out).empty
    assert _report(screen)["status"].tolist() == ["not_at_stage"]


def test_covidence_file_without_a_list_name_needs_one(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    export = _covidence(tmp_path, "studies.csv", [_study(NEURAL, 12)])
    assert _run(tmp_path, "covidence", export)[0] == 1
    assert "cannot tell which Covidence list" in capsys.readouterr().err


def _asreview_rows() -> list[dict[str, str]]:
    return [
        {"record_id": "0", "title": _w(PHANTOM, "title"), "doi": f"https://doi.org/{_w(PHANTOM, 'doi')}",
         "publication_year": _w(PHANTOM, "year"), "included": "1", "asreview_ranking": "1"},
        {"record_id": "1", "title": _w(NEURAL, "title"), "doi": _w(NEURAL, "doi"), "included": "0",
         "asreview_ranking": "2"},
        {"record_id": "2", "title": _w(NERVE_STIM, "title"), "doi": _w(NERVE_STIM, "doi"), "included": "",
         "asreview_ranking": "3"},
    ]


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_asreview_labels_become_decisions(tmp_path: Path, suffix: str) -> None:
    frame = pd.DataFrame(_asreview_rows(), columns=["record_id", "title", "abstract", "authors", "doi",
                                                   "publication_year", "included", "asreview_ranking"])
    export = tmp_path / f"asreview_result_cryo.{suffix}"
    frame.to_csv(export, index=False) if suffix == "csv" else frame.to_excel(export, index=False)
    code, out = _run(tmp_path, "asreview", export)
    assert code == 0
    decisions = read_table(out).set_index("work_id")
    assert decisions["decision"].to_dict() == {PHANTOM: "include", NEURAL: "exclude"}
    assert decisions.loc[NEURAL, "reason"] == "other"
    assert _report(export)["status"].tolist() == ["undecided"]


def test_a_record_matching_several_works_is_reported_not_guessed(tmp_path: Path) -> None:
    works = read_table(PROJECT / "results" / "works.csv")
    twin = works[works["work_id"] == EXTREME_COLD].assign(work_id="Wffffffffffff", anchor_record_id="x:1")
    works_path = tmp_path / "works.csv"
    pd.concat([works, twin]).to_csv(works_path, index=False)
    export = tmp_path / "asreview.csv"
    pd.DataFrame([{"record_id": "0", "title": _w(EXTREME_COLD, "title"), "included": "0"}]).to_csv(export,
                                                                                                   index=False)
    code, out = _run(tmp_path, "asreview", export, works=works_path)
    assert code == 0 and read_table(out).empty
    report = _report(export)
    assert report.loc[0, "status"] == "ambiguous"
    assert report.loc[0, "work_ids"] == f"{EXTREME_COLD}; Wffffffffffff"


def test_two_records_for_one_work_are_reported(tmp_path: Path) -> None:
    export = tmp_path / "asreview.csv"
    pd.DataFrame([{"record_id": "0", "title": _w(PHANTOM, "title"), "doi": _w(PHANTOM, "doi"), "included": "1"},
                  {"record_id": "7", "title": _w(PHANTOM, "title"), "included": "0"}]).to_csv(export, index=False)
    code, out = _run(tmp_path, "asreview", export)
    assert code == 0 and read_table(out).empty
    assert _report(export)["status"].tolist() == ["several_rows", "several_rows"]


@pytest.mark.parametrize(("tool", "message"), [
    ("rayyan", "not the layout of a Rayyan export: no column notes"),
    ("covidence", "not the layout of a Covidence export: no column Title"),
])
def test_an_export_of_another_tool_is_refused(tmp_path: Path, tool: str, message: str,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    export = tmp_path / "review_1_included_csv_2025.csv"
    pd.DataFrame(_asreview_rows()).to_csv(export, index=False)
    code, out = _run(tmp_path, tool, export)
    assert code == 1 and not out.exists()
    assert message in capsys.readouterr().err


def test_asreview_refuses_a_rayyan_export(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = _run(tmp_path, "asreview", _rayyan(tmp_path))
    assert code == 1
    assert "not the layout of a ASReview export: no column record_id; no column included or asreview_label" in (
        capsys.readouterr().err)


def test_an_export_inside_the_decisions_folder_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    export = tmp_path / "data" / "screening" / "asreview.csv"
    export.parent.mkdir(parents=True)
    pd.DataFrame(_asreview_rows()).to_csv(export, index=False)
    code, out = _run(tmp_path, "asreview", export)
    assert code == 1 and not out.exists()
    assert "inside data/screening/, where every CSV and workbook is read as decisions" in capsys.readouterr().err

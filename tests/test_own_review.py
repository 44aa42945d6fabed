"""Issue 10's acceptance walk: a team starts a review with `reviewflow init`, drops in real exports, screens and
extracts through the sheets the tool writes, gets its PDF without editing any code, rule or template, then
updates one database's search and is asked only about the new works."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd

from reviewflow.config import load_config
from reviewflow.safe_yaml import load_yaml_file
from tests.conftest import shared_fixture

BASELINE = "asreview+citation-file-formatting/Datasets/RIS"


def reviewflow(project: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "reviewflow", *args], cwd=project, capture_output=True,
                          text=True, timeout=900)


def read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def medline_records(path: Path) -> list[str]:
    """A real MEDLINE export cut into its records (blank-line separated), each kept byte for byte."""
    text = path.read_text(encoding="utf-8")
    return [record.strip("\n") + "\n" for record in text.split("\n\n") if record.strip()]


def log_search(project: Path, database: str, searches: list[dict[str, Any]]) -> None:
    """Fill the search log as a person does after each search: date, query, hits reported, files."""
    path = project / "data/search_log.yaml"
    log = load_yaml_file(path)
    entries = []
    for search in searches:
        entry = dict(log["searches"][database] if isinstance(log["searches"][database], dict)
                     else log["searches"][database][0])
        entry.update(date_searched=search["date"], query="dinosaur* AND (fossil* OR footprint* OR feather*)",
                     hits_reported=search["hits"], export_files=search["files"])
        entries.append(entry)
    log["searches"][database] = entries[0] if len(entries) == 1 else entries
    import yaml

    path.write_text(yaml.safe_dump(log, sort_keys=False, allow_unicode=True), encoding="utf-8")


def fill_extraction(sheet: pd.DataFrame, config: dict[str, Any]) -> pd.DataFrame:
    """What an extractor types, by each field's declared type; labels 'First author year', made unique."""
    values = {"integer": "24", "number": "3.5", "text": "as reported in the paper", "yes_no": "yes",
              "duration": "6 months", "date": "2019-05"}
    filled = sheet.copy()
    filled["study_label"] = [f"{author or 'Anon'} {year or 'n.d.'} ({i})" for i, (author, year) in
                             enumerate(zip(sheet["first_author"], sheet["year"], strict=True), start=1)]
    designs = list(config["extraction"]["designs"])
    filled["design"] = [designs[i % 2] for i in range(len(sheet))]
    for field in config["extraction"]["fields"]:
        kind = field["type"]
        filled[field["name"]] = next(iter(field["values"])) if kind == "category" else values[kind]
    return filled


def test_a_new_review_from_init_to_pdf_and_then_an_update(tmp_path: Path) -> None:
    pubmed = medline_records(shared_fixture(f"{BASELINE}/_baseline_pubmed.ris"))
    scopus = shared_fixture(f"{BASELINE}/_baseline_scopus.ris")
    wos = shared_fixture(f"{BASELINE}/_baseline_webofscience.ris")
    project = tmp_path / "dinosaurs"
    made = reviewflow(tmp_path, "init", str(project), "--title", "Dinosaur palaeobiology: a scoping review",
                      "--question", "What do recent fossil finds tell us about dinosaur behaviour?",
                      "--databases", "pubmed,scopus,wos", "--years", "1900-2025", "--author", "A. Palaeontologist")
    assert made.returncode == 0, made.stderr
    before = {p: p.read_bytes() for p in project.rglob("*") if p.is_file()}

    # The first search of PubMed returned 40 records; Scopus and WoS their whole exports.
    (project / "data/raw/pubmed/pubmed-2024-03-01.txt").write_text("\n".join(pubmed[:40]), encoding="utf-8")
    shutil.copy(scopus, project / "data/raw/scopus/scopus.ris")
    shutil.copy(wos, project / "data/raw/wos/savedrecs.ris")
    unfilled = reviewflow(project, "build", "--draft")
    assert unfilled.returncode == 1
    assert "the search log is not filled in yet: searches.pubmed.date_searched still says TODO" in unfilled.stderr
    log_search(project, "pubmed", [{"date": "2024-03-01", "hits": 40,
                                    "files": ["data/raw/pubmed/pubmed-2024-03-01.txt"]}])
    log_search(project, "scopus", [{"date": "2024-03-01", "hits": 10, "files": ["data/raw/scopus/scopus.ris"]}])
    log_search(project, "wos", [{"date": "2024-03-01", "hits": 10, "files": ["data/raw/wos/savedrecs.ris"]}])

    draft = reviewflow(project, "build", "--draft")
    assert draft.returncode == 0, draft.stdout + draft.stderr
    awaiting = read(project / "results/awaiting_screening.csv")
    assert f"{len(awaiting)} work(s) to screen in results/awaiting_screening.csv" in draft.stdout
    assert (project / "results/manuscript/review.pdf").read_bytes().startswith(b"%PDF")
    for column in ("title", "abstract", "keywords"):
        assert column in awaiting.columns

    # Title/abstract screening through the sheet: dinosaur papers in, the rest out with a reason; the last
    # five rows are left blank for now (still awaiting), which a draft accepts.
    decided = awaiting.assign(reviewer="AP")
    about = decided["title"].str.contains("dinosaur", case=False)
    decided["decision"] = about.map({True: "include", False: "exclude"})
    decided["reason"] = about.map({True: "", False: "wrong_population"})
    decided.loc[decided.index[-5:], ["decision", "reason"]] = ""
    decided.to_csv(project / "data/screening/title_abstract.csv", index=False)
    part_done = reviewflow(project, "build", "--draft")
    assert part_done.returncode == 0, part_done.stderr
    # Still to screen: the five left blank, and the included ones now at full text.
    waiting = 5 + int((decided["decision"] == "include").sum())
    assert f"{waiting} work(s) to screen" in part_done.stdout, part_done.stdout.splitlines()[-1]
    stages = read(project / "results/awaiting_screening.csv")["stage"].value_counts().to_dict()
    assert stages == {"title_abstract": 5, "full_text": waiting - 5}, stages
    final_too_early = reviewflow(project, "build")
    assert final_too_early.returncode == 1 and "STOPPED at screening" in final_too_early.stderr

    # The sheet now lists both stages; the five title/abstract rows are decided (the full-text ones come next).
    sheet = read(project / "results/awaiting_screening.csv")
    rest = sheet[sheet["stage"] == "title_abstract"]
    decided = pd.concat([decided.iloc[:-5], rest.assign(reviewer="AP", decision="exclude", reason="other",
                                                        note="not about dinosaurs")])
    decided.to_csv(project / "data/screening/title_abstract.csv", index=False)
    full_text_stop = reviewflow(project, "build")
    assert "have no full_text decision" in full_text_stop.stderr, full_text_stop.stderr
    full = read(project / "results/awaiting_screening.csv").assign(reviewer="AP", decision="include", reason="")
    full.loc[full.index[0], "decision"] = "not_retrieved"
    full.loc[full.index[1], ["decision", "reason"]] = ["exclude", "wrong_design"]
    full.to_csv(project / "data/screening/full_text.csv", index=False)

    extraction_stop = reviewflow(project, "build")
    assert "extraction sheet not found" in extraction_stop.stderr, extraction_stop.stderr
    assert f"{len(full) - 2} included work(s) to extract in results/awaiting_extraction.csv" in \
        extraction_stop.stderr
    config = load_config(project / "config/review.yaml")
    sheet = read(project / "results/awaiting_extraction.csv")
    form = [field["name"] for field in config["extraction"]["fields"]]
    assert [c for c in sheet.columns if c in form] == form
    fill_extraction(sheet, config).to_csv(project / "data/extraction/studies.csv", index=False)

    final = reviewflow(project, "build")
    assert final.returncode == 0, final.stdout + final.stderr
    assert "nothing waits for people; PDF: results/manuscript/review.pdf" in final.stdout
    prisma = json.loads((project / "results/prisma.json").read_text())
    included = len(full) - 2
    assert prisma["included"] == included
    numbers = json.loads((project / "results/numbers.json").read_text())
    assert numbers["field.n_participants.total"]["value"] == 24 * included
    assert numbers["prisma.identified"]["value"] == 60
    # No code, rule or template of the project was edited: only data files were added or filled in.
    changed = sorted(p.relative_to(project).as_posix() for p, content in before.items()
                     if p.read_bytes() != content)
    assert changed == ["data/screening/full_text.csv", "data/screening/title_abstract.csv",
                       "data/search_log.yaml"], changed

    # The update: PubMed searched again a year later returns the first 40 records and 10 new ones.
    statuses = read(project / "results/screening.csv").set_index("work_id")["final"]
    (project / "data/raw/pubmed/pubmed-2025-03-01.txt").write_text("\n".join(pubmed), encoding="utf-8")
    log_search(project, "pubmed", [
        {"date": "2024-03-01", "hits": 40, "files": ["data/raw/pubmed/pubmed-2024-03-01.txt"]},
        {"date": "2025-03-01", "hits": 50, "files": ["data/raw/pubmed/pubmed-2025-03-01.txt"]}])
    update = reviewflow(project, "build")
    assert update.returncode == 1 and "STOPPED at screening" in update.stderr
    asked = read(project / "results/awaiting_screening.csv")
    works = read(project / "results/works.csv")
    new_works = set(works["work_id"]) - set(statuses.index)
    assert set(asked["work_id"]) == new_works and 0 < len(new_works) <= 10
    draft_update = reviewflow(project, "build", "--draft")
    assert draft_update.returncode == 0, draft_update.stderr
    after = read(project / "results/screening.csv").set_index("work_id")["final"]
    assert after.reindex(statuses.index).equals(statuses), "an earlier decision no longer applies"

    # The team says which searches formed the published version, decides the new works, and gets the PRISMA
    # 2020 diagram for updated reviews.
    config_path = project / "config/review.yaml"
    config_path.write_text(config_path.read_text(encoding="utf-8") + '\nupdate:\n  previous_version:\n'
                           '    last_search: "2024-03-01"\n', encoding="utf-8")
    new_decisions = asked.assign(reviewer="AP", decision="include", reason="")
    pd.concat([read(project / "data/screening/title_abstract.csv"), new_decisions]).to_csv(
        project / "data/screening/title_abstract.csv", index=False)
    reviewflow(project, "build")
    new_full = read(project / "results/awaiting_screening.csv").assign(reviewer="AP", decision="include", reason="")
    assert set(new_full["work_id"]) == new_works
    pd.concat([full, new_full]).to_csv(project / "data/screening/full_text.csv", index=False)
    reviewflow(project, "build")
    extracted = read(project / "data/extraction/studies.csv")
    more = fill_extraction(read(project / "results/awaiting_extraction.csv"), config)
    more["study_label"] = [f"{label} update" for label in more["study_label"]]
    pd.concat([extracted, more[extracted.columns]]).to_csv(project / "data/extraction/studies.csv", index=False)
    updated = reviewflow(project, "build")
    assert updated.returncode == 0, updated.stdout + updated.stderr
    counts = json.loads((project / "results/prisma.json").read_text())
    assert counts["update"]["previous_version"]["studies_included"] == included
    assert counts["update"]["identification"]["total"] == 50
    assert counts["update"]["included"] == len(new_works)
    assert counts["update"]["total_studies_included"] == counts["included"] == included + len(new_works)
    svg = (project / "results/figures/prisma_flow.svg").read_text(encoding="utf-8")
    assert "Previous studies" in svg and "Total studies included in review" in svg

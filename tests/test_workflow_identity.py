"""End to end: work ids survive a search update, so earlier decisions still apply and only new works are asked
for; a merge of works decided differently stops with the conflicts table."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
import yaml

from tests.conftest import CONFIG_TEXT, MEDLINE_TEXT, RIS_TEXT
from tests.test_workflow import SNAKEMAKE, run

LEDGER = "data/identity/ledger.csv"


def snakemake(project: Path, target: str) -> subprocess.CompletedProcess:
    """Build up to ``target`` (screening is as far as these tests need)."""
    return run([str(SNAKEMAKE), "--cores", "2", target, "--quiet", "rules"], project)


def read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def set_databases(project: Path, databases: list[str]) -> None:
    config = yaml.safe_load(CONFIG_TEXT)
    config["databases"] = {db: config["databases"][db] for db in databases}
    (project / "config/review.yaml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")


@pytest.fixture
def scopus_review(project_copy: Path) -> Path:
    """The project searching only Scopus (the lower-priority database), with no decisions and no ledger yet."""
    for folder in ("data/raw", "data/screening", "data/extraction", "data/identity", "results"):
        shutil.rmtree(project_copy / folder, ignore_errors=True)
    (project_copy / "data/raw/scopus").mkdir(parents=True)
    (project_copy / "data/raw/scopus/scopus.ris").write_text(RIS_TEXT, encoding="utf-8")
    (project_copy / "data/screening").mkdir()
    (project_copy / "data/extraction").mkdir()
    (project_copy / "data/dedup/overrides.csv").write_text("record_id_a,record_id_b,decision,reason\n",
                                                           encoding="utf-8")
    set_databases(project_copy, ["scopus"])
    return project_copy


def screen_as_a_person(project: Path, name: str, exclude_title: str = "Cryoablation of intercostal") -> None:
    """Fill in the awaiting sheet as a reviewer would and save it into data/screening/."""
    awaiting = read(project / "results/awaiting_screening.csv").assign(reviewer="AB", decision="include", reason="")
    awaiting.loc[awaiting["title"].str.startswith(exclude_title), ["decision", "reason"]] = [
        "exclude", "intraoperative"]
    awaiting.to_csv(project / "data/screening" / name, index=False)


def test_adding_a_higher_priority_export_keeps_ids_and_decisions(scopus_review: Path) -> None:
    first = snakemake(scopus_review, "results/screening.csv")
    assert "3 work(s) have no title_abstract decision" in first.stderr
    screen_as_a_person(scopus_review, "title_abstract.csv")
    assert "2 work(s) have no full_text decision" in snakemake(scopus_review, "results/screening.csv").stderr
    screen_as_a_person(scopus_review, "full_text.csv")
    assert snakemake(scopus_review, "results/screening.csv").returncode == 0
    before = read(scopus_review / "results/works.csv")
    ledger_before = (scopus_review / LEDGER).read_text()
    shoulder = before.loc[before["title"].str.contains("suprascapular"), "work_id"].item()

    # A search update: PubMed (first in priority order) brings the same shoulder article and three others.
    (scopus_review / "data/raw/pubmed").mkdir()
    (scopus_review / "data/raw/pubmed/pubmed.txt").write_text(MEDLINE_TEXT, encoding="utf-8")
    set_databases(scopus_review, ["pubmed", "scopus"])
    update = snakemake(scopus_review, "results/screening.csv")
    after = read(scopus_review / "results/works.csv")
    joined = after[after["title"].str.contains("suprascapular")].iloc[0]
    assert joined["anchor_record_id"] == "pubmed:30000001" and joined["n_members"] == "2"
    assert joined["work_id"] == shoulder
    assert set(before["work_id"]) <= set(after["work_id"])
    assert read(scopus_review / "results/work_id_changes.csv").empty
    assert "decision for a work that does not exist" not in update.stderr
    # Only the one new work that reaches screening is asked for (the 2008 and German ones are excluded by rule).
    awaiting = read(scopus_review / "results/awaiting_screening.csv")
    assert awaiting[["stage", "title"]].values.tolist() == [
        ["title_abstract", "Cryoneurolysis for knee pain: a randomized trial."]]
    assert "1 work(s) have no title_abstract decision" in update.stderr
    ledger_after = (scopus_review / LEDGER).read_text()
    assert ledger_after.startswith(ledger_before.splitlines()[0]) and len(ledger_after.splitlines()) == 8

    screen_as_a_person(scopus_review, "update.csv")
    assert "1 work(s) have no full_text decision" in snakemake(scopus_review, "results/screening.csv").stderr
    screen_as_a_person(scopus_review, "update_full_text.csv")
    done = snakemake(scopus_review, "results/screening.csv")
    assert done.returncode == 0, done.stderr
    screening = read(scopus_review / "results/screening.csv").set_index("work_id")
    assert screening.loc[shoulder, "final"] == "included"
    assert (scopus_review / LEDGER).read_text() == ledger_after
    assert read(scopus_review / "results/id_conflicts.csv").empty


def test_an_override_merging_works_decided_differently_stops_with_the_conflicts_table(scopus_review: Path) -> None:
    snakemake(scopus_review, "results/screening.csv")
    screen_as_a_person(scopus_review, "title_abstract.csv")
    works = read(scopus_review / "results/works.csv")
    phantom = works[works["title"].str.contains("phantom")].iloc[0]
    intercostal = works[works["title"].str.contains("intercostal")].iloc[0]
    # A person decides the included and the excluded record are one work (overrides take no evidence).
    with (scopus_review / "data/dedup/overrides.csv").open("a", encoding="utf-8") as handle:
        handle.write(f"{phantom['anchor_record_id']},{intercostal['anchor_record_id']},same,test\n")
    stopped = snakemake(scopus_review, "results/screening.csv")
    assert stopped.returncode != 0
    survivor, retired = sorted([phantom["work_id"], intercostal["work_id"]])
    assert f"{retired} -> {survivor}" in stopped.stderr and "results/id_conflicts.csv" in stopped.stderr
    changes = read(scopus_review / "results/work_id_changes.csv")
    assert changes[["old_work_id", "new_work_id", "change"]].values.tolist() == [[retired, survivor, "merged"]]
    conflicts = read(scopus_review / "results/id_conflicts.csv")
    assert conflicts[["old_work_id", "new_work_ids", "stage"]].values.tolist() == [[retired, survivor, "screening"]]
    assert retired not in set(read(scopus_review / "data/identity/ledger.csv")["work_id"])

    (scopus_review / "data/screening/consensus.csv").write_text(
        f"work_id,stage,reviewer,decision,reason,note\n{survivor},title_abstract,consensus,exclude,intraoperative,\n",
        encoding="utf-8")
    settled = snakemake(scopus_review, "results/screening.csv")
    assert "need a person" not in settled.stderr
    assert "1 work(s) have no full_text decision" in settled.stderr
    assert read(scopus_review / "results/id_conflicts.csv").empty

    # Later runs still know where the retired id went: the decision file naming it keeps working after the dedup
    # stage runs again (with nothing new to merge) and after the id history is all that remembers the merge.
    again = run([str(SNAKEMAKE), "--cores", "2", "results/screening.csv", "--forceall", "--quiet", "rules"],
                scopus_review)
    assert "does not exist" not in again.stderr, again.stderr[-2000:]
    assert "1 work(s) have no full_text decision" in again.stderr
    history = read(scopus_review / "data/identity/id_changes.csv")
    assert history[["old_work_id", "new_work_id", "change"]].values.tolist() == [[retired, survivor, "merged"]]
    assert read(scopus_review / "results/work_id_changes.csv")["old_work_id"].tolist() == [retired]

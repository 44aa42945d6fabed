"""Dual screening in the stage: conflicts stop a final build and are listed, consensus settles them, unsure
leaves a work awaiting, a draft counts conflicted works as awaiting, and a person can overrule the eligibility
rules with PRISMA's counts still balancing."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from reviewflow.cli import main
from reviewflow.errors import InputError, InvariantError
from reviewflow.report.figures.prisma_counts import PrismaBalanceError, validate_prisma
from reviewflow.screening.decisions import read_decisions, resolve_screening
from reviewflow.synthesis.numbers import compute_numbers
from reviewflow.synthesis.prisma import check_prisma, compute_prisma
from tests.conftest import PROJECT
from tests.test_screening_extraction import EXTRACTION_HEADER, HEADER, Review

NO_STUDIES = pd.DataFrame(columns=[*EXTRACTION_HEADER.strip().split(","), "year"])


@pytest.fixture
def review(mini_project: Path) -> Review:
    return Review(mini_project)


def _decide(review: Review, relative: str, rows: list[str]) -> None:
    path = review.project / "data/screening" / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")


def _screen(review: Review, draft: bool = False) -> pd.DataFrame:
    decisions = read_decisions(sorted((review.project / "data/screening").rglob("*.csv")), review.config)
    return resolve_screening(review.works, review.auto, decisions, review.config,
                             review.project / "results/awaiting_screening.csv", draft=draft,
                             conflicts_path=review.project / "results/screening_conflicts.csv")


def _conflicts(review: Review) -> pd.DataFrame:
    return pd.read_csv(review.project / "results/screening_conflicts.csv", dtype=str, keep_default_na=False)


def _screened(review: Review) -> list[str]:
    return sorted(set(review.works["work_id"]) - set(review.auto["work_id"]))


def _two_reviewers(review: Review, bob_excludes: str | None) -> None:
    """AB and CD include every screened work at both stages, except that CD excludes ``bob_excludes``."""
    for reviewer in ("AB", "CD"):
        rows = []
        for work in _screened(review):
            if reviewer == "CD" and work == bob_excludes:
                rows.append(f"{work},title_abstract,{reviewer},exclude,protocol,")
            else:
                rows.append(f"{work},title_abstract,{reviewer},include,,")
        _decide(review, f"title_abstract/{reviewer}.csv", rows)
        _decide(review, f"full_text/{reviewer}.csv", [f"{w},full_text,{reviewer},include,," for w in _screened(review)
                                                     if w != bob_excludes])


def test_a_conflict_stops_the_build_names_the_file_and_how_to_settle_it(review: Review) -> None:
    knee = review.work("Cryoneurolysis for knee")
    _two_reviewers(review, knee)
    with pytest.raises(InputError) as caught:
        _screen(review)
    message = str(caught.value)
    assert "reviewers disagree on 1 work(s)" in message and "screening_conflicts.csv" in message
    assert "consensus" in message and "data/screening/title_abstract/consensus.csv" in message
    conflicts = _conflicts(review)
    assert conflicts[["work_id", "stage", "reviewer", "decision", "reason"]].values.tolist() == [
        [knee, "title_abstract", "AB", "include", ""], [knee, "title_abstract", "CD", "exclude", "protocol"]]
    assert conflicts["file"].str.endswith(".csv").all() and conflicts["line"].str.isdigit().all()

    # The full-text rows of the conflicted work are missing on purpose: it must not be listed as awaiting them.
    _decide(review, "title_abstract/consensus.csv", [f"{knee},title_abstract,consensus,exclude,protocol,"])
    screening = _screen(review).set_index("work_id")
    assert screening.loc[knee, "final"] == "excluded_title_abstract"
    assert _conflicts(review).empty and list(_conflicts(review).columns)[:3] == ["work_id", "stage", "reviewer"]


def test_agreeing_reviewers_settle_without_consensus(review: Review) -> None:
    _two_reviewers(review, None)
    screening = _screen(review)
    assert (screening["final"] == "included").sum() == len(_screened(review))
    assert _conflicts(review).empty


def test_a_draft_counts_conflicted_works_as_awaiting(review: Review) -> None:
    knee = review.work("Cryoneurolysis for knee")
    _two_reviewers(review, knee)
    screening = _screen(review, draft=True).set_index("work_id")
    assert screening.loc[knee, "final"] == "awaiting_title_abstract"
    assert len(_conflicts(review)) == 2
    awaiting = pd.read_csv(review.project / "results/awaiting_screening.csv", dtype=str)
    assert knee not in set(awaiting["work_id"]), "a conflict is settled by consensus, not by screening again"
    prisma = compute_prisma(review.report, review.works, review.auto, screening.reset_index(), review.config,
                            studies=NO_STUDIES)
    assert prisma["awaiting"]["title_abstract"] == 1


def test_unsure_leaves_the_work_awaiting_and_never_conflicts(review: Review) -> None:
    knee, phantom = review.work("Cryoneurolysis for knee"), review.work("Cryoneurolysis for phantom")
    _two_reviewers(review, None)
    _decide(review, "title_abstract/CD.csv", [
        f"{w},title_abstract,CD,{'unsure' if w == knee else 'include'},," for w in _screened(review)])
    _decide(review, "title_abstract/EF.csv", [f"{phantom},title_abstract,EF,unsure,,"])
    with pytest.raises(InputError, match=r"2 work\(s\) have no title_abstract decision yet") as caught:
        _screen(review)
    assert "unsure" in str(caught.value)
    assert _conflicts(review).empty
    awaiting = pd.read_csv(review.project / "results/awaiting_screening.csv", dtype=str)
    assert sorted(awaiting["work_id"]) == sorted([knee, phantom])
    draft = _screen(review, draft=True).set_index("work_id")
    assert draft.loc[knee, "final"] == draft.loc[phantom, "final"] == "awaiting_title_abstract"


def test_unsure_with_a_reason_is_refused(review: Review) -> None:
    knee = review.work("Cryoneurolysis for knee")
    _decide(review, "title_abstract/AB.csv", [f"{knee},title_abstract,AB,unsure,protocol,"])
    with pytest.raises(InputError, match="reason 'protocol' given for a 'unsure' decision"):
        _screen(review)


def _override(review: Review, decision: str) -> tuple[str, pd.DataFrame]:
    """Every work decided by AB; the first work excluded by rule gets ``decision`` at title/abstract."""
    auto = sorted(review.auto["work_id"])[0]
    screened = _screened(review)
    ta = [f"{w},title_abstract,AB,include,," for w in screened]
    ta.append(f"{auto},title_abstract,AB,{decision}," + ("protocol," if decision == "exclude" else ","))
    full = [f"{w},full_text,AB,include,," for w in screened]
    if decision == "include":
        full.append(f"{auto},full_text,AB,exclude,protocol,")
    _decide(review, "title_abstract/AB.csv", ta)
    _decide(review, "full_text/AB.csv", full)
    return auto, _screen(review)


def test_a_person_overrules_the_rules_and_prisma_balances(review: Review) -> None:
    auto, screening = _override(review, "include")
    assert screening.set_index("work_id").loc[auto, "final"] == "excluded_full_text"
    prisma = compute_prisma(review.report, review.works, review.auto, screening, review.config)
    removed = prisma["removed_before_screening"]
    rule_total = len(review.auto)
    assert removed["excluded_by_rule"] == rule_total
    assert removed["automation"] == rule_total - 1 and removed["automation_overridden"] == 1
    assert sum(r["count"] for r in removed["automation_reasons"]) == rule_total - 1
    assert prisma["screened"] == len(_screened(review)) + 1
    unique = prisma["identification"]["total"] - removed["duplicates"]
    assert unique == removed["automation"] + removed["other"] + prisma["screened"] == len(review.works)
    validate_prisma(prisma)  # the diagram's own check
    numbers = compute_numbers(prisma, NO_STUDIES, review.config)
    assert numbers["prisma.automation_overridden"]["value"] == 1
    assert numbers["prisma.automation"]["value"] == rule_total - 1

    broken = json.loads(json.dumps(prisma))
    broken["removed_before_screening"]["automation_overridden"] = 0
    with pytest.raises(InvariantError, match="excluded by rule = removed by automation"):
        check_prisma(broken)
    with pytest.raises(PrismaBalanceError, match="excluded_by_rule = automation \\+ automation_overridden"):
        validate_prisma(broken)


def test_an_exclusion_agrees_with_the_rule_and_changes_nothing(review: Review) -> None:
    auto, screening = _override(review, "exclude")
    assert screening.set_index("work_id").loc[auto, "final"] == "auto_excluded"
    prisma = compute_prisma(review.report, review.works, review.auto, screening, review.config)
    assert prisma["removed_before_screening"]["automation"] == len(review.auto)
    assert prisma["removed_before_screening"]["automation_overridden"] == 0


def test_an_overruled_work_needs_its_full_text_decision(review: Review) -> None:
    auto = sorted(review.auto["work_id"])[0]
    _decide(review, "title_abstract/AB.csv", [f"{w},title_abstract,AB,exclude,protocol," for w in _screened(review)]
            + [f"{auto},title_abstract,AB,include,,"])
    with pytest.raises(InputError, match=r"1 work\(s\) have no full_text decision yet"):
        _screen(review)


def test_the_stage_command_is_screening_and_writes_conflicts_and_agreement(review: Review, tmp_path: Path,
                                                                          capsys: pytest.CaptureFixture[str]) -> None:
    knee = review.work("Cryoneurolysis for knee")
    _two_reviewers(review, knee)
    review.works.to_csv(tmp_path / "works.csv", index=False)
    review.auto.to_csv(tmp_path / "auto.csv", index=False)
    out = tmp_path / "out"
    args = ["screening", "--config", str(review.project / "config/review.yaml"), "--works", str(tmp_path / "works.csv"),
            "--auto-excluded", str(tmp_path / "auto.csv"), "--decisions", str(review.project / "data/screening"),
            "--out", str(out / "screening.csv"), "--awaiting", str(out / "awaiting.csv"),
            "--conflicts", str(out / "conflicts.csv"), "--agreement", str(out / "agreement.json")]
    assert main(args) == 1
    error = capsys.readouterr().err
    assert error.startswith("reviewflow screening: error: ") and "Traceback" not in error
    assert len(pd.read_csv(out / "conflicts.csv")) == 2
    _decide(review, "title_abstract/consensus.csv", [f"{knee},title_abstract,consensus,exclude,protocol,"])
    assert main(args) == 0
    agreement = json.loads((out / "agreement.json").read_text())["stages"]
    assert agreement["title_abstract"]["reviewers"] == ["AB", "CD"]
    assert agreement["title_abstract"]["double_screened"] == len(_screened(review))
    assert agreement["title_abstract"]["settled_by_consensus"] == 1
    assert agreement["full_text"]["double_screened"] == len(_screened(review)) - 1


def test_the_shipped_review_uses_one_file_per_stage_and_reviewer() -> None:
    files = sorted(p.relative_to(PROJECT / "data/screening").as_posix()
                   for p in (PROJECT / "data/screening").rglob("*.csv"))
    assert files == ["full_text/reconstruction.csv", "title_abstract/reconstruction.csv"]
    numbers = json.loads((PROJECT / "results/numbers.json").read_text(encoding="utf-8"))
    assert numbers["screening.statement"]["value"] == "One reviewer screened every work; agreement was not assessed."
    assert numbers["screening.title_abstract.double_screened"]["value"] == 0
    assert "{{< var screening.statement >}}" in (PROJECT / "manuscript/index.qmd").read_text(encoding="utf-8")

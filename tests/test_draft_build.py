"""A draft build (`reviewflow build --draft`, `make draft`) from no decisions at all to a PDF marked DRAFT, and the
final build after it that still refuses to finish with undecided works."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd

from tests.test_workflow import SHEET_HEADER, sheet_row, small_review  # noqa: F401  (the fixture: two tiny exports)

SUMMARY = "reviewflow build: "


def build(project: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "reviewflow", "build", "--cores", "2", *extra], cwd=project,
                          capture_output=True, text=True, timeout=900)


def read_csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def test_a_draft_builds_before_screening_and_the_final_build_still_refuses(small_review: Path) -> None:  # noqa: F811
    draft = build(small_review, "--draft")
    assert draft.returncode == 0, draft.stdout + draft.stderr
    last = draft.stdout.strip().splitlines()[-1]
    assert last.startswith(f"{SUMMARY}DRAFT done, "), last
    assert "4 work(s) to screen in results/awaiting_screening.csv" in last
    assert "DRAFT PDF" in last
    assert (small_review / "results/manuscript/review.pdf").read_bytes().startswith(b"%PDF")
    typ = (small_review / "results/manuscript/review.typ").read_text(encoding="utf-8")
    assert "[DRAFT]" in typ and "DRAFT: 4 works await title/abstract screening" in typ
    prisma = json.loads((small_review / "results/prisma.json").read_text())
    assert prisma["awaiting"] == {"title_abstract": 4, "full_text": 0, "extraction": 0}
    assert prisma["screened"] == 4 and prisma["included"] == 0
    screening = read_csv(small_review / "results/screening.csv")
    assert (screening["final"] == "awaiting_title_abstract").sum() == 4
    assert set(screening["final"]) == {"awaiting_title_abstract", "auto_excluded"}
    numbers = json.loads((small_review / "results/numbers.json").read_text())
    assert numbers["prisma.awaiting.title_abstract"]["value"] == 4

    final = build(small_review)
    assert final.returncode != 0
    assert "Nothing to be done" not in final.stdout + final.stderr
    assert "results/awaiting_screening.csv: 4 work(s) have no title_abstract decision" in final.stderr
    assert final.stderr.strip().splitlines()[-1].startswith(f"{SUMMARY}STOPPED at screening")
    assert not (small_review / "results/screening.csv").exists(), "the draft's screening.csv looks final"

    # Some decisions: three included at title/abstract, one excluded; two included at full text, one awaits.
    awaiting = read_csv(small_review / "results/awaiting_screening.csv")
    decisions = awaiting.assign(reviewer="AB", decision="include", reason="")
    decisions.loc[decisions.index[0], ["decision", "reason"]] = ["exclude", "intraoperative"]
    decisions.to_csv(small_review / "data/screening/title_abstract.csv", index=False)
    included = sorted(decisions.loc[decisions["decision"] == "include", "work_id"])
    full_text = pd.DataFrame({"work_id": included[:2], "stage": "full_text", "reviewer": "AB",
                              "decision": "include", "reason": "", "note": ""})
    full_text.to_csv(small_review / "data/screening/full_text.csv", index=False)
    redraft = build(small_review, "--draft")
    assert redraft.returncode == 0, redraft.stdout + redraft.stderr
    prisma = json.loads((small_review / "results/prisma.json").read_text())
    assert prisma["awaiting"] == {"title_abstract": 0, "full_text": 1, "extraction": 2}
    assert (prisma["screened"], prisma["excluded_title_abstract"], prisma["sought_for_retrieval"]) == (4, 1, 3)
    assert (prisma["assessed_full_text"], prisma["included"]) == (2, 2)
    assert sorted(read_csv(small_review / "results/awaiting_extraction.csv")["work_id"]) == included[:2]
    assert len(read_csv(small_review / "results/studies.csv")) == 0
    typ = (small_review / "results/manuscript/review.typ").read_text(encoding="utf-8")
    assert "DRAFT: 1 work awaits full-text assessment, 2 await extraction" in typ
    page = (small_review / "results/manuscript/review.html").read_text(encoding="utf-8")
    assert '<p class="draft">DRAFT: 1 work awaits full-text assessment, 2 await extraction' in page

    # Everything decided and extracted: the final build re-runs the draft's stages and leaves nothing marked.
    pd.DataFrame({"work_id": included[2:], "stage": "full_text", "reviewer": "AB", "decision": "include",
                  "reason": "", "note": ""}).to_csv(small_review / "data/screening/full_text_2.csv", index=False)
    rows = [sheet_row(w, i) for i, w in enumerate(included)]
    (small_review / "data/extraction/studies.csv").write_text(SHEET_HEADER + "\n".join(rows) + "\n",
                                                               encoding="utf-8")
    done = build(small_review)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip().splitlines()[-1].startswith(f"{SUMMARY}done, ")
    assert "DRAFT" not in (small_review / "results/manuscript/review.typ").read_text(encoding="utf-8")
    assert '<p class="draft">' not in (small_review / "results/manuscript/review.html").read_text(encoding="utf-8")
    prisma = json.loads((small_review / "results/prisma.json").read_text())
    assert "awaiting" not in prisma and prisma["included"] == 3
    assert not any(name.startswith("prisma.awaiting")
                   for name in json.loads((small_review / "results/numbers.json").read_text()))
    # Back to a draft with nothing awaiting: only the draft-dependent stages re-run.
    redo = build(small_review, "--draft")
    ran = {line.strip().removesuffix(" ...") for line in redo.stdout.splitlines() if line.endswith(" ...")}
    assert ran == {"screening", "extraction", "risk_of_bias", "retractions", "synthesis", "prisma_lists", "figures",
                   "tables", "search_report", "manuscript", "manuscript_html"}, redo.stdout

"""How far independent reviewers agreed, per screening stage: PRISMA 2020 item 8 asks how many reviewers
screened each record and whether independently, and agreement shows what that independence was worth.

Agreement is measured on the screening question itself, include versus not include (exclude, or not retrieved at
full text); exclusion reasons are left out, though a different reason is still a conflict to settle. Only works
decided by two or more named reviewers count (``unsure`` rows and ``consensus`` rows do not). With exactly
two reviewers this is Cohen's kappa with its asymptotic 95% confidence interval (statsmodels; cut at -1 and 1).
With more, works are usually shared out in pairs, so no two reviewers rated the same set: we report Light's
kappa, the mean of the Cohen's kappas of every pair of reviewers who share works, and no interval (statsmodels
has none for it). Percent agreement is the share of double-screened works on which all their reviewers agreed.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pandas as pd
from statsmodels.stats.inter_rater import cohens_kappa

from reviewflow.screening.agreement import CONSENSUS, decided

CATEGORIES = "include versus not include (exclude or not retrieved); exclusion reasons are not compared"


def pair_table(first: pd.Series, second: pd.Series) -> np.ndarray:
    """2x2 counts of two reviewers' include flags on the same works: rows the first, columns the second."""
    table = np.zeros((2, 2), dtype=int)
    for a, b in zip(first, second, strict=True):
        table[int(not a), int(not b)] += 1
    return table


def kappa_of(table: np.ndarray) -> dict[str, float] | None:
    """Cohen's kappa with its 95% interval from a square table, rounded to 4 decimals; None when kappa is not
    defined (every decision the same category, so agreement expected by chance is already complete). The
    asymptotic interval can pass 1 (or -1) in small samples; it is cut there, as kappa cannot."""
    total = table.sum()
    expected = float((table.sum(axis=1) * table.sum(axis=0)).sum()) / total**2 if total else 1.0
    if expected >= 1.0:
        return None
    with np.errstate(invalid="ignore", divide="ignore"):  # its test against kappa = 0, unused here, may be 0/0
        result = cohens_kappa(table)
    return {"kappa": round(float(result.kappa), 4), "kappa_low": round(max(float(result.kappa_low), -1.0), 4),
            "kappa_high": round(min(float(result.kappa_upp), 1.0), 4)}


def stage_agreement(decisions: pd.DataFrame, stage: str) -> dict[str, Any]:
    """Agreement at one stage from the decision rows (columns work_id, stage, reviewer, decision)."""
    at_stage = decisions[(decisions["stage"] == stage) & decided(decisions)]
    named = at_stage[at_stage["reviewer"] != CONSENSUS]
    flags = named.assign(include=named["decision"] == "include").pivot_table(
        index="work_id", columns="reviewer", values="include", aggfunc="first")
    double = flags[flags.notna().sum(axis=1) >= 2]
    agreed = int(sum(len(set(row.dropna())) == 1 for _, row in double.iterrows()))
    reviewers = sorted(named["reviewer"].unique())
    pairs = []
    for a, b in itertools.combinations(sorted(double.columns), 2):
        shared = double[[a, b]].dropna()
        if not shared.empty:
            pairs.append({"reviewers": [a, b], "works": len(shared),
                          **(kappa_of(pair_table(shared[a], shared[b])) or {"kappa": None})})
    out: dict[str, Any] = {
        "reviewers": reviewers,
        "works_decided": int(named["work_id"].nunique()),
        "double_screened": len(double),
        "agreed": agreed,
        "agreement_pct": round(100 * agreed / len(double), 1) if len(double) else None,
        "settled_by_consensus": int(at_stage.loc[at_stage["reviewer"] == CONSENSUS, "work_id"].nunique()),
        "method": None, "kappa": None, "kappa_low": None, "kappa_high": None,
        "pairs": pairs,
    }
    if len(pairs) == 1:
        out |= {"method": "cohen", **{k: pairs[0].get(k) for k in ("kappa", "kappa_low", "kappa_high")}}
    elif pairs:
        kappas = [p["kappa"] for p in pairs]
        out["method"] = "light"
        out["kappa"] = None if None in kappas else round(float(np.mean(kappas)), 4)
    return out


def screening_agreement(decisions: pd.DataFrame, stages: tuple[str, ...]) -> dict[str, Any]:
    """results/screening_agreement.json: per stage, who screened, how many works twice, and how far they agreed."""
    return {"categories": CATEGORIES, "stages": {stage: stage_agreement(decisions, stage) for stage in stages}}

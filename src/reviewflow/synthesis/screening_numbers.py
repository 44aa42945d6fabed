"""``screening.*`` numbers and the sentence the Methods quote, from results/screening_agreement.json.

The sentence is generated rather than written by hand so it cannot claim dual screening the decision files do not
show, and it changes by itself when a second reviewer joins.
"""

from __future__ import annotations

from typing import Any

STAGE_WORDS = {"title_abstract": "title and abstract", "full_text": "full text"}
_COUNT_WORDS = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]
NOT_APPLICABLE = "NA"


def count_word(n: int, capital: bool = False) -> str:
    """Small counts in words, as prose writes them."""
    word = _COUNT_WORDS[n] if n < len(_COUNT_WORDS) else str(n)
    return word[:1].upper() + word[1:] if capital else word


def _fmt(value: float | None) -> str:
    return NOT_APPLICABLE if value is None else f"{value:.2f}"


def _clause(stage: str, result: dict[str, Any]) -> str:
    """One stage's part of the statement: who screened how many works twice, and how far they agreed."""
    reviewers, n = len(result["reviewers"]), result["double_screened"]
    where = STAGE_WORDS.get(stage, stage.replace("_", " "))
    if n == 0:
        who = "one reviewer" if reviewers <= 1 else "one reviewer per work"
        return f"at {where}, {who} decided each work"
    works = "work" if n == 1 else "works"
    head = f"{count_word(reviewers)} reviewers screened {n} {works} independently at {where}"
    agreement = f"agreement on include or exclude {result['agreement_pct']:.1f}%"
    if result["kappa"] is None:
        kappa = "kappa not defined, as every decision was the same" if result["agreed"] == n else "kappa not defined"
    elif result["method"] == "cohen":
        kappa = (f"Cohen's kappa {_fmt(result['kappa'])}, 95% CI {_fmt(result['kappa_low'])} to "
                 f"{_fmt(result['kappa_high'])}")
    else:
        kappa = f"Light's kappa (mean of pairwise Cohen's kappas) {_fmt(result['kappa'])}"
    settled = result["settled_by_consensus"]
    consensus = f"; disagreements on {settled} {'work' if settled == 1 else 'works'} were settled by consensus" \
        if settled else ""
    return f"{head} ({agreement}, {kappa}){consensus}"


def _in_order(stages: dict[str, Any]) -> dict[str, Any]:
    """Stages in screening order (the JSON file sorts its keys alphabetically)."""
    order = list(STAGE_WORDS)
    return dict(sorted(stages.items(), key=lambda item: (order.index(item[0]) if item[0] in order else len(order),
                                                          item[0])))


def screening_statement(agreement: dict[str, Any]) -> str:
    """The Methods sentence on who screened and how far reviewers agreed."""
    stages = _in_order(agreement["stages"])
    if all(result["double_screened"] == 0 for result in stages.values()):
        most = max((len(result["reviewers"]) for result in stages.values()), default=0)
        if most <= 1:
            return "One reviewer screened every work; agreement was not assessed."
        return (f"{count_word(most, capital=True)} reviewers shared the screening, each work decided by one of them; "
                "agreement was not assessed.")
    text = "; ".join(_clause(stage, result) for stage, result in stages.items() if result["reviewers"])
    return text[:1].upper() + text[1:] + "."


def add_screening_numbers(numbers: Any, agreement: dict[str, Any]) -> None:
    """``screening.<stage>.*`` per stage and ``screening.statement``."""
    for stage, result in _in_order(agreement["stages"]).items():
        where = STAGE_WORDS.get(stage, stage)
        prefix = f"screening.{stage}"
        numbers.add(f"{prefix}.reviewers", len(result["reviewers"]), f"Reviewers who screened at {where}")
        numbers.add(f"{prefix}.double_screened", result["double_screened"],
                    f"Works screened independently by two or more reviewers at {where}")
        pct = result["agreement_pct"]
        numbers.add(f"{prefix}.agreement_pct", NOT_APPLICABLE if pct is None else f"{pct:.1f}",
                    f"Percent of double-screened works on which reviewers agreed (include or exclude) at {where}")
        method = "Light's kappa" if result["method"] == "light" else "Cohen's kappa"
        numbers.add(f"{prefix}.kappa", _fmt(result["kappa"]), f"{method} between reviewers at {where}")
        numbers.add(f"{prefix}.kappa_low", _fmt(result["kappa_low"]), f"Lower 95% limit of {method} at {where}")
        numbers.add(f"{prefix}.kappa_high", _fmt(result["kappa_high"]), f"Upper 95% limit of {method} at {where}")
    numbers.add("screening.statement", screening_statement(agreement),
                "Who screened and how far reviewers agreed (sentence for the Methods)")

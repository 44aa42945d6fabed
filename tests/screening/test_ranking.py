"""The prioritised screening order: deterministic, learns from decisions, explains itself, never a traceback."""

from __future__ import annotations

import hashlib
import json

import pandas as pd
import pytest

from reviewflow.errors import InputError
from reviewflow.screening.ranking import Corpus, Ranking, order_sha256, rank, rank_corpus, replay, work_texts

# A constructed review: "relevant" works are about cryoneurolysis for knee pain, the others about unrelated
# topics. Which undecided works are relevant is known from the construction.
RELEVANT = {
    "W01": "Cryoneurolysis of the genicular nerves for chronic knee pain: a randomised trial",
    "W02": "Percutaneous cryoneurolysis relieves knee osteoarthritis pain at 90 days",
    "W03": "Ultrasound-guided cryoneurolysis of genicular nerves for knee pain after arthroplasty",
    "W04": "Genicular nerve cryoneurolysis and chronic knee osteoarthritis pain: a case series",
    "W05": "Knee pain treated by cryoneurolysis of the infrapatellar branch of the saphenous nerve",
    "W06": "Cryoneurolysis for chronic knee pain in older adults: retrospective cohort",
}
IRRELEVANT = {
    "W07": "Dietary fibre intake and colorectal cancer risk in a prospective cohort",
    "W08": "Machine translation of legal documents with transformer models",
    "W09": "Soil microbial biomass after forest fires: a meta-analysis",
    "W10": "Teacher feedback and student motivation in secondary schools",
    "W11": "Coral reef bleaching and ocean temperature anomalies",
    "W12": "Bridge deck corrosion under de-icing salt exposure",
    "W13": "Sleep duration and academic performance in university students",
    "W14": "Wildfire smoke exposure and respiratory hospital admissions",
}
TEXTS = {**RELEVANT, **IRRELEVANT}
DECIDED = {"W01": True, "W02": True, "W07": False, "W08": False, "W09": False}


def _undecided(labels: dict[str, bool]) -> set[str]:
    return set(TEXTS) - set(labels)


def test_relevant_works_rise_to_the_top():
    ranking = rank(TEXTS, DECIDED, seed=1)
    relevant_left = {w for w in RELEVANT if w not in DECIDED}
    assert set(ranking.order) == _undecided(DECIDED)
    assert set(ranking.order[: len(relevant_left)]) == relevant_left
    assert ranking.model["method"] == "tfidf+logistic"
    worst_relevant = min(ranking.scores[w] for w in relevant_left)
    best_irrelevant = max(ranking.scores[w] for w in IRRELEVANT if w not in DECIDED)
    assert worst_relevant > best_irrelevant


def test_naive_bayes_variant_also_ranks_relevant_first():
    ranking = rank(TEXTS, DECIDED, seed=1, classifier="naive_bayes")
    relevant_left = {w for w in RELEVANT if w not in DECIDED}
    assert set(ranking.order[: len(relevant_left)]) == relevant_left
    assert ranking.model["method"] == "tfidf+naive_bayes"
    assert ranking.model["classifier_params"]["alpha"] == 3.822


def test_same_inputs_same_order_and_record_bit_for_bit():
    first = rank(TEXTS, DECIDED, seed=7)
    second = rank(dict(reversed(list(TEXTS.items()))), dict(reversed(list(DECIDED.items()))), seed=7)
    assert first.order == second.order
    assert first.scores == second.scores
    assert first.expected_relevant_remaining == second.expected_relevant_remaining
    assert json.dumps(first.model, sort_keys=True) == json.dumps(second.model, sort_keys=True)


def test_random_order_before_both_classes_depends_on_the_seed_only():
    only_excludes = {"W07": False}
    a, b, c = rank(TEXTS, only_excludes, seed=1), rank(TEXTS, only_excludes, seed=1), rank(TEXTS, only_excludes, 2)
    assert a.model["method"] == c.model["method"] == "random"
    assert "at least one relevant and one irrelevant" in a.model["why_random"]
    assert a.order == b.order
    assert a.order != c.order
    assert set(a.order) == set(c.order) == _undecided(only_excludes)


def test_random_order_stays_put_as_decisions_come_in():
    before = rank(TEXTS, {}, seed=3)
    after = rank(TEXTS, {before.order[0]: False}, seed=3)
    assert after.order == before.order[1:]


def test_ties_are_broken_by_work_id():
    texts = {"W3": "knee pain cryoneurolysis", "W1": "knee pain cryoneurolysis", "W2": "knee pain cryoneurolysis",
             "Wa": "knee pain cryoneurolysis trial", "Wb": "coral reef bleaching"}
    ranking = rank(texts, {"Wa": True, "Wb": False}, seed=0)
    assert ranking.order == ("W1", "W2", "W3")
    assert len({ranking.scores[w] for w in ranking.order}) == 1


def test_model_record_says_how_the_order_was_made():
    ranking = rank(TEXTS, DECIDED, seed=5)
    model = ranking.model
    assert model["seed"] == 5
    assert model["labelled"] == {"total": 5, "relevant": 2, "irrelevant": 3}
    assert model["classifier"] == "logistic"
    assert model["classifier_params"]["class_weight"] == "balanced"
    assert model["tfidf"]["ngram_range"] == [1, 2]
    assert set(model["versions"]) >= {"python", "scikit-learn", "numpy", "scipy"}
    expected_hash = hashlib.sha256("".join(f"{w}\n" for w in ranking.order).encode()).hexdigest()
    assert model["order_sha256"] == expected_hash == order_sha256(ranking.order)
    json.dumps(model)  # the app records it as JSON


def test_expected_relevant_remaining_is_bounded_and_follows_the_evidence():
    ranking = rank(TEXTS, DECIDED, seed=1)
    assert 0 < ranking.expected_relevant_remaining < len(ranking.order)
    start = rank(TEXTS, {}, seed=1)
    assert start.expected_relevant_remaining == pytest.approx(len(TEXTS) / 2)  # rule of succession with no data


def test_replay_reproduces_the_recorded_orders():
    decisions = [("W10", False), ("W11", False), ("W03", True), ("W04", True)]
    steps = replay(TEXTS, decisions, seed=9)
    assert [step["step"] for step in steps] == [0, 1, 2, 3, 4]
    assert [step["decided"] for step in steps] == [None, "W10", "W11", "W03", "W04"]
    labels: dict[str, bool] = {}
    for step, (work_id, relevant) in zip(steps[1:], decisions, strict=True):
        labels[work_id] = relevant
        recorded = rank(TEXTS, labels, seed=9)
        assert step["order_sha256"] == recorded.model["order_sha256"]
        assert step["first"] == recorded.order[0]
    assert steps[0]["order_sha256"] == rank(TEXTS, {}, seed=9).model["order_sha256"]
    assert [step["method"] for step in steps] == ["random", "random", "random", "tfidf+logistic", "tfidf+logistic"]
    assert replay(TEXTS, decisions, seed=9) == steps


def test_replay_takes_the_latest_decision_on_a_work():
    steps = replay(TEXTS, [("W01", True), ("W07", False), ("W01", False)], seed=0)
    assert steps[-1]["labelled"] == 2 and steps[-1]["relevant"] == 0


def test_no_undecided_works():
    labels = {w: w in RELEVANT for w in TEXTS}
    ranking = rank(TEXTS, labels, seed=0)
    assert ranking.order == ()
    assert ranking.expected_relevant_remaining == 0
    assert ranking.summary()["first"] is None
    assert ranking.model["why_random"] == "no undecided works"


def test_all_labelled_one_class_gives_a_random_order():
    ranking = rank(TEXTS, {w: True for w in RELEVANT}, seed=0)
    assert ranking.model["method"] == "random"
    assert set(ranking.order) == set(IRRELEVANT)


def test_empty_texts_give_a_random_order_not_an_error():
    texts = {"W1": "", "W2": "", "W3": "", "W4": ""}
    ranking = rank(texts, {"W1": True, "W2": False}, seed=0)
    assert ranking.model["method"] == "random"
    assert "no work has a usable word" in ranking.model["why_random"]
    assert set(ranking.order) == {"W3", "W4"}


def test_some_empty_abstracts_still_rank():
    texts = dict(TEXTS, W15="", W16="the")
    ranking = rank(texts, DECIDED, seed=0)
    assert {"W15", "W16"} <= set(ranking.order)
    assert ranking.model["method"] == "tfidf+logistic"


def test_no_works_at_all():
    ranking = rank({}, {}, seed=0)
    assert isinstance(ranking, Ranking) and ranking.order == () and ranking.expected_relevant_remaining == 0


@pytest.mark.parametrize(
    ("labels", "seed", "classifier", "message"),
    [
        ({"W99": True}, 0, "logistic", "not among the works"),
        ({"W01": "include"}, 0, "logistic", r"True \(include\) or False"),
        ({}, -1, "logistic", "non-negative integer"),
        ({}, 1.5, "logistic", "non-negative integer"),
        ({}, 0, "svm", "unknown ranking classifier"),
    ],
)
def test_bad_inputs_are_input_errors(labels, seed, classifier, message):
    with pytest.raises(InputError, match=message):
        rank(TEXTS, labels, seed, classifier=classifier)


def test_work_texts_joins_and_folds_title_abstract_keywords():
    works = pd.DataFrame({
        "work_id": ["W1", "W2"],
        "title": ["Cryoneurolysis  of the Knee", "Caf\u00e9 study"],
        "abstract": ["Genicular\nnerves.", None],
        "keywords": ["pain; knee", ""],
        "year": ["2020", "2021"],
    })
    assert work_texts(works) == {"W1": "cryoneurolysis of the knee genicular nerves. pain; knee", "W2": "cafe study"}


def test_work_texts_without_abstract_column():
    assert work_texts(pd.DataFrame({"work_id": ["W1"], "title": ["Knee"]})) == {"W1": "knee"}


def test_work_texts_refuses_repeated_or_missing_ids():
    with pytest.raises(InputError, match="twice"):
        work_texts(pd.DataFrame({"work_id": ["W1", "W1"], "title": ["a", "b"]}))
    with pytest.raises(InputError, match="work_id"):
        work_texts(pd.DataFrame({"title": ["a"]}))
    with pytest.raises(InputError, match="without a work_id"):
        work_texts(pd.DataFrame({"work_id": [""], "title": ["a"]}))


def test_rank_corpus_gives_the_same_order_as_rank():
    corpus = Corpus.of(TEXTS)
    for labels in ({}, DECIDED):
        assert rank_corpus(corpus, labels, seed=4) == rank(TEXTS, labels, seed=4)
    with pytest.raises(InputError, match="not among the works"):
        rank_corpus(corpus, {"W99": False}, seed=4)

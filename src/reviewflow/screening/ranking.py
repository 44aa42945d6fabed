"""Prioritised screening order: the undecided works, most likely relevant first, learned from decisions so far.

Screening in order of predicted relevance lets a reviewer meet most included works early (active learning for
systematic reviews). The method follows the default family of ASReview (van de Schoot et al., Nat Mach Intell
2021; ASReview LAB's ``elas_u*`` models): TF-IDF features of title, abstract and keywords, a linear classifier
retrained after every decision, the undecided works queried by highest predicted relevance ("max" query), and
sample weights that give both classes the same total weight (ASReview's ``Balanced`` balancer with ratio 1, the
same weights as scikit-learn's ``class_weight="balanced"``), because included works are usually a small minority
and an unweighted model would rank almost everything "exclude". Our classifier is L2-regularised logistic
regression fitted by stochastic gradient descent (``SGDClassifier``, log loss, shuffled with the seed);
ASReview's own default, multinomial naive Bayes with alpha 3.822, is the variant ``classifier="naive_bayes"``.

Reproducibility is the point of the ``model`` record: every parameter, the seed, the class counts, the library
versions and a sha256 of the order, so the order a reviewer saw at each step can be recomputed (``replay``) and
checked. Same texts, labels and seed give the same order bit for bit on the same library versions. Scores are
rounded to 12 decimals before sorting, so works whose scores differ only by floating-point noise fall back to the
work-id tie-break rather than to the platform's last bits.

Until at least one work of each class is decided there is nothing to learn from, and the order is a seeded random
permutation of all works with the decided ones left out (``model["method"] == "random"``), so it does not move as
decisions come in; it is also what screening without prioritisation looks like.
"""

from __future__ import annotations

import hashlib
import platform
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import scipy
import sklearn
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import SGDClassifier
from sklearn.naive_bayes import MultinomialNB

from reviewflow.errors import InputError
from reviewflow.normalize import fold

TEXT_COLUMNS = ("title", "abstract", "keywords")
CLASSIFIERS = ("logistic", "naive_bayes")
SCORE_DECIMALS = 12

# Fixed on purpose: changing any of these changes every recorded order, so they are recorded in ``model``.
TFIDF_PARAMS: dict[str, Any] = {
    "lowercase": True,
    "strip_accents": None,  # work_texts already folded the text to lower-case ASCII
    "token_pattern": r"(?u)\b\w\w+\b",
    "stop_words": "english",
    "ngram_range": (1, 2),
    "min_df": 1,
    "max_df": 1.0,
    "sublinear_tf": True,
    "norm": "l2",
    "use_idf": True,
    "smooth_idf": True,
}
CLASSIFIER_PARAMS: dict[str, dict[str, Any]] = {
    # Logistic regression fitted by stochastic gradient descent: the seed fixes the shuffling, so the fit is
    # repeatable, and it stays fast on wide sparse TF-IDF (lbfgs took seconds per decision on 500 works here).
    "logistic": {"loss": "log_loss", "penalty": "l2", "alpha": 1e-4, "max_iter": 1000, "tol": 1e-3,
                 "n_iter_no_change": 5, "learning_rate": "optimal", "shuffle": True, "class_weight": "balanced"},
    # ASReview's naive Bayes smoothing; the balance goes in as sample weights (MultinomialNB has no class_weight).
    "naive_bayes": {"alpha": 3.822, "fit_prior": True, "sample_weight": "balanced"},
}

_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Ranking:
    """One screening order: what to read next, each work's score, and how it was computed.

    ``order``: the undecided work ids, most likely relevant first. ``scores``: each undecided work's predicted
    probability of relevance (0.0 for all in a random order). ``expected_relevant_remaining``: a rough estimate of
    the relevant works among the undecided (see ``_fit_and_score``). ``model``: JSON-ready record of the method.
    """

    order: tuple[str, ...]
    scores: dict[str, float]
    expected_relevant_remaining: float
    model: dict[str, Any] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        """The few facts that identify this order, for a log line per decision (and for ``replay``)."""
        return {
            "labelled": self.model["labelled"]["total"],
            "relevant": self.model["labelled"]["relevant"],
            "irrelevant": self.model["labelled"]["irrelevant"],
            "method": self.model["method"],
            "undecided": len(self.order),
            "first": self.order[0] if self.order else None,
            "expected_relevant_remaining": self.expected_relevant_remaining,
            "order_sha256": self.model["order_sha256"],
        }


def work_texts(works: pd.DataFrame) -> dict[str, str]:
    """Work id -> title, abstract and keywords as one folded, single-spaced string (missing parts are empty)."""
    if "work_id" not in works.columns:
        raise InputError("the works table has no work_id column", field="work_id", expected="a work_id column")
    if not any(column in works.columns for column in TEXT_COLUMNS):
        raise InputError("the works table has none of the text columns", expected=", ".join(TEXT_COLUMNS))
    texts: dict[str, str] = {}
    for row in works.itertuples(index=False):
        values = row._asdict()
        work_id = _text(values.get("work_id")).strip()
        if not work_id:
            raise InputError("a work without a work_id", field="work_id", expected="a non-empty work id")
        if work_id in texts:
            raise InputError("work_id appears twice in the works table", record=work_id, field="work_id")
        parts = (_text(values.get(column)) for column in TEXT_COLUMNS)
        texts[work_id] = _SPACE.sub(" ", fold(" ".join(parts))).strip()
    return texts


def rank(texts: Mapping[str, str], labels: Mapping[str, bool], seed: int, *,
         classifier: str = "logistic") -> Ranking:
    """The undecided works (those in ``texts`` without a label), most likely relevant first.

    ``labels`` maps decided work ids to True (include) or False (exclude). Ties in score go to the smaller work id.
    """
    _check(texts, labels, seed, classifier)
    return _rank(Corpus.of(texts), labels, seed, classifier)


def rank_corpus(corpus: Corpus, labels: Mapping[str, bool], seed: int, *, classifier: str = "logistic") -> Ranking:
    """``rank`` on texts already turned into features: the same order, without redoing TF-IDF after each decision."""
    _check(corpus.row, labels, seed, classifier)
    return _rank(corpus, labels, seed, classifier)


def replay(texts: Mapping[str, str], decisions_in_order: Iterable[tuple[str, bool]], seed: int, *,
           classifier: str = "logistic") -> list[dict[str, Any]]:
    """The ranking's summary before the first decision and after each one, from a recorded decision sequence.

    ``decisions_in_order`` is (work id, relevant) pairs in the order they were made; a work decided again takes
    its latest decision. Entry ``k`` of the result is the order shown after ``k`` decisions, with ``decided`` the
    work decided at that step (None for the start), so a recorded order can be checked step by step.
    """
    decisions = [(str(work_id), relevant) for work_id, relevant in decisions_in_order]
    _check(texts, dict(decisions), seed, classifier)
    features = Corpus.of(texts)
    labels: dict[str, bool] = {}
    steps = [{"step": 0, "decided": None, **_rank(features, labels, seed, classifier).summary()}]
    for step, (work_id, relevant) in enumerate(decisions, start=1):
        labels[work_id] = bool(relevant)
        steps.append({"step": step, "decided": work_id, **_rank(features, labels, seed, classifier).summary()})
    return steps


def order_sha256(order: Iterable[str]) -> str:
    """sha256 of the order as work ids, one per line, each line ending in a newline."""
    return hashlib.sha256("".join(f"{work_id}\n" for work_id in order).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Corpus:
    """TF-IDF of every work's text (labelled and not: the vocabulary needs no labels), rows in work-id order.

    It depends on the texts only, so an app can build it once and rank after each decision with ``rank_corpus``.
    """

    ids: tuple[str, ...]
    row: dict[str, int]
    matrix: Any  # scipy sparse CSR, or None when no work has a usable word
    vocabulary_size: int

    @classmethod
    def of(cls, texts: Mapping[str, str]) -> Corpus:
        ids = tuple(sorted(texts))
        documents = [texts[work_id] or "" for work_id in ids]
        matrix, size = None, 0
        if ids:
            try:
                matrix = TfidfVectorizer(**TFIDF_PARAMS).fit_transform(documents)
                size = matrix.shape[1]
            except ValueError:  # empty vocabulary: no text at all, or only stop words
                matrix = None
        return cls(ids, {work_id: i for i, work_id in enumerate(ids)}, matrix, size)


def _rank(features: Corpus, labels: Mapping[str, bool], seed: int, classifier: str) -> Ranking:
    undecided = [work_id for work_id in features.ids if work_id not in labels]
    relevant = sum(1 for value in labels.values() if value)
    irrelevant = len(labels) - relevant
    record: dict[str, Any] = {
        "seed": seed,
        "labelled": {"total": len(labels), "relevant": relevant, "irrelevant": irrelevant},
        "works": len(features.ids),
        "undecided": len(undecided),
        "versions": _versions(),
    }
    if relevant and irrelevant and features.matrix is not None and undecided:
        scores, expected, how = _fit_and_score(features, labels, undecided, seed, classifier)
        order = sorted(undecided, key=lambda work_id: (-round(scores[work_id], SCORE_DECIMALS), work_id))
        record.update({
            "method": f"tfidf+{classifier}",
            "tfidf": _jsonable(TFIDF_PARAMS),
            "vocabulary_size": features.vocabulary_size,
            "classifier": classifier,
            "classifier_params": dict(CLASSIFIER_PARAMS[classifier]),
            "balance": "both classes get equal total weight (n / (2 * n_class) per work)",
            "query": "highest predicted probability of relevance first; ties by work id",
            "score_decimals_for_sorting": SCORE_DECIMALS,
            "expected_relevant_remaining": how,
        })
    else:
        order = _random_order(features.ids, labels, seed)
        scores = {work_id: 0.0 for work_id in undecided}
        # Before a model exists, labelled works are (close to) a random sample: Laplace's rule of succession.
        expected = len(undecided) * (relevant + 1) / (len(labels) + 2) if undecided else 0.0
        record.update({
            "method": "random",
            "why_random": _why_random(relevant, irrelevant, features, undecided),
            "random": "numpy.random.default_rng(seed).permutation of all works by work id, decided ones left out",
            "expected_relevant_remaining": "undecided * (relevant + 1) / (labelled + 2) (rule of succession)",
        })
    record["order_sha256"] = order_sha256(order)
    return Ranking(tuple(order), scores, float(expected), record)


def _fit_and_score(features: Corpus, labels: Mapping[str, bool], undecided: list[str], seed: int,
                   classifier: str) -> tuple[dict[str, float], float, str]:
    """Probabilities of relevance for the undecided works, and the expected number of relevant ones among them.

    The class balancing trains the model as if half the works were relevant, so its raw probabilities overstate
    relevance when included works are rare. For the expected count the odds are moved back to the labelled class
    ratio (the standard prior-shift correction for a model trained on reweighted classes, Saerens et al., Neural
    Comput 2002). Neither that ratio nor the probabilities are reliable while screening: reviewers decide the
    top-ranked works first, so the labelled works hold more relevant ones than the rest (the estimate leans high),
    and a model fitted on few decisions is over-confident (it leans low). Half-way through the simulations of
    benchmarks/README.md it was 0.26 to 2.4 times the truth: show it as a rough guide, never as a stopping rule.
    """
    labelled = sorted(labels)
    x_train = features.matrix[[features.row[work_id] for work_id in labelled]]
    y_train = np.array([1 if labels[work_id] else 0 for work_id in labelled])
    x_rest = features.matrix[[features.row[work_id] for work_id in undecided]]
    if classifier == "logistic":
        params = CLASSIFIER_PARAMS["logistic"]
        model = SGDClassifier(random_state=seed, **params)
        model.fit(x_train, y_train)
    else:
        params = {k: v for k, v in CLASSIFIER_PARAMS["naive_bayes"].items() if k != "sample_weight"}
        model = MultinomialNB(**params)
        model.fit(x_train, y_train, sample_weight=_balanced_weights(y_train))
    probability = model.predict_proba(x_rest)[:, list(model.classes_).index(1)]
    scores = {work_id: float(p) for work_id, p in zip(undecided, probability, strict=True)}
    relevant = int(y_train.sum())
    prior_odds = relevant / (len(y_train) - relevant)  # the balanced training assumed odds of 1
    with np.errstate(divide="ignore"):
        odds = probability / (1.0 - probability) * prior_odds
    corrected = np.where(np.isinf(odds), 1.0, odds / (1.0 + odds))
    how = "sum over the undecided of the probabilities, odds rescaled by relevant/irrelevant among the labelled"
    return scores, float(np.sum(corrected)), how


def _balanced_weights(y: np.ndarray) -> np.ndarray:
    counts = np.bincount(y, minlength=2)
    return np.array([len(y) / (2.0 * counts[label]) for label in y])


def _random_order(ids: tuple[str, ...], labels: Mapping[str, bool], seed: int) -> list[str]:
    """One seeded shuffle of all works, decided ones left out: the order stays put as decisions come in."""
    permutation = np.random.default_rng(seed).permutation(len(ids))
    return [ids[i] for i in permutation if ids[i] not in labels]


def _why_random(relevant: int, irrelevant: int, features: Corpus, undecided: list[str]) -> str:
    if not undecided:
        return "no undecided works"
    if not relevant or not irrelevant:
        return f"needs at least one relevant and one irrelevant decision (have {relevant} and {irrelevant})"
    return "no work has a usable word in its title, abstract or keywords"


def _check(texts: Mapping[str, Any], labels: Mapping[str, bool], seed: int, classifier: str) -> None:
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise InputError(f"the ranking seed must be a non-negative integer, not {seed!r}", field="seed")
    if classifier not in CLASSIFIERS:
        raise InputError(f"unknown ranking classifier {classifier!r}", expected=" or ".join(CLASSIFIERS))
    unknown = sorted(work_id for work_id in labels if work_id not in texts)
    if unknown:
        shown = ", ".join(unknown[:5]) + (" ..." if len(unknown) > 5 else "")
        raise InputError(f"{len(unknown)} decided work(s) are not among the works to rank: {shown}",
                         field="work_id", hint="decisions must refer to work ids in results/works.csv")
    for work_id, value in labels.items():
        if not isinstance(value, (bool, np.bool_)):
            raise InputError(f"decision for ranking must be True (include) or False (exclude), not {value!r}",
                             record=work_id)


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return ""
    return str(value)


def _jsonable(params: Mapping[str, Any]) -> dict[str, Any]:
    return {key: list(value) if isinstance(value, tuple) else value for key, value in params.items()}


def _versions() -> dict[str, str]:
    return {"python": platform.python_version(), "scikit-learn": sklearn.__version__, "numpy": np.__version__,
            "scipy": scipy.__version__}

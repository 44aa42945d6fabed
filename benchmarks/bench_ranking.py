"""Prioritised screening order against random order, simulated on screening decisions people really made.

A simulated reviewer starts with nothing decided and always reads the first work of the current order, taking
the recorded decision as theirs; the order is recomputed after every decision (``rank_corpus``), exactly as the
screening app does, random until one work of each class has been decided. The random peer reads the same works
in a seeded random order. For each run the script measures how many works must be read to find 95% (and 100%) of
the relevant ones, and the work saved over reading everything: WSS@R = (works not read) / N - (1 - R) (Cohen et
al., J Am Med Inform Assoc 2006), so random order scores about 0 at any R. Recall after reading 10, 25 and 50% is
the recall curve in three points. ``est/true @50%`` compares ``expected_relevant_remaining`` with the relevant
works truly left after half the works were read (a ratio above 1 overestimates).

Datasets:

* ``cryoneurolysis``: the shipped review's title/abstract decisions (reviews/cryoneurolysis/results/works.csv and
  results/screening.csv; works excluded by rule have no decision and are left out). Its works.csv has titles but
  no abstracts, so the model sees titles (and keywords where present) only.
* ``citesource-wildfire``: the labelled stage data of CiteSource's vignette (ESHackathon/CiteSource,
  vignettes/new_stage_data, GPL-3; a review of systematic reviews on wildfire impacts): six database exports
  (Dimensions, EconLit, Environment Index, Lens, MEDLINE, Web of Science), the records that passed title/abstract
  screening (screened_128.ris) and the finally included ones (final_24.ris). The exports are read and deduplicated
  by reviewflow's own import and dedup; a work is relevant at title/abstract if one of its records is in the
  screened file, and "final" if one is in the final file. The text is taken from the database records only, never
  from the screened or final files. The files are read from ``../shared/fixtures/exports`` beside the checkout
  (as the other benchmarks read ../shared); without them the dataset is skipped with a message.

The SYNERGY collection of labelled reviews (asreview/synergy-dataset) would be the standard benchmark,
but its texts are not in any package of the registries reachable here (they are fetched from OpenAlex at run time),
so it is not used.

    .venv/bin/python benchmarks/bench_ranking.py [--seeds 10] [--datasets cryoneurolysis citesource-wildfire]
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from reviewflow.dedup.run import deduplicate  # noqa: E402
from reviewflow.importing.exports import import_files  # noqa: E402
from reviewflow.screening.ranking import Corpus, rank_corpus, work_texts  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
REVIEW = REPO / "reviews" / "cryoneurolysis" / "results"
CITESOURCE = REPO.parent / "shared" / "fixtures" / "exports" / "ESHackathon+CiteSource" / "vignettes" / "new_stage_data"
CITESOURCE_SEARCHES = {"Dimensions_246": "dimensions", "econlit_3": "econlit", "envindex_100": "envindex",
                       "lens_343": "lens", "medline_84": "medline", "wos_278": "wos"}
CITESOURCE_STAGES = {"screened_128": "screened", "final_24": "final"}
ORDERS = ("random", "logistic", "naive_bayes")
RECALL_AT = (0.10, 0.25, 0.50)


@dataclass
class Dataset:
    name: str
    labels_from: str
    texts: dict[str, str]
    truth: dict[str, bool]


@dataclass
class Run:
    read_95: int
    read_100: int
    recall_at: tuple[float, ...]
    estimate_ratio: float | None


def cryoneurolysis() -> list[Dataset]:
    works = pd.read_csv(REVIEW / "works.csv", dtype=str, keep_default_na=False)
    screening = pd.read_csv(REVIEW / "screening.csv", dtype=str, keep_default_na=False)
    decided = screening[screening["title_abstract"].isin(["include", "exclude"])]
    truth = dict(zip(decided["work_id"], decided["title_abstract"] == "include", strict=True))
    texts = {work_id: text for work_id, text in work_texts(works).items() if work_id in truth}
    return [Dataset("cryoneurolysis", "title/abstract", texts, truth)]


def citesource_wildfire() -> list[Dataset]:
    if not CITESOURCE.is_dir():
        print(f"skipped citesource-wildfire: {CITESOURCE} not found (../shared sits beside the checkout)")
        return []
    frames = []
    for stem, database in {**CITESOURCE_SEARCHES, **CITESOURCE_STAGES}.items():
        frame, _ = import_files([CITESOURCE / f"{stem}.ris"], database=database)
        frames.append(frame)
    records = pd.concat(frames, ignore_index=True)
    databases = list(CITESOURCE_SEARCHES.values()) + list(CITESOURCE_STAGES.values())
    result = deduplicate(records, {"databases": {database: {} for database in databases}})
    members: dict[str, list[int]] = {}
    for index, record_id in enumerate(records["record_id"]):
        members.setdefault(result.record_to_work[record_id], []).append(index)
    rows = []
    screened: dict[str, bool] = {}
    final: dict[str, bool] = {}
    for work_id, indexes in members.items():
        found = records.iloc[indexes]
        searched = found[found["database"].isin(CITESOURCE_SEARCHES.values())]
        if searched.empty:
            continue  # a screened record with no database record: not part of the search (none in this data)
        searched = searched.assign(_rank=searched["database"].map(databases.index)).sort_values(["_rank", "record_id"])
        row = {"work_id": work_id}
        for column in ("title", "abstract", "keywords"):
            values = [value for value in searched[column].fillna("") if value]
            row[column] = values[0] if values else ""
        rows.append(row)
        screened[work_id] = bool((found["database"] == "screened").any())
        final[work_id] = bool((found["database"] == "final").any())
    texts = work_texts(pd.DataFrame(rows))
    return [Dataset("citesource-wildfire", "title/abstract", texts, screened),
            Dataset("citesource-wildfire", "final inclusion", texts, final)]


def simulate(corpus: Corpus, truth: dict[str, bool], order: str, seed: int) -> Run:
    """One simulated screening: the works in the order read, the labels taken from ``truth``."""
    n_works, n_relevant = len(truth), sum(truth.values())
    targets = {95: math.ceil(0.95 * n_relevant), 100: n_relevant}
    labels: dict[str, bool] = {}
    found, read_at = 0, {}
    checkpoints = {math.ceil(share * n_works): share for share in RECALL_AT}
    recall: dict[float, float] = {}
    estimate_ratio = None
    fixed = rank_corpus(corpus, {}, seed).order if order == "random" else None
    while len(labels) < n_works:
        if fixed is not None:
            work_id = fixed[len(labels)]
        else:
            ranking = rank_corpus(corpus, labels, seed, classifier=order)
            work_id = ranking.order[0]
        labels[work_id] = truth[work_id]
        found += truth[work_id]
        for level, target in targets.items():
            if level not in read_at and found >= target:
                read_at[level] = len(labels)
        share = checkpoints.get(len(labels))
        if share is not None:
            recall[share] = found / n_relevant
            if share == 0.50 and fixed is None:
                left = n_relevant - found
                estimate = rank_corpus(corpus, labels, seed, classifier=order).expected_relevant_remaining
                estimate_ratio = estimate / left if left else None
        if len(read_at) == len(targets) and len(recall) == len(RECALL_AT):
            break  # everything measured: the rest of the order changes no figure
    return Run(read_at[95], read_at[100], tuple(recall[share] for share in RECALL_AT), estimate_ratio)


def _mean_sd(values: list[float]) -> str:
    if len(values) == 1:
        return f"{values[0]:.3f}"
    return f"{statistics.mean(values):.3f} ± {statistics.stdev(values):.3f}"


def _conditions() -> str:
    try:
        commit = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        commit = "unknown"
    import sklearn

    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return (f"# {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} cores, load {load}, "
            f"Python {platform.python_version()}, scikit-learn {sklearn.__version__}, commit {commit}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--seeds", type=int, default=10, help="simulations per dataset and order (seeds 0..n-1)")
    parser.add_argument("--datasets", nargs="+", default=["cryoneurolysis", "citesource-wildfire"],
                        choices=["cryoneurolysis", "citesource-wildfire"])
    parser.add_argument("--orders", nargs="+", default=list(ORDERS), choices=list(ORDERS))
    args = parser.parse_args(argv)
    print(_conditions())
    datasets: list[Dataset] = []
    if "cryoneurolysis" in args.datasets:
        datasets += cryoneurolysis()
    if "citesource-wildfire" in args.datasets:
        datasets += citesource_wildfire()
    header = ("| dataset | relevant = | works | relevant | order | read for 95% | WSS@95 | WSS@100 | "
              "recall @10% | @25% | @50% | est/true @50% | s/run |")
    print(header)
    print("| --- | --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for dataset in datasets:
        corpus = Corpus.of(dataset.texts)
        n_works, n_relevant = len(dataset.truth), sum(dataset.truth.values())
        for order in args.orders:
            started = time.perf_counter()
            runs = [simulate(corpus, dataset.truth, order, seed) for seed in range(args.seeds)]
            seconds = (time.perf_counter() - started) / len(runs)
            read95 = [run.read_95 / n_works for run in runs]
            wss95 = [1 - run.read_95 / n_works - 0.05 for run in runs]
            wss100 = [1 - run.read_100 / n_works for run in runs]
            recalls = [[run.recall_at[i] for run in runs] for i in range(len(RECALL_AT))]
            ratios = [run.estimate_ratio for run in runs if run.estimate_ratio is not None]
            ratio = f"{statistics.mean(ratios):.2f}" if ratios else "-"
            print(f"| {dataset.name} | {dataset.labels_from} | {n_works} | {n_relevant} | {order} | "
                  f"{_mean_sd(read95)} | {_mean_sd(wss95)} | {_mean_sd(wss100)} | "
                  + " | ".join(f"{statistics.mean(values):.2f}" for values in recalls)
                  + f" | {ratio} | {seconds:.2f} |")
    print(f"\n{args.seeds} seeds per row; read for 95% = share of the works read to find 95% of the relevant ones "
          "(mean ± sd over seeds); random = the seeded random order the app shows before it can learn.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Deduplication benchmark: pairwise quality, speed and memory of our deduplicate() against bib-dedupe.

For each labelled set (``records_pre_merged.csv`` + ``merged_record_ids.csv``, one true cluster per line, ids
joined by ``;``, unlisted ids are singletons) and each synthetic set, runs each tool in a fresh subprocess from the
same CSV file to clusters of record ids, and prints one row per tool: records, true and predicted works, pairwise
precision / recall / F1, false merges (and how many predicted clusters mix true works), missed duplicates,
seconds, records/second, peak memory and the speed ratio against bib-dedupe in the same run.

Our side calls only ``reviewflow.importing.citations.read_citation_table`` and
``reviewflow.dedup.run.deduplicate``; bib-dedupe (pinned in requirements-bibdedupe.txt) runs in its own virtualenv,
benchmarks/.venv-bibdedupe, created on first use, through its documented API: prep -> block -> match -> cluster.

    python benchmarks/bench_dedup.py                          # the four labelled sets, both tools
    python benchmarks/bench_dedup.py --sets stroke --list-errors 10
    python benchmarks/bench_dedup.py --synthetic 10000 100000 1000000
    python benchmarks/bench_dedup.py --sets all --synthetic 10000 --no-peer
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE.parents[1] / "shared" / "fixtures" / "dedup" / "CoLRev-Environment+bib-dedupe" / "data"
LABELLED_SETS = ["stroke", "haematology", "cytology_screening", "special_cases"]
PEER_VENV = HERE / ".venv-bibdedupe"
PEER_REQUIREMENTS = HERE / "requirements-bibdedupe.txt"
SYNTHETIC_CACHE = Path(tempfile.gettempdir()) / "reviewflow-dedup-bench"
OURS, PEER = "reviewflow", "bib-dedupe"
RECORDS_FILE, TRUTH_FILE = "records_pre_merged.csv", "merged_record_ids.csv"
SHOWN_FIELDS = ["title", "author", "year", "journal", "booktitle", "volume", "number", "issue", "pages", "doi"]

# Each tool runs in a fresh interpreter so its peak resident memory (ru_maxrss) is its own; both children start
# the clock after their imports and stop it when they hold clusters of record ids.
_OUR_CHILD = textwrap.dedent(
    """
    import json, resource, sys, time
    from pathlib import Path
    source, out, want_pairs = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3] == "1"
    from reviewflow.importing.citations import read_citation_table
    from reviewflow.dedup.run import deduplicate
    start = time.perf_counter()
    records = read_citation_table(source)
    result = deduplicate(records, {"databases": {"citations": {}}})
    clusters = [[i.strip() for i in str(m).split(";") if i.strip()] for m in result.works["member_record_ids"]]
    seconds = time.perf_counter() - start
    usage = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    # after the measurement: every candidate pair with its scores, rule and verdict, for --list-errors
    pairs = getattr(result, "pairs", None)
    if want_pairs and pairs is not None and {"record_id_a", "record_id_b"} <= set(pairs.columns):
        pairs.to_csv(out.parent / "pairs.csv", index=False, float_format="%.3f")
    out.write_text(json.dumps({"records": len(records), "clusters": [c for c in clusters if len(c) > 1],
                               "seconds": seconds, "peak_mb": usage / 1024, "notes": ""}))
    """
)
_PEER_CHILD = textwrap.dedent(
    """
    import json, resource, sys, time
    from pathlib import Path
    source, out, cpu = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[4])
    import pandas as pd
    from bib_dedupe.bib_dedupe import block, cluster, match, prep
    start = time.perf_counter()
    records = pd.read_csv(source, dtype=str, keep_default_na=False)
    prepared = prep(records, verbosity_level=0, cpu=cpu)
    candidates = block(prepared, verbosity_level=0, cpu=cpu)
    matched = match(candidates, verbosity_level=0, cpu=cpu)
    clusters = [[str(i) for i in c] for c in cluster(matched, verbosity_level=0)]
    seconds = time.perf_counter() - start
    usage = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    notes = ""
    if "duplicate_label" in matched.columns:
        maybe = int((matched["duplicate_label"] == "maybe").sum())
        notes = f"{maybe} maybe pairs left for manual review (not merged)" if maybe else ""
    out.write_text(json.dumps({"records": len(records), "clusters": [c for c in clusters if len(c) > 1],
                               "seconds": seconds, "peak_mb": usage / 1024, "notes": notes}))
    """
)

# Linux carries a process's peak resident size across fork and exec into the child's ru_maxrss, so a child started
# by this script once it holds a large set would report the script's own peak. Every measured child is therefore
# started by this launcher, started first while the script is still small.
_LAUNCHER = textwrap.dedent(
    """
    import json, subprocess, sys
    for line in sys.stdin:
        job = json.loads(line)
        try:
            done = subprocess.run(job["command"], capture_output=True, text=True, timeout=job["timeout"],
                                  env=job["env"], cwd=job["cwd"])
            reply = {"returncode": done.returncode, "stderr": done.stderr[-5000:]}
        except subprocess.TimeoutExpired:
            reply = {"returncode": None, "stderr": ""}
        print(json.dumps(reply), flush=True)
    """
)


class Launcher:
    """A small long-lived process that runs commands for the benchmark (see _LAUNCHER)."""

    def __init__(self) -> None:
        self.process = subprocess.Popen([sys.executable, "-c", _LAUNCHER], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, text=True)

    def run(self, command: list[str], *, timeout: float, env: dict[str, str], cwd: str) -> tuple[int | None, str]:
        """(exit code or None on time-out, the end of its standard error)."""
        assert self.process.stdin is not None and self.process.stdout is not None
        job = {"command": command, "timeout": timeout, "env": env, "cwd": cwd}
        self.process.stdin.write(json.dumps(job) + "\n")
        self.process.stdin.flush()
        reply = json.loads(self.process.stdout.readline())
        return reply["returncode"], reply["stderr"]

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        self.process.wait()


@dataclass
class Dataset:
    name: str
    folder: Path
    run_peer: bool = True
    peer_skip_reason: str = ""


@dataclass
class Run:
    """What one tool produced on one set (or why it produced nothing)."""

    tool: str
    clusters: list[list[str]] = field(default_factory=list)
    seconds: float = 0.0
    peak_mb: float = 0.0
    pairs_csv: Path | None = None  # our result.pairs, when --list-errors asked for it
    notes: str = ""
    error: str = ""


@dataclass
class Score:
    records: int
    true_works: int
    predicted_works: int
    true_pairs: int
    predicted_pairs: int
    true_positives: int
    impure_clusters: int

    @property
    def precision(self) -> float | None:
        return self.true_positives / self.predicted_pairs if self.predicted_pairs else None

    @property
    def recall(self) -> float | None:
        return self.true_positives / self.true_pairs if self.true_pairs else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if r is None:
            return None
        if not p or not r:
            return 0.0
        return 2 * p * r / (p + r)

    @property
    def false_merges(self) -> int:
        return self.predicted_pairs - self.true_positives

    @property
    def missed(self) -> int:
        return self.true_pairs - self.true_positives


# ------------------------------------------------------------------------------------------------ inputs ---
def read_ids(path: Path) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        column = "record_id" if reader.fieldnames and "record_id" in reader.fieldnames else "ID"
        return [row[column] for row in reader]


def read_truth(path: Path) -> list[list[str]]:
    """True clusters: one line each, ids joined by ``;``; the ``merged_ids`` header line is skipped."""
    clusters = []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.reader(handle):
            if not row or row[0].strip() in ("", "merged_ids"):
                continue
            ids = [i.strip() for i in row[0].split(";") if i.strip()]
            if len(ids) > 1:
                clusters.append(ids)
    return clusters


def read_rows(path: Path, wanted: set[str]) -> dict[str, dict[str, str]]:
    """The raw CSV rows of the wanted ids, for showing errors side by side."""
    rows = {}
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        column = "record_id" if reader.fieldnames and "record_id" in reader.fieldnames else "ID"
        for row in reader:
            if row[column] in wanted:
                rows[row[column]] = row
    return rows


def synthetic_set(size: int, seed: int) -> Path:
    """Generated set of ``size`` records, cached under the temp folder by size, seed and generator version."""
    sys.path.insert(0, str(HERE))
    import generate_duplicates  # a sibling script, not a package

    folder = SYNTHETIC_CACHE / f"synthetic-v{generate_duplicates.GENERATOR_VERSION}-seed{seed}-{size}"
    if not ((folder / RECORDS_FILE).exists() and (folder / TRUTH_FILE).exists()):
        log(f"generating {size} synthetic records into {folder} ...")
        start = time.perf_counter()
        generate_duplicates.write(folder, size, seed)
        log(f"  done in {time.perf_counter() - start:.1f} s")
    return folder


# ------------------------------------------------------------------------------------------------- tools ---
def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _last_lines(text: str, count: int = 3) -> str:
    lines = [line.strip() for line in (text or "").strip().splitlines() if line.strip()]
    return " | ".join(lines[-count:]) if lines else "no output"


def ensure_peer(peer_python: str | None) -> tuple[str | None, str]:
    """(python of an environment with bib-dedupe, its version) or (None, why it is not available)."""
    try:
        return _ensure_peer(peer_python)
    except OSError as problem:
        return None, f"{type(problem).__name__}: {problem}"


def _ensure_peer(peer_python: str | None) -> tuple[str | None, str]:
    if peer_python:
        python = Path(peer_python)
    else:
        python = PEER_VENV / "bin" / "python"
        if not python.exists():
            base = shutil.which("python3") or sys.executable
            log(f"creating {PEER_VENV} with {base} -m venv and installing {PEER_REQUIREMENTS.name} ...")
            made = subprocess.run([base, "-m", "venv", str(PEER_VENV)], capture_output=True, text=True)
            if made.returncode != 0:
                return None, f"venv creation failed: {_last_lines(made.stderr)}"
    check = [str(python), "-c", "import importlib.metadata as m, bib_dedupe.bib_dedupe; print(m.version('bib-dedupe'))"]
    probe = subprocess.run(check, capture_output=True, text=True)
    if probe.returncode != 0 and not peer_python:
        log(f"installing bib-dedupe into {PEER_VENV} ...")
        installed = subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                                    "-r", str(PEER_REQUIREMENTS)], capture_output=True, text=True)
        if installed.returncode != 0:
            return None, f"pip install failed: {_last_lines(installed.stderr)}"
        probe = subprocess.run(check, capture_output=True, text=True)
    if probe.returncode != 0:
        return None, f"bib_dedupe not importable with {python}: {_last_lines(probe.stderr)}"
    return str(python), probe.stdout.strip()


def run_tool(launcher: Launcher, tool: str, python: str, records_csv: Path, work: Path, *, want_pairs: bool,
             peer_cpu: int, timeout: float) -> Run:
    """Run one tool on one set in a fresh process; its outputs go to the empty folder ``work``."""
    child = _OUR_CHILD if tool == OURS else _PEER_CHILD
    env = dict(os.environ)
    if tool == OURS:  # our package from this checkout, whether or not it is installed in the interpreter
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(HERE.parent / "src"), env.get("PYTHONPATH", "")]))
    work.mkdir(parents=True)
    out = work / "result.json"
    command = [python, "-c", child, str(records_csv), str(out), "1" if want_pairs else "0", str(peer_cpu)]
    returncode, stderr = launcher.run(command, timeout=timeout, env=env, cwd=str(work))
    if returncode is None:
        return Run(tool, error=f"timed out after {timeout:.0f} s")
    if returncode != 0 or not out.exists():
        return Run(tool, error=f"exit {returncode}: {_last_lines(stderr, 1)}")
    data = json.loads(out.read_text())
    pairs_csv = work / "pairs.csv"
    return Run(tool, clusters=data["clusters"], seconds=data["seconds"], peak_mb=data["peak_mb"],
               pairs_csv=pairs_csv if pairs_csv.exists() else None, notes=data["notes"])


def describe_pairs(pairs_csv: Path | None, wanted: set[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """``column=value ...`` (scores, rule, verdict) of the wanted pairs found in our ``result.pairs``."""
    found: dict[tuple[str, str], str] = {}
    if pairs_csv is None:
        return found
    with pairs_csv.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            a, b = row.pop("record_id_a"), row.pop("record_id_b")
            key = (a, b) if (a, b) in wanted else (b, a) if (b, a) in wanted else None
            if key:
                found[key] = " ".join(f"{c}={v}" for c, v in row.items() if v not in ("", "nan", "None"))
    return found


# ------------------------------------------------------------------------------------------------ scoring ---
def partition(ids: list[str], clusters: list[list[str]]) -> dict[str, int]:
    """Record id -> predicted cluster number; overlapping clusters are joined, unknown ids rejected."""
    known = {record_id: position for position, record_id in enumerate(ids)}
    parent = list(range(len(ids)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    unknown = [i for c in clusters for i in c if i not in known]
    if unknown:
        raise ValueError(f"{len(unknown)} clustered ids are not in the records, e.g. {unknown[:3]}")
    for c in clusters:
        first = find(known[c[0]])
        for other in c[1:]:
            root = find(known[other])
            if root != first:
                parent[root] = first
    return {record_id: find(position) for record_id, position in known.items()}


def score(ids: list[str], truth: dict[str, int], predicted: dict[str, int]) -> Score:
    def pairs(sizes: Counter) -> int:
        return sum(k * (k - 1) // 2 for k in sizes.values())

    true_sizes, predicted_sizes = Counter(truth.values()), Counter(predicted.values())
    joint = Counter((predicted[i], truth[i]) for i in ids)
    labels_per_cluster = Counter(p for p, _ in joint)
    return Score(records=len(ids), true_works=len(true_sizes), predicted_works=len(predicted_sizes),
                 true_pairs=pairs(true_sizes), predicted_pairs=pairs(predicted_sizes), true_positives=pairs(joint),
                 impure_clusters=sum(1 for n in labels_per_cluster.values() if n > 1))


def error_pairs(ids: list[str], group_of: dict[str, int], other: dict[str, int], limit: int) -> list[tuple[str, str]]:
    """Up to ``limit`` pairs in the same ``group_of`` cluster but different ``other`` clusters, taking one pair
    per cluster first so a single large cluster does not fill the list."""
    groups: dict[int, list[str]] = {}
    for record_id in ids:
        groups.setdefault(group_of[record_id], []).append(record_id)
    def split_pairs(members: list[str]) -> Iterator[tuple[str, str]]:
        for n, a in enumerate(members):
            for b in members[n + 1:]:
                if other[a] != other[b]:
                    yield a, b

    per_group = []
    for members in groups.values():
        if len(members) > 1 and len({other[m] for m in members}) > 1:
            per_group.append(list(islice(split_pairs(sorted(members)), limit)))
    per_group.sort(key=lambda found: found[0])
    chosen: list[tuple[str, str]] = []
    depth = 0
    while len(chosen) < limit and any(depth < len(found) for found in per_group):
        chosen += [found[depth] for found in per_group if depth < len(found)][: limit - len(chosen)]
        depth += 1
    return chosen


# ----------------------------------------------------------------------------------------------- printing ---
HEADER = [
    # (title line 1, title line 2, width)
    ("set", "", 18), ("tool", "", 10), ("records", "", 8), ("true", "works", 7), ("pred.", "works", 7),
    ("prec.", "", 6), ("recall", "", 6), ("F1", "", 6), ("false", "merges", 7), ("mixed", "clusters", 8),
    ("missed", "dups", 7), ("seconds", "", 8), ("rec/s", "", 8), ("peak", "MB", 6), ("speed", "vs peer", 7),
]


def _cells(values: list[str]) -> str:
    parts = [value.ljust(width) if column < 2 else value.rjust(width)
             for column, ((_, _, width), value) in enumerate(zip(HEADER, values, strict=True))]
    return " ".join(parts).rstrip()


def print_header() -> None:
    print(_cells([h[0] for h in HEADER]))
    print(_cells([h[1] for h in HEADER]))
    print("-" * (sum(h[2] for h in HEADER) + len(HEADER) - 1))


def _ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.4f}"


def print_row(name: str, run: Run, result: Score | None, speed: str) -> None:
    if result is None:
        print(f"{name:<18} {run.tool:<10} {run.error}", flush=True)
        return
    rate = result.records / run.seconds if run.seconds > 0 else float("inf")
    print(_cells([
        name, run.tool, str(result.records), str(result.true_works), str(result.predicted_works),
        _ratio(result.precision), _ratio(result.recall), _ratio(result.f1), str(result.false_merges),
        str(result.impure_clusters), str(result.missed), f"{run.seconds:.2f}", f"{rate:.0f}", f"{run.peak_mb:.0f}",
        speed,
    ]), flush=True)


def show_pairs(kind: str, set_name: str, pairs: list[tuple[str, str]], rows: dict[str, dict[str, str]],
               described_pairs: dict[tuple[str, str], str], total: int) -> None:
    width = 58
    print(f"\n== {set_name}: {kind} of {OURS} ({len(pairs)} of {total} pairs shown; "
          f"'=' same, '~' different) ==")
    for number, (a, b) in enumerate(pairs, start=1):
        described = described_pairs.get((a, b))
        if described:
            how = f"candidate pair: {described}"
            if kind == "false merges" and "verdict=duplicate" not in described:
                how += " -- so joined through other records of the cluster"
        elif kind == "false merges":
            how = "not a candidate pair itself: joined through other records of the cluster"
        else:
            how = "never compared (not a candidate pair)"
        print()
        for line_number, line in enumerate(textwrap.wrap(how, 118, subsequent_indent="    ")):
            print(f"[{number}] {line}" if line_number == 0 else line)
        print(f"  {'':9} {a:<{width}} | {b}")
        left, right = rows.get(a, {}), rows.get(b, {})
        for name in SHOWN_FIELDS:
            va, vb = (left.get(name) or "").strip(), (right.get(name) or "").strip()
            if name not in left and name not in right:
                continue
            if not va and not vb and name in ("booktitle", "issue", "number"):
                continue
            wa = textwrap.wrap(va, width)[:4] or [""]
            wb = textwrap.wrap(vb, width)[:4] or [""]
            mark = " " if not (va and vb) else "=" if va.lower() == vb.lower() else "~"
            for line in range(max(len(wa), len(wb))):
                label = f"{name:<8}{mark}" if line == 0 else ""
                la = wa[line] if line < len(wa) else ""
                lb = wb[line] if line < len(wb) else ""
                print(f"  {label:9} {la:<{width}} | {lb}")


# --------------------------------------------------------------------------------------------------- main ---
def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sets", nargs="+", metavar="SET",
                        help=f"labelled sets to run: {', '.join(LABELLED_SETS)} or 'all' (default: all, unless "
                             "--synthetic is given, then none)")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder holding the labelled sets")
    parser.add_argument("--synthetic", nargs="+", type=int, default=[], metavar="N",
                        help=f"also run on generated sets of N records (cached under {SYNTHETIC_CACHE})")
    parser.add_argument("--seed", type=int, default=None, help="seed of the synthetic sets (generator default)")
    parser.add_argument("--no-peer", action="store_true", help="do not run bib-dedupe")
    parser.add_argument("--peer-python", help="python of an environment that has bib-dedupe (default: "
                                              "benchmarks/.venv-bibdedupe, created when missing)")
    parser.add_argument("--peer-synthetic", type=int, default=10_000, metavar="N",
                        help="run bib-dedupe on synthetic sets of at most N records (default %(default)s)")
    parser.add_argument("--peer-cpu", type=int, default=-1,
                        help="bib-dedupe's cpu argument (default -1: the library picks)")
    parser.add_argument("--list-errors", type=int, default=0, metavar="N",
                        help="print N false-merge and N missed pairs of our tool per set, side by side")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds allowed per tool and set")
    args = parser.parse_args()
    launcher = Launcher()  # first, while this process is small
    try:
        return benchmark(parser, args, launcher)
    finally:
        launcher.close()


def benchmark(parser: argparse.ArgumentParser, args: argparse.Namespace, launcher: Launcher) -> int:
    names = args.sets if args.sets is not None else ([] if args.synthetic else ["all"])
    if "all" in names:
        names = LABELLED_SETS
    datasets = []
    for name in names:
        folder = args.data / name
        if not (folder / RECORDS_FILE).exists() or not (folder / TRUTH_FILE).exists():
            parser.error(f"no labelled set {name!r} under {args.data} (needs {RECORDS_FILE} and {TRUTH_FILE})")
        datasets.append(Dataset(name, folder))
    seed = args.seed
    if seed is None:
        sys.path.insert(0, str(HERE))
        import generate_duplicates

        seed = generate_duplicates.DEFAULT_SEED
    for size in args.synthetic:
        allowed = size <= args.peer_synthetic
        datasets.append(Dataset(f"synthetic-{size}", synthetic_set(size, seed), allowed,
                                "" if allowed else f"skipped: over --peer-synthetic {args.peer_synthetic} records"))

    peer_python, peer_info = (None, "skipped (--no-peer)") if args.no_peer else ensure_peer(args.peer_python)
    print(f"deduplication benchmark  {time.strftime('%Y-%m-%d %H:%M')}  {platform.node()}  "
          f"{os.cpu_count()} cpus  python {platform.python_version()}")
    print(f"ours: {OURS}.dedup.deduplicate via {sys.executable}")
    if peer_python:
        print(f"peer: bib-dedupe {peer_info} (prep -> block -> match -> cluster, cpu={args.peer_cpu}) "
              f"via {peer_python}")
    else:
        print(f"peer: bib-dedupe unavailable: {peer_info}")
    print("pairs are unordered record pairs inside one cluster; 'mixed clusters' = predicted clusters holding "
          "records of >1 true work;\nseconds = CSV file to clusters in a fresh process; speed vs peer = "
          "bib-dedupe seconds / our seconds (>1: ours faster)\n")
    print_header()

    listings = []
    notes = []
    work = Path(tempfile.mkdtemp(prefix="bench-dedup-"))
    try:
        for dataset in datasets:
            listing = run_set(launcher, args, dataset, peer_python, peer_info, work, notes)
            if listing:
                listings.append(listing)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if notes:
        print("\nnotes:")
        for note in notes:
            print(f"  {note}")
    for set_name, false_merges, missed, rows, described, result in listings:
        show_pairs("false merges", set_name, false_merges, rows, described, result.false_merges)
        show_pairs("missed duplicates", set_name, missed, rows, described, result.missed)
    return 0


def run_set(launcher: Launcher, args: argparse.Namespace, dataset: Dataset, peer_python: str | None,
            peer_info: str, work: Path, notes: list[str]) -> tuple | None:
    """Runs the tools on one set and prints their rows; returns what --list-errors shows for it, if asked."""
    records_csv = dataset.folder / RECORDS_FILE
    ids = read_ids(records_csv)
    truth = partition(ids, read_truth(dataset.folder / TRUTH_FILE))
    runs: list[Run] = []
    log(f"{dataset.name}: {OURS} ...")
    runs.append(run_tool(launcher, OURS, sys.executable, records_csv, work / f"{dataset.name}-ours",
                         want_pairs=args.list_errors > 0, peer_cpu=args.peer_cpu, timeout=args.timeout))
    if not args.no_peer:
        if not peer_python:
            runs.append(Run(PEER, error=f"unavailable: {peer_info}"))
        elif not dataset.run_peer:
            runs.append(Run(PEER, error=dataset.peer_skip_reason))
        else:
            log(f"{dataset.name}: {PEER} ...")
            runs.append(run_tool(launcher, PEER, peer_python, records_csv, work / f"{dataset.name}-peer",
                                 want_pairs=False, peer_cpu=args.peer_cpu, timeout=args.timeout))
    predictions: dict[str, dict[str, int]] = {}
    scores: dict[str, Score] = {}
    for run in runs:
        if run.error:
            continue
        try:
            predictions[run.tool] = partition(ids, run.clusters)
        except ValueError as problem:
            run.error = f"unusable output: {problem}"
            continue
        scores[run.tool] = score(ids, truth, predictions[run.tool])
        if run.notes:
            notes.append(f"{dataset.name} / {run.tool}: {run.notes}")
    seconds = {run.tool: run.seconds for run in runs if run.tool in scores}
    for run in runs:
        speed = ""
        if run.tool == OURS and OURS in seconds and PEER in seconds and seconds[OURS] > 0:
            speed = f"{seconds[PEER] / seconds[OURS]:.2f}x"
        print_row(dataset.name, run, scores.get(run.tool), speed)
    if args.list_errors <= 0 or OURS not in predictions:
        return None
    false_merges = error_pairs(ids, predictions[OURS], truth, args.list_errors)
    missed = error_pairs(ids, truth, predictions[OURS], args.list_errors)
    rows = read_rows(records_csv, {i for pair in false_merges + missed for i in pair})
    described = describe_pairs(runs[0].pairs_csv, set(false_merges + missed))
    return dataset.name, false_merges, missed, rows, described, scores[OURS]


if __name__ == "__main__":
    sys.exit(main())

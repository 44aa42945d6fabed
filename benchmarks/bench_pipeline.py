"""Whole-pipeline scale benchmark: raw exports of four databases to the screening sheet, time and memory per stage.

For each size it generates (or takes from the cache) realistic exports with ``pipeline_exports.py`` (PubMed
MEDLINE, Scopus CSV, Embase RIS, Web of Science tagged; abstracts of real length; cross-database duplicates),
makes a review project with ``reviewflow init`` whose search log reports exactly those hits, and runs the stages
the workflow runs up to ``results/awaiting_screening.csv`` with the commands its Snakemake rules run (import,
dedup, eligibility, screen with ``--draft`` so the sheet is written and the stage ends with status 0). Every stage
runs in its own process, started by a small launcher process so that its peak resident memory
(``ru_maxrss`` of the reaped child) is its own and not this script's. Targets (issue 11): 100,000 records in
< 60 s and < 2 GiB peak; 1,000,000 in < 10 min and < 8 GiB.

    python benchmarks/bench_pipeline.py                    # 10,000 and 100,000 records
    python benchmarks/bench_pipeline.py --sizes 1000000 --timeout 900

The table goes to standard output, progress to standard error. The script always exits 0: a stage that fails or
exceeds ``--timeout`` gets a row with the reason, and the later stages of that size are skipped.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import pipeline_exports  # noqa: E402

CACHE = Path(os.environ.get("TMPDIR", tempfile.gettempdir())) / "reviewflow-pipeline-bench"
CONFIG = "config/review.yaml"
# The stages up to the screening sheet, as the rules in src/reviewflow/workflow/rules/ run them.
STAGES: list[tuple[str, list[str]]] = [
    ("import", ["import", "--config", CONFIG, "--records", "results/records.csv", "--report",
                "results/import_report.json", "--raw", "results/records_raw.jsonl"]),
    ("dedup", ["dedup", "--config", CONFIG, "--records", "results/records.csv", "--overrides",
               "data/dedup/overrides.csv", "--ledger", "data/identity/ledger.csv", "--id-history",
               "data/identity/id_changes.csv", "--works", "results/works.csv", "--pairs", "results/dedup_pairs.csv",
               "--review", "results/dedup_review.csv", "--id-changes", "results/work_id_changes.csv"]),
    ("eligibility", ["eligibility", "--config", CONFIG, "--works", "results/works.csv", "--out",
                     "results/auto_excluded.csv"]),
    ("screening", ["screen", "--config", CONFIG, "--works", "results/works.csv", "--auto-excluded",
                   "results/auto_excluded.csv", "--decisions", "data/screening", "--out", "results/screening.csv",
                   "--awaiting", "results/awaiting_screening.csv", "--id-changes", "results/work_id_changes.csv",
                   "--id-conflicts", "results/id_conflicts.csv", "--draft"]),
]
# Rows each stage writes, counted after it ran (the generated fields hold no line breaks).
OUTPUT_ROWS = {"import": "results/records.csv", "dedup": "results/works.csv",
               "eligibility": "results/auto_excluded.csv", "screening": "results/awaiting_screening.csv"}

_LAUNCHER = textwrap.dedent(
    """
    import json, os, signal, subprocess, sys, time
    timeout, cwd, command = float(sys.argv[1]), sys.argv[2], sys.argv[3:]
    start = time.perf_counter()
    child = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                             start_new_session=True)
    try:
        _, stderr = child.communicate(timeout=timeout)
        timed_out = False
    except subprocess.TimeoutExpired:
        os.killpg(child.pid, signal.SIGKILL)
        _, stderr = child.communicate()
        timed_out = True
    seconds = time.perf_counter() - start
    import resource
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(json.dumps({"rc": child.returncode, "seconds": seconds, "peak_mib": peak_kib / 1024,
                      "timed_out": timed_out, "stderr": stderr.decode("utf-8", "replace")[-2000:]}))
    """
)


def exports_for(size: int, seed: int) -> tuple[Path, dict[str, int]]:
    """The cached exports of ``size`` records, generated first when missing."""
    folder = CACHE / f"gen{pipeline_exports.GENERATOR_VERSION}-seed{seed}" / str(size)
    counts = folder / "counts.json"
    if not counts.exists():
        shutil.rmtree(folder, ignore_errors=True)
        print(f"generating {size} records into {folder} ...", file=sys.stderr)
        start = time.perf_counter()
        subprocess.run([sys.executable, str(HERE / "pipeline_exports.py"), str(size), "--out", str(folder),
                        "--seed", str(seed)], check=True, stdout=subprocess.DEVNULL)
        print(f"  generated in {time.perf_counter() - start:.0f} s", file=sys.stderr)
    return folder, json.loads(counts.read_text(encoding="utf-8"))


def make_project(project: Path, exports: Path, counts: dict[str, int], reviewflow: list[str]) -> None:
    """A project from ``reviewflow init`` whose raw folders are the cached exports and whose search log
    reports their hits."""
    subprocess.run([*reviewflow, "init", str(project), "--title", "Scale benchmark", "--question",
                    "Does the pipeline scale?", "--databases", ",".join(pipeline_exports.DATABASES),
                    "--years", "2000-2024", "--author", "Benchmark"], check=True, stdout=subprocess.DEVNULL,
                   stdin=subprocess.DEVNULL)
    for database in pipeline_exports.DATABASES:
        raw = project / "data" / "raw" / database
        shutil.rmtree(raw)
        raw.symlink_to(exports / database, target_is_directory=True)
    log_path = project / "data" / "search_log.yaml"
    search_log = yaml.safe_load(log_path.read_text(encoding="utf-8"))
    for database, entry in search_log["searches"].items():
        entry.update(date_searched="2025-01-15", query="(synthetic) cryoneurolysis OR pain",
                     hits_reported=counts[database])
    log_path.write_text(yaml.safe_dump(search_log, sort_keys=False), encoding="utf-8")


def run_stage(command: list[str], cwd: Path, timeout: float) -> dict:
    launched = subprocess.run([sys.executable, "-c", _LAUNCHER, str(timeout), str(cwd), *command],
                              capture_output=True, text=True, check=True)
    return json.loads(launched.stdout)


def _rows(path: Path) -> int:
    with path.open("rb") as handle:
        return max(sum(1 for _ in handle) - 1, 0)


def conditions() -> str:
    """What the numbers depend on: machine, load, interpreter, code version."""
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    memory = ""
    with open("/proc/meminfo", encoding="utf-8") as handle:
        info = dict(line.split(":", 1) for line in handle)
        memory = f"{int(info['MemTotal'].split()[0]) / 2**20:.0f} GiB total, " \
                 f"{int(info['MemAvailable'].split()[0]) / 2**20:.0f} GiB available"
    commit = subprocess.run(["git", "-C", str(HERE), "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", str(HERE), "status", "--porcelain", "--", "../src"], capture_output=True,
                           text=True).stdout.strip()
    return (f"# {time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores, {memory}, load {load}, "
            f"Python {platform.python_version()}, commit {commit}{' + uncommitted src changes' if dirty else ''}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--seed", type=int, default=pipeline_exports.DEFAULT_SEED)
    parser.add_argument("--timeout", type=float, default=900, help="seconds allowed to each stage")
    parser.add_argument("--keep", action="store_true", help="keep the projects (printed on standard error)")
    args = parser.parse_args()
    reviewflow = [sys.executable, "-m", "reviewflow"]

    print(conditions())
    print("| records | stage | seconds | peak MiB | records/s | rows out | note |")
    print("| ---: | --- | ---: | ---: | ---: | ---: | --- |")
    for size in args.sizes:
        CACHE.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f"pipeline-{size}-", dir=CACHE))
        project = work / "project"
        try:
            exports, counts = exports_for(size, args.seed)
            make_project(project, exports, counts, reviewflow)
        except (OSError, subprocess.CalledProcessError) as error:
            print(f"| {size} | setup | | | | | failed: {error} |", flush=True)
            shutil.rmtree(work, ignore_errors=True)
            continue
        total_seconds, peak = 0.0, 0.0
        finished = True
        for stage, command in STAGES:
            print(f"{size}: {stage} ...", file=sys.stderr)
            result = run_stage([*reviewflow, "--log", f"logs/{stage}.log", *command], project, args.timeout)
            total_seconds += result["seconds"]
            peak = max(peak, result["peak_mib"])
            note = ""
            if result["timed_out"]:
                note = f"stopped: over the {args.timeout:.0f} s limit"
            elif result["rc"] != 0:
                last = [line for line in result["stderr"].splitlines() if line.strip()]
                note = f"failed (exit {result['rc']}): {last[-1][:200] if last else 'no message'}"
            rows = _rows(project / OUTPUT_ROWS[stage]) if not note and (project / OUTPUT_ROWS[stage]).exists() else ""
            print(f"| {size} | {stage} | {result['seconds']:.1f} | {result['peak_mib']:.0f} | "
                  f"{size / result['seconds']:.0f} | {rows} | {note} |", flush=True)
            if note:
                finished = False
                break
        status = "" if finished else "incomplete"
        print(f"| {size} | **total** | {total_seconds:.1f} | {peak:.0f} | {size / total_seconds:.0f} | | {status} |",
              flush=True)
        if args.keep:
            print(f"project kept: {project}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

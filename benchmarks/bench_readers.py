"""Reader throughput and memory on generated large exports.

Prints, per format and size: records, seconds, records/second and peak resident memory of a fresh process that
only reads the file, for our reader and for the bare library it builds on (Bio.Medline, rispy) run the same way,
so the ratio holds on a noisy machine. Target (issue 4): >= 20,000 records/s for MEDLINE and RIS at 100,000
records, memory growing linearly with records.

    python benchmarks/bench_readers.py               # 25k, 50k, 100k records
    python benchmarks/bench_readers.py --sizes 10000
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

WORDS = [
    "cryoneurolysis", "cryoanalgesia", "nerve", "pain", "chronic", "knee", "shoulder", "ablation", "trial",
    "cohort", "ultrasound", "guided", "intercostal", "genicular", "occipital", "phantom", "limb", "outcome",
    "randomized", "retrospective", "analgesia",
]


def _title(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 16))).capitalize()


def _abstract(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(80, 200)))


def medline_text(n: int, seed: int = 1) -> str:
    """MEDLINE records shaped like PubMed's (wrapped title and abstract, several authors)."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        lines = [f"PMID- {30000000 + i}", "OWN - NLM", "STAT- MEDLINE", f"DP  - {rng.randint(1990, 2024)} Mar"]
        lines += textwrap.wrap("TI  - " + _title(rng), 80, subsequent_indent="      ")
        lines += [f"PG  - {rng.randint(1, 900)}-{rng.randint(1, 99)}", f"LID - 10.1000/j.x.{i} [doi]"]
        lines += textwrap.wrap("AB  - " + _abstract(rng), 80, subsequent_indent="      ")
        for _ in range(rng.randint(1, 8)):
            lines += [f"FAU - Surname{rng.randint(1, 999)}, Given", f"AU  - Surname{rng.randint(1, 999)} G"]
        lines += ["LA  - eng", "PT  - Journal Article", "TA  - Pain Med", "JT  - Pain medicine", ""]
        out.append("\n".join(lines))
    return "\n".join(out)


def ris_text(n: int, seed: int = 2) -> str:
    """RIS records shaped like Scopus's (one line per field, several authors and keywords)."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        lines = ["TY  - JOUR", f"TI  - {_title(rng)}", "T2  - Pain Medicine", "J2  - Pain Med.",
                 f"VL  - {rng.randint(1, 60)}", f"PY  - {rng.randint(1990, 2024)}", f"DO  - 10.1000/j.y.{i}"]
        lines += [f"AU  - Surname{rng.randint(1, 999)}, G." for _ in range(rng.randint(1, 8))]
        lines += [f"AB  - {_abstract(rng)}"] + [f"KW  - {rng.choice(WORDS)}" for _ in range(5)]
        lines += ["LA  - English", "DB  - Scopus", "ER  - ", ""]
        out.append("\n".join(lines))
    return "\n".join(out)


_CHILD = textwrap.dedent(
    """
    import json, resource, sys, time
    from pathlib import Path
    kind, path = sys.argv[1], Path(sys.argv[2])
    from Bio import Medline
    import rispy
    from reviewflow.importing.formats.detect import read_export
    start = time.perf_counter()
    if kind == "reviewflow":
        count = len(read_export(path)[1])
    elif kind == "Bio.Medline":
        with path.open(encoding="utf-8") as handle:
            count = sum(1 for _ in Medline.parse(handle))
    else:
        with path.open(encoding="utf-8") as handle:
            count = len(rispy.load(handle))
    seconds = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"count": count, "seconds": seconds, "peak_mb": peak_kb / 1024}))
    """
)


def measure(kind: str, path: Path) -> dict:
    result = subprocess.run([sys.executable, "-c", _CHILD, kind, str(path)], capture_output=True, text=True,
                            check=True)
    return json.loads(result.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[25_000, 50_000, 100_000])
    args = parser.parse_args()
    print(f"{'format':8} {'reader':12} {'records':>8} {'seconds':>8} {'rec/s':>9} {'peak MB':>8} {'vs peer':>8}")
    with tempfile.TemporaryDirectory() as tmp:
        for name, make, peer in (("medline", medline_text, "Bio.Medline"), ("ris", ris_text, "rispy")):
            for size in args.sizes:
                path = Path(tmp) / f"{name}-{size}.txt"
                path.write_text(make(size), encoding="utf-8")
                ours, theirs = measure("reviewflow", path), measure(peer, path)
                assert ours["count"] == theirs["count"] == size, (ours, theirs)
                for label, m in (("reviewflow", ours), (peer, theirs)):
                    ratio = f"{theirs['seconds'] / ours['seconds']:.2f}x" if label == "reviewflow" else ""
                    print(f"{name:8} {label:12} {size:8d} {m['seconds']:8.2f} {size / m['seconds']:9.0f} "
                          f"{m['peak_mb']:8.0f} {ratio:>8}")


if __name__ == "__main__":
    main()

"""A 50,000-record PubMed search replayed from a loopback E-utilities server: time and peak memory.

The server runs in its own process (so its memory is not counted) and answers from a synthetic index of MEDLINE
records of realistic length (title, ~1,500-character abstract, a dozen authors, MeSH terms) with entry dates, so
the search must split PubMed's 10,000-record window by date and page through it in batches. The search streams
each batch to the snapshot's temporary file; peak memory must not grow with the export.

    python benchmarks/bench_search.py [--records 50000] [--batch 1000] [--rate 10]
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from reviewflow.search.http import PoliteClient  # noqa: E402
from reviewflow.search.pubmed import PubMedClient, run_pubmed  # noqa: E402
from reviewflow.search.snapshot import SnapshotWriter, file_sha256  # noqa: E402

ESEARCH = ('<?xml version="1.0" encoding="UTF-8" ?>\n<!DOCTYPE eSearchResult PUBLIC "-//NLM//DTD esearch 20060628//EN" '
           '"https://eutils.ncbi.nlm.nih.gov/eutils/dtd/20060628/esearch.dtd">\n<eSearchResult><Count>{count}</Count>'
           '<RetMax>0</RetMax><RetStart>0</RetStart><QueryKey>1</QueryKey><WebEnv>{webenv}</WebEnv><IdList></IdList>'
           '<TranslationSet/></eSearchResult>\n')
WORDS = ["pain", "nerve", "cryoneurolysis", "chronic", "knee", "shoulder", "trial", "patients", "ablation",
         "ultrasound", "guided", "outcome", "follow", "month", "score", "analgesia", "randomized", "cohort", "effect",
         "treatment", "block", "temperature", "probe"]


def medline(pmid: int, rng: random.Random) -> str:
    """One synthetic MEDLINE record, about 3 kB like a real one with an abstract."""
    def words(n: int) -> str:
        return " ".join(rng.choice(WORDS) for _ in range(n))

    abstract = words(230)
    lines = [f"PMID- {pmid}", "OWN - NLM", "STAT- MEDLINE", f"DP  - {rng.randint(1990, 2025)} Mar",
             f"TI  - {words(14).capitalize()}.", f"PG  - {rng.randint(1, 900)}-{rng.randint(901, 999)}",
             f"LID - 10.1000/bench.{pmid} [doi]"]
    lines += ["AB  - " + abstract[i:i + 82] if i == 0 else "      " + abstract[i:i + 82]
              for i in range(0, len(abstract), 82)]
    lines += [f"FAU - Author{k}, Name{k}\nAU  - Author{k} N" for k in range(12)]
    lines += ["LA  - eng", "PT  - Journal Article", "TA  - Pain Med", "JT  - Pain medicine"]
    lines += [f"MH  - {words(2).title()}" for _ in range(10)]
    lines += [f"SO  - Pain Med. 2020;{rng.randint(1, 30)}:{rng.randint(1, 900)}."]
    return "\n".join(lines) + "\n"


def serve(count: int, port_queue: multiprocessing.Queue) -> None:
    rng = random.Random(12)
    first = date(2015, 1, 1)
    entries = [(40_000_000 + i, first + timedelta(days=i * 3650 // count)) for i in range(count)]
    records = {pmid: medline(pmid, rng).encode() for pmid, _ in entries}
    history: dict[str, list[int]] = {}

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_POST(self) -> None:  # noqa: N802
            params = {k: v[0] for k, v in parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode()
                                                   ).items()}
            if self.path.endswith("esearch.fcgi"):
                found = [p for p, d in entries if "mindate" not in params or
                         params["mindate"] <= d.strftime("%Y/%m/%d") <= params["maxdate"]]
                webenv = f"MCID_{len(history)}"
                history[webenv] = found
                body = ESEARCH.format(count=len(found), webenv=webenv).encode()
            else:
                found = history[params["WebEnv"]]
                start = int(params["retstart"])
                body = b"".join(b"\n" + records[p] for p in found[start:start + int(params["retmax"])])
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    port_queue.put(server.server_address[1])
    server.serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=50_000)
    parser.add_argument("--batch", type=int, default=1_000)
    parser.add_argument("--rate", type=float, default=10.0, help="requests per second (NCBI: 3, 10 with a key)")
    args = parser.parse_args()
    ports: multiprocessing.Queue = multiprocessing.Queue()
    server = multiprocessing.Process(target=serve, args=(args.records, ports), daemon=True)
    server.start()
    url = f"http://127.0.0.1:{ports.get(timeout=600)}/entrez/eutils/"
    with tempfile.TemporaryDirectory() as folder:
        export = Path(folder) / "pubmed-2026-01-01.txt"
        http = PoliteClient(url, rate=args.rate)
        tracemalloc.start()
        started = time.perf_counter()
        with SnapshotWriter(export) as writer:
            result = run_pubmed(PubMedClient(http), "benchmark[tiab]", date(2026, 1, 1), writer.write,
                                batch=args.batch)
            writer.commit({"export": {"sha256": writer.sha256}, "count_reported": result.count})
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        size = export.stat().st_size
        assert file_sha256(export) == writer.sha256 and result.records == args.records
    server.terminate()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{result.records:,} records in {len(result.slices)} entry-date slices, {len(http.responses)} requests "
          f"at <= {args.rate:g}/s, export {size / 1e6:.1f} MB")
    print(f"time {elapsed:.1f} s; peak Python memory {peak / 1e6:.1f} MB (largest batch body plus PMIDs seen); "
          f"peak RSS {rss:.0f} MB")


if __name__ == "__main__":
    main()

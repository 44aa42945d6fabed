"""Mutation sweep over real exports: how the import copes with damaged, re-encoded and concatenated files.

Twenty genuine exports from ../shared/fixtures/exports (every reader, several databases) each go through about
forty seeded mutations from ``tests/importing/mutations.py`` (truncation, re-encoding, line endings, duplicated records,
concatenation, binary data, NUL and invalid bytes, XML entity attacks); every case is imported as
``reviewflow import`` does and judged by ``tests/importing/mutation_runner.py``. Prints one table:

    python benchmarks/mutate_exports.py                 # the full sweep (~800 cases)
    python benchmarks/mutate_exports.py --seed 7 --list  # another seed, and every failing case listed
    python benchmarks/mutate_exports.py --all           # every text export under fixtures/ (cut to 15 records)

Columns: clear errors (an InputError naming the export and a line or record), correct imports (the records the
mutation implies, text intact, repairs warned about), warnings (imports that logged one), then the failures:
tracebacks, phantom and lost records, garbled titles or authors, silent repairs or cuts, refusals of a file that
should have been read, vague errors (not naming the export and a line), and attacks that were accepted.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from tests.importing.mutation_runner import PROBLEMS, describe, judge, load_original, run_import  # noqa: E402
from tests.importing.mutations import all_cases  # noqa: E402

FIXTURES = ROOT.parent / "shared" / "fixtures" / "exports"
# (path under fixtures/exports, records kept: large files are cut to their first records to keep the sweep fast)
EXPORTS: list[tuple[str, int | None]] = [
    ("mjwestgate+synthesisr/tests/testthat/testdata/PubMed_example.txt", None),
    ("asreview+citation-file-formatting/Datasets/RIS/_baseline_pubmed.ris", 20),
    ("zotero+translators/test-case-inputs/MEDLINEnbib__import8.nbib", None),
    ("biopython+biopython/Tests/Entrez/pubmed5.xml", None),
    ("biopython+biopython/Tests/Entrez/pubmed2.xml", None),
    ("camaradesuk+ASySD/tests/testthat/mendeley_export.xml", 25),
    ("mjwestgate+synthesisr/tests/testthat/testdata/Scopus_ris_example.ris", None),
    ("ESHackathon+CiteSource/vignettes/valid_data/WoS_79.ris", 20),
    ("asreview+citation-file-formatting/Datasets/RIS/_baseline_citavi.ris", 20),
    ("asreview+asreview/tests/demo_data/embase.ris", None),
    ("asreview+citation-file-formatting/Datasets/CSV/_baseline_scopus.csv", None),
    ("asreview+citation-file-formatting/Datasets/CSV/_baseline_embase.csv", None),
    ("asreview+citation-file-formatting/Datasets/CSV/_baseline_pubmed.csv", None),
    ("asreview+citation-file-formatting/Datasets/TSV/_baseline_refworks.tsv", 20),
    ("networks-lab+metaknowledge/docs/examples/savedrecs.txt", 12),
    ("zotero+translators/test-case-inputs/Web_of_Science_Tagged__import0.txt", None),
    ("zotero+translators/test-case-inputs/OVID_Tagged__import3.txt", None),
    ("knh11545+commandline4expertsearchers/test/data/Embase_citavi_r3001-3002.ovd", None),
    ("mjwestgate+synthesisr/tests/testthat/testdata/Scopus_bib_example.bib", None),
    ("camaradesuk+ASySD/tests/testthat/zotero_export.bib", 25),
]
COLUMNS = ("cases", "clear errors", "correct imports", "warnings", *PROBLEMS)


def every_export() -> list[tuple[str, int | None]]:
    """Every text export under the fixtures (not workbooks, not READMEs), each cut to its first 15 records."""
    paths = sorted(p for p in FIXTURES.rglob("*") if p.is_file() and p.suffix != ".xlsx" and p.name != "README.md")
    return [(p.relative_to(FIXTURES).as_posix(), 15) for p in paths]


def sweep(exports: list[tuple[str, int | None]], seed: int, listing: bool) -> Counter[str]:
    """Run every case of every export; returns the table's counts (per-file rows go to stderr)."""
    totals: Counter[str] = Counter()
    failures: list[str] = []
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        for number, (relative, keep) in enumerate(exports):
            source = FIXTURES / relative
            if not source.exists():
                print(f"skipped (not found): {source}", file=sys.stderr)
                continue
            original = load_original(relative, source.read_bytes(), work, keep)
            counts: Counter[str] = Counter()
            started = time.perf_counter()
            for index, case in enumerate(all_cases(original, seed + number, truncations_per_file=13)):
                path = work / f"case{index}{source.suffix}"
                outcome = run_import(case.data, path)
                problems = judge(case, outcome, original, path)
                counts["cases"] += 1
                if not problems:
                    counts["clear errors" if outcome.error is not None else "correct imports"] += 1
                    counts["warnings"] += bool(outcome.records is not None and outcome.warnings)
                counts.update(problems)
                if problems:
                    failures.append(f"{relative}: {describe(case, outcome, problems)}")
                path.unlink(missing_ok=True)
            totals.update(counts)
            print(f"{relative} [{original.fmt}, {len(original.records)} records]: {counts['cases']} cases, "
                  f"{sum(counts[p] for p in PROBLEMS)} problems, {time.perf_counter() - started:.1f} s",
                  file=sys.stderr)
    if listing:
        print("\n".join(failures), file=sys.stderr)
    return totals


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--list", action="store_true", help="list every failing case on stderr")
    parser.add_argument("--all", action="store_true", help="every export under the fixtures, not the chosen 20")
    args = parser.parse_args()
    if not FIXTURES.exists():
        print(f"no fixtures at {FIXTURES} (../shared sits beside the checkout)", file=sys.stderr)
        return
    started = time.perf_counter()
    exports = every_export() if args.all else EXPORTS
    totals = sweep(exports, args.seed, args.list)
    print("| " + " | ".join(COLUMNS) + " |")
    print("|" + "---|" * len(COLUMNS))
    print("| " + " | ".join(str(totals[c]) for c in COLUMNS) + " |")
    print(f"\nseed {args.seed}, {len(exports)} exports, {time.perf_counter() - started:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    main()

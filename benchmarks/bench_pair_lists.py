"""Our verdicts on hard record pairs from labelled searches that are not in ../shared.

bib-dedupe's repository publishes, for several labelled biomedical and information-systems searches (respiratory,
diabetes, neuroimaging, digital work, ...), the record pairs it got wrong: ``matches_FN_list.csv`` (true
duplicates it kept apart) and ``matches_FP_list.csv`` (different works it merged). Those pairs are the hard cases
of searches we never tuned on, so they show whether the rules generalise. The files are not shipped with this
project; put them as DIR/<set>/matches_FN_list.csv and DIR/<set>/matches_FP_list.csv and run

    .venv/bin/python benchmarks/bench_pair_lists.py DIR [--list]

For each file the script deduplicates all records of the file together and prints how many listed pairs ended
in one work: an FN list should be merged, an FP list kept apart. ``--list`` shows each pair we get "wrong" with
the rule that decided it. The labels behind these lists are the sets' own; some listed pairs are debatable
(a conference abstract and its article, two versions of a Cochrane review), so the wrong ones are worth reading
rather than counting. Titles and journal names in these files were already normalised by bib-dedupe (lower case,
stop words removed, journals abbreviated), so the pairs test our rules more than our normalisation.
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
from collections import OrderedDict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from reviewflow.dedup.run import deduplicate  # noqa: E402
from reviewflow.importing.citations import read_citation_table  # noqa: E402

CITATION_COLUMNS = ["record_id", "author", "title", "year", "journal", "volume", "number", "pages", "doi",
                    "abstract", "isbn"]


def read_pair_list(path: Path) -> tuple[dict[str, dict[str, str]], list[tuple[str, str]]] | None:
    """Records by id and the listed pairs whose two records the file holds; None when the file has no pair
    layout (``case`` and ``ID``)."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    if not rows or "case" not in rows[0] or "ID" not in rows[0]:
        return None
    id_column = "colrev_origin" if "colrev_origin" in rows[0] else "ID"  # one list numbers its rows in ID
    records: dict[str, dict[str, str]] = {}
    cases: OrderedDict[str, None] = OrderedDict()
    for row in rows:
        records[row[id_column]] = row
        cases[row["case"]] = None
    pairs = [tuple(case.split(";", 1)) for case in cases]
    # A pair is scored only when the file holds both of its records.
    return records, [(a, b) for a, b in pairs if a in records and b in records]


def write_citation_table(records: dict[str, dict[str, str]], path: Path) -> None:
    """The records in the citation-table layout ``reviewflow dedup`` reads (the lists' ``number`` is a row
    counter, not an issue, so it is left out)."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(CITATION_COLUMNS)
        for record_id, row in records.items():
            writer.writerow([record_id, row.get("author_full") or row.get("author", ""), row.get("title", ""),
                             row.get("year", ""), row.get("container_title", ""), row.get("volume", ""), "",
                             row.get("pages", ""), row.get("doi", ""), row.get("abstract", ""), ""])


def evaluate(path: Path, show: bool) -> str | None:
    parsed = read_pair_list(path)
    if parsed is None:
        return None
    records, pairs = parsed
    with tempfile.TemporaryDirectory() as folder:
        table = Path(folder) / "citations.csv"
        write_citation_table(records, table)
        result = deduplicate(read_citation_table(table), {"databases": {"citations": {}}})
    work = result.record_to_work
    decided = {}
    for row in result.pairs.itertuples(index=False):
        decided[(row.record_id_a, row.record_id_b)] = decided[(row.record_id_b, row.record_id_a)] = (
            f"{row.rule} ({row.verdict})")
    want_merged = "FN" in path.name
    merged = sum(work[a] == work[b] for a, b in pairs)
    lines = [f"{path.parent.name:14s} {path.name:26s} pairs {len(pairs):4d}  merged {merged:4d}  "
             f"{'(should be merged)' if want_merged else '(should stay apart)'}"]
    if show:
        for a, b in pairs:
            if (work[a] == work[b]) != want_merged:
                lines.append(f"    {'merged' if work[a] == work[b] else 'apart'}: "
                             f"{decided.get((a, b), 'never compared')}")
                for record_id in (a, b):
                    row = records[record_id]
                    lines.append(f"      {record_id} | {row.get('title', '')[:80]} | {row.get('year', '')} | "
                                 f"{(row.get('author_full') or row.get('author', ''))[:40]} | "
                                 f"{row.get('container_title', '')} {row.get('volume', '')} {row.get('pages', '')}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="DIR holding <set>/matches_FN_list.csv and matches_FP_list.csv")
    parser.add_argument("--list", action="store_true", help="show every pair we decide against the list")
    args = parser.parse_args()
    files = sorted(args.folder.glob("*/matches_F[NP]_list.csv"))
    if not files:
        sys.exit(f"no */matches_FN_list.csv or */matches_FP_list.csv under {args.folder}")
    for path in files:
        report = evaluate(path, args.list)
        print(report if report is not None else f"{path}: not a pair list (no 'case' and 'ID' columns), skipped")


if __name__ == "__main__":
    main()

"""Citation searching from the included studies (backward: what they cite; forward: what cites them), via OpenAlex.

PRISMA-S reports citation searching as a search of its own, so it is frozen like one: every OpenAlex answer that
holds works is written as received to one snapshot, ``data/raw/citations/citations-<date>.json``, which the
``openalex_json`` reader reads, and its provenance says which seed and which direction each request and each work
came from. Each seed (an included study's DOI or PMID) is first resolved to an OpenAlex work (``works/doi:...``,
then ``works/pmid:...``); a seed OpenAlex does not know is listed in the provenance and the summary, never dropped
in silence. Backward: the seed's ``referenced_works``, fetched in batches of up to 50 ids
(``filter=openalex:W1|W2|...``, the documented limit of an OR filter). Forward: ``filter=cites:<id>``, cursor-
paged. The answers of the look-ups themselves are not in the snapshot (the seeds are not hits); their sha256 and
what was read from them (the id, the references) are in the provenance.

The seed/direction of every work is kept inside the provenance (``hits``: work, seed, direction, sorted) rather
than in a CSV beside the snapshot: a file in ``data/raw/citations/`` would be read by the import as an export,
while a provenance file never is, and it is written in the same atomic step as the snapshot's sha256.
"""

from __future__ import annotations

import csv
import hashlib
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from reviewflow import __version__
from reviewflow.errors import InputError
from reviewflow.normalize import normalise_doi
from reviewflow.search import openalex
from reviewflow.search.http import PoliteClient
from reviewflow.search.paging import read_json
from reviewflow.search.provenance import check_bytes, read_provenance
from reviewflow.search.run import SearchOptions, _client
from reviewflow.search.snapshot import SnapshotWriter, snapshot_paths

DEFAULT_SEEDS = "results/studies.csv"
"""The included studies as the build writes them (the extraction stage), with their DOIs and PMIDs."""
FOLDER = Path("data/raw/citations")
OR_LIMIT = 50
"""Values one OpenAlex filter may join with ``|`` (documented)."""
DIRECTIONS = ("backward", "forward")
_LABELS = ("work_id", "study_label", "key", "record_id", "id")


@dataclass
class Seed:
    """One included study: its label (work id), DOI and PMID as the seeds file gives them, and its line."""

    label: str
    doi: str
    pmid: str
    line: int
    openalex_id: str | None = None
    resolved_by: str | None = None
    unresolved: str | None = None
    duplicate_of: str | None = None
    references: list[str] = field(default_factory=list)
    references_not_found: list[str] = field(default_factory=list)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)


def read_seeds(path: Path) -> list[Seed]:
    """The seeds file's studies (a CSV with a ``doi`` and/or ``pmid`` column), in order."""
    if not path.is_file():
        raise InputError("the seeds file does not exist", file=path,
                         expected="the included studies with their DOIs/PMIDs (results/studies.csv)",
                         hint="build the review first (`reviewflow build`), or name the file with --seeds")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    if not rows:
        raise InputError("the seeds file is empty", file=path, expected="a header and one row per included study")
    header = [name.strip().lower() for name in rows[0]]
    if "doi" not in header and "pmid" not in header:
        raise InputError("the seeds file has no doi or pmid column", file=path, line=1, field="doi, pmid",
                         expected="the included studies with their DOIs/PMIDs (results/studies.csv)")
    label_column = next((header.index(name) for name in _LABELS if name in header), None)
    seeds = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = dict(zip(header, row, strict=False))
        label = row[label_column].strip() if label_column is not None and label_column < len(row) else ""
        pmid = cells.get("pmid", "").strip()
        seeds.append(Seed(label or f"row {number}", normalise_doi(cells.get("doi", "")),
                          pmid if pmid.isdigit() else "", number))
    if not seeds:
        raise InputError("the seeds file lists no study", file=path, expected="one row per included study")
    return seeds


@dataclass
class CitationRun:
    """What a run found: the seeds (resolved or not), each work with the seed and direction it came from."""

    seeds: list[Seed]
    hits: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def records(self) -> int:
        return len(self.hits)

    @property
    def distinct(self) -> int:
        return len({work for work, _, _ in self.hits})


def resolve(http: PoliteClient, seed: Seed) -> None:
    """Find the seed's OpenAlex work by DOI, else by PMID; fills in its id and references, or why not."""
    tried = []
    for kind, value in (("doi", seed.doi), ("pmid", seed.pmid)):
        if not value:
            continue
        tried.append(f"{kind.upper()} {value}")
        try:
            body = http.get(f"works/{kind}:{quote(value, safe='/()')}", {})
        except InputError:
            if http.responses and http.responses[-1]["status"] == 404:
                continue  # OpenAlex does not know this identifier: try the next one
            raise
        work = read_json(body, f"seed {seed.label} ({kind} look-up)")
        seed.openalex_id = openalex.short_id(work.get("id"), f"seed {seed.label}")
        seed.resolved_by = kind
        refs = work.get("referenced_works") or []
        if not isinstance(refs, list):
            raise InputError(f"seed {seed.label}: referenced_works is not a list", expected="a list of work ids")
        seed.references = list(dict.fromkeys(openalex.short_id(ref, f"seed {seed.label}, references")
                                             for ref in refs))
        return
    seed.unresolved = (f"OpenAlex has no work with {' or '.join(tried)}" if tried else
                       "the seeds file gives no DOI or PMID")


def run_citations(http: PoliteClient, seeds: list[Seed], write: Callable[[bytes], None],
                  per_page: int = openalex.PER_PAGE_MAX) -> CitationRun:
    """Resolve every seed, then fetch its references and the works citing it; every list answer holding works
    goes to ``write`` in order. Stops with an InputError (nothing kept) when a result set changes while paged."""
    run = CitationRun(seeds)
    done: dict[str, str] = {}
    for seed in seeds:
        with _tagged(http, seed.label, "resolve"):
            resolve(http, seed)
        if seed.openalex_id is None:
            continue
        if seed.openalex_id in done:
            seed.duplicate_of = done[seed.openalex_id]  # two rows, one work: its citations are fetched once
            continue
        done[seed.openalex_id] = seed.label
        found: list[str] = []
        with _tagged(http, seed.label, "backward"):
            total = records = 0
            for start in range(0, len(seed.references), OR_LIMIT):
                batch = seed.references[start:start + OR_LIMIT]
                params = {"filter": "openalex:" + "|".join(batch)}
                count, got, _ = openalex.page_works(http, params, len(batch), f"seed {seed.label}, references",
                                                    _collect(write, found))
                total, records = total + count, records + got
            seed.references_not_found = sorted(set(seed.references) - set(found))
            seed.counts["backward"] = {"count_reported": total, "records": records}
        run.hits += [(work, seed.label, "backward") for work in found]
        found = []
        with _tagged(http, seed.label, "forward"):
            count, got, _ = openalex.page_works(http, {"filter": f"cites:{seed.openalex_id}"}, per_page,
                                                f"seed {seed.label}, citing works", _collect(write, found))
            seed.counts["forward"] = {"count_reported": count, "records": got}
        run.hits += [(work, seed.label, "forward") for work in found]
    return run


def _collect(write: Callable[[bytes], None], found: list[str]) -> Callable[[bytes], None]:
    """A writer that also notes the ids of the works each body holds (checked already by the pager)."""

    def collect(body: bytes) -> None:
        found.extend(openalex.parse_page(body, "citations").ids)
        write(body)

    return collect


@contextmanager
def _tagged(http: PoliteClient, seed: str, direction: str) -> Iterator[None]:
    """Marks the requests made inside the block with their seed and direction, for the provenance."""
    start = len(http.responses)
    try:
        yield
    finally:
        for entry in http.responses[start:]:
            entry.update({"seed": seed, "direction": direction})


def _utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def search_citations(root: Path, seeds_file: Path | str = DEFAULT_SEEDS, *, today: date | None = None,
                     options: SearchOptions | None = None) -> dict[str, Any]:
    """One citation search of the project at ``root``: the snapshot and its provenance written, a summary back."""
    options = options or SearchOptions()
    today = today or datetime.now(UTC).date()
    seeds_path = Path(seeds_file) if Path(seeds_file).is_absolute() else root / seeds_file
    seeds = read_seeds(seeds_path)
    per_page = openalex.check_batch(options.batch)
    export, provenance_file = snapshot_paths(root / FOLDER, "citations", today.isoformat(), ".json")
    for existing in (export, provenance_file):
        if existing.exists():
            raise InputError("a citation search of this day is already frozen here", file=_relative(existing, root),
                             expected="one citation search per day",
                             hint="a frozen search is never replaced; search again on another day")
    http = _client(openalex.SOURCE, options)
    started = _utc_now()
    with SnapshotWriter(export) as writer:
        run = run_citations(http, seeds, writer.write, per_page)
        kept = run.records > 0
        relative = _relative(export, root)
        provenance = {
            "reviewflow_version": __version__, "search": "citation search (backward and forward, one level)",
            "api": openalex.SOURCE.api, "endpoint": http.base_url, "date": today.isoformat(),
            "started_utc": started, "finished_utc": _utc_now(),
            "seeds_file": _relative(seeds_path, root),
            "seeds_file_sha256": hashlib.sha256(seeds_path.read_bytes()).hexdigest(),
            "seeds": [_seed_entry(seed) for seed in seeds],
            "unresolved_seeds": [seed.label for seed in seeds if seed.unresolved],
            "count_reported": run.records, "records_retrieved": run.records, "distinct_works": run.distinct,
            "counts": {direction: {"records": sum(1 for h in run.hits if h[2] == direction),
                                   "distinct": len({h[0] for h in run.hits if h[2] == direction})}
                       for direction in DIRECTIONS},
            "hits": [{"work": work, "seed": seed, "direction": direction}
                     for work, seed, direction in sorted(run.hits)],
            "rate_limit_per_second": http.rate, "api_key_used": bool(http.secret_params.get("api_key")),
            "requests": http.responses,
            "export": {"file": relative if kept else None, "bytes": writer.bytes, "sha256": writer.sha256},
        }
        writer.commit(provenance, keep_export=kept)
    return {"seeds": len(seeds), "resolved": sum(1 for s in seeds if s.openalex_id),
            "unresolved": [(s.label, s.unresolved) for s in seeds if s.unresolved],
            "records": run.records, "distinct": run.distinct, "counts": provenance["counts"],
            "export": relative if kept else None, "provenance": _relative(provenance_file, root)}


def _seed_entry(seed: Seed) -> dict[str, Any]:
    return {"seed": seed.label, "line": seed.line, "doi": seed.doi or None, "pmid": seed.pmid or None,
            "openalex_id": seed.openalex_id, "resolved_by": seed.resolved_by, "unresolved": seed.unresolved,
            "duplicate_of": seed.duplicate_of, "references_listed": len(seed.references),
            "references_not_found": seed.references_not_found, **seed.counts}


def verify_citations(export: Path) -> dict[str, int]:
    """Check a citation snapshot against its provenance: the bytes (sha256), and the works the reader finds
    against the seed/direction list; returns the records and distinct works."""
    from reviewflow.importing.formats import openalex_json

    provenance = read_provenance(export)
    if provenance is None or "hits" not in provenance:
        raise InputError("no citation-search provenance beside the snapshot", file=export,
                         expected="the .provenance.json `reviewflow citations` wrote")
    if provenance["export"]["file"] is None and not export.exists():
        return {"records": 0, "distinct": 0}  # nothing found: the provenance alone records the search
    check_bytes(export, provenance)
    records = openalex_json.read(export, export.read_text(encoding="utf-8"))
    found = Counter(record.accession for record in records)
    listed = Counter(hit["work"] for hit in provenance["hits"])
    if found != listed or len(records) != provenance["records_retrieved"]:
        raise InputError(f"the snapshot holds {len(records)} works where its provenance lists "
                         f"{provenance['records_retrieved']} seed/direction hits", file=export,
                         expected="every work of the snapshot listed once per seed and direction")
    return {"records": len(records), "distinct": len(found)}

"""Where a citation search enters the review: the config source it feeds and its entry in the search log.

Citation searching is PRISMA 2020's "identification via other methods" and PRISMA-S item 5, so it is logged like
any search: the day, what was searched (the seeds and the directions, in words), the records found and the
snapshot. The snapshot's folder must be the exports of a config source marked ``arm: other_methods``, or the
import would never read it (or would count it as a database); that is checked before anything is asked.
"""

from __future__ import annotations

import fnmatch
from pathlib import Path
from typing import Any

from reviewflow.errors import InputError
from reviewflow.search import log_file
from reviewflow.search.citations import FOLDER
from reviewflow.synthesis.prisma_other import arm_of

CONFIG_SNIPPET = ('citations: {label: "Citation searching", exports: ["data/raw/citations/*"], '
                  "arm: other_methods}")


def citation_source(config: dict[str, Any], day: str) -> str:
    """The config source whose exports hold this day's citation snapshot; it must feed the other-methods arm."""
    snapshot = (FOLDER / f"citations-{day}.json").as_posix()
    matching = [db for db, spec in config["databases"].items()
                if any(fnmatch.fnmatch(snapshot, pattern) for pattern in spec["exports"])]
    if not matching:
        raise InputError(f"no source of the config reads {snapshot}", file="config/review.yaml", field="databases",
                         expected=f"a source for citation searching, e.g. {CONFIG_SNIPPET}",
                         hint="add it before searching, so the import reads the snapshot into PRISMA's other-methods "
                              "arm")
    database = matching[0]
    if arm_of(config, database) != "other_methods":
        raise InputError(f"the citation snapshot would be read as records of {database}, which is not marked as an "
                         "other method", file="config/review.yaml", field=f"databases.{database}.arm",
                         expected="arm: other_methods (citation searching is PRISMA 2020's other-methods arm)")
    return database


def record_citation_search(config: dict[str, Any], root: Path, database: str, done: dict[str, Any], day: str,
                           seeds_file: str) -> None:
    """Log the citation search: fill the source's entry if it still says TODO, else add a dated one."""
    if not config.get("search_log"):
        return
    log_rel = Path(config["search_log"])
    log_path = root / log_rel
    log = log_file.read_log(log_path)
    log["searches"].setdefault(database, [])
    found = log["searches"][database]
    found = found if isinstance(found, list) else [found]
    entry = {
        "database": "OpenAlex (citation searching)",
        "platform": "OpenAlex API (api.openalex.org), by reviewflow citations",
        "date_searched": day,
        "query": (f"Backward (works referenced) and forward (works citing) citation searching, one level, from the "
                  f"{done['seeds']} included studies listed in {seeds_file} ({done['resolved']} found in "
                  f"OpenAlex by DOI or PMID); every work's seed and direction are in the snapshot's provenance."),
        "hits_reported": int(done["records"]),
        "export_files": [done["export"]] if done["export"] else [],
        "notes": (f"{done['distinct']} distinct works among {done['records']} records (a work reached from several "
                  "seeds or in both directions is one record per seed and direction; deduplication merges them)."
                  + (f" Seeds not found in OpenAlex: {', '.join(label for label, _ in done['unresolved'])}."
                     if done["unresolved"] else "")),
    }
    if found and log_file.is_todo(found[-1].get("date_searched")):
        found[-1] = {**{k: v for k, v in found[-1].items() if not log_file.is_todo(v)}, **entry}
    else:
        found.append(entry)
    log_file.set_entries(log, database, found)
    log_file.write_log(log_path, log)

"""The import's check of a frozen search: its bytes are the ones downloaded, its hits the ones PubMed reported.

A snapshot is only evidence if it is unchanged; an export with a ``.provenance.json`` sibling must have the sha256
recorded when it was written, and its search in the search log must report the count the database reported.
Exports without provenance (downloaded by hand) are reconciled with the search log as before.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from reviewflow.errors import InputError
from reviewflow.search.snapshot import file_sha256, provenance_path


def read_provenance(export: Path) -> dict[str, Any] | None:
    """The export's provenance, or None when it has none."""
    path = provenance_path(export)
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data["export"]["sha256"], str) or not isinstance(data["count_reported"], int):
            raise TypeError
    except (ValueError, KeyError, TypeError):
        raise InputError("not a readable provenance file", file=path, field="export.sha256, count_reported",
                         expected="the JSON `reviewflow search` wrote beside the export",
                         hint="restore it from git, or run the search again") from None
    return data


def verify_snapshot(export: Path) -> None:
    """Stop when an export with provenance no longer has the bytes it was written with."""
    provenance = read_provenance(export)
    if provenance is None:
        return
    if "hits" in provenance:  # a citation search: its bytes, and every work against its seed/direction list
        from reviewflow.search.citations import verify_citations

        verify_citations(export)
        return
    check_bytes(export, provenance)


def check_bytes(export: Path, provenance: dict[str, Any]) -> None:
    """Stop when the export's sha256 is not the one its provenance recorded."""
    if file_sha256(export) != provenance["export"]["sha256"]:
        raise InputError("the export changed after it was downloaded: its sha256 differs from its provenance",
                         file=export, expected=f"sha256 {provenance['export']['sha256']} "
                                               f"({provenance_path(export).name})",
                         hint="a frozen search is never edited: restore the file from git, or run the search "
                              "again (`make search`)")


def check_search_counts(searches: list[dict[str, Any]] | None, root: Path, log_path: Path) -> None:
    """Each search whose export files all carry provenance reports the count PubMed reported for them."""
    for search in searches or []:
        files = [root / name if (root / name).exists() else Path(name) for name in search["export_files"]]
        records = [read_provenance(path) for path in files]
        if not files or any(record is None for record in records):
            continue
        reported = sum(int(record["count_reported"]) for record in records if record is not None)
        if reported != search["hits_reported"]:
            raise InputError(f"{search['label']} on {search['date_searched']}: the search log says "
                             f"{search['hits_reported']} hits but the provenance of its snapshot(s) records "
                             f"{reported}", file=log_path, field=f"searches.{search['database']}.hits_reported",
                             expected="the count the database reported, as `reviewflow search` wrote it")

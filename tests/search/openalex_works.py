"""Real OpenAlex works from ../shared, put back into the Work object's documented JSON shape for the loopback server.

../shared holds two genuine OpenAlex exports flattened to CSV (dotted column names such as
``primary_location.source.display_name``, list members joined by ``|``, the abstract as plain text). Each row is
rebuilt here as the API sends a work (docs.openalex.org, "Work object"): nested objects, lists, ``ids`` as URIs,
``biblio`` strings, ``keywords`` objects, and the abstract as ``abstract_inverted_index`` (word -> positions).
Only the shape is rebuilt; every value is the record's own. Tests skip when ../shared is absent.
"""

from __future__ import annotations

import copy
import csv
from datetime import date, timedelta
from typing import Any

import pytest

from tests.conftest import FIXTURES

OPENALEX_CSVS = [
    "asreview+citation-file-formatting/Datasets/CSV/_baseline_openalex.csv",
    "massimoaria+bibliometrix/tests/testthat/fixtures/openalex_sample.csv",
]


def inverted_index(abstract: str) -> dict[str, list[int]] | None:
    """OpenAlex's form of an abstract: each word with the positions it takes."""
    index: dict[str, list[int]] = {}
    for position, word in enumerate(abstract.split()):
        index.setdefault(word, []).append(position)
    return index or None


def _split(value: str | None) -> list[str]:
    return [part for part in (value or "").split("|")] if value else []


def _none(value: str | None) -> str | None:
    return value if value not in (None, "", "None", "nan") else None


def work_from_row(row: dict[str, str]) -> dict[str, Any]:
    """One CSV row as a Work object."""
    names = _split(row.get("authorships.author.display_name"))
    ids = _split(row.get("authorships.author.id"))
    raw_names = _split(row.get("authorships.raw_author_name"))
    positions = _split(row.get("authorships.author_position"))
    authorships = []
    for i, name in enumerate(names):
        authorships.append({
            "author_position": positions[i] if i < len(positions) else ("first" if i == 0 else "middle"),
            "author": {"id": ids[i] if i < len(ids) else None, "display_name": name, "orcid": None},
            "institutions": [], "countries": [], "is_corresponding": False,
            "raw_author_name": raw_names[i] if i < len(raw_names) else name, "raw_affiliation_strings": [],
        })
    issn = _split(row.get("primary_location.source.issn")) or _split(row.get("primary_location.source.issn_l"))
    source_name = _none(row.get("primary_location.source.display_name"))
    source = None if source_name is None else {
        "id": _none(row.get("primary_location.source.id")), "display_name": source_name,
        "issn_l": _none(row.get("primary_location.source.issn_l")), "issn": issn or None,
        "is_oa": False, "host_organization": None, "type": _none(row.get("primary_location.source.type")),
    }
    pmid = _none(row.get("ids.pmid"))
    doi = _none(row.get("doi"))
    keywords = [{"id": kid, "display_name": name, "score": float(score) if score else None}
                for kid, name, score in zip(_split(row.get("keywords.id")), _split(row.get("keywords.display_name")),
                                            _split(row.get("keywords.score")) or [""] * 99, strict=False)]
    work: dict[str, Any] = {
        "id": row["id"], "doi": doi, "title": row.get("title") or row["display_name"],
        "display_name": row["display_name"], "publication_year": int(row["publication_year"]),
        "publication_date": _none(row.get("publication_date")),
        "ids": {"openalex": row["id"], **({"doi": doi} if doi else {}),
                **({"pmid": pmid if pmid.startswith("http") else f"https://pubmed.ncbi.nlm.nih.gov/{pmid}"}
                   if pmid else {})},
        "language": _none(row.get("language")),
        "primary_location": {"is_oa": row.get("primary_location.is_oa") == "True",
                             "landing_page_url": _none(row.get("primary_location.landing_page_url")),
                             "pdf_url": _none(row.get("primary_location.pdf_url")), "source": source,
                             "license": None, "version": None},
        "type": row.get("type"), "type_crossref": _none(row.get("type_crossref")),
        "authorships": authorships,
        "biblio": {"volume": _none(row.get("biblio.volume")), "issue": _none(row.get("biblio.issue")),
                   "first_page": _none(row.get("biblio.first_page")), "last_page": _none(row.get("biblio.last_page"))},
        "is_retracted": row.get("is_retracted") == "True", "is_paratext": False,
        "cited_by_count": int(row.get("cited_by_count") or 0),
        "keywords": keywords,
        "referenced_works": _split(row.get("referenced_works")),
        "abstract_inverted_index": inverted_index(row.get("abstract") or ""),
        "created_date": _none(row.get("created_date")) or "2017-09-12",
        "updated_date": _none(row.get("updated_date")) or "2024-08-20T20:21:16.584225",
    }
    return work


def real_works() -> list[dict[str, Any]]:
    """Every work of the real OpenAlex exports in ../shared (17), in file order; skips without them."""
    works = []
    for relative in OPENALEX_CSVS:
        path = FIXTURES / relative
        if not path.exists():
            pytest.skip(f"real OpenAlex fixtures not available: {path} (../shared sits beside the checkout in CI)")
        with path.open(encoding="utf-8", newline="") as handle:
            works += [work_from_row(row) for row in csv.DictReader(handle)]
    assert len(works) >= 15, "the OpenAlex fixtures changed"
    return works


def make_works(templates: list[dict[str, Any]], count: int, first_day: date, per_day: int,
               first_id: int = 5_000_000_000) -> list[dict[str, Any]]:
    """``count`` works made from the real ones, each with its own id and DOI, ``per_day`` created a day."""
    works = []
    for i in range(count):
        work = copy.deepcopy(templates[i % len(templates)])
        wid = f"https://openalex.org/W{first_id + i}"
        work["id"] = work["ids"]["openalex"] = wid
        doi = f"https://doi.org/10.5555/reviewflow.{first_id + i}"
        work["doi"] = work["ids"]["doi"] = doi
        work["created_date"] = (first_day + timedelta(days=i // per_day)).isoformat()
        works.append(work)
    return works

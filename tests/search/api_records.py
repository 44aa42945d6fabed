"""Real records of ../shared, re-expressed in the JSON shapes the Scopus Search API and the Web of Science Starter
API document, for the loopback servers and the readers' tests.

Scopus: rows of genuine Scopus CSV exports become COMPLETE-view entries (Elsevier's Scopus Search Views: ``eid``,
``dc:title``, ``author`` with ``@seq``/``authid``/``authname``/``surname``/``given-name``/``initials``, ``prism:*``,
``pubmed-id``, ``dc:description``, ``authkeywords`` joined by `` | ``, ``link`` with ``@ref``). Web of Science:
records of genuine tagged exports become Starter API documents (Clarivate's Document model: ``uid``, ``title``,
``types``, ``sourceTypes``, ``source``, ``names.authors``, ``links``, ``citations``, ``identifiers``,
``keywords.authorKeywords``). The tests skip, with the reason, when ../shared is absent.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest

from reviewflow.importing.formats.detect import read_export
from tests.conftest import FIXTURES

SCOPUS_SOURCES = [
    "asreview+citation-file-formatting/Datasets/CSV/_baseline_scopus.csv",
    "massimoaria+bibliometrix/tests/testthat/fixtures/scopus_sample.csv",
]
WOS_SOURCES = [
    "massimoaria+bibliometrix/tests/testthat/fixtures/wos_sample.txt",
    "networks-lab+metaknowledge/docs/examples/savedrecs.txt",
]
_FULL_NAME = re.compile(r"^(?P<family>[^,]+), (?P<given>.+?) \((?P<id>\d+)\)$")
_MISSING = {"", "NA"}


def _exports(relatives: list[str]) -> list[dict[str, Any]]:
    raws = []
    for relative in relatives:
        path = FIXTURES / relative
        if not path.exists():
            pytest.skip(f"real export fixtures not available: {path} (../shared sits beside the checkout in CI)")
        raws += [record.raw for record in read_export(Path(path))[1]]
    return raws


def _one(raw: dict[str, Any], key: str) -> str:
    value = raw.get(key, "")
    value = value[0] if isinstance(value, list) and value else value
    value = value.strip() if isinstance(value, str) else ""
    return "" if value in _MISSING else value


def real_scopus_entries() -> list[dict[str, Any]]:
    """COMPLETE-view entries of the real Scopus CSV rows that name their authors in full."""
    entries = [_scopus_entry(raw) for raw in _exports(SCOPUS_SOURCES) if _one(raw, "Author full names")]
    assert len(entries) >= 10, "the Scopus fixtures changed"
    return entries


def _scopus_entry(raw: dict[str, Any]) -> dict[str, Any]:
    eid = _one(raw, "EID")
    number = eid.rsplit("-", 1)[-1]
    shorts = [name.strip() for name in _one(raw, "Authors").split(";")]
    authors = []
    for seq, full in enumerate(_one(raw, "Author full names").split("; "), start=1):
        match = _FULL_NAME.match(full.strip())
        assert match, full
        short = shorts[seq - 1] if seq <= len(shorts) else match["family"]
        authors.append({
            "@_fa": "true", "@seq": str(seq),
            "author-url": f"https://api.elsevier.com/content/author/author_id/{match['id']}",
            "authid": match["id"], "authname": short, "surname": match["family"], "given-name": match["given"],
            "initials": short[len(match["family"]):].strip() or None, "afid": [],
        })
    first, last = _one(raw, "Page start"), _one(raw, "Page end")
    entry: dict[str, Any] = {
        "@_fa": "true",
        "link": [
            {"@_fa": "true", "@ref": "self", "@href": f"https://api.elsevier.com/content/abstract/scopus_id/{number}"},
            {"@_fa": "true", "@ref": "scopus", "@href": _one(raw, "Link")},
        ],
        "prism:url": f"https://api.elsevier.com/content/abstract/scopus_id/{number}",
        "dc:identifier": f"SCOPUS_ID:{number}", "eid": eid, "dc:title": _one(raw, "Title"),
        "dc:creator": shorts[0] if shorts else None, "prism:publicationName": _one(raw, "Source title"),
        "prism:issn": _one(raw, "ISSN") or None, "prism:volume": _one(raw, "Volume") or None,
        "prism:issueIdentifier": _one(raw, "Issue") or None,
        "prism:pageRange": f"{first}-{last}" if first and last else None,
        "prism:coverDate": f"{_one(raw, 'Year')}-01-01", "prism:coverDisplayDate": _one(raw, "Year"),
        "prism:doi": _one(raw, "DOI") or None, "citedby-count": _one(raw, "Cited by") or "0",
        "pubmed-id": _one(raw, "PubMed ID") or None, "prism:aggregationType": "Journal",
        "subtypeDescription": _one(raw, "Document Type"),
        "author-count": {"@limit": "100", "@total": str(len(authors)), "$": str(len(authors))},
        "author": authors, "dc:description": _one(raw, "Abstract") or None,
        "authkeywords": " | ".join(k.strip() for k in _one(raw, "Author Keywords").split(";") if k.strip()) or None,
        "article-number": _one(raw, "Art. No.") or None, "openaccess": "0", "openaccessFlag": False,
    }
    return {key: value for key, value in entry.items() if value is not None or key == "prism:pageRange"}


def with_eid(entry: dict[str, Any], number: int) -> dict[str, Any]:
    """A copy of a template entry given its own Scopus id (and EID, links), as a new record would have."""
    made = copy.deepcopy(entry)
    made["eid"], made["dc:identifier"] = f"2-s2.0-{number}", f"SCOPUS_ID:{number}"
    made["prism:url"] = f"https://api.elsevier.com/content/abstract/scopus_id/{number}"
    made["link"] = [{**made["link"][0], "@href": made["prism:url"]},
                    {**made["link"][1], "@href": f"https://www.scopus.com/inward/record.uri?eid=2-s2.0-{number}"}]
    return made


def real_wos_documents() -> list[dict[str, Any]]:
    """Starter API documents of the real Web of Science tagged records."""
    documents = [_wos_document(raw) for raw in _exports(WOS_SOURCES) if _one(raw, "UT")]
    assert len(documents) >= 10, "the Web of Science fixtures changed"
    return documents


def _split(value: str) -> list[str]:
    return [item.strip() for item in value.split(";") if item.strip()]


def _wos_document(raw: dict[str, Any]) -> dict[str, Any]:
    uid = _one(raw, "UT")
    full, short = raw.get("AF") or raw.get("AU") or [], raw.get("AU") or []
    begin, end = _one(raw, "BP"), _one(raw, "EP")
    pages: dict[str, Any] = {"range": f"{begin}-{end}" if begin and end else begin, "begin": begin, "end": end}
    if _one(raw, "PG").isdigit():
        pages["count"] = int(_one(raw, "PG"))
    source = {"sourceTitle": _one(raw, "SO"), "publishYear": int(_one(raw, "PY")) if _one(raw, "PY") else None,
              "publishMonth": _one(raw, "PD") or None, "volume": _one(raw, "VL") or None,
              "issue": _one(raw, "IS") or None, "articleNumber": _one(raw, "AR") or None,
              "pages": {k: v for k, v in pages.items() if v}}
    identifiers = {"doi": _one(raw, "DI"), "issn": _one(raw, "SN"), "eissn": _one(raw, "EI"),
                   "pmid": _one(raw, "PM")}
    record = f"https://www.webofscience.com/wos/woscc/full-record/{uid}"
    document = {
        "uid": uid, "title": _one(raw, "TI"), "types": _split(_one(raw, "DT"))[:1],
        "sourceTypes": _split(_one(raw, "DT")),
        "source": {k: v for k, v in source.items() if v not in (None, {})},
        "names": {"authors": [{"displayName": name, "wosStandard": short[i] if i < len(short) else name}
                              for i, name in enumerate(full)]},
        "links": {"record": record, "references": f"{record}(summary)"},
        "citations": [{"db": "WOS", "count": int(_one(raw, "TC") or 0)}],
        "identifiers": {k: v for k, v in identifiers.items() if v},
        "keywords": {"authorKeywords": _split(_one(raw, "DE"))},
    }
    return document


def with_uid(document: dict[str, Any], number: int) -> dict[str, Any]:
    """A copy of a template document given its own accession number, as a new record would have."""
    made = copy.deepcopy(document)
    made["uid"] = f"WOS:{number:015d}"
    made["links"] = {"record": f"https://www.webofscience.com/wos/woscc/full-record/{made['uid']}"}
    return made

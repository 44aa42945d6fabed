"""Crossref works built from real records: the MEDLINE records of ../shared expressed in Crossref's JSON shape.

Crossref documents each field of a work (api_format.md): ``title`` and ``container-title`` are lists, authors
have ``family`` and ``given`` (an organisation a ``name``), dates are ``{"date-parts": [[year, month, day]]}``,
``issued`` is the earliest of ``published-print`` and ``published-online``, the abstract is a JATS snippet. The
values come from the real records (FAU, CN, DP, DEP, TI, JT, TA, VI, IP, PG, IS, AB, LA, OT/MH, the DOI of
LID/AID), so the reader is tested on real titles, names and abstracts; the envelope and the fields a MEDLINE
record does not have come from ``responses/crossref``.
"""

from __future__ import annotations

import copy
import html
import io
import json
import re
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

from Bio import Medline

from tests.search.fake_eutils import real_medline_records

RESPONSES = Path(__file__).resolve().parent / "responses" / "crossref"
MONTHS = {name: number for number, name in enumerate(
    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"], start=1)}
_DOI = re.compile(r"(\S+) \[doi\]")
_ISSN_TYPE = re.compile(r"(\d{4}-\d{3}[\dX]) \((Print|Electronic)\)")
_LABEL = re.compile(r"(?:^|\s)([A-Z][A-Z ,/&-]{2,}[A-Z]): ")


def _list(record: dict[str, Any], tag: str) -> list[str]:
    value = record.get(tag, [])
    return [value] if isinstance(value, str) else list(value)


def medline_date(text: str) -> list[int]:
    """``2006 Mar 1`` -> [2006, 3, 1]; ``20060110`` -> [2006, 1, 10]; ``2018`` -> [2018]."""
    if re.fullmatch(r"\d{8}", text):
        return [int(text[:4]), int(text[4:6]), int(text[6:])]
    parts = text.split()
    found = [int(parts[0][:4])]
    if len(parts) > 1 and parts[1][:3] in MONTHS:
        found.append(MONTHS[parts[1][:3]])
        if len(parts) > 2 and parts[2].isdigit():
            found.append(int(parts[2]))
    return found


def date_object(parts: list[int]) -> dict[str, Any]:
    return {"date-parts": [parts]}


def jats_abstract(text: str, heading: bool) -> str:
    """A MEDLINE abstract as the JATS Crossref passes on: labelled sections as ``jats:sec`` with a ``jats:title``,
    otherwise one ``jats:p``; optionally under an "Abstract" heading."""
    labels = list(_LABEL.finditer(text))
    if labels and labels[0].start() == 0:
        sections = []
        for number, match in enumerate(labels):
            end = labels[number + 1].start() if number + 1 < len(labels) else len(text)
            body = text[match.end():end].strip()
            sections.append(f"<jats:sec><jats:title>{html.escape(match.group(1).title(), quote=False)}</jats:title>"
                            f"<jats:p>{html.escape(body, quote=False)}</jats:p></jats:sec>")
        snippet = "".join(sections)
    else:
        snippet = f"<jats:p>{html.escape(text, quote=False)}</jats:p>"
    return ("<jats:title>Abstract</jats:title>" if heading else "") + snippet


def _authors(record: dict[str, Any]) -> list[dict[str, Any]]:
    authors: list[dict[str, Any]] = []
    for name in _list(record, "FAU"):
        family, comma, given = name.partition(", ")
        entry: dict[str, Any] = {"given": given, "family": family} if comma else {"name": name}
        entry.update({"sequence": "first" if not authors else "additional", "affiliation": []})
        authors.append(entry)
    for organisation in _list(record, "CN"):
        authors.append({"name": organisation, "sequence": "additional", "affiliation": []})
    return authors


def work_from_medline(text: str, number: int) -> dict[str, Any]:
    """One work in Crossref's shape from one real MEDLINE record (its own DOI, or none)."""
    record = next(Medline.parse(io.StringIO(text)))
    work = copy.deepcopy(json.loads((RESPONSES / "work.json").read_text(encoding="utf-8")))
    doi = next((m.group(1) for v in _list(record, "LID") + _list(record, "AID") for m in _DOI.finditer(v)), "")
    work.update({"DOI": doi, "title": [record["TI"]], "author": _authors(record)})
    if doi:
        work.update({"URL": f"https://doi.org/{doi}", "prefix": doi.split("/")[0]})
        work["resource"]["primary"]["URL"] = f"https://doi.org/{doi}"
    printed = medline_date(record["DP"])
    work["published-print"] = date_object(printed)
    dates = [printed]
    if record.get("DEP"):
        online = medline_date(record["DEP"])
        work["published-online"] = date_object(online)
        dates.append(online)
    work["issued"] = date_object(min(dates, key=lambda parts: parts + [0] * (3 - len(parts))))
    for key, tag in (("container-title", "JT"), ("short-container-title", "TA")):
        work[key] = _list(record, tag)
    for key, tag in (("volume", "VI"), ("issue", "IP"), ("page", "PG")):
        if record.get(tag):
            work[key] = record[tag]
    issns = _ISSN_TYPE.findall(" ".join(_list(record, "IS")))
    work["ISSN"] = list(dict.fromkeys(value for value, _ in issns))
    work["issn-type"] = [{"type": kind.lower(), "value": value} for value, kind in dict(issns).items()]
    if record.get("AB"):
        work["abstract"] = jats_abstract(record["AB"], heading=number % 2 == 0)
    if "eng" in _list(record, "LA"):
        work["language"] = "en"
    terms = [re.sub(r"/.*$", "", term).lstrip("*") for term in _list(record, "OT") or _list(record, "MH")]
    work["subject"] = list(dict.fromkeys(terms))
    return work


def real_works() -> list[dict[str, Any]]:
    """Works from every real MEDLINE record that has a DOI (skips when ../shared is absent)."""
    works = [work_from_medline(text, number) for number, text in enumerate(real_medline_records())]
    found = [work for work in works if work["DOI"]]
    assert len(found) >= 6, "the MEDLINE fixtures changed"
    return found


def with_identity(work: dict[str, Any], doi: str, indexed: date) -> dict[str, Any]:
    """A copy of ``work`` under another DOI, indexed on ``indexed`` (the fields Crossref derives from both)."""
    copied = copy.deepcopy(work)
    stamp = datetime.combine(indexed, time(6, 0), tzinfo=UTC)
    copied.update({"DOI": doi, "URL": f"https://doi.org/{doi}", "prefix": doi.split("/")[0],
                   "resource": {"primary": {"URL": f"https://example.org/article/{doi.split('/', 1)[1]}"}}})
    copied["indexed"] = {"date-parts": [[indexed.year, indexed.month, indexed.day]],
                         "date-time": stamp.strftime("%Y-%m-%dT%H:%M:%SZ"),
                         "timestamp": int(stamp.timestamp() * 1000), "version": copied["indexed"]["version"]}
    return copied


def works_page(items: list[dict[str, Any]], total: int, next_cursor: str | None, rows: int,
               terms: str | None = None) -> bytes:
    """A works-list answer in Crossref's envelope; no ``next-cursor`` when not deep paging."""
    page = json.loads((RESPONSES / "works_page.json").read_text(encoding="utf-8"))
    message = page["message"]
    message.update({"total-results": total, "items": items, "items-per-page": rows})
    message["query"]["search-terms"] = terms
    if next_cursor is None:
        del message["next-cursor"]
    else:
        message["next-cursor"] = next_cursor
    return json.dumps(page, ensure_ascii=False, separators=(",", ":")).encode("utf-8")

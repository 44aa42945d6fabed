"""Europe PMC core results made from real MEDLINE records, for the loopback Europe PMC server and the reader tests.

Europe PMC holds every PubMed record as a ``MED`` result; its core JSON carries the MEDLINE fields under its own
names (see tests/search/responses/europepmc/README.md for the shape and where it is documented). Each real
record of ../shared is re-expressed field by field in that shape, so the tests read real titles, author lists,
abstracts, journals, MeSH headings and publication types, not invented ones. A test gives each copy its own PMID
and first index date.
"""

from __future__ import annotations

import io
import re
from typing import Any

from Bio import Medline

_DOI = re.compile(r"^(\S+)\s*\[doi\]$")


def _list(record: dict[str, Any], tag: str) -> list[str]:
    value = record.get(tag, [])
    return [value] if isinstance(value, str) else list(value)


def _first(record: dict[str, Any], tag: str) -> str:
    values = _list(record, tag)
    return values[0] if values else ""


def _author(short: str, full: str) -> dict[str, str]:
    """Europe PMC's author entry from MEDLINE's ``AU`` (``Smith AB``) and ``FAU`` (``Smith, Anne B``)."""
    last, _, given = full.partition(", ") if full else (short.rsplit(" ", 1)[0], "", "")
    initials = short.rsplit(" ", 1)[1] if " " in short else ""
    entry = {"fullName": short, "lastName": last}
    if given:
        entry["firstName"] = given
    if initials:
        entry["initials"] = initials
    return entry


def _mesh(heading: str) -> dict[str, Any]:
    """``Pain/*therapy/surgery`` as Europe PMC's meshHeading (descriptor, qualifiers, major-topic flags)."""
    descriptor, *qualifiers = heading.split("/")
    entry: dict[str, Any] = {"majorTopic_YN": "Y" if descriptor.startswith("*") else "N",
                             "descriptorName": descriptor.lstrip("*")}
    if qualifiers:
        entry["meshQualifierList"] = {"meshQualifier": [
            {"qualifierName": q.lstrip("*"), "majorTopic_YN": "Y" if q.startswith("*") else "N"}
            for q in qualifiers]}
    return entry


def core_result(medline_text: str, pmid: int, first_index_date: str) -> dict[str, Any]:
    """One real MEDLINE record as Europe PMC's core result for ``MED:<pmid>``."""
    [record] = list(Medline.parse(io.StringIO(medline_text)))
    year_match = re.search(r"\d{4}", _first(record, "DP"))
    year = year_match.group(0) if year_match else ""
    issns = {"Print": "", "Electronic": ""}
    for value in _list(record, "IS"):
        kind = re.search(r"\((\w+)\)", value)
        if kind and kind.group(1) in issns:
            issns[kind.group(1)] = value.split(" ")[0]
    journal = {"title": _first(record, "JT"), "medlineAbbreviation": _first(record, "TA"),
               "isoabbreviation": _first(record, "TA"), "nlmid": _first(record, "JID")}
    if issns["Print"]:
        journal["issn"] = issns["Print"]
    if issns["Electronic"]:
        journal["essn"] = issns["Electronic"]
    info: dict[str, Any] = {"dateOfPublication": _first(record, "DP"), "journal": journal}
    if _first(record, "VI"):
        info["volume"] = _first(record, "VI")
    if _first(record, "IP"):
        info["issue"] = _first(record, "IP")
    if year:
        info["yearOfPublication"] = int(year)
    short, full = _list(record, "AU"), _list(record, "FAU")
    result: dict[str, Any] = {"id": str(pmid), "source": "MED", "pmid": str(pmid)}
    if _first(record, "PMC"):
        result["pmcid"] = _first(record, "PMC")
    doi = next((m.group(1) for v in _list(record, "LID") + _list(record, "AID") if (m := _DOI.match(v))), "")
    if doi:
        result["doi"] = doi
    result.update({
        "title": _first(record, "TI"),
        "authorString": ", ".join(short) + "." if short else "",
        "authorList": {"author": [_author(s, full[i] if len(full) == len(short) else "")
                                  for i, s in enumerate(short)]},
        "journalInfo": info,
        "pubYear": year,
    })
    if _first(record, "PG"):
        result["pageInfo"] = _first(record, "PG")
    if _first(record, "AB"):
        result["abstractText"] = _first(record, "AB")
    result.update({"language": _first(record, "LA"), "pubModel": _first(record, "PUBM") or "Print",
                   "pubTypeList": {"pubType": _list(record, "PT")}})
    if _list(record, "OT"):
        result["keywordList"] = {"keyword": _list(record, "OT")}
    if _list(record, "MH"):
        result["meshHeadingList"] = {"meshHeading": [_mesh(h) for h in _list(record, "MH")]}
    result.update({"isOpenAccess": "N", "inEPMC": "N", "inPMC": "Y" if "pmcid" in result else "N", "hasPDF": "N",
                   "hasBook": "N", "citedByCount": 0, "hasReferences": "N", "hasTextMinedTerms": "N",
                   "hasDbCrossReferences": "N", "hasLabsLinks": "N", "authMan": "N", "epmcAuthMan": "N",
                   "nihAuthMan": "N", "hasTMAccessionNumbers": "N", "firstIndexDate": first_index_date,
                   "firstPublicationDate": f"{year}-01-01" if year else first_index_date})
    return result

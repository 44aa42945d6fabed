"""One numbered Ovid record's lines read as fields, in whichever of the three layouts the record is written.

The layout is recognised from the record's first field line (see ovid.py):

* **Ovid tagged** (``TI  - Title``): 2-5 letter tags, ``-`` after one or two spaces. A value carries on over
  indented lines and, in some exports (EndNote/Citavi ``.cgi``/``.ovd``, PsycINFO), over unindented lines that
  are not tags; after a blank line such a continuation starts another value of the same tag (one affiliation
  or cited reference each).
* **Ovid "RIS"**: numbered records whose fields are RIS (``TY  - JOUR`` ... ``ER  -``), followed by Ovid
  trailer lines (``NL  - ...``, ``Link to the Ovid Full Text or citation: ...``). One parser reads both tagged
  layouts (this one adds the ``ER`` and trailer-line checks); what the tags mean differs (see ovid_fields.py).
* **Long form**: a field name on its own line (``Title``, ``Authors``) and its values indented below; the field
  names are mapped to the Ovid tags they stand for.

A tagged record's line that fits nowhere (a continuation before any tag, text after ``ER``) is an ``InputError``
naming its line, as is an RIS-layout record without ``ER``.
"""

from __future__ import annotations

from pathlib import Path

from reviewflow.errors import InputError
from reviewflow.importing.formats.ovid_blocks import TAG, Block

_LONG_FORM_HEADINGS: dict[str, str] = {
    "unique identifier": "UI",
    "accession number": "AN",
    "embase accession number": "AN",
    "pubmed id": "PM",
    "pubmed identifier": "PM",
    "pmid": "PM",
    "title": "TI",
    "author": "AU",
    "authors": "AU",
    "source": "SO",
    "journal": "JN",
    "journal name": "JN",
    "journal title": "JN",
    "journal abbreviation": "JA",
    "journal abbreviated title": "JA",
    "volume": "VO",
    "issue": "IP",
    "issue/part": "IP",
    "issue part": "IP",
    "page": "PG",
    "pages": "PG",
    "pagination": "PG",
    "year": "YR",
    "year of publication": "YR",
    "publication year": "YR",
    "date of publication": "DP",
    "publication date": "DP",
    "digital object identifier": "DO",
    "digital object identifier (doi)": "DO",
    "doi": "DO",
    "issn": "IS",
    "issn print": "IS",
    "issn electronic": "IT",
    "international standard serial number": "IS",
    "abstract": "AB",
    "language": "LG",
    "publication type": "PT",
    "document type": "DT",
    "keywords": "KW",
    "keyword heading": "KW",
    "author keywords": "KW",
    "subject headings": "MH",
    "mesh subject headings": "MH",
    "emtree heading": "MH",
    "major subject headings": "MH",
    "minor subject headings": "MH",
    "url": "UR",
    "database": "DB",
}
_LIST_CODES = frozenset({"AU", "PT", "DT", "KW", "MH", "IS", "IT", "UR", "XL"})


def parse_tagged(path: Path, block: Block, last: bool) -> tuple[bool, dict[str, list[str]]]:
    """Tag -> values of one tagged record (Ovid tagged or Ovid RIS); True when it is the RIS layout."""
    raw: dict[str, list[str]] = {}
    ris = closed = gap = False
    tag: str | None = None
    for number, text in block.body:
        if not text.strip():
            gap = True
            continue
        match = TAG.match(text)
        if match:
            tag, value = match.group(1), match.group(2).strip()
            if not raw:
                ris = tag == "TY"
            if ris and tag == "TY" and "TY" in raw:
                raise InputError(
                    f"second 'TY  -' in record {block.number} (line {block.line})",
                    file=path,
                    line=number,
                    field="TY",
                    expected="'ER  -' and the next record's number line ('1.') before another 'TY  -'",
                )
            if ris and tag == "ER":
                closed, tag = True, None
            else:
                raw.setdefault(tag, []).append(value)
        elif ris and closed:
            if not text.startswith("Link to "):
                raise InputError(
                    f"unexpected text after 'ER  -' in record {block.number}: {text.strip()[:40]!r}",
                    file=path,
                    line=number,
                    expected="after 'ER  -' only Ovid trailer lines ('NL  - ...', 'Link to ...') or the next "
                    "record's number line",
                )
            raw.setdefault("Link", []).append(text.strip())
            tag = None
        elif tag is None:
            raise InputError(
                f"continuation line with no field before it: {text.strip()[:40]!r}",
                file=path,
                line=number,
                expected="a tag line like 'TI  - Title' to come first",
            )
        else:
            piece, values = text.strip(), raw[tag]
            if gap and values[-1]:
                values.append(piece)
            else:
                values[-1] = f"{values[-1]} {piece}".strip()
        gap = False
    if ris and not closed:
        raise InputError(
            f"record {block.number} (starting on line {block.line}) has no 'ER  -' before the "
            + ("end of the file" if last else "next record number"),
            file=path,
            line=block.line,
            field="ER",
            expected="each RIS-style Ovid record to end with 'ER  -'",
        )
    return ris, raw


def parse_long_form(block: Block) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """(raw by field name, values by Ovid tag) of a long-form record: a field name, its values indented below."""
    raw: dict[str, list[str]] = {}
    heading = ""
    for _, text in block.body:
        if not text.strip():
            continue
        if not text[0].isspace():
            heading = text.strip().rstrip(":")
            raw.setdefault(heading, [])
        else:
            raw[heading].append(text.strip())
    coded: dict[str, list[str]] = {}
    for heading, values in raw.items():
        code = _LONG_FORM_HEADINGS.get(heading.lower())
        if code is None or not values:
            continue
        if code == "AU":
            values = [name.strip() for value in values for name in value.split(";") if name.strip()]
        elif code not in _LIST_CODES:
            values = [" ".join(values)]
        coded.setdefault(code, []).extend(values)
    return raw, coded


def last_fields(block: Block) -> list[str]:
    """The tags (or long-form field names) of the record's last two fields; Ovid's ``Link to ...`` lines after an
    RIS-layout record count as a field ``Link``."""
    first = next((body for _, body in block.body if body.strip()), "")
    if TAG.match(first):
        names = [match.group(1) if (match := TAG.match(line)) else "Link" for _, line in block.body
                 if TAG.match(line) or line.startswith("Link to ")]
    else:
        names = [line.strip().rstrip(":") for _, line in block.body if line.strip() and not line[0].isspace()]
    return names[-2:]

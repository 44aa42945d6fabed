"""Ovid exports (Embase, MEDLINE, PsycINFO, BIOSIS, ERIC, CAB, ... searched through Ovid).

Every record opens with its number in the result set on a line of its own (``<1>``, ``<3001. >``, ``1.``,
``6. `` and sometimes a database name after it); the file is split on those lines (``ovid_blocks.py``) and each
record is read in one of three layouts, recognised from its first field line: Ovid tagged (``TI  - Title``), Ovid
"RIS" (``TY  - JOUR`` ... ``ER  -``) or long form (a field name on its own line, its values indented below); see
``ovid_layouts.py``. Its fields are then mapped to a record by ``ovid_fields.py``, with the meanings its layout
gives the tags. The last record is checked for having been cut short (``cut_records.py``).
"""

from __future__ import annotations

from pathlib import Path

from reviewflow.errors import InputError
from reviewflow.importing.formats.base import ParsedRecord
from reviewflow.importing.formats.cut_records import expected_tail, warn_if_cut
from reviewflow.importing.formats.ovid_blocks import TAG, looks_like_ovid, numbered_blocks
from reviewflow.importing.formats.ovid_fields import to_record
from reviewflow.importing.formats.ovid_layouts import last_fields, parse_long_form, parse_tagged

NAME = "ovid"
DESCRIPTION = "Ovid tagged export (numbered records <1> / 1.: Embase, MEDLINE, PsycINFO via Ovid)"


def read_ovid(path: Path, text: str) -> list[ParsedRecord]:
    """Parse every numbered record of an Ovid export, keeping its position and the line of its number."""
    records = []
    blocks = numbered_blocks(path, text)
    for position, block in enumerate(blocks, start=1):
        first = next((body for _, body in block.body if body.strip()), None)
        if first is None:
            raise InputError(
                f"record {block.number} has no fields",
                file=path,
                line=block.line,
                expected="field lines ('TI  - ...') after the record number",
            )
        if TAG.match(first):
            ris, raw = parse_tagged(path, block, last=position == len(blocks))
            coded = raw
        elif not first[0].isspace():
            ris = False
            raw, coded = parse_long_form(block)
        else:
            number = next(n for n, body in block.body if body.strip())
            raise InputError(
                f"indented text right after the number of record {block.number}: {first.strip()[:40]!r}",
                file=path,
                line=number,
                expected="a tag line like 'TI  - Title' or a field name like 'Title' on its own line",
            )
        if position == len(blocks):  # against up to 49 records before it; an RIS-layout record's ER is not in raw
            tails = [last_fields(b) for b in blocks[-50:]]
            warn_if_cut(path, text, block.line, f"record {position}, number {block.number}", tails[-1],
                        [*raw, "ER"] if ris else raw, expected_tail(tails[:-1]), any_field=True,
                        blank_line_after=not ris)
        raw = {"record number": [block.number], **({"record label": [block.label]} if block.label else {}), **raw}
        record = to_record(position, block.line, coded, ris)
        record.raw = raw
        records.append(record)
    return records


def sniff(text: str) -> bool:
    """Registry hook (see formats/detect.py)."""
    return looks_like_ovid(text)


def read(path: Path, text: str) -> list[ParsedRecord]:
    """Registry hook (see formats/detect.py)."""
    return read_ovid(path, text)

"""Is the last record of a tagged export whole? For formats without an end-of-record marker (MEDLINE, Ovid).

RIS, Web of Science and XML close every record, so a file cut short fails their structure checks. MEDLINE and Ovid
tagged text do not: a download cut inside the last record used to import that record cut short without a word.
The evidence used instead: the records of one export end with the same fields (PubMed's ``SO``, Ovid's two link
lines ``XL``), so a last record that lacks the field the others end with, or ends with other fields, was most
likely cut; so was one whose file ends without a line break inside another field, and (Ovid writes a blank line
after every record, and its last field is a link the citation is read from) an Ovid record not followed by a
blank line. The record is imported (its fields so far are real) with a warning naming the file, the record and
its line.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Collection
from pathlib import Path

log = logging.getLogger(__name__)

_BLANK_LINE_AT_END = re.compile(r"\n[ \t]*\n\s*\Z")


def expected_tail(others: list[list[str]], default: str | None = None) -> list[str] | None:
    """The last fields every other record ends with (two at most; one when there is a single other record),
    ``[default]`` when there are no others, None when the others end differently."""
    if not others:
        return [default] if default else None
    tail = others[0][-(1 if len(others) == 1 else 2) :]
    for tags in others[1:]:
        while tail and tags[-len(tail) :] != tail:
            tail = tail[1:]
    return tail or None


def warn_if_cut(path: Path, text: str, line: int, record: str, tail: list[str], fields: Collection[str],
                expected: list[str] | None, norm: str = "which ends every other record", any_field: bool = False,
                blank_line_after: bool = False) -> bool:
    """Warn when the last record (starting on ``line``, whose last fields are ``tail``, holding ``fields``) looks
    cut short against the ``expected`` last fields (``norm`` says why they are expected). With ``any_field`` a
    file ending without a line break is suspect whatever field it ends in; with ``blank_line_after`` (Ovid writes
    a blank line after every record) so is one that ends without a blank line. True when it warned."""
    reason, verdict = "", "looks"
    ends_inside = not text.rstrip(" \t").endswith("\n")
    if expected and expected[-1] not in fields:
        reason = f"it has no '{expected[-1]}' field, {norm}"
    elif expected and tail[-len(expected) :] != expected:
        reason = f"it ends with fields {', '.join(tail[-len(expected):])} where every other record ends with " \
            f"{', '.join(expected)}"
    elif tail and ends_inside and (any_field or (expected and tail[-1] != expected[-1])):
        reason, verdict = f"the file ends inside its '{tail[-1]}' field, without a line break", "may be"
    elif tail and blank_line_after and not _BLANK_LINE_AT_END.search(text):
        reason, verdict = f"the file ends right after its '{tail[-1]}' field, without the blank line that follows " \
            "every record of the export", "may be"
    if reason:
        log.warning("%s:%d: the last record (%s) %s cut short: %s; check that the export was downloaded whole",
                    path, line, record, verdict, reason)
    return bool(reason)

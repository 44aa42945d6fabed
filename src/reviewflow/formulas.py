"""Cells a spreadsheet must not run: formula neutralisation for every table people open.

A title, abstract or note comes from a database or a person; when it starts with ``=``, ``+``, ``-`` or ``@`` (or a
tab or carriage return before one), Excel, LibreOffice and Google Sheets read the cell as a formula
(``=HYPERLINK(...)``, DDE payloads). OWASP's CSV-injection guidance and ASVS requirement 1.2.10
(https://asvs.emil.hemdal.se/1.2.10, "special characters (including '=', '+', '-', '@', '\\t' ...) must be escaped
with a single quote if they appear as the first character in a field value") prescribe a leading apostrophe,
which spreadsheets read as "this cell is text". We write it and our readers take it off again:

* ``neutralise``: prefix ``'`` when the text, after any apostrophes it already starts with, begins with a trigger;
  a plain number (``-3``, ``+1.5e3``) is left alone so numeric columns stay numbers.
* ``restore``: drop one apostrophe when the text is apostrophes followed by a trigger.

So ``restore(neutralise(x)) == x`` for every text, including one that really starts with ``'=`` (written ``''=``).
"""

from __future__ import annotations

import re

import pandas as pd

TRIGGERS = "=+-@\t\r"
_NEEDS_QUOTE = re.compile(r"^'*[=+\-@\t\r]")
_QUOTED = re.compile(r"^'+[=+\-@\t\r]")
_NUMBER = re.compile(r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")


def neutralise(text: str) -> str:
    """The cell text a spreadsheet shows as text, never runs."""
    if _NEEDS_QUOTE.match(text) and not _NUMBER.match(text):
        return "'" + text
    return text


def restore(text: str) -> str:
    """The text ``neutralise`` was given."""
    return text[1:] if _QUOTED.match(text) else text


def _textual(values: pd.Series) -> bool:
    """Text columns (pandas' str dtype, or object columns that may hold text); numbers are never neutralised."""
    return pd.api.types.is_string_dtype(values) or pd.api.types.is_object_dtype(values)


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with every text cell neutralised (numbers and other values untouched); the frame itself is kept."""
    out = frame
    for column in frame.columns:
        values = frame[column]
        if not _textual(values):
            continue
        texts = values.map(lambda v: isinstance(v, str) and v[:1] in TRIGGERS + "'" and bool(_NEEDS_QUOTE.match(v))
                           and not _NUMBER.match(v))
        if texts.any():
            if out is frame:
                out = frame.copy()
            out.loc[texts, column] = "'" + values[texts]
    return out


def restore_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Undo ``neutralise_frame`` in place on a frame read as text; returns it."""
    for column in frame.columns:
        values = frame[column]
        if not _textual(values):
            continue
        quoted = values.str.startswith("'", na=False)
        if quoted.any():
            marked = quoted & values.str.match(_QUOTED.pattern, na=False)
            if marked.any():
                frame.loc[marked, column] = values[marked].str[1:]
    return frame

"""BibTeX (``.bib``) from Scopus, Zotero, Mendeley, JabRef, Web of Science and others: a small tolerant parser.

Entries are ``@type{key, field = value, ...}`` (or with parentheses); a value is ``{...}`` with nested braces,
``"..."``, a number, or a ``@string`` macro name, and parts are joined with ``#``. ``@comment`` and
``@preamble`` are skipped, ``@string`` macros are applied (the standard month names are predefined).

Normalised fields have their LaTeX decoded (accents such as ``{\\"u}`` -> ü, ``\\&`` -> &, ``--`` -> en dash,
Zotero's ``{\\textless}`` -> <, grouping braces removed); DOIs and URLs are taken verbatim apart from escapes.
``raw`` keeps every field as written (inside its outer braces or quotes), with the entry type and key under
``@type`` and ``@key``.

Nothing is dropped silently. Text between entries is ignored as BibTeX does, except text that looks like a
field (``name = {...}``) or holds a ``}``: that is what an unbalanced brace leaves behind, so it is an error.
A brace left open is caught when its value runs into the next ``@entry{`` line or the end of the file; either
way the error names the line where the entry starts and the field.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from pathlib import Path

from reviewflow.errors import InputError
from reviewflow.importing.formats.base import ParsedRecord
from reviewflow.importing.formats.latex import latex_to_text, verbatim
from reviewflow.normalize import extract_year, find_issns, normalise_doi, normalise_pages

NAME = "bibtex"
DESCRIPTION = "BibTeX (.bib)"

_ENTRY_HEAD = re.compile(r"@[ \t]*([A-Za-z][\w-]*)\s*([{(])")
_AT_LINE_START = re.compile(r"(?:^|\n)[ \t]*@[ \t]*[A-Za-z]")
_NEW_ENTRY = re.compile(r"[ \t]*@[ \t]*[A-Za-z][\w-]*\s*[{(]")
_KEY = re.compile(r"\s*([^\s,{}()\"#=%]*)\s*")
_FIELD_NAME = re.compile(r"\s*([^\s=,{}()\"#%][^=,{}()\"#%\n]*?)\s*=\s*")
_NUMBER = re.compile(r"\d+")
_MACRO = re.compile(r"[A-Za-z_][\w\-.:+/']*")
_BRACE_STOPS = re.compile(r"[{}\\\n]")
_QUOTE_STOPS = re.compile(r"[{}\"\\\n]")
_FIELD_LIKE = re.compile(r"(?m)^[ \t]*[A-Za-z][\w-]*[ \t]*=[ \t]*[{\"\d]")
_SWALLOWED_FIELD = re.compile(r"\n[ \t]*[A-Za-z][\w-]*[ \t]*=[ \t]*[{\"\w]")
_SCOPUS_EID = re.compile(r"[?&]eid=(2-s2\.0-\d+)")
_AND = re.compile(r"\s+and\s+", re.IGNORECASE)
_PMID_NOTE = re.compile(r"\bPMID:?\s*(\d{1,9})\b")
_PMCID_NOTE = re.compile(r"\b(PMC\d+)\b")

MONTHS = {
    "jan": "January", "feb": "February", "mar": "March", "apr": "April", "may": "May", "jun": "June",
    "jul": "July", "aug": "August", "sep": "September", "oct": "October", "nov": "November", "dec": "December",
}

# ---------------------------------------------------------------------------------------------- parsing


@dataclass
class _Entry:
    kind: str
    key: str
    line: int
    fields: dict[str, list[str]] = field(default_factory=dict)  # name -> values with macros expanded
    raw: dict[str, list[str]] = field(default_factory=dict)  # name -> values as written


class _Parser:
    """One pass over the text; positions are turned into line numbers with a bisect over newline offsets."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.text = text
        self.newlines = [m.start() for m in re.finditer("\n", text)]
        self.macros: dict[str, str] = dict(MONTHS)
        self.entries: list[_Entry] = []

    def line(self, position: int) -> int:
        return bisect.bisect_left(self.newlines, position) + 1

    def error(self, message: str, entry: _Entry | None, field_name: str | None, expected: str,
              line: int | None = None) -> InputError:
        return InputError(message, file=self.path, line=line or (entry.line if entry else None),
                          record=(entry.key or None) if entry else None, field=field_name, expected=expected)

    # -- top level

    def parse(self) -> list[_Entry]:
        text, position, previous = self.text, 0, None
        while True:
            match = _ENTRY_HEAD.search(text, position)
            self._check_outside(position, match.start() if match else len(text), previous)
            if not match:
                return self.entries
            kind = match.group(1).lower()
            closer = "}" if match.group(2) == "{" else ")"
            entry = _Entry(kind=kind, key="", line=self.line(match.start()))
            body = match.end()
            if kind == "comment":
                position = self._skip_comment(body, closer, entry)
                continue
            if kind == "preamble":
                _, _, position = self._value(body, entry, "@preamble")
                position = self._close(position, closer, entry, "@preamble")
                continue
            if kind == "string":
                position = self._fields(body, closer, entry)
                for name, values in entry.fields.items():
                    self.macros[name] = values[-1]
                continue
            key = _KEY.match(text, body)
            after_key = key.end()
            if after_key < len(text) and text[after_key] == "=":  # no key: fields start at once
                entry.key, position = "", body
            else:
                entry.key = key.group(1)
                if after_key < len(text) and text[after_key] == ",":
                    position = after_key + 1
                elif after_key < len(text) and text[after_key] == closer:
                    position = after_key
                else:
                    raise self.error(f"entry '{entry.key}' has no ',' after its key", entry, None,
                                     f"'@{match.group(1)}{match.group(2)}key,' followed by the fields")
            position = self._fields(position, closer, entry)
            self.entries.append(entry)
            previous = entry

    def _check_outside(self, start: int, end: int, previous: _Entry | None) -> None:
        """Text between entries is a comment in BibTeX, unless it is what an unbalanced brace leaves behind."""
        if start >= end:
            return
        outside = self.text[start:end]
        lines = [line for line in outside.split("\n") if line.strip() and not line.lstrip().startswith("%")]
        if not lines:
            return
        rest = "\n".join(lines)
        offset = start + outside.find(lines[0])
        after = f" after the entry starting on line {previous.line}" if previous else ""
        last_field = next(reversed(previous.raw), None) if previous else None
        if "}" in rest or _FIELD_LIKE.search(rest):
            raise self.error(
                f"text outside any entry{after}: {lines[0].strip()[:40]!r} (an unbalanced '}}' closed the "
                "entry early?)", previous, last_field, "balanced braces in every field",
                line=previous.line if previous else self.line(offset))
        at = _AT_LINE_START.search(outside)
        if at:
            at_line = self.line(start + at.start() + (1 if outside[at.start()] == "\n" else 0))
            raise InputError("'@' entry type not followed by '{' or '('", file=self.path, line=at_line,
                             expected="an entry like '@article{key, title = {...}}'")

    def _skip_comment(self, position: int, closer: str, entry: _Entry) -> int:
        if closer == "}":
            return self._braced(position - 1, entry, "@comment") + 1
        end = self.text.find(")", position)
        if end < 0:
            raise self.error("@comment( is never closed", entry, "@comment", "a closing ')'")
        return end + 1

    def _fields(self, position: int, closer: str, entry: _Entry) -> int:
        text = self.text
        while True:
            position = self._skip_space(position)
            if position >= len(text):
                raise self.error("entry is not closed before the end of the file", entry, self._last(entry),
                                 f"a closing '{closer}'")
            if text[position] == closer:
                return position + 1
            name_match = _FIELD_NAME.match(text, position)
            if not name_match:
                found = text[position : position + 20].split("\n")[0]
                raise self.error(f"expected a field name and '=' but found {found!r}", entry, self._last(entry),
                                 "fields written 'name = {value},'", line=None)
            name = " ".join(name_match.group(1).split()).lower()
            value_start = self._skip_space(name_match.end())
            parts_text, written, position = self._value(value_start, entry, name)
            swallowed = _SWALLOWED_FIELD.search(text, value_start, position)
            if swallowed:
                raise self.error(
                    f"unbalanced braces: field '{name}' of the entry starting on line {entry.line} swallows the "
                    f"next field (line {self.line(swallowed.start() + 1)})", entry, name,
                    "every '{' closed by a '}' (and every opening '\"' closed) within the field")
            entry.fields.setdefault(name, []).append(parts_text)
            entry.raw.setdefault(name, []).append(written)
            position = self._skip_space(position)
            if position < len(text) and text[position] == ",":
                position += 1
            elif position < len(text) and text[position] == closer:
                return position + 1
            elif position >= len(text):
                raise self.error("entry is not closed before the end of the file", entry, name,
                                 f"a closing '{closer}'")
            else:
                found = text[position : position + 20].split("\n")[0]
                raise self.error(f"expected ',' or '{closer}' after field '{name}' but found {found!r}", entry, name,
                                 "a comma between fields (or an unbalanced brace or quote in this field)")

    @staticmethod
    def _last(entry: _Entry) -> str | None:
        return next(reversed(entry.raw), None)

    def _skip_space(self, position: int) -> int:
        text = self.text
        while position < len(text) and text[position] in " \t\n\r\f\v":
            position += 1
        return position

    def _close(self, position: int, closer: str, entry: _Entry, name: str) -> int:
        position = self._skip_space(position)
        if position < len(self.text) and self.text[position] == closer:
            return position + 1
        raise self.error(f"{name} is not closed", entry, name, f"a closing '{closer}'")

    def _value(self, position: int, entry: _Entry, name: str) -> tuple[str, str, int]:
        """(value with macros expanded, value as written, position after it)."""
        text = self.text
        parts: list[str] = []
        written: list[str] = []
        start = self._skip_space(position)
        while True:
            position = self._skip_space(position)
            char = text[position] if position < len(text) else ""
            if char == "{":
                end = self._braced(position, entry, name)
                parts.append(text[position + 1 : end])
                written.append(text[position + 1 : end])
                position = end + 1
            elif char == '"':
                end = self._quoted(position, entry, name)
                parts.append(text[position + 1 : end])
                written.append(text[position + 1 : end])
                position = end + 1
            elif (number := _NUMBER.match(text, position)) is not None:
                parts.append(number.group(0))
                written.append(number.group(0))
                position = number.end()
            elif (macro := _MACRO.match(text, position)) is not None:
                # an undefined macro is kept as its name (BibTeX would warn and use nothing)
                parts.append(self.macros.get(macro.group(0).lower(), macro.group(0)))
                written.append(macro.group(0))
                position = macro.end()
            else:
                found = text[position : position + 20].split("\n")[0] if char else "the end of the file"
                raise self.error(f"field '{name}' has no value (found {found!r})", entry, name,
                                 "a value in braces, in quotes, a number or a @string name")
            after = self._skip_space(position)
            if after < len(text) and text[after] == "#":
                position = after + 1
                continue
            if len(written) == 1:
                return parts[0], written[0], position
            return "".join(parts), text[start:position].strip(), position

    def _runaway(self, newline: int) -> bool:
        """True when the line after this newline starts a new entry: the value being read never closed."""
        return _NEW_ENTRY.match(self.text, newline + 1) is not None

    def _braced(self, position: int, entry: _Entry, name: str) -> int:
        """Position of the ``}`` closing the ``{`` at ``position`` (braces nest; ``\\{`` does not count)."""
        text, depth, cursor = self.text, 0, position
        while True:
            stop = _BRACE_STOPS.search(text, cursor)
            if stop is None:
                raise self._unbalanced(entry, name, None)
            char, cursor = stop.group(0), stop.end()
            if char == "\\":
                cursor += 1
            elif char == "{":
                depth += 1
            elif char == "}":
                depth -= 1
                if depth == 0:
                    return stop.start()
            elif self._runaway(stop.start()):
                raise self._unbalanced(entry, name, self.line(stop.start() + 1))

    def _quoted(self, position: int, entry: _Entry, name: str) -> int:
        """Position of the ``"`` closing the quoted value at ``position`` (a ``"`` inside braces does not)."""
        text, depth, cursor = self.text, 0, position + 1
        while True:
            stop = _QUOTE_STOPS.search(text, cursor)
            if stop is None:
                raise self._unbalanced(entry, name, None, quote=True)
            char, cursor = stop.group(0), stop.end()
            if char == "\\":
                cursor += 1
            elif char == "{":
                depth += 1
            elif char == "}":
                depth -= 1
                if depth < 0:
                    raise self.error(f"unbalanced braces: a '}}' in field '{name}' has no matching '{{'", entry,
                                     name, "balanced braces in every field")
            elif char == '"' and depth == 0:
                return stop.start()
            elif char == "\n" and self._runaway(stop.start()):
                raise self._unbalanced(entry, name, self.line(stop.start() + 1), quote=True)

    def _unbalanced(self, entry: _Entry, name: str, next_line: int | None, quote: bool = False) -> InputError:
        what = "quote" if quote else "braces"
        where = f"the next entry (line {next_line})" if next_line else "the end of the file"
        return self.error(
            f"unbalanced {what}: field '{name}' of the entry starting on line {entry.line} runs into {where}",
            entry, name, "every '{' closed by a '}' (and every opening '\"' closed) within the field")


# ---------------------------------------------------------------------------------------------- mapping


def _first(entry: _Entry, *names: str, plain: bool = True) -> str:
    for name in names:
        for value in entry.fields.get(name, []):
            text = latex_to_text(value) if plain else verbatim(value)
            if text:
                return text
    return ""


def split_authors(value: str) -> list[str]:
    """Names of a BibTeX ``author`` field: split on ``and`` outside braces, decoded, ``others`` left out."""
    names, depth, start = [], 0, 0
    for match in re.finditer(r"[{}]|\s+and\s+", value, re.IGNORECASE):
        token = match.group(0)
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
        elif depth == 0:
            names.append(value[start : match.start()])
            start = match.end()
    names.append(value[start:])
    decoded = [latex_to_text(name) for name in names]
    return [name for name in decoded if name and name.lower() != "others"]


def _keywords(entry: _Entry) -> list[str]:
    found: list[str] = []
    for name in ("keywords", "author_keywords", "index_keywords", "keyword", "mesh"):
        for value in entry.fields.get(name, []):
            text = latex_to_text(value)
            separator = ";" if ";" in text else ","
            found += [k.strip() for k in text.split(separator) if k.strip()]
    return list(dict.fromkeys(found))


def _identifiers(entry: _Entry, url: str) -> tuple[str, str, str]:
    """(accession, pmid, pmcid): Scopus EID (in the record's link) or WoS UT; PMID/PMCID fields or notes."""
    accession = ""
    match = _SCOPUS_EID.search(url)
    if match:
        accession = match.group(1)
    else:
        unique = _first(entry, "unique-id", plain=False)
        if re.fullmatch(r"(?:WOS|ISI):\w+", unique):
            accession = unique
    pmid = _first(entry, "pmid", "pubmed_id", "pubmedid", plain=False)
    pmcid = _first(entry, "pmcid", plain=False)
    eprint_type = _first(entry, "eprinttype", "archiveprefix").lower()
    eprint = _first(entry, "eprint", plain=False)
    if eprint and not pmid and eprint_type == "pubmed":
        pmid = eprint
    if eprint and not pmcid and eprint_type == "pmc":
        pmcid = eprint
    notes = " ".join(latex_to_text(v) for name in ("note", "extra", "annote") for v in entry.fields.get(name, []))
    if not pmid and (note_pmid := _PMID_NOTE.search(notes)):
        pmid = note_pmid.group(1)
    if not pmcid and (note_pmcid := _PMCID_NOTE.search(notes)):
        pmcid = note_pmcid.group(1)
    return accession, pmid if pmid.isdigit() else "", pmcid


def _record(entry: _Entry, position: int) -> ParsedRecord:
    url = _first(entry, "url", plain=False)
    accession, pmid, pmcid = _identifiers(entry, url)
    authors = [name for value in entry.fields.get("author", []) for name in split_authors(value)]
    issns = [i for name in ("issn", "eissn") for v in entry.fields.get(name, []) for i in find_issns(verbatim(v))]
    dois = [normalise_doi(verbatim(v)) for v in entry.fields.get("doi", [])]
    types = [_first(entry, "document_type", "type"), entry.kind]
    raw = {"@type": [entry.kind], "@key": [entry.key], **entry.raw}
    return ParsedRecord(
        position=position,
        line=entry.line,
        accession=accession,
        title=_first(entry, "title"),
        authors=authors,
        year=extract_year(_first(entry, "year")) or extract_year(_first(entry, "date")),
        journal=_first(entry, "journal", "journaltitle", "booktitle"),
        journal_abbrev=_first(entry, "shortjournal", "abbrev_source_title", "journal-iso", "journalabbrev"),
        volume=_first(entry, "volume"),
        issue=_first(entry, "number", "issue"),
        pages=normalise_pages(re.sub(r"-{2,}", "-", _first(entry, "pages", plain=False))),
        doi=next((d for d in dois if d), ""),
        pmid=pmid,
        pmcid=pmcid,
        issn=list(dict.fromkeys(issns)),
        abstract=_first(entry, "abstract"),
        language=_first(entry, "language", "langid"),
        publication_types=list(dict.fromkeys(t for t in types if t)),
        keywords=_keywords(entry),
        url=url,
        raw=raw,
    )


def looks_like_bibtex(text: str) -> bool:
    """True when the first non-blank line that is not a ``%`` comment starts an entry: ``@type{`` or ``@type(``."""
    for line in text.lstrip("\ufeff").split("\n", 200)[:200]:
        stripped = line.strip()
        if not stripped or stripped.startswith("%"):
            continue
        return bool(re.match(r"@[ \t]*[A-Za-z]+\s*[{(]", stripped))
    return False


def read_bibtex(path: Path, text: str) -> list[ParsedRecord]:
    """Parse every entry of a BibTeX file (``@comment``, ``@preamble``, ``@string`` are not records)."""
    entries = _Parser(path, text.lstrip("\ufeff")).parse()
    return [_record(entry, position) for position, entry in enumerate(entries, start=1)]


def sniff(text: str) -> bool:
    """Registry hook (see formats/detect.py)."""
    return looks_like_bibtex(text)


def read(path: Path, text: str) -> list[ParsedRecord]:
    """Registry hook (see formats/detect.py)."""
    return read_bibtex(path, text)

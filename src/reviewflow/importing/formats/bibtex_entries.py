"""The entries of a BibTeX file, tokenised in one tolerant pass: type, key, line and fields, macros expanded.

Entries are ``@type{key, field = value, ...}`` (or with parentheses); a value is ``{...}`` with nested braces,
``"..."``, a number, or a ``@string`` macro name, and parts are joined with ``#``. ``@comment`` and
``@preamble`` are skipped, ``@string`` macros are applied (the standard month names are predefined). Each field
is kept twice: with its macros expanded (for the record) and as written (for ``raw``).

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

MONTHS = {
    "jan": "January", "feb": "February", "mar": "March", "apr": "April", "may": "May", "jun": "June",
    "jul": "July", "aug": "August", "sep": "September", "oct": "October", "nov": "November", "dec": "December",
}


@dataclass
class Entry:
    """One entry: its type (lower case), key, starting line and fields."""

    kind: str
    key: str
    line: int
    fields: dict[str, list[str]] = field(default_factory=dict)  # name -> values with macros expanded
    raw: dict[str, list[str]] = field(default_factory=dict)  # name -> values as written


class Parser:
    """One pass over the text; positions are turned into line numbers with a bisect over newline offsets."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.text = text
        self.newlines = [m.start() for m in re.finditer("\n", text)]
        self.macros: dict[str, str] = dict(MONTHS)
        self.entries: list[Entry] = []

    def line(self, position: int) -> int:
        return bisect.bisect_left(self.newlines, position) + 1

    def error(self, message: str, entry: Entry | None, field_name: str | None, expected: str,
              line: int | None = None) -> InputError:
        return InputError(message, file=self.path, line=line or (entry.line if entry else None),
                          record=(entry.key or None) if entry else None, field=field_name, expected=expected)

    # -- top level

    def parse(self) -> list[Entry]:
        text, position, previous = self.text, 0, None
        while True:
            match = _ENTRY_HEAD.search(text, position)
            self._check_outside(position, match.start() if match else len(text), previous)
            if not match:
                return self.entries
            kind = match.group(1).lower()
            closer = "}" if match.group(2) == "{" else ")"
            entry = Entry(kind=kind, key="", line=self.line(match.start()))
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

    def _check_outside(self, start: int, end: int, previous: Entry | None) -> None:
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

    def _skip_comment(self, position: int, closer: str, entry: Entry) -> int:
        if closer == "}":
            return self._braced(position - 1, entry, "@comment") + 1
        end = self.text.find(")", position)
        if end < 0:
            raise self.error("@comment( is never closed", entry, "@comment", "a closing ')'")
        return end + 1

    def _fields(self, position: int, closer: str, entry: Entry) -> int:
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
    def _last(entry: Entry) -> str | None:
        return next(reversed(entry.raw), None)

    def _skip_space(self, position: int) -> int:
        text = self.text
        while position < len(text) and text[position] in " \t\n\r\f\v":
            position += 1
        return position

    def _close(self, position: int, closer: str, entry: Entry, name: str) -> int:
        position = self._skip_space(position)
        if position < len(self.text) and self.text[position] == closer:
            return position + 1
        raise self.error(f"{name} is not closed", entry, name, f"a closing '{closer}'")

    def _value(self, position: int, entry: Entry, name: str) -> tuple[str, str, int]:
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

    def _braced(self, position: int, entry: Entry, name: str) -> int:
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

    def _quoted(self, position: int, entry: Entry, name: str) -> int:
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

    def _unbalanced(self, entry: Entry, name: str, next_line: int | None, quote: bool = False) -> InputError:
        what = "quote" if quote else "braces"
        where = f"the next entry (line {next_line})" if next_line else "the end of the file"
        return self.error(
            f"unbalanced {what}: field '{name}' of the entry starting on line {entry.line} runs into {where}",
            entry, name, "every '{' closed by a '}' (and every opening '\"' closed) within the field")

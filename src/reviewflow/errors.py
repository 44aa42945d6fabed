"""Errors that reach the user as one clear line, never as a traceback.

Every problem with the user's inputs is an ``InputError`` that names the file, the line or record, the field and
what was expected, so the person can go straight to the cell that needs fixing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass
class InputError(Exception):
    """A problem in a user-supplied file: where it is and what was expected."""

    message: str
    file: str | Path | None = None
    line: int | None = None
    record: str | None = None
    field: str | None = None
    expected: str | None = None
    hint: str | None = None

    def __str__(self) -> str:
        where = str(self.file) if self.file is not None else ""
        if self.line is not None:
            where += f":{self.line}"
        parts = [f"{where}: {self.message}" if where else self.message]
        if self.record is not None:
            parts.append(f"record {self.record}")
        if self.field is not None:
            parts.append(f"field '{self.field}'")
        if self.expected is not None:
            parts.append(f"expected {self.expected}")
        text = "; ".join(parts)
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text


class InvariantError(Exception):
    """An internal accounting identity (PRISMA arithmetic) does not hold: a bug or a corrupted result file."""

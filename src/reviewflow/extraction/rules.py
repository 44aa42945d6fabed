"""Cross-field rules of the extraction form: what one column must hold given what others hold.

A spreadsheet checks each cell alone, so a "case report" of twelve patients or a significant result with
nothing it was compared with passes. The config states such rules as data under ``extraction.rules``::

    - when: {design: [case_report]}      # every listed field has one of the listed values (empty: "")
      field: n_patients                  # the column the rule constrains (a form field, or design)
      equals: 1                          # and/or required, empty, min, max, one_of, not_one_of
      why: "a case report describes one patient"

Values are compared in their normal form (extraction/values.py: "YES" is yes, "6 months" is 6), text without
regard to case or spacing. An empty cell means "not reported": it breaks only ``required`` (and ``one_of`` a
list holding no ""). No rule runs code; this module reads the rules, checks them with config paths, and says
whether a row keeps each.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reviewflow.errors import InputError
from reviewflow.extraction.values import decimal_text, parse

if TYPE_CHECKING:
    from reviewflow.extraction.form import Field

DESIGN = "design"
"""The fixed column rules may name besides the form's fields."""
CONSTRAINTS = ("required", "empty", "equals", "min", "max", "one_of", "not_one_of")


@dataclass(frozen=True)
class Rule:
    """One checked rule: its conditions, its constraints (values in normal form) and why it holds."""

    when: tuple[tuple[str, tuple[str, ...]], ...]
    field: str
    required: bool
    empty: bool
    equals: str | None
    min: Decimal | None
    max: Decimal | None
    one_of: tuple[str, ...] | None
    not_one_of: tuple[str, ...]
    why: str
    path: str

    def applies(self, row: Mapping[str, str | None]) -> bool:
        """Whether every condition holds; a condition on an unreadable cell (None) does not hold, since that
        cell's own problem is reported and guessing its value would report a second one."""
        return all(row.get(name) is not None and row[name] in values for name, values in self.when)

    def kept(self, value: str) -> bool:
        """Whether a readable value (normal form, comparable) keeps every constraint."""
        if not value:
            return not self.required and (self.one_of is None or "" in self.one_of)
        if self.empty:
            return False
        if self.equals is not None and value != self.equals:
            return False
        if self.min is not None and Decimal(value) < self.min:
            return False
        if self.max is not None and Decimal(value) > self.max:
            return False
        if self.one_of is not None and value not in self.one_of:
            return False
        return value not in self.not_one_of

    def expected(self) -> str:
        """The constraints in words, the conditions and why: the 'expected' of a broken rule."""
        parts = []
        if self.required:
            parts.append("a value")
        if self.empty:
            parts.append("empty")
        if self.equals is not None:
            parts.append(f"exactly {self.equals}")
        if self.min is not None and self.max is not None:
            parts.append(f"from {decimal_text(self.min)} to {decimal_text(self.max)}")
        elif self.min is not None:
            parts.append(f"at least {decimal_text(self.min)}")
        elif self.max is not None:
            parts.append(f"at most {decimal_text(self.max)}")
        if self.one_of is not None:
            parts.append("one of " + ", ".join(v or "(empty)" for v in self.one_of))
        if self.not_one_of:
            parts.append("not " + " or ".join(self.not_one_of))
        conditions = " and ".join(f"{name} is {' or '.join(v or '(empty)' for v in values)}"
                                  for name, values in self.when)
        text = ", ".join(parts) + (f" where {conditions}" if conditions else "")
        return text + (f" ({self.why})" if self.why else "") + f" [rule {self.path}]"


def comparable(field: Field | None, value: str) -> str:
    """A normalised cell as rules compare it: text without regard to case or runs of spaces."""
    return " ".join(value.casefold().split()) if field is not None and field.type == "text" else value


def _fail(message: str, path: str, source: str | Path | None, expected: str) -> InputError:
    return InputError(message, file=source, field=path, expected=expected)


def _value(name: str, raw: Any, fields: Mapping[str, Field], designs: Mapping[str, str], path: str,
           source: str | Path | None) -> str:
    """One value a rule names, in the normal form of the column it concerns."""
    text = str(raw).strip()
    if name == DESIGN:
        if text and text not in designs:
            raise _fail(f"unknown design {text!r}", path, source, f"one of {', '.join(designs)} (extraction.designs)")
        return text
    field = fields[name]
    try:
        value = parse(field, text)
    except ValueError as exc:
        accepted = ", ".join(field.values) if field.type == "category" else f"a {field.type} value"
        raise _fail(f"{text!r} is not a value of {name} ({exc})", path, source, accepted) from None
    return comparable(field, value)


def _known(name: str, path: str, fields: Mapping[str, Field], source: str | Path | None) -> None:
    if name != DESIGN and name not in fields:
        raise _fail(f"unknown field {name!r}", path, source, "design or the name of a field of extraction.fields")


def _rule(index: int, raw: Mapping[str, Any], fields: Mapping[str, Field], designs: Mapping[str, str],
          source: str | Path | None) -> Rule:
    path = f"extraction.rules[{index}]"
    name = raw["field"]
    _known(name, f"{path}.field", fields, source)
    when = []
    for condition, values in raw.get("when", {}).items():
        _known(condition, f"{path}.when.{condition}", fields, source)
        when.append((condition, tuple(_value(condition, v, fields, designs, f"{path}.when.{condition}[{i}]", source)
                                      for i, v in enumerate(values))))
    if not any(key in raw for key in CONSTRAINTS):
        raise _fail("rule without a constraint", path, source, f"at least one of {', '.join(CONSTRAINTS)}")
    if raw.get("required") and raw.get("empty"):
        raise _fail("both required and empty", f"{path}.empty", source, "required or empty, not both")
    numeric = name != DESIGN and fields[name].numeric
    for bound in ("min", "max"):
        if bound in raw and not numeric:
            raise _fail(f"{bound} for a column that is not a number", f"{path}.{bound}", source,
                        f"{bound} only on an integer, number or duration field")
    low, high = (None if raw.get(b) is None else Decimal(str(raw[b])) for b in ("min", "max"))
    if low is not None and high is not None and low > high:
        raise _fail(f"min {low} is above max {high}", f"{path}.min", source, "min <= max")

    def values(key: str) -> tuple[str, ...]:
        return tuple(_value(name, v, fields, designs, f"{path}.{key}[{i}]", source)
                     for i, v in enumerate(raw.get(key, [])))

    equals = _value(name, raw["equals"], fields, designs, f"{path}.equals", source) if "equals" in raw else None
    return Rule(when=tuple(when), field=name, required=bool(raw.get("required")), empty=bool(raw.get("empty")),
                equals=equals, min=low, max=high, one_of=values("one_of") if "one_of" in raw else None,
                not_one_of=values("not_one_of"), why=str(raw.get("why", "")), path=path)


def rules_from_config(raw: list[Mapping[str, Any]], fields: Mapping[str, Field], designs: Mapping[str, str],
                      source: str | Path | None) -> tuple[Rule, ...]:
    """The checked rules of a config already valid against its JSON Schema."""
    return tuple(_rule(index, item, fields, designs, source) for index, item in enumerate(raw))

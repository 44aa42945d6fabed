"""Reading one cell of the extraction sheet by its field's type, into the value results/studies.csv keeps.

People write "6 months", "YES", "7.70" or "Ultrasound"; the synthesis needs 6, yes, 7.7 and ultrasound. Each
type has one parser that either returns the normalised text or raises ``ValueError``; ``expected`` says in
words what a field accepts, for the error message. An empty cell is "not reported" and stays empty.
"""

from __future__ import annotations

import datetime
import re
from decimal import ROUND_HALF_EVEN, Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the form imports the rules, which read values: the form's types are only annotations here
    from reviewflow.extraction.form import Field

_INTEGER = re.compile(r"^[+-]?\d+$")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_DURATION = re.compile(r"^(?P<amount>\d+(\.\d*)?|\.\d+)\s*(?P<unit>[a-z]+\.?)?$", re.IGNORECASE)
_DATE = re.compile(r"^(\d{4})(-(\d{2})(-(\d{2}))?)?$")
_UNIT_WORDS = {
    "days": ("d", "day", "days"),
    "weeks": ("w", "wk", "wks", "week", "weeks"),
    "months": ("mo", "mos", "mth", "mths", "month", "months"),
    "years": ("y", "yr", "yrs", "year", "years"),
}
_UNIT_OF = {word: unit for unit, words in _UNIT_WORDS.items() for word in words}
# Days per unit; a month is a twelfth of a mean Gregorian year (30.4375 days), so conversions are exact decimals.
_DAYS = {"days": Decimal(1), "weeks": Decimal(7), "months": Decimal("30.4375"), "years": Decimal("365.25")}
_YES, _NO = ("yes", "y"), ("no", "n")


def decimal_text(value: Decimal) -> str:
    """A decimal without exponent or trailing zeros: 7.70 -> "7.7", 3.0 -> "3", 1E+2 -> "100"."""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


def _integer(field: Field, text: str) -> str:
    if not _INTEGER.match(text):
        raise ValueError("not a whole number")
    return str(int(text))


def _number(field: Field, text: str) -> str:
    if not _NUMBER.match(text):
        raise ValueError("not a number")
    return decimal_text(Decimal(text))


def _duration(field: Field, text: str) -> str:
    match = _DURATION.match(text)
    if not match:
        raise ValueError("not a duration")
    amount, word = Decimal(match["amount"]), (match["unit"] or "").lower().rstrip(".")
    unit = _UNIT_OF.get(word) if word else field.unit
    if unit is None:
        raise ValueError(f"unknown unit {word!r}")
    if unit == field.unit:
        return decimal_text(amount)
    converted = amount * _DAYS[unit] / _DAYS[str(field.unit)]
    return decimal_text(converted.quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN))


def _date(field: Field, text: str) -> str:
    match = _DATE.match(text)
    if not match:
        raise ValueError("not a date")
    year, month, day = int(match[1]), int(match[3] or 1), int(match[5] or 1)
    datetime.date(year, month, day)  # ValueError for month 13 or 31 February
    return text


def _yes_no(field: Field, text: str) -> str:
    lowered = text.lower()
    if lowered in _YES:
        return "yes"
    if lowered in _NO:
        return "no"
    raise ValueError("not yes or no")


def _category(field: Field, text: str) -> str:
    lowered = text.lower()
    for code, label in field.values.items():
        if lowered in (code.lower(), label.lower()):
            return code
    raise ValueError("not one of the codes")


def _text(field: Field, text: str) -> str:
    return text


_PARSERS = {"integer": _integer, "number": _number, "duration": _duration, "date": _date, "yes_no": _yes_no,
            "category": _category, "text": _text}


def parse(field: Field, text: str) -> str:
    """The normalised value of one cell ("" when not reported); ``ValueError`` when it is not of the type."""
    text = text.strip()
    return _PARSERS[field.type](field, text) if text else ""


def parses(field: Field, text: str) -> bool:
    try:
        parse(field, text)
    except ValueError:
        return False
    return True


def in_range(field: Field, text: str) -> bool:
    """Whether a cell that parses lies within the field's min and max (empty and unparseable cells pass: other
    checks report them)."""
    try:
        value = parse(field, text)
    except ValueError:
        return True
    if not value:
        return True
    number = Decimal(value)
    return (field.min is None or number >= Decimal(str(field.min))) and \
        (field.max is None or number <= Decimal(str(field.max)))


def _bound(value: float) -> str:
    return decimal_text(Decimal(str(value)))


def range_text(field: Field) -> str:
    """``at least 1``, ``at most 10``, ``from 0 to 10`` or "" when the field has no bounds."""
    if field.min is not None and field.max is not None:
        return f"from {_bound(field.min)} to {_bound(field.max)}"
    if field.min is not None:
        return f"at least {_bound(field.min)}"
    if field.max is not None:
        return f"at most {_bound(field.max)}"
    return ""


def expected(field: Field) -> str:
    """What the field accepts, in words, for error messages and the data dictionary."""
    what = {
        "integer": "a whole number",
        "number": "a number (point as decimal separator)",
        "text": "any text",
        "yes_no": "yes or no",
        "date": "a date YYYY-MM-DD, YYYY-MM or YYYY",
        "duration": f"a duration in {field.unit} such as '6 months', '150 days', '2.5 years', '3 wk' "
                    f"(a bare number counts as {field.unit}): one amount, not a range, a bound or a note such as "
                    "'6 months (150 days)', 'up to >52 months' or '3-6 months' (keep the wording in a text field)",
        "category": "one of " + ", ".join(field.values) + f" (codes of {field.path}.values)",
    }[field.type]
    bounds = range_text(field)
    if bounds:
        what += f", {bounds}" + (f" {field.unit}" if field.unit else "")
    if field.required:
        return what + " (required)"
    if field.required_for:
        return what + f" (required for design {', '.join(field.required_for)}; otherwise empty if not reported)"
    return what + ", or empty if not reported"

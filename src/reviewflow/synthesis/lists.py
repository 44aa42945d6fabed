"""Enumerations as phrases, so a sentence that lists every group takes the list from the data and cannot drop one.

``group.list`` reads e.g. "17 case reports or small series, 10 retrospective studies, 4 randomised controlled
trials, 3 prospective observational studies and 1 study of other or unclear design". Order: most frequent
first, ties in config order (a list read as "most frequent first" cannot contradict the counts); groups with no
studies are left out; an empty list reads "none". A design group may give the nouns it is counted with
(``singular`` and ``plural`` beside its ``label``); without them the item reads "label (n)", which is
grammatical for any label. Category and yes/no values always read "label (n)", with "not reported (n)" last.

Names: ``group.list``, ``published.group.list``, ``field.<name>.list`` for every category or yes/no field with
``summary: true``, and per design group ``field.<name>.group.<group>.<code>`` counts with their
``field.<name>.group.<group>.list``. The form's ``topic`` field (a text field) gets
``field.<topic>.group.<group>.values``: its distinct values in that group, as extracted, alphabetically. The
Methods' names come from the config too: ``prisma.database_names`` and ``extraction.field_names``. The
manuscript's enumeration lint (manuscript/enumeration.py) treats the siblings of every ``list`` as one family.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from reviewflow.errors import InputError
from reviewflow.extraction.form import AWAITING_GROUP, NOT_REPORTED, Field, Form

NONE = "none"
"""What an enumeration of nothing reads."""
RESERVED = ("list", "group", "values")
"""Names the generated variables use beside the codes, so no code may take them."""


def join_phrases(items: list[str]) -> str:
    """"a", "a and b", "a, b and c"; "none" for no items. Items that hold a comma or "and" themselves are
    joined with semicolons ("a, b; c; and d"), so the list still reads as its items."""
    if not items:
        return NONE
    if len(items) == 1:
        return items[0]
    if any("," in item or " and " in item for item in items):
        return "; ".join(items[:-1]) + "; and " + items[-1]
    return ", ".join(items[:-1]) + " and " + items[-1]


def prose_label(label: str) -> str:
    """A label as it reads inside a sentence: first letter lowered unless the first word is an acronym."""
    first = label.split(" ", 1)[0]
    if len(first) > 1 and first[1:] != first[1:].lower():
        return label
    return label[:1].lower() + label[1:]


def item_phrase(count: int, label: str, nouns: tuple[str, str] | None = None) -> str:
    """``"4 randomised controlled trials"`` with nouns (singular, plural), ``"ultrasound (20)"`` without."""
    if nouns is None:
        return f"{prose_label(label)} ({count})"
    return f"{count} {nouns[0] if count == 1 else nouns[1]}"


def enumerate_counts(items: list[tuple[str, int]], last: tuple[str, int] | None = None) -> str:
    """Phrases of non-zero (phrase, count) items, most frequent first, ties in the given order; ``last`` (e.g.
    not reported) follows them whatever its count."""
    ranked = sorted((pair for pair in items if pair[1]), key=lambda pair: -pair[1])  # sorted() is stable
    if last is not None and last[1]:
        ranked.append(last)
    return join_phrases([phrase for phrase, _ in ranked])


AWAITING_NOUNS = ("study awaiting extraction", "studies awaiting extraction")


def _nouns(group: dict[str, Any]) -> tuple[str, str] | None:
    singular, plural = group.get("singular"), group.get("plural")
    return (singular, plural) if singular and plural else None


def _check_code(code: str, path: str) -> None:
    if code in RESERVED:
        raise InputError(f"code {code!r} clashes with a generated variable name", field=path,
                         expected=f"a code other than {', '.join(RESERVED)}")


def add_group_lists(numbers: Any, counts: list[tuple[str, str, int]], config: dict[str, Any]) -> None:
    """``group.list`` from the design group counts (code, label, count)."""
    groups = config["extraction"]["design_groups"]
    for code in groups:
        _check_code(code, f"extraction.design_groups.{code}")
    items = [(item_phrase(n, label, AWAITING_NOUNS if code == AWAITING_GROUP else _nouns(groups[code])), n)
             for code, label, n in counts]
    numbers.add("group.list", enumerate_counts(items), "The included studies by design group, most frequent first")


def add_published_list(numbers: Any, config: dict[str, Any]) -> None:
    """``published.group.list`` from the published review's design group counts, in our groups' words."""
    groups = config["extraction"]["design_groups"]
    published = config["published_reference"]["design_groups"]
    items = [(item_phrase(published[code], group["label"], _nouns(group)), published[code])
             for code, group in groups.items() if code in published]
    numbers.add("published.group.list", enumerate_counts(items),
                "The published review's included studies by design group, most frequent first")


def _category_items(column: pd.Series, field: Field) -> tuple[list[tuple[str, int]], tuple[str, int]]:
    items = [(item_phrase(int((column == code).sum()), label), int((column == code).sum()))
             for code, label in field.codes.items()]
    missing = int((column == "").sum())
    return items, (item_phrase(missing, "not reported"), missing)


def _field_lists(numbers: Any, studies: pd.DataFrame, field: Field, form: Form) -> None:
    name = f"field.{field.name}"
    for code in field.codes:
        _check_code(code, f"{field.path}.values.{code}")
    numbers.add(f"{name}.list", enumerate_counts(*_category_items(studies[field.name], field)),
                f"Included studies by {field.label}, most frequent first")
    for group_code, group in form.design_groups.items():
        column = studies.loc[studies["design"].isin(group["designs"]), field.name]
        items, missing = _category_items(column, field)
        for code, (_, count) in zip(field.codes, items, strict=True):
            numbers.add(f"{name}.group.{group_code}.{code}", count,
                        f"{group['label']} with {field.label}: {field.codes[code]}")
        numbers.add(f"{name}.group.{group_code}.{NOT_REPORTED}", missing[1],
                    f"{group['label']} not reporting {field.label}")
        numbers.add(f"{name}.group.{group_code}.list", enumerate_counts(items, missing),
                    f"{group['label']} by {field.label}, most frequent first")


def distinct_values(column: pd.Series) -> str:
    """The different values of a text column as written, alphabetically (case ignored), joined as a phrase."""
    seen: dict[str, str] = {}
    for value in column:
        text = str(value).strip()
        if text:
            seen.setdefault(text.casefold(), text)
    return join_phrases([seen[key] for key in sorted(seen)])


def _topic_values(numbers: Any, studies: pd.DataFrame, form: Form) -> None:
    field = form.field(form.topic) if form.topic else None
    # Only the summarised fields must be columns of the table the numbers are computed from.
    if field is None or field.type != "text" or field.name not in studies.columns:
        return
    for code, group in form.design_groups.items():
        column = studies.loc[studies["design"].isin(group["designs"]), field.name]
        numbers.add(f"field.{field.name}.group.{code}.values", distinct_values(column),
                    f"The different values of {field.label} among the {group['label'].lower()}, alphabetically")


def add_field_lists(numbers: Any, studies: pd.DataFrame, form: Form) -> None:
    """``field.<name>.list`` and the per design group counts and lists of every summarised category or yes/no
    field; the topic field's values per design group."""
    for field in form.fields:
        if field.summary and not field.numeric and field.type in ("category", "yes_no"):
            _field_lists(numbers, studies, field, form)
    _topic_values(numbers, studies, form)


def add_name_lists(numbers: Any, prisma: dict[str, Any], form: Form) -> None:
    """Names the Methods enumerate: ``prisma.database_names`` (the databases searched, in config order) and
    ``extraction.field_names`` (the design, then the form's fields by label, in form order)."""
    labels = [db["label"] for db in prisma["identification"]["databases"]]
    numbers.add("prisma.database_names", join_phrases(labels), "The databases searched, in config order")
    fields = ["design", *(prose_label(field.label) for field in form.fields)]
    numbers.add("extraction.field_names", join_phrases(fields),
                "What was extracted from each included study: the design and the form's fields, in form order")

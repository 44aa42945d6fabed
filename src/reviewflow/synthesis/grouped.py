"""Numbers of a grouped synthesis: ``synthesis.<group>.*``, so the results can be written group by group.

For each code of the grouping field (config order) the stage counts the group's studies and their share, the
studies per design group, the studies filling each column of the group's table, and, under
``synthesis.<group>.field.*`` and ``synthesis.<group>.change.*``, the same field and change numbers the whole
review has (synthesis/fields.py), restricted to the group. In a draft the works still awaiting extraction have no
group yet; they are counted as ``synthesis.awaiting_extraction.n`` so the groups still add up to
``prisma.included``.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pandas as pd

from reviewflow.extraction.form import AWAITING_GROUP, Form
from reviewflow.synthesis.fields import add_field_numbers


class _Scoped:
    """Numbers added under a prefix, with the group named in each description."""

    def __init__(self, numbers: Any, prefix: str, label: str) -> None:
        self.numbers, self.prefix, self.label = numbers, prefix, label

    def add(self, name: str, value: Any, description: str) -> None:
        self.numbers.add(f"{self.prefix}.{name}", value, f"{description} ({self.label})")


def _share(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}" if whole else "0.0"


def add_grouped_numbers(numbers: Any, studies: pd.DataFrame, form: Form, prisma: dict[str, Any]) -> None:
    """``synthesis.*`` when the form declares a grouped synthesis; nothing otherwise."""
    synthesis = form.synthesis
    if synthesis is None:
        return
    total = int(prisma["included"])
    awaiting = int(prisma.get("awaiting", {}).get("extraction", 0))
    # The group field's own counts would only repeat synthesis.<group>.n.
    within = replace(form, fields=tuple(f for f in form.fields if f.name != synthesis.group_by))
    for code, label in synthesis.groups.items():
        members = studies[studies[synthesis.group_by] == code]
        prefix = f"synthesis.{code}"
        numbers.add(f"{prefix}.n", len(members), f"Included studies in the group: {label}")
        numbers.add(f"{prefix}.pct", _share(len(members), total), f"Percent of included studies: {label}")
        for group_code, group in form.design_groups.items():
            numbers.add(f"{prefix}.design_group.{group_code}.n", int(members["design"].isin(group["designs"]).sum()),
                        f"Studies of the group {label}: {group['label']}")
        for name in synthesis.columns:
            numbers.add(f"{prefix}.reporting.{name}", int((members[name] != "").sum()),
                        f"Studies of the group {label} reporting {form.field(name).label}")
        add_field_numbers(_Scoped(numbers, prefix, label), members, within)
    if awaiting:
        numbers.add(f"synthesis.{AWAITING_GROUP}.n", awaiting, "Included works awaiting extraction (no group yet)")

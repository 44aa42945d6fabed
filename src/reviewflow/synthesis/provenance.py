"""Where each number of ``results/numbers.json`` comes from: the workflow rule, the function and the input files.

The HTML manuscript links every number to its definition; the definition says which rule computed it, in which
function, from which files, so a reader can check a count without reading the workflow. The table is keyed by
name prefix (the longest matching prefix wins), because every number's name starts with the group its function
writes; ``tests/manuscript/test_provenance.py`` checks that each named function really writes that prefix and
that every number of the shipped review has an entry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Provenance:
    """How one number was made: rule (``reviewflow build`` stage), producing function, files it was computed from."""

    rule: str
    function: str
    inputs: tuple[str, ...]


_PRISMA_INPUTS = ("results/import_report.json", "results/works.csv", "results/auto_excluded.csv",
                  "results/screening.csv", "config/review.yaml")
_STUDY_INPUTS = ("results/studies.csv", "config/review.yaml")

PROVENANCE: dict[str, Provenance] = {
    "protocol.": Provenance("synthesis", "reviewflow.synthesis.numbers.compute_numbers", ("config/review.yaml",)),
    "prisma.": Provenance("synthesis", "reviewflow.synthesis.numbers._flatten_prisma", _PRISMA_INPUTS),
    "prisma.other.": Provenance("synthesis", "reviewflow.synthesis.numbers.add_other_method_numbers",
                                _PRISMA_INPUTS),
    "prisma.included_via_databases": Provenance(
        "synthesis", "reviewflow.synthesis.numbers.add_other_method_numbers", _PRISMA_INPUTS),
    "prisma.awaiting.": Provenance("synthesis", "reviewflow.synthesis.draft.add_awaiting_numbers",
                                   ("results/screening.csv", "results/studies.csv")),
    "prisma.previous.": Provenance("synthesis", "reviewflow.synthesis.prisma_update.add_update_numbers",
                                   (*_PRISMA_INPUTS, "results/records.csv")),
    "prisma.update.": Provenance("synthesis", "reviewflow.synthesis.prisma_update.add_update_numbers",
                                 (*_PRISMA_INPUTS, "results/records.csv")),
    "dedup.": Provenance("synthesis", "reviewflow.synthesis.numbers._dedup_numbers", ("results/dedup_pairs.csv",)),
    "screening.": Provenance("synthesis", "reviewflow.synthesis.screening_numbers.add_screening_numbers",
                             ("results/screening_agreement.json",)),
    "design.": Provenance("synthesis", "reviewflow.synthesis.numbers._study_numbers", _STUDY_INPUTS),
    "group.": Provenance("synthesis", "reviewflow.synthesis.numbers._study_numbers",
                         (*_STUDY_INPUTS, "results/prisma.json")),
    "studies.": Provenance("synthesis", "reviewflow.synthesis.numbers._study_numbers", _STUDY_INPUTS),
    "field.": Provenance("synthesis", "reviewflow.synthesis.fields.add_field_numbers", _STUDY_INPUTS),
    "change.": Provenance("synthesis", "reviewflow.synthesis.fields._change", _STUDY_INPUTS),
    "published.": Provenance("synthesis", "reviewflow.synthesis.numbers._published",
                             ("config/review.yaml", "results/studies.csv")),
    "field.*.list": Provenance("synthesis", "reviewflow.synthesis.lists._field_lists", _STUDY_INPUTS),
    "field.*.group.*.*": Provenance("synthesis", "reviewflow.synthesis.lists._field_lists", _STUDY_INPUTS),
    "field.*.group.*.total": Provenance("synthesis", "reviewflow.synthesis.fields._numeric", _STUDY_INPUTS),
    "field.*.group.*.values": Provenance("synthesis", "reviewflow.synthesis.lists._topic_values", _STUDY_INPUTS),
    "group.list": Provenance("synthesis", "reviewflow.synthesis.lists.add_group_lists", _STUDY_INPUTS),
    "published.group.list": Provenance("synthesis", "reviewflow.synthesis.lists.add_published_list",
                                       ("config/review.yaml",)),
    "prisma.database_names": Provenance("synthesis", "reviewflow.synthesis.lists.add_name_lists",
                                        ("config/review.yaml",)),
    "extraction.": Provenance("synthesis", "reviewflow.synthesis.lists.add_name_lists", ("config/review.yaml",)),
    "synthesis.": Provenance("synthesis", "reviewflow.synthesis.grouped.add_grouped_numbers", _STUDY_INPUTS),
    "rob.": Provenance("risk_of_bias", "reviewflow.riskofbias.numbers.rob_numbers",
                       ("results/studies.csv", "data/risk_of_bias/", "config/review.yaml")),
    "retractions.": Provenance("retractions", "reviewflow.synthesis.retractions.retraction_numbers",
                               ("results/studies.csv", "data/retractions/")),
}
"""Name prefix (or pattern, ``*`` standing for one name part) -> provenance. A new group of numbers needs a line
here (the test names any number without one)."""

UNKNOWN = Provenance("synthesis", "reviewflow.synthesis.numbers.compute_numbers", ("results/",))
"""For a number no prefix describes: the stage that writes numbers.json, without a claim about the function."""


def _matches(key: str, name: str) -> bool:
    if "*" in key:
        return re.fullmatch(r"[^.]+".join(re.escape(part) for part in key.split("*")), name) is not None
    return name == key or (key.endswith(".") and name.startswith(key))


def provenance_of(name: str) -> Provenance | None:
    """The entry whose key matches ``name`` most specifically (most literal characters): a prefix ending in '.',
    the whole name, or a pattern with ``*`` for one name part; None when nothing matches."""
    matches = [key for key in PROVENANCE if _matches(key, name)]
    return PROVENANCE[max(matches, key=lambda key: len(key.replace("*", "")))] if matches else None

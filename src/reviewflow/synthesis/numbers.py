"""Synthesis stage: every number the manuscript quotes, computed once from the stage outputs.

Each number carries a description, so ``results/numbers.json`` doubles as a glossary a co-author or editor can
check; the manuscript reads the same values through ``manuscript/_variables.yml``.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import yaml

from reviewflow.extraction.form import form_from_config
from reviewflow.synthesis.draft import add_awaiting_numbers
from reviewflow.synthesis.fields import add_field_numbers
from reviewflow.synthesis.grouped import add_grouped_numbers
from reviewflow.synthesis.groups import design_group_counts
from reviewflow.synthesis.lists import add_field_lists, add_group_lists, add_name_lists, add_published_list
from reviewflow.synthesis.prisma_update import add_update_numbers
from reviewflow.synthesis.screening_numbers import add_screening_numbers


class Numbers:
    """An ordered collection of named numbers with descriptions."""

    def __init__(self) -> None:
        self.items: dict[str, dict[str, Any]] = {}

    def add(self, name: str, value: Any, description: str) -> None:
        if name in self.items:
            raise ValueError(f"number {name!r} defined twice")
        self.items[name] = {"value": value, "description": description}


def percent(part: int, whole: int) -> str:
    """A share as the manuscript prints it: one decimal, "0.0" for an empty whole."""
    return f"{100 * part / whole:.1f}" if whole else "0.0"


def _flatten_prisma(numbers: Numbers, prisma: dict[str, Any]) -> None:
    ident, removed = prisma["identification"], prisma["removed_before_screening"]
    numbers.add("prisma.identified", ident["total"], "Records identified from all databases")
    for db in ident["databases"]:
        numbers.add(f"prisma.database.{db['id']}", db["records"], f"Records identified from {db['label']}")
    numbers.add("prisma.databases", len(ident["databases"]), "Number of databases searched")
    numbers.add("prisma.duplicates", removed["duplicates"], "Duplicate records removed")
    numbers.add("prisma.unique", ident["total"] - removed["duplicates"], "Unique works after deduplication")
    numbers.add("prisma.automation", removed["automation"], "Records excluded by rule before screening")
    numbers.add("prisma.automation_overridden", removed["automation_overridden"],
                "Records excluded by rule that a person included at title/abstract, so screened")
    for reason in removed["automation_reasons"]:
        numbers.add(f"prisma.automation_reason.{reason['reason']}", reason["count"],
                    f"Records excluded by rule: {reason['label']}")
    numbers.add("prisma.screened", prisma["screened"], "Records screened on title and abstract")
    numbers.add("prisma.excluded_title_abstract", prisma["excluded_title_abstract"],
                "Records excluded at title/abstract screening")
    numbers.add("prisma.sought", prisma["sought_for_retrieval"], "Reports sought for retrieval")
    numbers.add("prisma.not_retrieved", prisma["not_retrieved"], "Reports not retrieved")
    numbers.add("prisma.assessed", prisma["assessed_full_text"], "Reports assessed for eligibility")
    numbers.add("prisma.excluded_full_text", prisma["excluded_full_text_total"], "Reports excluded at full text")
    for reason in prisma["excluded_full_text"]:
        numbers.add(f"prisma.full_text_reason.{reason['reason']}", reason["count"],
                    f"Reports excluded at full text: {reason['label']}")
    numbers.add("prisma.included", prisma["included"], "Studies included in the review")
    numbers.add("prisma.included_reports", prisma["included_reports"],
                "Reports of the included studies (a study may have several, e.g. a trial and its follow-up)")
    if "registers" in ident:
        for register in ident["registers"]:
            numbers.add(f"prisma.register.{register['id']}", register["records"],
                        f"Records identified from {register['label']}")
        numbers.add("prisma.registers", len(ident["registers"]), "Number of registers searched")
    add_other_method_numbers(numbers, prisma)
    add_awaiting_numbers(numbers, prisma)
    add_update_numbers(numbers, prisma)


def add_other_method_numbers(numbers: Numbers, prisma: dict[str, Any]) -> None:
    """``prisma.other.*``: the other-methods arm (citation searching and the like), when the review has one."""
    other = prisma.get("other_methods")
    if other is None:
        return
    numbers.add("prisma.included_via_databases", prisma["included_via_databases"],
                "Studies included via databases and registers")
    numbers.add("prisma.other.identified", other["identification"]["total"], "Records identified via other methods")
    for method in other["identification"]["methods"]:
        numbers.add(f"prisma.other.method.{method['id']}", method["records"],
                    f"Records identified via {method['label']}")
    removed = other["removed_before_screening"]
    numbers.add("prisma.other.duplicates", removed["duplicates"],
                "Other-methods records already found by the databases or by another other-methods record")
    numbers.add("prisma.other.automation", removed["automation"], "Other-methods records excluded by rule")
    numbers.add("prisma.other.excluded_title_abstract", other["excluded_title_abstract"],
                "Other-methods records excluded at title/abstract screening")
    numbers.add("prisma.other.sought", other["sought_for_retrieval"], "Other-methods reports sought for retrieval")
    numbers.add("prisma.other.not_retrieved", other["not_retrieved"], "Other-methods reports not retrieved")
    numbers.add("prisma.other.assessed", other["assessed_full_text"], "Other-methods reports assessed")
    numbers.add("prisma.other.excluded_full_text", other["excluded_full_text_total"],
                "Other-methods reports excluded at full text")
    numbers.add("prisma.other.included", other["included"], "Studies included via other methods")
    numbers.add("prisma.included_reports_via_databases", prisma["included_reports_via_databases"],
                "Reports of included studies found via databases and registers")
    numbers.add("prisma.other.included_reports", other["included_reports"],
                "Reports of included studies found via other methods")


def _study_numbers(numbers: Numbers, studies: pd.DataFrame, prisma: dict[str, Any], config: dict[str, Any]) -> None:
    form = form_from_config(config)
    designs = form.designs
    for code in designs:
        numbers.add(f"design.{code}", int((studies["design"] == code).sum()), f"Included studies: {designs[code]}")
    # Percentages of all included works: in a draft those awaiting extraction are a group of their own, so the
    # groups add up to prisma.included in a draft too.
    total = prisma["included"]
    counts = design_group_counts(studies["design"].tolist(), config, prisma)
    for code, label, count in counts:
        numbers.add(f"group.{code}.n", count, f"Included studies: {label}")
        numbers.add(f"group.{code}.pct", percent(count, total), f"Percent of included studies: {label}")
    add_group_lists(numbers, counts, config)
    years = sorted(int(y) for y in studies["year"] if y)
    numbers.add("studies.first_year", years[0] if years else "NA", "Earliest publication year among included")
    numbers.add("studies.last_year", years[-1] if years else "NA", "Latest publication year among included")
    add_field_numbers(numbers, studies, form)
    add_field_lists(numbers, studies, form)
    add_name_lists(numbers, prisma, form)
    add_grouped_numbers(numbers, studies, form, prisma)


def _published(numbers: Numbers, studies: pd.DataFrame, config: dict[str, Any]) -> None:
    reference = config.get("published_reference")
    if not reference:
        return
    numbers.add("published.included", reference["included"], "Included studies in the published review")
    numbers.add("published.difference", reference["included"] - len(studies),
                "Published included studies minus ours")
    groups = config["extraction"]["design_groups"]
    for code, count in reference["design_groups"].items():
        numbers.add(f"published.group.{code}", count, f"Published review: {groups[code]['label']}")
    add_published_list(numbers, config)


def _dedup_numbers(numbers: Numbers, pairs: pd.DataFrame) -> None:
    """How the duplicates were found: pairs compared, pairs the rules merged, pairs a person decided, pairs
    still waiting for one (the manuscript should say none)."""
    rule, verdict = pairs["rule"], pairs["verdict"]
    by_person = rule.isin(["override_same", "override_different"])
    numbers.add("dedup.pairs_compared", len(pairs), "Candidate record pairs compared by the deduplication")
    numbers.add("dedup.pairs_merged", int(((verdict == "duplicate") & ~by_person).sum()),
                "Candidate pairs the rules judged duplicates")
    numbers.add("dedup.pairs_by_person", int(by_person.sum()), "Candidate pairs decided by a person")
    numbers.add("dedup.pairs_by_person_different", int((rule == "override_different").sum()),
                "Candidate pairs a person judged to be different works")
    numbers.add("dedup.pairs_awaiting", int((verdict == "review").sum()),
                "Candidate pairs still waiting for a person's decision")


def compute_numbers(prisma: dict[str, Any], studies: pd.DataFrame, config: dict[str, Any],
                    pairs: pd.DataFrame | None = None, agreement: dict[str, Any] | None = None) -> dict[str, Any]:
    """All manuscript numbers as ``{name: {value, description}}`` (``dedup.*`` when the pairs file is given,
    ``screening.*`` when the screening stage's agreement is)."""
    numbers = Numbers()
    first, last = config["eligibility"]["years"]
    numbers.add("protocol.first_year", first, "First publication year searched")
    numbers.add("protocol.last_year", last, "Last publication year searched")
    _flatten_prisma(numbers, prisma)
    if pairs is not None:
        _dedup_numbers(numbers, pairs)
    if agreement is not None:
        add_screening_numbers(numbers, agreement)
    _study_numbers(numbers, studies, prisma, config)
    _published(numbers, studies, config)
    return numbers.items


def variables_yaml(numbers: dict[str, dict[str, Any]]) -> str:
    """Nested YAML for Quarto's ``{{< var a.b >}}`` from the dotted number names."""
    tree: dict[str, Any] = {}
    for name, item in sorted(numbers.items()):
        node = tree
        *parents, leaf = name.split(".")
        for part in parents:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                raise ValueError(f"number {name!r} clashes with a shorter name")
        node[leaf] = item["value"]
    header = "# Generated by `reviewflow numbers` from results/numbers.json. Do not edit.\n"
    return header + yaml.safe_dump(tree, sort_keys=True, allow_unicode=True, default_flow_style=False)

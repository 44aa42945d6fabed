"""The risk-of-bias tools as data: domains, signalling questions, allowed answers and judgements of each tool's
current version, read from ``tools/<id>.yaml``.

Keeping the forms as data (each file citing the pages its facts come from) lets a new tool or a new version of
one be added without code, and lets tests check every form is complete. A broken tool file is a bug in the
package, so it raises ``InvariantError`` rather than an input error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from reviewflow.errors import InvariantError
from reviewflow.safe_yaml import load_yaml_file

TOOLS_DIR = Path(__file__).resolve().parent / "tools"
TOOL_IDS = ("rob2", "robins_i", "jbi_case_series", "jbi_case_report")
"""The tools a config may name, in the order the manuscript lists them."""
LEVELS = ("low", "concerns", "high", "critical", "no_information", "not_applicable")
"""robvis's colour levels every judgement is drawn with."""
ALGORITHMS = ("rob2", "worst_domain", "none")
_ID = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Judgement:
    """One allowed judgement (or checklist answer): its code in sheets, label in reports, and robvis level."""

    code: str
    label: str
    level: str
    domains: tuple[str, ...] = ()
    """Domains it is allowed in; empty means every domain."""


@dataclass(frozen=True)
class Question:
    """A signalling question: its number in the tool and a short reminder (the wording is the tool's)."""

    id: str
    prompt: str

    @property
    def column(self) -> str:
        """Its column in the sheet: ``q1_1`` for 1.1, ``q1a_2`` for 1A.2."""
        return "q" + self.id.lower().replace(".", "_")


@dataclass(frozen=True)
class Domain:
    """A domain (or a checklist item): its column in the sheet and its questions."""

    id: str
    name: str
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Tool:
    """One tool's form, as its file gives it."""

    id: str
    name: str
    title: str
    version: str
    status: str
    citation: str
    sources: tuple[str, ...]
    checklist: bool
    per_result: bool
    answers: dict[str, str]
    judgements: tuple[Judgement, ...]
    domains: tuple[Domain, ...]
    algorithm: str
    overall_description: str
    overall_low: str
    appraisal: dict[str, str]

    def judgement(self, code: str) -> Judgement:
        return next(j for j in self.judgements if j.code == code)

    def allowed(self, domain: str) -> list[str]:
        """Judgement codes allowed in ``domain``, in the tool's order."""
        return [j.code for j in self.judgements if not j.domains or domain in j.domains]

    @property
    def has_overall(self) -> bool:
        return self.algorithm != "none"

    def label_of(self, code: str) -> str:
        return self.judgement(code).label


def _text(data: dict[str, Any], key: str, where: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise InvariantError(f"{where}: '{key}' must be non-empty text")
    return value


def _codes(data: Any, where: str) -> dict[str, str]:
    if data is None:
        return {}
    if not isinstance(data, dict) or not all(isinstance(k, str) and _ID.match(k) and isinstance(v, str)
                                              for k, v in data.items()):
        raise InvariantError(f"{where}: expected a mapping of lower-case codes to labels")
    return dict(data)


def _domain(data: Any, where: str, checklist: bool) -> Domain:
    if not isinstance(data, dict):
        raise InvariantError(f"{where}: a domain must be a mapping")
    questions = tuple(Question(_text(q, "id", where), _text(q, "prompt", where)) for q in data.get("questions") or [])
    if not checklist and not questions:
        raise InvariantError(f"{where}: a domain needs its signalling questions")
    domain_id = _text(data, "id", where)
    if not _ID.match(domain_id):
        raise InvariantError(f"{where}: domain id {domain_id!r} is not a lower-case identifier")
    return Domain(domain_id, _text(data, "name", where), questions)


def _parse(data: Any, path: Path) -> Tool:
    where = str(path)
    if not isinstance(data, dict):
        raise InvariantError(f"{where}: a tool file must be a mapping")
    checklist = bool(data.get("checklist", False))
    judgements = tuple(
        Judgement(_text(j, "code", where), _text(j, "label", where), _text(j, "level", where),
                  tuple(j.get("domains") or ()))
        for j in data.get("judgements") or [])
    domains = tuple(_domain(d, f"{where} domains[{i}]", checklist) for i, d in enumerate(data.get("domains") or []))
    overall = data.get("overall") or {}
    tool = Tool(
        id=_text(data, "id", where), name=_text(data, "name", where), title=_text(data, "title", where),
        version=_text(data, "version", where), status=_text(data, "status", where),
        citation=_text(data, "citation", where), sources=tuple(data.get("sources") or ()), checklist=checklist,
        per_result=bool(data.get("per_result", False)), answers=_codes(data.get("answers"), f"{where} answers"),
        judgements=judgements, domains=domains, algorithm=_text(overall, "algorithm", f"{where} overall"),
        overall_description=_text(overall, "description", f"{where} overall"),
        overall_low=str(overall.get("overall_low") or "low"), appraisal=_codes(data.get("appraisal"), where),
    )
    _check(tool, where)
    return tool


def _check(tool: Tool, where: str) -> None:
    """Every form complete: judgements with known levels, domains with questions, answers for questions, sources."""
    if not tool.sources or not all(str(s).startswith("https://") for s in tool.sources):
        raise InvariantError(f"{where}: every tool names the https pages its facts come from")
    if not tool.judgements or not tool.domains:
        raise InvariantError(f"{where}: a tool needs judgements and domains")
    codes = [j.code for j in tool.judgements]
    if len(set(codes)) != len(codes) or any(not _ID.match(c) for c in codes):
        raise InvariantError(f"{where}: judgement codes must be unique lower-case identifiers")
    bad = [j.code for j in tool.judgements if j.level not in LEVELS]
    if bad:
        raise InvariantError(f"{where}: judgement(s) {bad} have a level outside {LEVELS}")
    ids = [d.id for d in tool.domains]
    if len(set(ids)) != len(ids) or "overall" in ids:
        raise InvariantError(f"{where}: domain ids must be unique and not 'overall'")
    for judgement in tool.judgements:
        if set(judgement.domains) - set(ids):
            raise InvariantError(f"{where}: judgement {judgement.code} names unknown domains")
    if any(d.questions for d in tool.domains) and not tool.answers:
        raise InvariantError(f"{where}: signalling questions need the allowed answers")
    columns = [q.column for d in tool.domains for q in d.questions]
    if len(set(columns)) != len(columns):
        raise InvariantError(f"{where}: signalling question numbers repeat")
    if tool.algorithm not in ALGORITHMS:
        raise InvariantError(f"{where}: overall algorithm {tool.algorithm!r} is not one of {ALGORITHMS}")
    if tool.algorithm != "none" and tool.overall_low not in codes:
        raise InvariantError(f"{where}: overall_low {tool.overall_low!r} is not a judgement")


@cache
def load_tool(tool_id: str) -> Tool:
    """The tool's form from ``tools/<tool_id>.yaml``."""
    if tool_id not in TOOL_IDS:
        raise InvariantError(f"unknown risk-of-bias tool {tool_id!r}; known: {', '.join(TOOL_IDS)}")
    path = TOOLS_DIR / f"{tool_id}.yaml"
    tool = _parse(load_yaml_file(path), path)
    if tool.id != tool_id:
        raise InvariantError(f"{path}: id {tool.id!r} differs from the file name")
    return tool


@dataclass(frozen=True)
class Drawing:
    """robvis's conventions: palettes (level -> colour), symbols (level -> character), Overall background."""

    palettes: dict[str, dict[str, str]]
    symbols: dict[str, str]
    overall_background: str
    source: str


@cache
def robvis_conventions() -> Drawing:
    """Colours and symbols per level, from ``tools/robvis.yaml``."""
    path = TOOLS_DIR / "robvis.yaml"
    data = load_yaml_file(path)
    palettes = {name: dict(colours) for name, colours in data["palettes"].items()}
    for name, colours in palettes.items():
        if set(colours) != set(LEVELS):
            raise InvariantError(f"{path}: palette {name} must give a colour to each of {LEVELS}")
    symbols = dict(data["symbols"])
    if set(symbols) != set(LEVELS):
        raise InvariantError(f"{path}: symbols must give a character to each of {LEVELS}")
    return Drawing(palettes, symbols, str(data["overall_background"]), str(data["source"]))

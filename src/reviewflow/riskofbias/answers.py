"""Read the assessors' sheets (``data/risk_of_bias/<tool>.csv``) and list every wrong cell in one table.

A sheet has one row per study (per study and result for tools that assess a result, RoB 2 and ROBINS-I): the
study's ``work_id`` and ``study_label`` as in results/studies.csv, the ``result`` assessed, then for each domain
its signalling questions (``q1_1``, ``q1_2``, ... optional: blank when not answered) and the domain judgement
(``d1``), then ``overall`` (optional: blank takes the tool's algorithm) and ``notes``. A JBI sheet has one column
per checklist item (``q1``...) and an optional ``appraisal``. One row per study is what assessors fill in a
spreadsheet most easily and what robvis reads; `reviewflow rob-forms` writes the blank sheets.

Values are the codes in the tool file or their labels, in any case (``some_concerns`` or ``Some concerns``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from reviewflow.errors import InputError
from reviewflow.problems import Problems
from reviewflow.riskofbias.judgement import derive_overall
from reviewflow.riskofbias.settings import Settings
from reviewflow.riskofbias.tools import Tool
from reviewflow.tables import read_table

ID_COLUMNS = ("work_id", "study_label")


@dataclass
class Assessment:
    """One checked row: the study, the result assessed, each domain's judgement code and the overall one."""

    tool: str
    work_id: str
    study_label: str
    result: str
    line: int
    domains: dict[str, str]
    answers: dict[str, str] = field(default_factory=dict)
    overall: str | None = None
    overall_source: str = ""
    appraisal: str = ""


def sheet_columns(tool: Tool) -> list[str]:
    """The sheet's columns, in order."""
    columns = [*ID_COLUMNS, *(["result"] if tool.per_result else [])]
    for domain in tool.domains:
        columns += [q.column for q in domain.questions] + [domain.id]
    if tool.has_overall:
        columns.append("overall")
    if tool.appraisal:
        columns.append("appraisal")
    return [*columns, "notes"]


def _lookup(codes: dict[str, str]) -> dict[str, str]:
    """Codes and labels, lower-cased, to codes."""
    found = {code.lower(): code for code in codes}
    found.update({label.strip().lower(): code for code, label in codes.items()})
    return found


def _listed(codes: dict[str, str]) -> str:
    return ", ".join(f"{code} ({label})" for code, label in codes.items())


class _SheetCheck:
    """The checks of one sheet, adding to one ``Problems``."""

    def __init__(self, tool: Tool, path: Path, problems: Problems) -> None:
        self.tool, self.path, self.problems = tool, path, problems

    def add(self, line: int | None, study: str, column: str, value: object, expected: str) -> None:
        self.problems.add(file=self.path, line=line, study=study, field=column, value=value, expected=expected)

    def value(self, row: pd.Series, line: int, study: str, column: str, codes: dict[str, str],
              required: bool) -> str | None:
        raw = str(row.get(column, "")).strip()
        if not raw:
            if required:
                self.add(line, study, column, raw, f"one of {_listed(codes)}")
            return None
        code = _lookup(codes).get(raw.lower())
        if code is None:
            self.add(line, study, column, raw, f"one of {_listed(codes)}" + ("" if required else ", or blank"))
        return code


def read_sheet(path: Path, tool: Tool) -> pd.DataFrame:
    """The sheet as text; a missing file is an input error naming it."""
    if not path.is_file():
        raise InputError("risk-of-bias sheet not found", file=path,
                         hint="write blank sheets for the included studies with `reviewflow rob-forms`")
    return read_table(path)


def check_sheet(path: Path, tool: Tool, studies: pd.DataFrame, settings: Settings,
                problems: Problems) -> list[Assessment]:
    """The sheet's rows that are right, each problem added to ``problems``: missing or unknown columns, studies
    that are not included or not of the tool's designs, a study (and result) assessed twice, an included study
    of the tool's designs not assessed, a blank or unknown judgement or answer, an overall judgement the tool's
    algorithm does not allow."""
    frame = read_sheet(path, tool)
    check = _SheetCheck(tool, path, problems)
    expected = sheet_columns(tool)
    for column in expected:
        if column not in frame.columns:
            check.add(1, "", column, "", f"the column {column} (columns: {', '.join(expected)})")
    for column in frame.columns:
        if column not in expected:
            check.add(1, "", column, "", f"only the form's columns: {', '.join(expected)}")
    if frame.empty:
        check.add(None, "", "(rows)", "", "one row per assessed study; delete the sheet if none is assessed yet")
    designs = settings.tools.get(tool.id, ())
    labels = dict(zip(studies["work_id"], studies["study_label"], strict=True))
    design_of = dict(zip(studies["work_id"], studies["design"], strict=True))
    seen: dict[tuple[str, str], int] = {}
    assessments = []
    for position, row in frame.reset_index(drop=True).iterrows():
        line = int(position) + 2
        work_id = str(row.get("work_id", "")).strip()
        result = str(row.get("result", "")).strip()
        if not _study_ok(check, line, work_id, str(row.get("study_label", "")).strip(), labels, design_of, designs):
            continue
        key = (work_id, result)
        if key in seen:
            what = f"study {work_id}" + (f" and result {result!r}" if result else "")
            check.add(line, work_id, "work_id", work_id, f"one row per study and result: {what} is already "
                      f"assessed on line {seen[key]}")
            continue
        seen[key] = line
        assessment = _row(check, row, line, work_id, labels[work_id], result)
        if assessment is not None:
            assessments.append(assessment)
    assessed = {work_id for work_id, _ in seen}
    for work_id in sorted(w for w, d in design_of.items() if d in designs and w not in assessed):
        check.add(None, work_id, "work_id", work_id, f"a row for every included study of design {design_of[work_id]}"
                  f" (assessed with {tool.name}); `reviewflow rob-forms` lists them")
    return assessments


def _study_ok(check: _SheetCheck, line: int, work_id: str, label: str, labels: dict[str, str],
              design_of: dict[str, str], designs: tuple[str, ...]) -> bool:
    if work_id not in labels:
        check.add(line, work_id, "work_id", work_id, "the work_id of an included study (results/studies.csv)")
        return False
    if design_of[work_id] not in designs:
        check.add(line, work_id, "work_id", work_id,
                  f"a study of design {', '.join(designs)} (risk_of_bias.tools.{check.tool.id} in the config); "
                  f"this study's design is {design_of[work_id]}")
        return False
    if label and label != labels[work_id]:
        check.add(line, work_id, "study_label", label, f"the study's label {labels[work_id]!r} (or blank)")
    return True


def _row(check: _SheetCheck, row: pd.Series, line: int, work_id: str, label: str, result: str) -> Assessment | None:
    tool = check.tool
    domains: dict[str, str] = {}
    answers: dict[str, str] = {}
    complete = True
    for domain in tool.domains:
        for question in domain.questions:
            code = check.value(row, line, work_id, question.column, tool.answers, required=False)
            if code:
                answers[question.column] = code
        allowed = {code: tool.label_of(code) for code in tool.allowed(domain.id)}
        code = check.value(row, line, work_id, domain.id, allowed, required=True)
        if code is None:
            complete = False
        else:
            domains[domain.id] = code
    appraisal = ""
    if tool.appraisal:
        appraisal = check.value(row, line, work_id, "appraisal", tool.appraisal, required=False) or ""
    if not complete:
        return None
    assessment = Assessment(tool.id, work_id, label, result, line, domains, answers, appraisal=appraisal)
    overall = derive_overall(tool, [domains[d.id] for d in tool.domains])
    if overall is None:
        return assessment
    judgements = {j.code: j.label for j in tool.judgements}
    given = check.value(row, line, work_id, "overall", judgements, required=False)
    if given is None and str(row.get("overall", "")).strip():
        return None
    if given is not None and given not in overall.allowed:
        check.add(line, work_id, "overall", row.get("overall", ""),
                  f"{' or '.join(overall.allowed)} from the domain judgements by {tool.name}'s algorithm "
                  f"({tool.overall_description}), or blank")
        return None
    assessment.overall = given or overall.derived
    assessment.overall_source = "assessor" if given and given != overall.derived else "algorithm"
    return assessment

"""`reviewflow init DIR`: a new review project, ready for its exports, with nothing of another review in it.

The project holds only what the team owns (protocol, search log, exports, decisions, extraction, manuscript
text); the workflow is the installed package's (its Snakefile includes reviewflow.workflow), so there is no copy
of the rules to keep in step. Template files are filled by plain token replacement of ``{{name}}`` with values
already quoted for their file type (YAML strings via JSON quoting): nothing is evaluated.
"""

from __future__ import annotations

import json
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from reviewflow import __version__
from reviewflow.errors import InputError

TEMPLATE_DIR = Path(__file__).resolve().parent / "template"
_TOKEN = re.compile(r"\{\{([a-z_]+)\}\}")
_DATABASE_ID = re.compile(r"^[a-z][a-z0-9_]*$")

KNOWN_DATABASES = {
    "pubmed": ("PubMed", "PubMed (National Library of Medicine)"),
    "medline": ("MEDLINE", "Ovid MEDLINE"),
    "embase": ("Embase", "Embase.com (Elsevier)"),
    "scopus": ("Scopus", "Scopus (Elsevier)"),
    "wos": ("Web of Science", "Web of Science Core Collection (Clarivate)"),
    "cinahl": ("CINAHL", "EBSCOhost"),
    "psycinfo": ("APA PsycInfo", "Ovid"),
    "cochrane": ("Cochrane Library (CENTRAL)", "Cochrane Library (Wiley)"),
    "europepmc": ("Europe PMC", "Europe PMC"),
    "openalex": ("OpenAlex", "OpenAlex"),
}
"""Labels and usual platforms of common databases; any other id is accepted with its id as label."""

DECISION_HEADER = "work_id,stage,reviewer,decision,reason,note\n"
OVERRIDES_HEADER = "record_id_a,record_id_b,decision,reason\n"


@dataclass
class ReviewSpec:
    """What a team says about its review when it starts one."""

    title: str
    question: str
    databases: list[str]
    authors: list[str] = field(default_factory=list)
    years: tuple[int, int] = (1900, 2100)
    languages: list[str] = field(default_factory=lambda: ["English"])


def parse_databases(text: str) -> list[str]:
    """Database ids from "pubmed, scopus wos", in the order given (the deduplication's priority order)."""
    ids = [part.strip().lower() for part in re.split(r"[,\s]+", text) if part.strip()]
    bad = [part for part in ids if not _DATABASE_ID.match(part)]
    if bad or not ids:
        raise InputError(f"database id(s) not usable: {', '.join(bad) or '(none given)'}", field="--databases",
                         expected="ids in lower case letters, digits and _, e.g. pubmed,scopus,embase,wos "
                                  f"(known: {', '.join(KNOWN_DATABASES)})")
    if len(set(ids)) != len(ids):
        raise InputError("a database is named twice", field="--databases", expected="each database once")
    return ids


def parse_years(text: str) -> tuple[int, int]:
    """An inclusive year range written "2010-2024"."""
    match = re.fullmatch(r"\s*(\d{4})\s*[-:]\s*(\d{4})\s*", text)
    if not match or int(match[1]) > int(match[2]):
        raise InputError(f"not a year range: {text!r}", field="--years", expected="FIRST-LAST, e.g. 2010-2024")
    return int(match[1]), int(match[2])


def _yaml_string(text: str) -> str:
    """A YAML scalar for any text: JSON's quoting is valid YAML and escapes everything that could mean more."""
    return json.dumps(" ".join(text.split()), ensure_ascii=False)


def _values(spec: ReviewSpec) -> dict[str, str]:
    authors = spec.authors or ["TODO: the review team"]
    databases = []
    for db in spec.databases:
        label = KNOWN_DATABASES.get(db, (db, ""))[0]
        databases.append(f"  {db}:\n    label: {_yaml_string(label)}\n    exports: [\"data/raw/{db}/*\"]")
    return {
        "reviewflow_version": __version__,
        "title_yaml": _yaml_string(spec.title),
        "title_text": " ".join(spec.title.split()),
        "question_yaml": _yaml_string(spec.question),
        "question_text": " ".join(spec.question.split()),
        "authors_yaml": "\n".join(f"  - {_yaml_string(name)}" for name in authors),
        "databases_yaml": "\n".join(databases),
        "first_year": str(spec.years[0]),
        "last_year": str(spec.years[1]),
        "languages_yaml": "[" + ", ".join(_yaml_string(lang) for lang in spec.languages) + "]",
        "extraction_form_yaml": (TEMPLATE_DIR / "extraction_form.yaml").read_text(encoding="utf-8").rstrip("\n"),
    }


def fill(template: str, values: dict[str, str]) -> str:
    """The template with every ``{{name}}`` replaced; an unknown name is a bug in reviewflow, not user input."""
    def replace(match: re.Match[str]) -> str:
        return values[match[1]]

    return _TOKEN.sub(replace, template)


def search_log_text(spec: ReviewSpec) -> str:
    """A search log with one search per database, every fact the team must supply marked TODO."""
    lines = [
        "# PRISMA-S search log: one entry per database (a list of entries once a search is updated: the first",
        "# search, then each update, oldest first, each naming its own export files). Replace every TODO with the",
        "# search as run; the import checks that the export files hold exactly hits_reported records.",
        "# The search report (results/tables/search_report.md, results/prisma_s.json) quotes this file for the",
        "# PRISMA-S checklist. Optional, and reported as \"not recorded in the search log\" while left out:",
        "#   under a search:  filters: \"...\"             published search filters used, cited (item 10)",
        "#   beside searches: registries: \"...\"          study registries searched, when and how (item 3)",
        "#                    online_resources: \"...\"    websites, tables of contents browsed, and how (item 4)",
        "#                    citation_searching: \"...\"  reference lists or citing articles examined (item 5)",
        "#                    contacts: \"...\"            authors or experts contacted for studies (item 6)",
        "#                    other_methods: \"...\"       any other source or method (item 7)",
        "#                    prior_work: \"...\"          reviews whose strategies were reused, cited (item 11)",
        "#                    peer_review: \"...\"         how the strategies were peer reviewed (item 14)",
        "# Each is one sentence of text (or \"none\"); quote it when it holds a colon.",
        "searches:",
    ]
    for db in spec.databases:
        label, platform = KNOWN_DATABASES.get(db, (db, "TODO: interface or host used"))
        lines += [
            f"  {db}:",
            f"    database: {_yaml_string(label)}",
            f"    platform: {_yaml_string(platform or 'TODO: interface or host used')}",
            '    date_searched: "TODO: YYYY-MM-DD"',
            "    query: |",
            "      TODO: the full search strategy exactly as run",
            '    limits: "none at search (publication years and language are applied by rule at eligibility)"',
            '    hits_reported: "TODO: the number of records the database reported"',
        ]
    return "\n".join(lines) + "\n"


SCREENING_README = """\
Screening decisions: every CSV file in this folder and its subfolders is read (this README is not).

Each file has the columns work_id,stage,reviewer,decision,reason,note, one row per work, stage and reviewer;
results/awaiting_screening.csv has them, ready to fill in and save here. Keep one file per stage and reviewer:

    data/screening/title_abstract/<reviewer>.csv
    data/screening/full_text/<reviewer>.csv
    data/screening/<stage>/consensus.csv     rows with reviewer `consensus`, settling disagreements

(title_abstract.csv and full_text.csv here are empty starting files for a single reviewer; use them or the
layout above.) `decision` is one of config/review.yaml's screening.decisions for the stage, or `unsure`: a
provisional mark that leaves the work awaiting. `reason` is a screening.reasons code, for exclusions only.
When reviewers decide a work differently, the build stops and lists it in results/screening_conflicts.csv
until a consensus row settles it; a draft build counts such works as awaiting. Including at title/abstract a
work the rules excluded (results/auto_excluded.csv) puts it back into screening.
"""


def project_files(spec: ReviewSpec) -> dict[str, str]:
    """Every file of a new project, by path relative to the project folder."""
    values = _values(spec)
    template = {name: (TEMPLATE_DIR / name).read_text(encoding="utf-8") for name in (
        "Snakefile", "gitignore", "Makefile", "ci_run", "README.md", "review.yaml", "index.qmd", "_quarto.yml")}
    files = {
        "Snakefile": template["Snakefile"],
        ".gitignore": template["gitignore"],
        "Makefile": template["Makefile"],
        ".ci/run": fill(template["ci_run"], values),
        "README.md": fill(template["README.md"], values),
        "config/review.yaml": fill(template["review.yaml"], values),
        "data/search_log.yaml": search_log_text(spec),
        "data/screening/title_abstract.csv": DECISION_HEADER,
        "data/screening/full_text.csv": DECISION_HEADER,
        "data/screening/README.md": SCREENING_README,
        "data/dedup/overrides.csv": OVERRIDES_HEADER,
        "data/extraction/README.md": (
            "Save the extraction sheet here as studies.csv: the build writes results/awaiting_extraction.csv "
            "with one row per included work and the columns of the extraction form (config/review.yaml, "
            "extraction.fields; results/extraction_form.md describes each). Rows left blank are still awaiting.\n"),
        "manuscript/index.qmd": fill(template["index.qmd"], values),
        "manuscript/_quarto.yml": template["_quarto.yml"],
        # The exact versions (with hashes) of everything this reviewflow was tested with, for the project's CI.
        "requirements.lock": (TEMPLATE_DIR / "requirements.lock").read_text(encoding="utf-8"),
    }
    for db in spec.databases:
        files[f"data/raw/{db}/README.md"] = (
            f"Put the {KNOWN_DATABASES.get(db, (db,))[0]} export files here, exactly as downloaded, and list them "
            f"under `searches.{db}` in data/search_log.yaml. This README is not read as an export.\n")
    return files


def init_project(directory: Path, spec: ReviewSpec) -> list[Path]:
    """Write a new project into ``directory`` (created; it must not hold files yet). Returns the files written."""
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise InputError("the folder already exists and is not empty", file=directory,
                         expected="a new or empty folder for the review project",
                         hint="choose another folder; reviewflow init never overwrites files")
    if not spec.title.strip():
        raise InputError("the review needs a title", field="--title", expected="a non-empty title")
    written = []
    for relative, text in project_files(spec).items():
        path = directory / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    run = directory / ".ci/run"
    run.chmod(run.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return written

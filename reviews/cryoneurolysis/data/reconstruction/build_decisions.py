"""Write the reconstruction's screening decisions and extraction sheet from corpus_records.csv.

The published review's screening sheets are not public. This script derives a first pass from the corpus's
``expected_decision`` / ``exclusion_reason`` (our reading of the review's criteria), keyed by the project's own
work ids. Work ids are never computed here: the project's pipeline is run on ``data/raw`` (import, dedup,
eligibility) and each corpus row is matched to the works that hold its records.

Matching is by provenance. ``build_exports.py`` wrote every corpus row as one record in each database that holds
it, at a known position of a known export file, and listed each in ``provenance.csv`` (source_file,
source_position, key). Joining that table to the imported records on (source_file, source_position) gives each
row's record ids, and the works' member record ids give its works. Nothing is guessed, so rows without a PMID,
DOI or title match like every other row. The PMID, DOI and normalised title are compared only as a cross-check:
a row whose PMID or DOI sits on any work but its own, or on none, is an error; a title that does so is a note.

Every record must be named by provenance and every work reached by a corpus row. Several rows may share a work
only when dedup merged their records; they must then agree on their decision, which is written once.

One row's records should end up in one work. When the project's dedup leaves them in several (a dedup miss),
nothing is papered over: every such work gets the row's decisions, ``match_report.csv`` counts the works in
``split_into_works``, and a summary is printed. The row's extraction goes to one work only, the one holding its
PubMed record if any, else its first record in database order; every other work of the row that reaches full
text is excluded there with reason ``other`` and the note "duplicate of <work_id> missed by dedup
(reconstruction)".

Any failure stops the script before it writes the decision files (``match_report.csv`` is written either way,
with the problems in it).

Outputs (UTF-8, LF): ``data/screening/title_abstract/reconstruction.csv`` and
``data/screening/full_text/reconstruction.csv`` (one file per stage and reviewer, the reviewer being
``reconstruction``), ``data/extraction/studies.csv`` (sorted by work_id; the condition and nerve groups from
``classification.csv``) and
``data/reconstruction/match_report.csv`` (sorted by corpus key). See README.md in this folder for the stage rule
and the parsing rules.

Run from the project root, after ``build_exports.py``::

    python data/reconstruction/build_decisions.py
"""

from __future__ import annotations

import copy
import csv
import re
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
CORPUS = HERE / "corpus_records.csv"
PROVENANCE = HERE / "provenance.csv"
PROVENANCE_COLUMNS = ["source_file", "source_position", "key"]
CLASSIFICATION = HERE / "classification.csv"
GROUP_COLUMNS = ("condition_group", "nerve_group")
CONFIG = ROOT / "config" / "review.yaml"
TITLE_ABSTRACT_OUT = ROOT / "data" / "screening" / "title_abstract" / "reconstruction.csv"
FULL_TEXT_OUT = ROOT / "data" / "screening" / "full_text" / "reconstruction.csv"
STUDIES_OUT = ROOT / "data" / "extraction" / "studies.csv"
#: The extractors' readings of corpus text the sheet needs in a form of its own (key, field, value, why): the
#: longest follow-up from the words of `follow_up`, the coded scale of the pain scores, and designs corrected
#: where the corpus notes contradict the corpus design. See README.md, "Readings".
READINGS = HERE / "readings.csv"
MATCH_REPORT_OUT = HERE / "match_report.csv"
OVERRIDES_OUT = ROOT / "data" / "dedup" / "overrides.csv"

REVIEWER = "reconstruction"
METHOD = "provenance"

#: The databases the reconstruction writes, in priority order, with the config entry each needs. Until
#: config/review.yaml lists Embase and Web of Science, they are added to an in-memory copy of the config.
DATABASES: dict[str, dict[str, Any]] = {
    "pubmed": {"label": "PubMed", "exports": ["data/raw/pubmed/*"]},
    "scopus": {"label": "Scopus", "exports": ["data/raw/scopus/*"]},
    "embase": {"label": "Embase", "exports": ["data/raw/embase/*"]},
    "wos": {"label": "Web of Science", "exports": ["data/raw/wos/*"]},
}

#: Exclusion reasons a reviewer can apply from the title and abstract alone.
TITLE_ABSTRACT_REASONS = frozenset(
    {
        "review_no_novel_data",
        "protocol",
        "not_human",
        "not_nerve_cryoneurolysis",
        "non_english",
        "outside_dates",
    }
)
#: Exclusion reasons that need the full paper; such works pass title/abstract screening first.
FULL_TEXT_REASONS = frozenset(
    {"intraoperative", "acute_postoperative_pain", "not_chronic_pain", "no_statistics", "other"}
)
#: Full-text reason given to the extra works of a row that dedup did not merge.
DUPLICATE_REASON = "other"

STUDY_COLUMNS = [
    "work_id",
    "design",
    "condition",
    "pain_category",
    "target_nerve",
    "condition_group",
    "nerve_group",
    "guidance",
    "device",
    "n_patients",
    "comparator",
    "follow_up",
    "follow_up_months",
    "pain_scale",
    "pain_score_scale",
    "pain_baseline",
    "pain_followup",
    "significant",
    "adverse_events",
    "outcome_summary",
]
MATCH_COLUMNS = [
    "key",
    "method",
    "databases",
    "places",
    "record_ids",
    "work_ids",
    "split_into_works",
    "extraction_work_id",
    "shared_with",
    "auto_excluded",
    "expected_decision",
    "exclusion_reason",
    "written",
    "cross_check",
    "problem",
]

Row = dict[str, str]


# ----------------------------------------------------------------------------------------------------
# Running the project's pipeline
# ----------------------------------------------------------------------------------------------------


def review_config(root: Path = ROOT) -> dict[str, Any]:
    """The project's config, with any database of DATABASES it does not list yet added (in memory only), the
    databases in DATABASES order first."""
    from reviewflow.config import load_config

    config = copy.deepcopy(load_config(root / "config" / "review.yaml"))
    listed = config["databases"]
    ordered = {name: listed.get(name, copy.deepcopy(spec)) for name, spec in DATABASES.items()}
    ordered.update({name: spec for name, spec in listed.items() if name not in ordered})
    config["databases"] = ordered
    return config


def run_pipeline(root: Path = ROOT) -> tuple[dict[str, Any], pd.DataFrame, pd.DataFrame, dict[str, str],
                                              pd.DataFrame]:
    """Run import, dedup (without people's overrides) and eligibility on data/raw; return (config, records, works,
    {work_id: auto-exclusion reason}, dedup review band). Tables come back as strings, blanks as ""."""
    from reviewflow.dedup.run import deduplicate
    from reviewflow.importing.exports import import_exports
    from reviewflow.screening.eligibility import apply_eligibility

    config = review_config(root)
    records, _report = import_exports(config, root)
    result = deduplicate(records, config)
    works = result.works.fillna("").astype(str)
    excluded = apply_eligibility(works, config).fillna("").astype(str)
    return (
        config,
        records.fillna("").astype(str),
        works,
        dict(zip(excluded["work_id"], excluded["reason"], strict=True)),
        result.review.fillna("").astype(str),
    )


def dedup_overrides(review: pd.DataFrame, records: pd.DataFrame, provenance: list[Row]) -> list[Row]:
    """The decision a person would record for each pair the dedup left for review: ``same`` when both records
    were written from one corpus row, ``different`` otherwise, with the rows named as the reason."""
    key_at = {(entry["source_file"], entry["source_position"]): entry["key"] for entry in provenance}
    key_of = {record_id: key_at[(source_file, position)] for record_id, source_file, position in zip(
        records["record_id"], records["source_file"], records["source_position"], strict=True)}
    rows = []
    for pair in review.itertuples(index=False):
        key_a, key_b = key_of[pair.record_id_a], key_of[pair.record_id_b]
        same = key_a == key_b
        rows.append({
            "record_id_a": pair.record_id_a,
            "record_id_b": pair.record_id_b,
            "decision": "same" if same else "different",
            "reason": (f"reconstruction: both records were written from corpus row {key_a}" if same else
                       f"reconstruction: corpus rows {key_a} and {key_b} are different studies"),
        })
    return rows


# ----------------------------------------------------------------------------------------------------
# Matching corpus rows to works
# ----------------------------------------------------------------------------------------------------


def fold_title(title: str) -> str:
    """Normalised title for the cross-check: accents removed, case folded, non-alphanumerics collapsed to a
    space."""
    decomposed = unicodedata.normalize("NFKD", title)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return re.sub(r"[\W_]+", " ", plain.casefold()).strip()


def read_provenance(path: Path = PROVENANCE) -> list[Row]:
    """The provenance table written by build_exports.py; its header, positions and places are checked (a key
    appears once per database that holds it, a place only once)."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames != PROVENANCE_COLUMNS:
            raise ValueError(f"{path.name}: header {reader.fieldnames} is not {PROVENANCE_COLUMNS}")
        table = list(reader)
    for entry in table:
        if not re.fullmatch(r"[1-9]\d*", entry["source_position"]):
            raise ValueError(f"{path.name}: bad source_position {entry['source_position']!r} for {entry['key']}")
    places = [(entry["source_file"], entry["source_position"]) for entry in table]
    if len(set(places)) != len(places):
        raise ValueError(f"{path.name}: a (source_file, source_position) appears twice")
    pairs = [(entry["source_file"], entry["key"]) for entry in table]
    if len(set(pairs)) != len(pairs):
        raise ValueError(f"{path.name}: a key appears twice in one export file")
    return table


@dataclass(frozen=True)
class Placed:
    """One record of a corpus row: where it was written, what the import called it, and its work."""

    database: str
    source_file: str
    source_position: str
    record_id: str
    work_id: str


@dataclass(frozen=True)
class Match:
    """Where one corpus row was found: its records in database order, its works, and the checks."""

    key: str
    records: tuple[Placed, ...]
    cross_check: str
    problem: str

    @property
    def work_ids(self) -> list[str]:
        """The row's distinct works, in the database order of their first record."""
        return list(dict.fromkeys(placed.work_id for placed in self.records if placed.work_id))

    @property
    def extraction_work_id(self) -> str:
        """The work that gets the row's extraction: the one holding its PubMed record if any, else its first
        record in database order (records are kept in that order, PubMed first)."""
        works = self.work_ids
        return works[0] if works else ""


def cross_check(row: Row, works: set[str], index: dict[str, dict[str, set[str]]]) -> tuple[str, str]:
    """Compare the row's PMID, DOI and normalised title with the works that carry them.

    Returns (summary, problem): a PMID or DOI found on any work outside the row's own works (or on none) is a
    problem; a title that is is only reported in the summary. When the row's records sit in several works, an
    identifier carried by only some of them is reported as "ok on k of n works"."""
    checks: list[str] = []
    problems: list[str] = []
    for name, value in (("pmid", row["pmid"]), ("doi", row["doi"].lower()), ("title", fold_title(row["title"]))):
        if not value:
            continue
        found = index[name].get(value, set())
        if found and found <= works:
            checks.append(f"{name} ok" + ("" if found == works else f" on {len(found)} of {len(works)} works"))
            continue
        if not found:
            what = f"{name} on no work"
        else:
            others = sorted(found - works)
            what = f"{name} on {', '.join(others)}" + (" too" if found & works else " instead")
        checks.append(what)
        if name != "title":
            problems.append(f"cross-check failed: {what}")
    return "; ".join(checks) or "nothing to check", "; ".join(problems)


def match_rows(
    rows: list[Row], provenance: list[Row], records: pd.DataFrame, works: pd.DataFrame, order: list[str]
) -> tuple[list[Match], list[str]]:
    """Map every corpus row to its records and works by provenance; return the matches (in corpus-key order)
    and the problems that belong to no single row (records or works that no row reaches, stray provenance
    rows). ``order`` is the database priority order."""
    problems: list[str] = []
    corpus_keys = {row["key"] for row in rows}
    places_of: dict[str, list[tuple[str, str]]] = {}
    for entry in provenance:
        if entry["key"] not in corpus_keys:
            problems.append(
                f"provenance row {entry['source_file']}#{entry['source_position']} names unknown key {entry['key']}"
            )
        places_of.setdefault(entry["key"], []).append((entry["source_file"], entry["source_position"]))

    record_at: dict[tuple[str, str], tuple[str, str]] = {}
    for record in records.itertuples(index=False):
        place = (record.source_file, str(record.source_position))
        if place in record_at:
            problems.append(f"two records at {place[0]}#{place[1]}")
        record_at[place] = (record.record_id, record.database)
    placed = {place for places in places_of.values() for place in places}
    for place, (record_id, _) in sorted(record_at.items(), key=lambda item: (item[0][0], int(item[0][1]))):
        if place not in placed:
            problems.append(f"record {record_id} at {place[0]}#{place[1]} has no provenance row")

    work_of: dict[str, str] = {}
    for work in works.itertuples(index=False):
        for record_id in work.member_record_ids.split("; "):
            if record_id in work_of:
                problems.append(f"record {record_id} is a member of {work_of[record_id]} and {work.work_id}")
            work_of[record_id] = work.work_id

    index: dict[str, dict[str, set[str]]] = {"pmid": {}, "doi": {}, "title": {}}
    for record in records.itertuples(index=False):
        work_id = work_of.get(record.record_id, "")
        for name, value in (("pmid", record.pmid), ("doi", record.doi.lower()), ("title", fold_title(record.title))):
            if value and work_id:
                index[name].setdefault(value, set()).add(work_id)

    rank = {database: position for position, database in enumerate(order)}
    matches: list[Match] = []
    for row in sorted(rows, key=lambda r: r["key"]):
        found: list[Placed] = []
        missing: list[str] = []
        for source_file, position in places_of.get(row["key"], []):
            record_id, database = record_at.get((source_file, position), ("", ""))
            work_id = work_of.get(record_id, "")
            if not record_id:
                missing.append(f"no imported record at {source_file}#{position}")
            elif not work_id:
                missing.append(f"record {record_id} belongs to no work")
            found.append(Placed(database, source_file, position, record_id, work_id))
        found.sort(key=lambda p: (rank.get(p.database, len(rank)), p.source_file, int(p.source_position)))
        check, problem = "", ""
        if not found:
            problem = "no provenance row"
        elif missing:
            problem = "; ".join(missing)
        else:
            check, problem = cross_check(row, {p.work_id for p in found}, index)
        matches.append(Match(row["key"], tuple(found), check, problem))

    reached = {work_id for match in matches for work_id in match.work_ids}
    for work in works.sort_values("work_id").itertuples(index=False):
        if work.work_id not in reached:
            problems.append(
                f"work {work.work_id} ({work.anchor_record_id}; title {work.title!r}; year {work.year!r}) "
                "is reached by no corpus row"
            )
    return matches, problems


def split_reason(match: Match, records: pd.DataFrame) -> str:
    """What the row's records carry of the keys the project's dedup links on (DOI, PMID, title with year or
    first author), so a person can see why they were not joined. Describes the records, not the dedup rule,
    which may change."""
    from reviewflow import dedup

    mine = records.set_index("record_id").loc[[placed.record_id for placed in match.records]]

    def where(column: str) -> str:
        having = [db for db, value in zip(mine["database"], mine[column], strict=True) if value]
        if not having:
            return "none"
        return "all" if len(having) == len(mine) else "only " + ", ".join(having)

    words = sorted({len(title.split()) for title in mine["title"] if title})
    minimum = getattr(dedup, "MIN_TITLE_WORDS", None)
    title = where("title")
    if words:
        title += f" ({'/'.join(map(str, words))} word{'s' if words != [1] else ''}"
        title += f"; dedup needs {minimum})" if minimum and min(words) < minimum else ")"
    parts = [f"DOI {where('doi')}", f"PMID {where('pmid')}", f"title {title}", f"year {where('year')}"]
    parts.append(f"first author {where('first_author')}")
    return "; ".join(parts)


# ----------------------------------------------------------------------------------------------------
# Decisions
# ----------------------------------------------------------------------------------------------------


def screening_rows(row: Row, work_id: str, note: str, duplicate_of: str = "") -> tuple[list[Row], list[Row]]:
    """(title/abstract rows, full-text rows) for one work that was not excluded by rule. A work that dedup
    should have merged into ``duplicate_of`` gets the row's title/abstract decision, and, when the row reaches
    full text, an exclusion there with reason DUPLICATE_REASON."""

    def decision(stage: str, verdict: str, reason: str = "", text: str = note) -> Row:
        return {
            "work_id": work_id,
            "stage": stage,
            "reviewer": REVIEWER,
            "decision": verdict,
            "reason": reason,
            "note": text,
        }

    reason = row["exclusion_reason"]
    if row["expected_decision"] == "include":
        ta_rows, ft_rows = [decision("title_abstract", "include")], [decision("full_text", "include")]
    elif row["expected_decision"] != "exclude":
        raise ValueError(f"{row['key']}: unknown expected_decision {row['expected_decision']!r}")
    elif reason in TITLE_ABSTRACT_REASONS:
        ta_rows, ft_rows = [decision("title_abstract", "exclude", reason)], []
    elif reason in FULL_TEXT_REASONS:
        ta_rows, ft_rows = [decision("title_abstract", "include")], [decision("full_text", "exclude", reason)]
    else:
        raise ValueError(f"{row['key']}: exclusion without a known reason ({reason!r})")
    if duplicate_of and ft_rows:
        ft_rows = [
            decision(
                "full_text",
                "exclude",
                DUPLICATE_REASON,
                f"duplicate of {duplicate_of} missed by dedup (reconstruction)",
            )
        ]
    return ta_rows, ft_rows


# ----------------------------------------------------------------------------------------------------
# Extraction
# ----------------------------------------------------------------------------------------------------


def parse_n_patients(value: str) -> str:
    """A plain integer as is; the leading integer of "83 (39 cryoneurolysis, 44 steroid)"; otherwise blank."""
    match = re.fullmatch(r"(\d+)(?: \(.*\))?", value)
    return str(int(match.group(1))) if match else ""


def parse_pain(value: str) -> str:
    """The value when it is a plain number ("7.70", "3"); blank for anything with words, ranges or groups."""
    return value if re.fullmatch(r"\d+(?:\.\d+)?", value) else ""


def read_readings(path: Path = READINGS) -> dict[str, dict[str, str]]:
    """Corpus key -> {field: value} of the extractors' readings (readings.csv)."""
    readings: dict[str, dict[str, str]] = {}
    for row in read_corpus(path):
        readings.setdefault(row["key"], {})[row["field"]] = row["value"]
    return readings


def read_classification(config: dict[str, Any], path: Path = CLASSIFICATION) -> dict[str, Row]:
    """The reviewers' condition and nerve groups by corpus key; every code must be one the config lists."""
    values = {f["name"]: set(f.get("values", {})) for f in config["extraction"]["fields"]}
    groups: dict[str, Row] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            for column in GROUP_COLUMNS:
                if row[column] not in values[column]:
                    raise ValueError(f"{path.name}:{line}: {column} {row[column]!r} is not a code of the config")
            groups[row["key"]] = {column: row[column] for column in GROUP_COLUMNS}
    return groups


def study_row(work_id: str, row: Row, designs: set[str], readings: dict[str, str],
              classification: dict[str, Row]) -> Row:
    """One extraction row from the corpus fields, the extractors' readings and the reviewers' classification."""
    design = readings.get("design") or row["design"] or "other"
    if design not in designs:
        raise ValueError(f"{row['key']}: design {design!r} is not in config extraction.designs")
    if row["key"] not in classification:
        raise ValueError(f"{row['key']}: included but not classified in {CLASSIFICATION.name}")
    groups = classification[row["key"]]
    return {
        "work_id": work_id,
        "design": design,
        "condition": row["condition"],
        "pain_category": row["pain_category"],
        "target_nerve": row["target_nerve"],
        "condition_group": groups["condition_group"],
        "nerve_group": groups["nerve_group"],
        "guidance": row["guidance"],
        "device": row["device"],
        "n_patients": parse_n_patients(row["n_patients"]),
        "comparator": row["comparator"],
        "follow_up": row["follow_up"],
        "follow_up_months": readings.get("follow_up_months", ""),
        "pain_scale": row["pain_scale"],
        "pain_score_scale": readings.get("pain_score_scale", ""),
        "pain_baseline": parse_pain(row["baseline_pain"]),
        "pain_followup": parse_pain(row["followup_pain"]),
        "significant": row["significant"],
        "adverse_events": row["adverse_events"],
        "outcome_summary": row["outcome_summary"],
    }


# ----------------------------------------------------------------------------------------------------


def read_corpus(path: Path = CORPUS) -> list[Row]:
    """Corpus rows as dictionaries of stripped strings (blank = not seen)."""
    with path.open(encoding="utf-8", newline="") as handle:
        return [{key: (value or "").strip() for key, value in row.items()} for row in csv.DictReader(handle)]


def write_csv(path: Path, columns: list[str], rows: list[Row]) -> None:
    """Write a CSV with a header, UTF-8, LF line endings, minimal quoting."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main() -> int:
    """Match corpus rows to works by provenance, then write the decision, extraction and match-report files."""
    config, records, works, auto_excluded, dedup_review = run_pipeline()
    reasons = set(config["screening"]["reasons"])
    designs = set(config["extraction"]["designs"])
    unknown = (TITLE_ABSTRACT_REASONS | FULL_TEXT_REASONS | {DUPLICATE_REASON}) - reasons
    if unknown:
        raise ValueError(f"stage rule uses reasons missing from config screening.reasons: {sorted(unknown)}")

    rows = read_corpus()
    by_key = {row["key"]: row for row in rows}
    provenance = read_provenance()
    matches, work_problems = match_rows(rows, provenance, records, works, list(config["databases"]))
    match_of = {match.key: match for match in matches}
    row_problems = [f"corpus row {m.key}: {m.problem}" for m in matches if m.problem]

    # The corpus rows that reach each work (several only when dedup merged their records), and the rows whose
    # extraction work it is.
    keys_of: dict[str, list[str]] = {}
    owners_of: dict[str, list[str]] = {}
    for match in matches:
        if match.problem:
            continue
        for work_id in match.work_ids:
            keys_of.setdefault(work_id, []).append(match.key)
        owners_of.setdefault(match.extraction_work_id, []).append(match.key)

    title_abstract: list[Row] = []
    full_text: list[Row] = []
    included: list[tuple[str, Row]] = []
    written_for: dict[tuple[str, str], str] = {}
    notes: list[str] = []
    for work_id, keys in sorted(keys_of.items()):
        row = by_key[keys[0]]
        verdicts = {(by_key[key]["expected_decision"], by_key[key]["exclusion_reason"]) for key in keys}
        if len(verdicts) > 1:
            work_problems.append(f"work {work_id}: merged corpus rows {', '.join(keys)} disagree on the decision")
            continue
        if len(keys) > 1:
            notes.append(f"work {work_id}: dedup merged the records of corpus rows {', '.join(keys)}")
        duplicate_of = "" if work_id in owners_of else match_of[keys[0]].extraction_work_id
        rule = auto_excluded.get(work_id, "")
        if rule:
            written = f"nothing (excluded by rule: {rule})"
            if row["expected_decision"] == "include" and not duplicate_of:
                notes.append(f"{', '.join(keys)}: corpus says include but eligibility excludes it ({rule})")
        else:
            note = f"corpus key{'s' if len(keys) > 1 else ''} {'; '.join(keys)}"
            if duplicate_of:
                note += f"; duplicate of {duplicate_of} missed by dedup (reconstruction)"
            ta_rows, ft_rows = screening_rows(row, work_id, note, duplicate_of)
            title_abstract += ta_rows
            full_text += ft_rows
            if row["expected_decision"] == "include" and not duplicate_of:
                included.append((work_id, row))
                written = "included"
            elif duplicate_of and ft_rows:
                written = f"excluded at full_text ({DUPLICATE_REASON}: duplicate of {duplicate_of})"
            else:
                written = f"excluded at {'full_text' if ft_rows else 'title_abstract'}"
            if row["exclusion_reason"] in {"outside_dates", "non_english"} and not duplicate_of:
                notes.append(
                    f"{keys[0]}: corpus reason {row['exclusion_reason']} left to a person "
                    f"(year {row['year']!r}, language {row['language']!r})"
                )
        for key in keys:
            written_for[(key, work_id)] = written if key == keys[0] else f"{written} (with {keys[0]})"

    report = []
    for match in matches:
        row = by_key[match.key]
        work_ids = match.work_ids
        written = [written_for.get((match.key, work_id), "nothing") for work_id in work_ids]
        rules = [auto_excluded[work_id] for work_id in work_ids if work_id in auto_excluded]
        report.append(
            {
                "key": match.key,
                "method": METHOD,
                "databases": "; ".join(placed.database for placed in match.records),
                "places": "; ".join(f"{p.source_file}#{p.source_position}" for p in match.records),
                "record_ids": "; ".join(placed.record_id for placed in match.records),
                "work_ids": "; ".join(work_ids),
                "split_into_works": str(len(work_ids)),
                "extraction_work_id": match.extraction_work_id,
                "shared_with": "; ".join(
                    dict.fromkeys(k for w in work_ids for k in keys_of.get(w, []) if k != match.key)
                ),
                "auto_excluded": "; ".join(dict.fromkeys(rules)),
                "expected_decision": row["expected_decision"],
                "exclusion_reason": row["exclusion_reason"],
                "written": (
                    "; ".join(f"{w}: {text}" for w, text in zip(work_ids, written, strict=True))
                    if len(work_ids) > 1
                    else (written[0] if written else "nothing (not matched)")
                ),
                "cross_check": match.cross_check,
                "problem": match.problem,
            }
        )
    write_csv(MATCH_REPORT_OUT, MATCH_COLUMNS, report)

    problems = row_problems + work_problems
    for line in problems:
        print(f"MATCH FAILURE: {line}", file=sys.stderr)
    for line in notes:
        print(f"note: {line}")
    title_notes = [f"{m.key}: {m.cross_check}" for m in matches if "title on" in m.cross_check]
    for line in title_notes:
        print(f"note: title cross-check: {line}")
    split = [match for match in matches if len(match.work_ids) > 1]
    for match in split:
        groups = [
            f"{work_id} ({', '.join(p.database for p in match.records if p.work_id == work_id)})"
            for work_id in match.work_ids
        ]
        print(
            f"dedup miss: {match.key} ({by_key[match.key]['expected_decision']}) split into "
            f"{' + '.join(groups)}; records carry: {split_reason(match, records)}"
        )
    if problems:
        print(
            f"{len(problems)} matching problems; nothing written except {MATCH_REPORT_OUT.relative_to(ROOT)}",
            file=sys.stderr,
        )
        return 1

    readings = read_readings()
    unread = sorted(set(readings) - {row["key"] for _, row in included})
    if unread:
        raise ValueError(f"readings.csv names corpus rows that are not included studies: {unread}")
    classification = read_classification(config)
    studies = [study_row(work_id, row, designs, readings.get(row["key"], {}), classification)
               for work_id, row in included]
    unused = sorted(set(classification) - {row["key"] for _, row in included})
    if unused:
        raise ValueError(f"{CLASSIFICATION.name} classifies corpus rows that are not included: {unused}")
    from reviewflow.dedup.overrides import OVERRIDE_COLUMNS  # the layouts the workflow reads
    from reviewflow.screening.decisions import DECISION_COLUMNS as SCREENING_COLUMNS

    write_csv(TITLE_ABSTRACT_OUT, SCREENING_COLUMNS, sorted(title_abstract, key=lambda r: r["work_id"]))
    write_csv(FULL_TEXT_OUT, SCREENING_COLUMNS, sorted(full_text, key=lambda r: r["work_id"]))
    write_csv(STUDIES_OUT, STUDY_COLUMNS, sorted(studies, key=lambda r: r["work_id"]))
    overrides = dedup_overrides(dedup_review, records, provenance)
    write_csv(OVERRIDES_OUT, OVERRIDE_COLUMNS, sorted(overrides, key=lambda r: (r["record_id_a"], r["record_id_b"])))
    shared = sum(1 for keys in keys_of.values() if len(keys) > 1)
    extra = sum(len(match.work_ids) - 1 for match in split)
    print(
        f"corpus rows {len(rows)}; records {len(records)}; works {len(works)}; rows split over several works "
        f"{len(split)} ({extra} extra works); works shared by several rows {shared}; excluded by rule "
        f"{len(auto_excluded)}; title_abstract rows {len(title_abstract)}; full_text rows {len(full_text)}; "
        f"studies {len(studies)}; dedup pairs decided for review {len(overrides)}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

import glob
import os
import sys

from reviewflow.workflow import package_sources

# Every rule runs the package with the interpreter that runs Snakemake, so the workflow uses the installed,
# locked reviewflow whatever is on PATH.
REVIEWFLOW = f'"{sys.executable}" -m reviewflow'
EXTRACTION_SHEET = "data/extraction/studies.csv"
# With two extractors, each fills data/extraction/<extractor>.csv and consensus.csv settles disagreements.
EXTRACTION_DIR = "data/extraction"
OVERRIDES = "data/dedup/overrides.csv"
# The identity ledger (record_id -> work_id) keeps work ids from moving. It is read and, only when its content
# changes, rewritten by the dedup stage; it lives in data/ because Snakemake deletes outputs before a re-run.
LEDGER = "data/identity/ledger.csv"
# Every merge and split of work ids so far, so decisions naming a retired id are carried over on every run.
ID_HISTORY = "data/identity/id_changes.csv"
DECISIONS_DIR = "data/screening"
# A draft build (`reviewflow build --draft`, `make draft`) is `--config draft=true`. The stages it changes
# (screening, extraction, synthesis, manuscript) take DRAFT_FLAG as a `params:` entry and pass it on their
# command line, so switching between draft and final re-runs exactly them (Snakemake's params rerun trigger) and a
# final build never keeps a draft's outputs.
DRAFT = str(config.get("draft", False)).strip().lower() in ("true", "1", "yes")
DRAFT_FLAG = "--draft" if DRAFT else ""
# The package's code, rules and table schemas are inputs of every rule: a changed rule of deduplication or a
# changed schema re-runs the stages after it, as a changed export does (wherever the package is installed).
PACKAGE_SOURCES = package_sources()


# Files people write are inputs of every rule that reads them, whether or not they exist today. An input function
# lists a file only while it exists; Snakemake re-runs a job whose set of input files changed (its default
# rerun trigger "input"), so adding or deleting such a file re-runs the stage. When a required file is missing,
# the stage itself stops with a message naming it, rather than Snakemake's "missing input" error.
def people_file(path):
    """Input function for one file people may or may not have written yet."""
    return lambda wildcards: [path] if os.path.exists(path) else []


def extraction_sheets(wildcards=None):
    """The extraction sheet, or one sheet per extractor and the consensus sheet: a sheet added, edited or deleted
    re-runs the extraction stage."""
    return sorted(glob.glob(f"{EXTRACTION_DIR}/*.csv"))


def export_files(wildcards=None):
    """Every raw export named by the config, so a new or changed export re-runs the import."""
    files = set()
    for spec in config["databases"].values():
        for pattern in spec["exports"]:
            files.update(p for p in glob.glob(pattern) if os.path.isfile(p) and not p.endswith("README.md"))
    return sorted(p for p in files if not p.endswith(".provenance.json"))


def provenance_files(wildcards=None):
    """The provenance of each frozen search (`reviewflow search`): the import checks the exports against them."""
    files = set()
    for spec in config["databases"].values():
        for pattern in spec["exports"]:
            files.update(p for p in glob.glob(pattern) if os.path.isfile(p) and p.endswith(".provenance.json"))
    return sorted(files)


def search_log(wildcards=None):
    """The PRISMA-S search log named by the config (the import reconciles hit counts with it)."""
    path = config.get("search_log")
    return [path] if path and os.path.exists(path) else []


def decision_files(wildcards=None):
    """Every screening decision file, in subfolders too (one file per stage and reviewer is common): CSV files and
    filled screening workbooks, not the lock files Excel leaves beside an open workbook (~$name.xlsx)."""
    found = (glob.glob(f"{DECISIONS_DIR}/**/*.{suffix}", recursive=True) for suffix in ("csv", "xlsx"))
    return sorted(p for paths in found for p in paths if not os.path.basename(p).startswith("~$"))

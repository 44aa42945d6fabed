import glob
import os
import sys

# Every rule runs the package with the interpreter that runs Snakemake, so the workflow uses the installed,
# pinned reviewflow whatever is on PATH.
REVIEWFLOW = f'"{sys.executable}" -m reviewflow'
CONFIG_FILE = "config/review.yaml"
EXTRACTION_SHEET = "data/extraction/studies.csv"
OVERRIDES = "data/dedup/overrides.csv"
# The package's code and table schemas are inputs of every rule: a changed rule of deduplication or a changed
# schema re-runs the stages after it, as a changed export does (the package is installed editable).
PACKAGE_SOURCES = sorted(glob.glob("src/reviewflow/**/*.py", recursive=True) + glob.glob("src/reviewflow/schemas/*"))


def export_files(wildcards=None):
    """Every raw export named by the config, so a new or changed export re-runs the import."""
    files = set()
    for spec in config["databases"].values():
        for pattern in spec["exports"]:
            files.update(p for p in glob.glob(pattern) if not p.endswith("README.md"))
    return sorted(files)


def decision_files(wildcards=None):
    return sorted(glob.glob("data/screening/*.csv"))

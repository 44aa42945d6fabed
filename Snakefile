# reviewflow: raw search exports -> records -> works -> screening -> extraction -> numbers -> figures, tables
# -> manuscript PDF. Every rule is one call into the reviewflow package; see workflow/rules/ and README
# ("Architecture"). Build everything: `make review` (or `reviewflow build`); rebuild one stage:
# `reviewflow build --forcerun dedup`.

from pathlib import Path

from snakemake.exceptions import WorkflowError

from reviewflow.config import load_config
from reviewflow.errors import InputError

# The protocol is data: read by reviewflow's safe loader and validated before any rule exists. There is no
# `configfile:` directive, so Snakemake never parses it itself (its YAML templating would evaluate code).
CONFIG_FILE = "config/review.yaml"
try:
    config.update(load_config(Path(CONFIG_FILE)))
except InputError as error:
    raise WorkflowError(f"reviewflow: {error}") from None


include: "workflow/rules/common.smk"
include: "workflow/rules/importing.smk"
include: "workflow/rules/dedup.smk"
include: "workflow/rules/screening.smk"
include: "workflow/rules/extraction.smk"
include: "workflow/rules/synthesis.smk"
include: "workflow/rules/report.smk"
include: "workflow/rules/manuscript.smk"


rule all:
    """Every stage's outputs, not only the PDF: Snakemake does not re-create a missing intermediate file when the
    files after it exist, so after a failed stage (whose outputs Snakemake deletes) the next run must ask for it
    by name to re-run it, rather than report "Nothing to be done" over out-of-date results."""
    input:
        rules.import_records.output,
        rules.dedup.output,
        rules.export_works.output,
        rules.eligibility.output,
        rules.screening.output,
        rules.extraction.output,
        rules.synthesis.output,
        rules.figures.output,
        rules.tables.output,
        rules.manuscript.output,
    default_target: True

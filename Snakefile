# reviewflow: raw search exports -> records -> works -> screening -> extraction -> numbers -> figures, tables
# -> manuscript PDF. Every rule is one call into the reviewflow package; see workflow/rules/.
# Build everything: snakemake --cores 2      Rebuild one stage: snakemake --cores 2 --forcerun dedup

configfile: "config/review.yaml"


include: "workflow/rules/common.smk"
include: "workflow/rules/importing.smk"
include: "workflow/rules/dedup.smk"
include: "workflow/rules/screening.smk"
include: "workflow/rules/extraction.smk"
include: "workflow/rules/synthesis.smk"
include: "workflow/rules/report.smk"
include: "workflow/rules/manuscript.smk"


rule all:
    input:
        "results/manuscript/review.pdf",
        "results/exports/works.ris",
    default_target: True

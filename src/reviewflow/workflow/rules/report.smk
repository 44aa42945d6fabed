from reviewflow.report.figures.make import figure_names
from reviewflow.report.tables import table_names

# The package says which figures and tables this review has (no published reference: no comparison figure;
# the extraction form in the config adds field figures and further tables).
FIGURES = figure_names(config)
TABLES = table_names(config)


rule figures:
    """PRISMA 2020 flow diagram and the review's plots, as PNG, PDF and SVG without timestamps."""
    input:
        code=PACKAGE_SOURCES,
        prisma="results/prisma.json",
        studies="results/studies.csv",
        config=CONFIG_FILE,
    output:
        expand("results/figures/{name}.{ext}", name=FIGURES, ext=["png", "pdf", "svg"]),
    log:
        "logs/figures.log",
    shell:
        "{REVIEWFLOW} --log {log} figures --config {input.config} --prisma {input.prisma}"
        " --studies {input.studies} --outdir results/figures"


rule tables:
    """The manuscript's tables (Markdown) and the BibTeX of the included studies."""
    input:
        code=PACKAGE_SOURCES,
        studies="results/studies.csv",
        prisma="results/prisma.json",
        works="results/works.csv",
        config=CONFIG_FILE,
    output:
        tables=expand("results/tables/{name}.md", name=TABLES),
        bibliography="manuscript/references.bib",
    log:
        "logs/tables.log",
    shell:
        "{REVIEWFLOW} --log {log} tables --config {input.config} --studies {input.studies}"
        " --prisma {input.prisma} --works {input.works} --outdir results/tables"
        " --bibliography {output.bibliography}"


rule search_report:
    """The PRISMA-S search report: every search from the search log (query verbatim), its snapshot's provenance
    and the records imported, with the 16 checklist items answered from the data."""
    input:
        code=PACKAGE_SOURCES,
        report="results/import_report.json",
        prisma="results/prisma.json",
        pairs="results/dedup_pairs.csv",
        search_log=search_log,
        provenance=provenance_files,
        config=CONFIG_FILE,
    output:
        table="results/tables/search_report.md",
        data="results/prisma_s.json",
    log:
        "logs/search_report.log",
    shell:
        "{REVIEWFLOW} --log {log} search-report --config {input.config} --import-report {input.report}"
        " --prisma {input.prisma} --dedup-pairs {input.pairs} --table {output.table} --out {output.data}"

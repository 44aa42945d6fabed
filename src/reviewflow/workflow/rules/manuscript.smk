rule manuscript:
    """Render manuscript/index.qmd to PDF: quarto when installed, otherwise pandoc 3 -> Typst. A draft is marked
    DRAFT on every page, with a note made from the awaiting counts in results/prisma.json."""
    input:
        code=PACKAGE_SOURCES,
        source=people_file("manuscript/index.qmd"),
        project=people_file("manuscript/_quarto.yml"),
        variables="manuscript/_variables.yml",
        bibliography="manuscript/references.bib",
        prisma="results/prisma.json",
        figures=rules.figures.output,
        tables=rules.tables.output.tables,
        search_report=rules.search_report.output.table,
        config=CONFIG_FILE,
    output:
        pdf="results/manuscript/review.pdf",
    params:
        draft=DRAFT_FLAG,
    log:
        "logs/manuscript.log",
    shell:
        "{REVIEWFLOW} --log {log} render --config {input.config} --manuscript manuscript"
        " --variables {input.variables} --bibliography {input.bibliography} --out {output.pdf}"
        " --prisma {input.prisma} {params.draft}"

rule prisma_lists:
    """The records and works behind each box of the PRISMA flow diagram, checked against its counts."""
    input:
        code=PACKAGE_SOURCES,
        records="results/records.csv",
        works="results/works.csv",
        auto_excluded="results/auto_excluded.csv",
        screening="results/screening.csv",
        studies="results/studies.csv",
        prisma="results/prisma.json",
        config=CONFIG_FILE,
    output:
        "results/prisma_lists.csv",
    log:
        "logs/prisma_lists.log",
    shell:
        "{REVIEWFLOW} --log {log} prisma-lists --config {input.config} --records {input.records}"
        " --works {input.works} --auto-excluded {input.auto_excluded} --screening {input.screening}"
        " --studies {input.studies} --prisma {input.prisma} --out {output}"


rule manuscript_html:
    """The HTML manuscript beside the PDF: every number links to its definition in numbers.html (value,
    description, rule, function, inputs) and every PRISMA box to its works in prisma.html."""
    input:
        code=PACKAGE_SOURCES,
        source=people_file("manuscript/index.qmd"),
        project=people_file("manuscript/_quarto.yml"),
        variables="manuscript/_variables.yml",
        bibliography="manuscript/references.bib",
        numbers="results/numbers.json",
        prisma="results/prisma.json",
        lists=rules.prisma_lists.output,
        figures=rules.figures.output,
        tables=rules.tables.output.tables,
        search_report=rules.search_report.output.table,
        config=CONFIG_FILE,
    output:
        html="results/manuscript/review.html",
        numbers="results/manuscript/numbers.html",
        prisma="results/manuscript/prisma.html",
    params:
        draft=DRAFT_FLAG,
    log:
        "logs/manuscript_html.log",
    shell:
        "{REVIEWFLOW} --log {log} render-html --config {input.config} --manuscript manuscript"
        " --variables {input.variables} --bibliography {input.bibliography} --numbers {input.numbers}"
        " --prisma {input.prisma} --prisma-lists {input.lists} --out {output.html} {params.draft}"

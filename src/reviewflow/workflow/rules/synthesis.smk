rule synthesis:
    """PRISMA 2020 counts (asserted to balance) and every number the manuscript quotes; a draft adds the counts
    of works awaiting screening and extraction."""
    input:
        code=PACKAGE_SOURCES,
        report="results/import_report.json",
        records="results/records.csv",
        works="results/works.csv",
        pairs="results/dedup_pairs.csv",
        auto_excluded="results/auto_excluded.csv",
        screening="results/screening.csv",
        agreement="results/screening_agreement.json",
        studies="results/studies.csv",
        retractions="results/retractions.json",
        risk_of_bias="results/risk_of_bias.json",
        config=CONFIG_FILE,
    output:
        prisma="results/prisma.json",
        numbers="results/numbers.json",
        variables="manuscript/_variables.yml",
    params:
        draft=DRAFT_FLAG,
    log:
        "logs/synthesis.log",
    shell:
        "{REVIEWFLOW} --log {log} synthesise --config {input.config} --import-report {input.report}"
        " --records {input.records} --works {input.works} --dedup-pairs {input.pairs} --auto-excluded {input.auto_excluded}"
        " --screening {input.screening} --studies {input.studies} --prisma {output.prisma} --numbers {output.numbers}"
        " --variables {output.variables} --retractions {input.retractions} --risk-of-bias {input.risk_of_bias}"
        " --screening-agreement {input.agreement} {params.draft}"

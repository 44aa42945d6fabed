rule dedup:
    """Merge records of the same work; every candidate pair is explained in the pairs file, and the pairs a
    person should decide are listed in results/dedup_review.csv (decisions go in data/dedup/overrides.csv)."""
    input:
        code=PACKAGE_SOURCES,
        records="results/records.csv",
        overrides=people_file(OVERRIDES),
        config=CONFIG_FILE,
    output:
        works="results/works.csv",
        pairs="results/dedup_pairs.csv",
        review="results/dedup_review.csv",
    log:
        "logs/dedup.log",
    shell:
        "{REVIEWFLOW} --log {log} dedup --config {input.config} --records {input.records}"
        " --overrides {OVERRIDES} --works {output.works} --pairs {output.pairs} --review {output.review}"


rule export_works:
    """The deduplicated works for reference managers (RIS, BibTeX) and spreadsheets (CSV)."""
    input:
        code=PACKAGE_SOURCES,
        works="results/works.csv",
    output:
        ris="results/exports/works.ris",
        bibtex="results/exports/works.bib",
        csv="results/exports/works.csv",
    log:
        "logs/export_works.log",
    shell:
        "{REVIEWFLOW} --log {log} export --works {input.works} --ris {output.ris} --bibtex {output.bibtex}"
        " --csv {output.csv}"

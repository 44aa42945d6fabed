rule extraction:
    """Check the extraction sheet (or one sheet per extractor and consensus.csv): one valid row per included work.
    Every problem (file, line, study, field, value, expected) is listed in results/extraction_errors.csv and stops
    the build once; cells where extractors disagree with no consensus row are listed in
    results/extraction_conflicts.csv and stop it too (a draft leaves those studies out). Included works with no row
    are listed, ready to fill in, in results/awaiting_extraction.csv (in a draft they are left out instead of
    stopping). Rows on work ids the dedup stage merged or split are carried over where unambiguous; the rest stop
    the build and are listed in results/id_conflicts.csv. Those lists are not outputs: Snakemake deletes a failed
    job's outputs."""
    input:
        code=PACKAGE_SOURCES,
        sheets=extraction_sheets,
        screening="results/screening.csv",
        works="results/works.csv",
        id_changes="results/work_id_changes.csv",
        config=CONFIG_FILE,
    output:
        "results/studies.csv",
    params:
        draft=DRAFT_FLAG,
    log:
        "logs/extraction.log",
    shell:
        "{REVIEWFLOW} --log {log} extract --config {input.config} --sheet {EXTRACTION_SHEET}"
        " --screening {input.screening} --works {input.works} --out {output}"
        " --awaiting results/awaiting_extraction.csv --errors results/extraction_errors.csv"
        " --conflicts results/extraction_conflicts.csv --id-changes {input.id_changes}"
        " --id-conflicts results/id_conflicts.csv {params.draft}"

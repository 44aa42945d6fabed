rule extraction:
    """Check the extraction sheet: one valid row per included work. Included works with no row are listed,
    ready to fill in, in results/awaiting_extraction.csv (in a draft they are left out instead of stopping). Rows
    on work ids the dedup stage merged or split are carried over where unambiguous; the rest stop the build and
    are listed in results/id_conflicts.csv."""
    input:
        code=PACKAGE_SOURCES,
        sheet=people_file(EXTRACTION_SHEET),
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
        " --awaiting results/awaiting_extraction.csv --id-changes {input.id_changes}"
        " --id-conflicts results/id_conflicts.csv {params.draft}"

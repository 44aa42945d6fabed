rule eligibility:
    """Exclude by rule what a rule can decide: publication years and language from the config."""
    input:
        code=PACKAGE_SOURCES,
        works="results/works.csv",
        config=CONFIG_FILE,
    output:
        "results/auto_excluded.csv",
    log:
        "logs/eligibility.log",
    shell:
        "{REVIEWFLOW} --log {log} eligibility --config {input.config} --works {input.works} --out {output}"


rule screening:
    """Check the reviewers' decision files; a work with no decision stops the build and is listed in
    results/awaiting_screening.csv (in a draft it gets the status awaiting_<stage> instead). Decisions on work ids
    the dedup stage merged or split are carried over where unambiguous; the rest stop the build and are listed in
    results/id_conflicts.csv (not an output: Snakemake deletes a failed job's outputs)."""
    input:
        code=PACKAGE_SOURCES,
        works="results/works.csv",
        id_changes="results/work_id_changes.csv",
        auto_excluded="results/auto_excluded.csv",
        decisions=decision_files,
        config=CONFIG_FILE,
    output:
        "results/screening.csv",
    params:
        draft=DRAFT_FLAG,
    log:
        "logs/screening.log",
    shell:
        "{REVIEWFLOW} --log {log} screening --config {input.config} --works {input.works}"
        " --auto-excluded {input.auto_excluded} --decisions {DECISIONS_DIR} --out {output}"
        " --awaiting results/awaiting_screening.csv --id-changes {input.id_changes}"
        " --id-conflicts results/id_conflicts.csv {params.draft}"

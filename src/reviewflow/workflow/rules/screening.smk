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
    results/awaiting_screening.csv, reviewers who disagree with no consensus row stop it and are listed in
    results/screening_conflicts.csv (in a draft such works get the status awaiting_<stage> instead). Decisions on
    work ids the dedup stage merged or split are carried over where unambiguous; the rest stop the build and are
    listed in results/id_conflicts.csv. Those lists are not outputs: Snakemake deletes a failed job's outputs.
    results/screening_agreement.json: each stage's reviewers and their agreement (Cohen's kappa)."""
    input:
        code=PACKAGE_SOURCES,
        works="results/works.csv",
        id_changes="results/work_id_changes.csv",
        auto_excluded="results/auto_excluded.csv",
        decisions=decision_files,
        config=CONFIG_FILE,
    output:
        screening="results/screening.csv",
        agreement="results/screening_agreement.json",
    params:
        draft=DRAFT_FLAG,
    log:
        "logs/screening.log",
    shell:
        "{REVIEWFLOW} --log {log} screening --config {input.config} --works {input.works}"
        " --auto-excluded {input.auto_excluded} --decisions {DECISIONS_DIR} --out {output.screening}"
        " --agreement {output.agreement} --awaiting results/awaiting_screening.csv"
        " --conflicts results/screening_conflicts.csv --id-changes {input.id_changes}"
        " --id-conflicts results/id_conflicts.csv {params.draft}"

rule dedup:
    """Merge records of the same work; every candidate pair is explained in the pairs file, and the pairs a
    person should decide are listed in results/dedup_review.csv (decisions go in data/dedup/overrides.csv).
    Work ids come from the identity ledger, which the stage updates when records join; ids it had to merge or
    split are listed in results/work_id_changes.csv for the screening and extraction stages."""
    input:
        code=PACKAGE_SOURCES,
        records="results/records.csv",
        overrides=people_file(OVERRIDES),
        ledger=people_file(LEDGER),
        id_history=people_file(ID_HISTORY),
        config=CONFIG_FILE,
    output:
        works="results/works.csv",
        pairs="results/dedup_pairs.csv",
        review="results/dedup_review.csv",
        id_changes="results/work_id_changes.csv",
    log:
        "logs/dedup.log",
    shell:
        "{REVIEWFLOW} --log {log} dedup --config {input.config} --records {input.records}"
        " --overrides {OVERRIDES} --ledger {LEDGER} --id-history {ID_HISTORY}"
        " --works {output.works} --pairs {output.pairs}"
        " --review {output.review} --id-changes {output.id_changes}"


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

rule dedup:
    """Merge records of the same work; every merge is explained in the pairs file."""
    input:
        records="results/records.csv",
        config=CONFIG_FILE,
    output:
        works="results/works.csv",
        pairs="results/dedup_pairs.csv",
    log:
        "logs/dedup.log",
    shell:
        "{REVIEWFLOW} --log {log} dedup --config {input.config} --records {input.records}"
        " --works {output.works} --pairs {output.pairs}"

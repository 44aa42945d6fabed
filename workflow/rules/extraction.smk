rule extraction:
    """Check the extraction sheet: one valid row per included work."""
    input:
        sheet="data/extraction/studies.csv",
        screening="results/screening.csv",
        works="results/works.csv",
        config=CONFIG_FILE,
    output:
        "results/studies.csv",
    log:
        "logs/extraction.log",
    shell:
        "{REVIEWFLOW} --log {log} extract --config {input.config} --sheet {input.sheet}"
        " --screening {input.screening} --works {input.works} --out {output}"

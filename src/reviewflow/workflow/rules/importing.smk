rule import_records:
    """Read every raw export into one records table; the report counts records per file and database."""
    input:
        code=PACKAGE_SOURCES,
        exports=export_files,
        provenance=provenance_files,
        search_log=search_log,
        config=CONFIG_FILE,
    output:
        records="results/records.csv",
        report="results/import_report.json",
        raw="results/records_raw.jsonl",
    log:
        "logs/import.log",
    shell:
        "{REVIEWFLOW} --log {log} import --config {input.config} --records {output.records} --report {output.report}"
        " --raw {output.raw}"

# The retraction check as the build reports it. `reviewflow check-retractions` (`make retractions`) asks Crossref
# and OpenAlex and freezes their answers in data/retractions/; this rule only reads the latest frozen check, so a
# rebuild never goes to the network. Without one, every included study is `not_checked` and the manuscript says so.
RETRACTION_CHECKS = "data/retractions"


def retraction_checks(wildcards=None):
    """Every frozen check and its provenance: a new or changed check re-runs the rule (as does deleting one)."""
    return sorted(glob.glob(f"{RETRACTION_CHECKS}/retractions-*.json"))


rule retractions:
    """Each included study's status (retracted, expression_of_concern, corrected, none, not_checkable,
    not_checked) and the check's numbers for the manuscript; a retracted study is a warning in the log."""
    input:
        code=PACKAGE_SOURCES,
        studies="results/studies.csv",
        checks=retraction_checks,
    output:
        table="results/retractions.csv",
        numbers="results/retractions.json",
    log:
        "logs/retractions.log",
    shell:
        "{REVIEWFLOW} --log {log} retractions --studies {input.studies} --snapshots {RETRACTION_CHECKS}"
        " --out {output.table} --numbers {output.numbers}"

# The network step, never part of `all`: a build replays the frozen snapshots and never goes to the network.
# Run by name (`snakemake search`, or `make search` / `reviewflow search`): the search log's pending queries of
# the databases with `search: {api: ...}` are run and frozen under data/raw/<database>/, with provenance. The
# rules have no outputs (a snapshot's name carries the day it was searched), so Snakemake runs them every time
# they are asked for, and only then.


rule search:
    """Run the search log's pending searches through the databases' APIs and freeze what came back."""
    localrule: True
    log:
        "logs/search.log",
    shell:
        "{REVIEWFLOW} --log {log} search --config {CONFIG_FILE}"


rule search_update:
    """Add a dated update of every API search: the records indexed since the last one, full count re-checked."""
    localrule: True
    log:
        "logs/search_update.log",
    shell:
        "{REVIEWFLOW} --log {log} search --update --config {CONFIG_FILE}"


rule citations:
    """Citation searching from the included studies (results/studies.csv) via OpenAlex, frozen under
    data/raw/citations/ for the config source marked `arm: other_methods`, and logged in the search log."""
    localrule: True
    log:
        "logs/citations.log",
    shell:
        "{REVIEWFLOW} --log {log} citations --config {CONFIG_FILE}"

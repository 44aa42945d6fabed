# Risk of bias: assessors fill one sheet per tool, data/risk_of_bias/<tool>.csv (`reviewflow rob-forms` writes
# them blank), for the tools the config's risk_of_bias section names. The rule checks them all (every problem in
# results/risk_of_bias_errors.csv), derives overall judgements and writes the manuscript's rob.* numbers. Plots
# are declared for exactly the tools whose sheet exists when the workflow is read; adding or removing a sheet
# changes the rule's inputs, so the next run re-plans and re-runs it. No sheet: no plot, and the manuscript
# says risk of bias was not assessed.
from reviewflow.riskofbias.settings import FIGURE_FORMATS, SHEETS_DIR, assessed_tools, figure_stems

ROB_TOOLS = assessed_tools(config)


def rob_sheets(wildcards=None):
    """Every sheet of a configured tool that exists."""
    return [f"{SHEETS_DIR}/{tool}.csv" for tool in ROB_TOOLS]


rule risk_of_bias:
    """Checked judgements (results/risk_of_bias.csv), the numbers for the manuscript and, per assessed tool,
    traffic-light and summary plots in robvis's conventions."""
    input:
        code=PACKAGE_SOURCES,
        studies="results/studies.csv",
        sheets=rob_sheets,
        config=CONFIG_FILE,
    output:
        table="results/risk_of_bias.csv",
        numbers="results/risk_of_bias.json",
        figures=expand("results/figures/{name}.{ext}", name=figure_stems(ROB_TOOLS), ext=FIGURE_FORMATS),
    params:
        # Not an output: Snakemake deletes a failed job's outputs, and this table is what a failed run is for.
        errors="results/risk_of_bias_errors.csv",
    log:
        "logs/risk_of_bias.log",
    shell:
        "{REVIEWFLOW} --log {log} risk-of-bias --config {input.config} --studies {input.studies}"
        " --out {output.table} --numbers {output.numbers} --errors {params.errors} --figures results/figures"

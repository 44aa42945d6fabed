"""Risk of bias: the standard tools as data (RoB 2, ROBINS-I V2, the JBI checklists), assessors' sheets checked
like extraction, overall judgements by each tool's algorithm, and traffic-light and summary plots in robvis's
conventions."""

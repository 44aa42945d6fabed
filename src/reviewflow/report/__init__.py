"""Report stage: the figures, tables and bibliography the manuscript shows, drawn from the synthesis outputs."""

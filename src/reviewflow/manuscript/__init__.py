"""Manuscript stage: the review is rendered to PDF with every number taken from the analysis, never typed by hand."""

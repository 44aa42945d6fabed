"""Synthesis stage: the PRISMA counts and every number the manuscript quotes, computed once from the outputs."""

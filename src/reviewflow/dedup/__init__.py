"""Dedup stage: records of the same work, found in several databases, become one work so each study counts once."""

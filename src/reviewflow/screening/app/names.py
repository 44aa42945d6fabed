"""Reviewer and stage names become file names, so they are checked before any path is built from them."""

from __future__ import annotations

import re

from reviewflow.errors import InputError

STAGES = ("title_abstract", "full_text")
CONSENSUS = "consensus"
# Letters, digits, dot, dash and underscore; starting with a letter or digit: no separators, no "..", no dotfile.
_REVIEWER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


def check_stage(stage: str) -> str:
    """The stage, or an error naming the allowed ones."""
    if stage not in STAGES:
        raise InputError(f"unknown stage {stage!r}", field="--stage", expected=" or ".join(STAGES))
    return stage


def check_reviewer(reviewer: str) -> str:
    """The reviewer name, safe to use as a file name inside the stage's folder."""
    if not _REVIEWER.match(reviewer) or ".." in reviewer or reviewer.lower().endswith((".csv", ".jsonl")):
        raise InputError(f"reviewer name {reviewer!r} cannot be used as a file name", field="--reviewer",
                         expected="1-64 letters, digits, '.', '-' or '_', starting with a letter or digit "
                                  "(initials or a short name, e.g. alice or AB)")
    return reviewer

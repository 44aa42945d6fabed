"""Eligibility stage: criteria a rule can decide (publication year, language, publication type) are applied
before screening.

A rule only excludes on evidence: a work with no year, no recognisable language or no publication type is left for
a person to screen. These are the PRISMA "records marked as ineligible by automation tools"; a person can overrule
one (screening/decisions.py), and the override is counted.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from reviewflow.errors import InputError

AUTO_EXCLUDED_COLUMNS = ["work_id", "reason", "detail"]
# The columns of results/works.csv the rules read (the stage reads no others).
ELIGIBILITY_COLUMNS = ["work_id", "year", "language", "publication_types"]
PUBLICATION_TYPE_REASON = "publication_type"

# MEDLINE / ISO 639-2 bibliographic codes seen in exports, to the language names other databases print.
_LANGUAGE_CODES = {
    "eng": "english", "fre": "french", "fra": "french", "ger": "german", "deu": "german", "spa": "spanish",
    "ita": "italian", "rus": "russian", "pol": "polish", "por": "portuguese", "dut": "dutch", "nld": "dutch",
    "chi": "chinese", "zho": "chinese", "jpn": "japanese", "kor": "korean", "tur": "turkish", "cze": "czech",
    "ces": "czech", "dan": "danish", "swe": "swedish", "nor": "norwegian", "fin": "finnish", "hun": "hungarian",
    "gre": "greek", "ell": "greek", "heb": "hebrew", "ara": "arabic", "per": "persian", "fas": "persian",
    "ukr": "ukrainian", "rum": "romanian", "ron": "romanian", "hrv": "croatian", "srp": "serbian",
    "slv": "slovenian", "slo": "slovak", "slk": "slovak", "bul": "bulgarian", "lit": "lithuanian",
    "lav": "latvian", "est": "estonian", "ice": "icelandic", "isl": "icelandic", "tha": "thai",
    "vie": "vietnamese", "ind": "indonesian", "may": "malay", "msa": "malay", "afr": "afrikaans",
}
_KNOWN_NAMES = set(_LANGUAGE_CODES.values())


def languages_of(value: str) -> list[str]:
    """Language names (lower case) in an export's language field: ``eng``, ``English``, ``English; French``."""
    names = []
    for part in re.split(r"[;,/]| and ", value or ""):
        token = part.strip().lower()
        token = re.sub(r"\s*\(.*\)$", "", token)
        if token:
            names.append(_LANGUAGE_CODES.get(token, token))
    return names


def _type_key(value: str) -> str:
    return " ".join(value.lower().split())


def excluded_types(config: dict[str, Any]) -> dict[str, str]:
    """The publication types excluded by rule (``eligibility.publication_types``), normalised -> as written; the
    reason code they need must be in ``eligibility.reasons``."""
    listed = config["eligibility"].get("publication_types") or []
    if listed and PUBLICATION_TYPE_REASON not in config["eligibility"]["reasons"]:
        raise InputError("publication types are excluded by rule but have no reason label",
                         file="config/review.yaml", field=f"eligibility.reasons.{PUBLICATION_TYPE_REASON}",
                         expected=f'e.g. {PUBLICATION_TYPE_REASON}: "Publication type not eligible (by rule)"')
    return {_type_key(value): value for value in listed}


def apply_eligibility(works: pd.DataFrame, config: dict[str, Any]) -> pd.DataFrame:
    """Works excluded by rule, with the reason code and the evidence (the year, language or type seen)."""
    first_year, last_year = config["eligibility"]["years"]
    accepted = {name.lower() for name in config["eligibility"]["languages"]}
    types = excluded_types(config)
    rows = []
    for work in works.itertuples(index=False):
        if work.year and not first_year <= int(work.year) <= last_year:
            rows.append((work.work_id, "outside_dates", f"year {work.year}, outside {first_year}-{last_year}"))
            continue
        names = languages_of(work.language)
        recognised = [n for n in names if n in _KNOWN_NAMES or n in accepted]
        if recognised and not accepted.intersection(recognised):
            rows.append((work.work_id, "non_english", f"language {work.language}"))
            continue
        seen = [t.strip() for t in str(getattr(work, "publication_types", "") or "").split(";") if t.strip()]
        matched = [t for t in seen if _type_key(t) in types]
        if matched:  # any excluded type marks the work (a "Journal Article; Review" is a review)
            rows.append((work.work_id, PUBLICATION_TYPE_REASON, f"publication type {'; '.join(matched)}"))
    frame = pd.DataFrame(rows, columns=AUTO_EXCLUDED_COLUMNS)
    return frame.sort_values("work_id", kind="mergesort").reset_index(drop=True)

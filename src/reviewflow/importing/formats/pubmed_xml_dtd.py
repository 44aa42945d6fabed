"""The prolog the PubMed XML reader parses with: our own XML declaration and DOCTYPE in place of the file's, naming
a PubMed DTD that biopython ships, so that no network access is ever needed.

Bio.Entrez validates against the PubMed DTDs that biopython ships in ``Bio/Entrez/DTDs``; for a DTD it lacks it
would go to the network (and it refuses a DOCTYPE whose address is not ``https://...nlm.nih.gov``, which rules out
older exports' ``http://www.ncbi.nlm.nih.gov/...`` addresses). So the file's XML declaration and DOCTYPE are
replaced by our own: UTF-8 (the text arrives decoded and is re-encoded for expat) and the canonical NCBI address of
a shipped DTD, the file's own when biopython has it, otherwise the newest shipped one, then without validation (a
newer DTD may add elements the older one lacks; they are skipped, none is a field we map). A missing DOCTYPE or
declaration is supplied the same way. The replaced text keeps its line breaks, so every line number is the file's.
A root element other than ``<PubmedArticleSet>`` is refused here, before any parsing.
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path

from Bio.Entrez.Parser import DataHandler

from reviewflow.errors import InputError

log = logging.getLogger(__name__)

ROOT_TAG = "PubmedArticleSet"
_DTD_URL = "https://dtd.nlm.nih.gov/ncbi/pubmed/out/"
_DTD_PUBLIC = "-//NLM//DTD PubMedArticle//EN"
_DECLARATION = re.compile(r"\A\s*<\?xml\b.*?\?>", re.S)
_DOCTYPE = re.compile(r"<!DOCTYPE\s+([\w:.-]+)(?:\s+(?:PUBLIC\s+(?:\"[^\"]*\"|'[^']*')|SYSTEM))?"
                      r"(?:\s+(?:\"([^\"]*)\"|'([^']*)'))?\s*(?:\[.*?\]\s*)?>", re.S)
_ROOT = re.compile(r"<(?![?!])([\w:.-]+)")


def _shipped_dtds() -> list[str]:
    """PubMed DTD file names biopython ships, oldest first (``pubmed_YYMMDD.dtd``, all from 2002 on)."""
    names = [n for n in os.listdir(DataHandler.global_dtd_dir) if re.fullmatch(r"pubmed_\d{6}\.dtd", n)]
    return sorted(names)


def prepare(text: str, path: Path) -> tuple[str, str, bool]:
    """(prolog, body, validate): our one-line declaration + DOCTYPE, and the text with its own replaced by their
    line breaks (so line N of the body is line N of the file, the prolog sitting in front of line 1)."""
    text = text.lstrip("\ufeff")
    declaration = _DECLARATION.match(text)
    after_declaration = declaration.end() if declaration else 0
    lead = "\n" * declaration.group(0).count("\n") if declaration else ""
    dtds = _shipped_dtds()
    if not dtds:  # pragma: no cover - a biopython install without its data files
        raise InputError("biopython's PubMed DTDs are missing (Bio/Entrez/DTDs)", file=path,
                         expected="biopython installed with its data files")
    doctype = _DOCTYPE.search(text, after_declaration, after_declaration + 20000)
    if doctype:
        root = doctype.group(1)
        wanted = os.path.basename(doctype.group(2) or doctype.group(3) or "")
        gap = "\n" * doctype.group(0).count("\n")
        body = lead + text[after_declaration : doctype.start()] + gap + text[doctype.end() :]  # one copy
    else:
        first = _ROOT.search(text, after_declaration)
        root, wanted = (first.group(1) if first else ROOT_TAG), ""
        body = lead + text[after_declaration:] if declaration else text
    if root != ROOT_TAG:
        raise InputError(f"root element is <{root}>, not <{ROOT_TAG}>", file=path, line=1,
                         expected="a PubMed XML export (<PubmedArticleSet> holding <PubmedArticle> records)")
    validate = wanted in dtds
    dtd = wanted if validate else dtds[-1]
    if not validate:
        reason = f"DTD {wanted!r} is not shipped with biopython" if wanted else "no DOCTYPE"
        log.warning("%s: %s; reading with %s without validation", path, reason, dtd)
    prolog = (f'<?xml version="1.0" encoding="UTF-8"?>'
              f'<!DOCTYPE {ROOT_TAG} PUBLIC "{_DTD_PUBLIC}" "{_DTD_URL}{dtd}">')
    return prolog, body, validate

"""Shared test helpers: where ../shared is, and a tiny but complete review project built in a temp folder."""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
# The shipped review is one review project inside this repository (see README, "Where the shipped review lives").
PROJECT = REPO / "reviews" / "cryoneurolysis"
SHARED = REPO.parent / "shared"
FIXTURES = SHARED / "fixtures" / "exports"


def shared_fixture(relative: str) -> Path:
    """Path of a real export under ../shared/fixtures/exports; skips the test when ../shared is absent."""
    path = FIXTURES / relative
    if not path.exists():
        pytest.skip(f"real export fixtures not available: {path} (../shared sits beside the checkout in CI)")
    return path


MEDLINE_TEXT = textwrap.dedent(
    """\
    PMID- 30000001
    OWN - NLM
    STAT- MEDLINE
    DP  - 2015 Mar
    TI  - Ultrasound-guided cryoneurolysis of the suprascapular nerve for chronic
          shoulder pain: a case series.
    PG  - 221-8
    LID - 10.1000/ABC.2015.1 [doi]
    AB  - We treated three patients.
    AU  - Smith AB
    AU  - Jones C
    LA  - eng
    PT  - Journal Article
    TA  - Pain Med
    JT  - Pain medicine

    PMID- 30000002
    OWN - NLM
    DP  - 2008
    TI  - Cryoanalgesia in 1990s practice.
    AU  - Old A
    LA  - eng
    PT  - Review

    PMID- 30000003
    DP  - 2019
    TI  - Cryoneurolyse bei chronischen Schmerzen.
    AU  - Meyer K
    LA  - ger
    PT  - Journal Article

    PMID- 30000004
    DP  - 2020
    TI  - Cryoneurolysis for knee pain: a randomized trial.
    AU  - Brown D
    LA  - eng
    PT  - Randomized Controlled Trial

    """
)

RIS_TEXT = textwrap.dedent(
    """\
    TY  - JOUR
    TI  - Ultrasound-guided cryoneurolysis of the suprascapular nerve for chronic shoulder pain: A case series
    T2  - Pain Medicine
    PY  - 2015
    SP  - 221
    EP  - 228
    DO  - https://doi.org/10.1000/abc.2015.1
    AU  - Smith, A.B.
    AU  - Jones, C.
    LA  - English
    DB  - Scopus
    ER  -

    TY  - JOUR
    TI  - Cryoneurolysis for phantom limb pain: a retrospective study
    T2  - Journal of Pain Research
    PY  - 2021
    AU  - Green, E.
    LA  - English
    DB  - Scopus
    ER  -

    TY  - JOUR
    TI  - Cryoablation of intercostal nerves during thoracotomy
    T2  - Annals of Thoracic Surgery
    PY  - 2018
    AU  - White, F.
    LA  - English
    DB  - Scopus
    ER  -

    """
).replace("ER  -\n", "ER  - \n")  # Scopus writes a space after the ER tag

GROUPED_SYNTHESIS_FIELDS = ("condition_group", "nerve_group", "device")
"""Fields the shipped form has for its grouped synthesis; the small projects' hand-written sheets predate them
(tests/extraction/test_grouped_synthesis.py tests a grouped synthesis with a form of its own)."""


def _mini_config(grouped: bool = False) -> str:
    """The shipped protocol, searching only PubMed and Scopus, with no search log (tests add one), and unless
    ``grouped`` without the grouped synthesis and its fields."""
    config = yaml.safe_load((PROJECT / "config" / "review.yaml").read_text(encoding="utf-8"))
    config["databases"] = {db: config["databases"][db] for db in ("pubmed", "scopus")}
    config.pop("search_log", None)
    extraction = config["extraction"]
    if not grouped:
        extraction.pop("synthesis", None)
        extraction["fields"] = [f for f in extraction["fields"] if f["name"] not in GROUPED_SYNTHESIS_FIELDS]
    return yaml.safe_dump(config, sort_keys=False, allow_unicode=True)


CONFIG_TEXT = _mini_config()
GROUPED_CONFIG_TEXT = _mini_config(grouped=True)
"""The mini protocol with the shipped form whole, for small projects that render the shipped manuscript (it quotes
the grouped synthesis)."""


@pytest.fixture
def mini_project(tmp_path: Path) -> Path:
    """A project folder with two small exports and the shipped config (screening/extraction left empty)."""
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "review.yaml").write_text(CONFIG_TEXT, encoding="utf-8")
    for database, name, text in (("pubmed", "pubmed.txt", MEDLINE_TEXT), ("scopus", "scopus.ris", RIS_TEXT)):
        folder = tmp_path / "data" / "raw" / database
        folder.mkdir(parents=True)
        (folder / name).write_text(text, encoding="utf-8")
    (tmp_path / "data" / "screening").mkdir(parents=True)
    (tmp_path / "data" / "extraction").mkdir(parents=True)
    return tmp_path


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    """A copy of the whole project (code excluded) for end-to-end workflow tests."""
    target = tmp_path / "project"
    ignore = shutil.ignore_patterns(".venv", ".git", ".snakemake", "__pycache__", "logs", "*.egg-info")
    shutil.copytree(PROJECT, target, ignore=ignore)
    return target


@pytest.fixture(scope="session")
def browser() -> Iterator:
    """Debian's Chromium driven by Playwright, shared by the browser tests; they skip, saying why, without it."""
    from playwright.sync_api import sync_playwright

    from tests.screen_app.browser import CHROMIUM_ARGS, chromium_path

    executable = chromium_path()
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        yield launched
        launched.close()

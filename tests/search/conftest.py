"""Fixtures of the search tests: the loopback E-utilities server, real MEDLINE templates, a project to search."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from reviewflow.project.scaffold import ReviewSpec, init_project
from reviewflow.search.run import SearchOptions
from tests.search.fake_eutils import FakeEutils, make_index, real_medline_records
from tests.search.loopback import serving

QUERY = '(cryoneurolysis[tiab] OR cryoanalgesia[tiab]) AND "chronic pain"[tiab]'


@pytest.fixture(scope="session")
def templates() -> list[str]:
    return real_medline_records()


@pytest.fixture
def eutils(templates: list[str]) -> Iterator[FakeEutils]:
    with serving(FakeEutils(index=make_index(templates, 30, date(2025, 1, 1), per_day=3))) as fake:
        yield fake


@pytest.fixture
def sleeps() -> list[float]:
    """Waits the client asked for (recorded instead of slept, so the tests stay fast)."""
    return []


@pytest.fixture
def options(eutils: FakeEutils, sleeps: list[float]) -> SearchOptions:
    return SearchOptions(base_url=eutils.url, batch=10, environ={}, sleep=sleeps.append)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project from `reviewflow init` whose PubMed entry is searched through the API, query filled in."""
    root = tmp_path / "review"
    init_project(root, ReviewSpec(title="Cryoneurolysis", question="Does it help?", databases=["pubmed"]))
    config = root / "config/review.yaml"
    text = config.read_text(encoding="utf-8")
    text = text.replace('exports: ["data/raw/pubmed/*"]', 'exports: ["data/raw/pubmed/*"]\n    search: {api: pubmed}')
    config.write_text(text, encoding="utf-8")
    log = root / "data/search_log.yaml"
    log.write_text(log.read_text(encoding="utf-8").replace("TODO: the full search strategy exactly as run", QUERY),
                   encoding="utf-8")
    return root

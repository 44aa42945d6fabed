"""A project from `reviewflow init` with one database searched through a keyed JSON API, its query filled in."""

from __future__ import annotations

from pathlib import Path

from reviewflow.project.scaffold import ReviewSpec, init_project


def api_project(tmp_path: Path, database: str, api: str, query: str) -> Path:
    """``tmp_path/review``, whose ``database`` entry says ``search: {api: <api>}`` and whose log holds ``query``."""
    root = tmp_path / "review"
    init_project(root, ReviewSpec(title="Cryoneurolysis", question="Does it help?", databases=[database]))
    config = root / "config/review.yaml"
    exports = f'exports: ["data/raw/{database}/*"]'
    text = config.read_text(encoding="utf-8")
    assert exports in text
    config.write_text(text.replace(exports, f"{exports}\n    search: {{api: {api}}}"), encoding="utf-8")
    log = root / "data/search_log.yaml"
    log.write_text(log.read_text(encoding="utf-8").replace("TODO: the full search strategy exactly as run", query),
                   encoding="utf-8")
    return root

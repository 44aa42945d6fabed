"""Works exported as RIS, BibTeX and CSV come back through our own readers unchanged in substance."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from reviewflow.config import load_config
from reviewflow.dedup.export import export_works
from reviewflow.dedup.run import deduplicate
from reviewflow.importing.exports import import_exports
from reviewflow.importing.formats.detect import read_export


def test_exported_ris_reads_back_with_the_same_works(mini_project: Path, tmp_path: Path) -> None:
    config = load_config(mini_project / "config/review.yaml")
    records, _ = import_exports(config, mini_project)
    works = deduplicate(records, config).works
    out = tmp_path / "out"
    export_works(works, out / "works.ris", out / "works.bib", out / "works.csv")

    fmt, back = read_export(out / "works.ris")
    assert fmt == "ris" and len(back) == len(works)
    expected = works.sort_values("work_id")
    assert [r.title for r in back] == expected["title"].tolist()
    assert [r.doi for r in back] == expected["doi"].tolist()
    assert back[0].raw["ID"] == [expected["work_id"].iloc[0]]
    merged = expected[expected["doi"] == "10.1000/abc.2015.1"].iloc[0]
    again = next(r for r in back if r.doi == "10.1000/abc.2015.1")
    assert again.pages == merged["pages"] == "221-228"
    assert again.authors == ["Smith, A.B.", "Jones, C."]

    table = pd.read_csv(out / "works.csv", dtype=str, keep_default_na=False)
    assert table["work_id"].tolist() == expected["work_id"].tolist()
    bib = (out / "works.bib").read_text(encoding="utf-8")
    assert bib.count("@") == len(works)

"""Fonts are inputs: figures use the DejaVu Sans files inside the locked matplotlib, never a host's fonts.

The impostor used here is a real font (matplotlib's DejaVu Serif) renamed to "DejaVu Sans", as a host's own copy of
a same-named family (another version, other metrics) would be: if the figures ever picked it up, glyphs and
widths would change and so would the bytes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import matplotlib
import pytest
from fontTools.ttLib import TTFont
from matplotlib import font_manager
from matplotlib.font_manager import FontProperties

from reviewflow.report.figures.save import FONT_FAMILY, FONT_FILES, pinned_fonts

PROJECT = Path(__file__).resolve().parents[1] / "reviews" / "cryoneurolysis"


def make_impostor(folder: Path) -> Path:
    """A serif font whose name table says it is DejaVu Sans."""
    font = TTFont(Path(matplotlib.get_data_path(), "fonts", "ttf", "DejaVuSerif.ttf"))
    for record in font["name"].names:
        if record.nameID in (1, 4, 16):
            record.string = FONT_FAMILY
        elif record.nameID == 6:
            record.string = FONT_FAMILY.replace(" ", "")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "ImpostorDejaVuSans.ttf"
    font.save(path)
    return path


def test_font_files_exist_in_the_installed_matplotlib() -> None:
    assert all(path.is_file() for path in FONT_FILES)


def test_pinned_fonts_ignore_a_same_named_font_listed_first(tmp_path: Path) -> None:
    impostor = make_impostor(tmp_path)
    manager = font_manager.fontManager
    saved = list(manager.ttflist)
    try:
        manager.addfont(impostor)
        # Put it first, as a host font found before matplotlib's own would be; matplotlib takes the first match.
        manager.ttflist.sort(key=lambda entry: entry.fname != str(impostor))
        unpinned = font_manager.findfont(FontProperties(family=FONT_FAMILY))
        assert Path(unpinned) == impostor, "the impostor should win without pinning, or this test proves nothing"
        with pinned_fonts():
            for weight in ("normal", "bold"):
                found = Path(font_manager.findfont(FontProperties(family=FONT_FAMILY, weight=weight)))
                assert found in FONT_FILES
    finally:
        manager.ttflist = saved
        manager._findfont_cached.cache_clear()


@pytest.mark.skipif(not (PROJECT / "results" / "prisma.json").exists(), reason="needs the committed results")
def test_figures_are_the_same_bytes_with_an_extra_font_folder(tmp_path: Path) -> None:
    home = tmp_path / "home"
    make_impostor(home / ".fonts")
    make_impostor(home / ".local" / "share" / "fonts")
    env = {**os.environ, "HOME": str(home), "XDG_DATA_HOME": str(home / ".local" / "share"),
           "MPLCONFIGDIR": str(tmp_path / "mplconfig")}
    seen = subprocess.run(
        [sys.executable, "-c", "import json; from matplotlib import font_manager as f; "
         "print(json.dumps(sorted(e.fname for e in f.fontManager.ttflist)))"],
        env=env, capture_output=True, text=True, check=True)
    assert any("ImpostorDejaVuSans" in name for name in json.loads(seen.stdout)), \
        "matplotlib did not see the extra font folder, so the test would prove nothing"

    outputs = {}
    for label, environment in (("plain", {**os.environ, "MPLCONFIGDIR": str(tmp_path / "mplconfig-plain")}),
                               ("extra-fonts", env)):
        outdir = tmp_path / label
        subprocess.run(
            [sys.executable, "-m", "reviewflow", "figures", "--config", "config/review.yaml",
             "--prisma", "results/prisma.json", "--studies", "results/studies.csv", "--outdir", str(outdir)],
            cwd=PROJECT, env=environment, check=True, capture_output=True)
        outputs[label] = {p.name: p.read_bytes() for p in sorted(outdir.iterdir())}
    assert sorted(outputs["plain"]) == sorted(outputs["extra-fonts"]) and outputs["plain"]
    changed = [name for name in outputs["plain"] if outputs["plain"][name] != outputs["extra-fonts"][name]]
    assert not changed, f"an extra font folder changed {changed}"

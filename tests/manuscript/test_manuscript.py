"""Manuscript renderer: shortcodes, the hand-typed-number lint, and a deterministic PDF without Quarto."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import matplotlib
import pytest

from reviewflow.errors import InputError
from reviewflow.manuscript import render
from reviewflow.manuscript.lint import lint_numbers
from reviewflow.manuscript.render import render_pdf
from reviewflow.manuscript.shortcodes import expand_shortcodes
from reviewflow.manuscript.variables import load_variables

matplotlib.use("Agg")

ALLOW = ["PRISMA 2020"]


def _variables(tmp_path: Path) -> dict:
    path = tmp_path / "_variables.yml"
    path.write_text("prisma:\n  included: 35\n  screened: 131\neffect:\n  mean: 1.50\n  ratio: 0.5\n",
                    encoding="utf-8")
    return load_variables(path)


# ------------------------------------------------------------------------------------------------ shortcodes


def test_var_lookup_is_dotted_and_keeps_yaml_spelling(tmp_path: Path) -> None:
    variables = _variables(tmp_path)
    text = ("We included {{< var prisma.included >}} of {{< var prisma.screened >}}; "
            "mean {{< var effect.mean >}}.")
    out = expand_shortcodes(text, variables, tmp_path, tmp_path / "index.qmd")
    assert out == "We included 35 of 131; mean 1.50."
    plain = {"effect": {"ratio": 0.5}, "flag": True, "n": 7}
    text = "{{< var effect.ratio >}} {{< var flag >}} {{< var n >}}"
    out = expand_shortcodes(text, plain, tmp_path, tmp_path)
    assert out == "0.5 true 7"


def test_include_is_expanded_recursively(tmp_path: Path) -> None:
    (tmp_path / "tables").mkdir()
    (tmp_path / "tables" / "t1.md").write_text(
        "Table with {{< var prisma.included >}}\n{{< include note.md >}}\n")
    (tmp_path / "tables" / "note.md").write_text("nested note\n")
    out = expand_shortcodes("Before\n\n{{< include tables/t1.md >}}\n\nAfter", _variables(tmp_path), tmp_path,
                            tmp_path / "index.qmd")
    assert out == "Before\n\nTable with 35\nnested note\n\nAfter"


def test_unknown_variable_names_file_and_line(tmp_path: Path) -> None:
    source = tmp_path / "index.qmd"
    text = "---\ntitle: x\n---\nWe included {{< var prisma.includd >}} studies.\n"
    with pytest.raises(InputError) as info:
        expand_shortcodes(text, _variables(tmp_path), tmp_path, source)
    assert info.value.line == 4
    assert Path(info.value.file) == source
    message = str(info.value)
    assert f"{source}:4" in message and "prisma.includd" in message
    assert "prisma.included" in message  # close-match hint


def test_unknown_variable_inside_include_names_the_included_file(tmp_path: Path) -> None:
    (tmp_path / "part.md").write_text("line one\n{{< var nope >}}\n")
    with pytest.raises(InputError) as info:
        expand_shortcodes("{{< include part.md >}}", _variables(tmp_path), tmp_path, tmp_path / "index.qmd")
    assert Path(info.value.file).name == "part.md" and info.value.line == 2


def test_missing_include_and_include_cycle(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found") as info:
        expand_shortcodes("x\n{{< include missing.md >}}", {}, tmp_path, tmp_path / "index.qmd")
    assert info.value.line == 2
    (tmp_path / "a.md").write_text("{{< include b.md >}}")
    (tmp_path / "b.md").write_text("{{< include a.md >}}")
    with pytest.raises(InputError, match="include cycle"):
        expand_shortcodes("{{< include a.md >}}", {}, tmp_path, tmp_path / "index.qmd")


def test_group_variable_and_escaped_shortcode(tmp_path: Path) -> None:
    variables = _variables(tmp_path)
    with pytest.raises(InputError, match="group"):
        expand_shortcodes("{{< var prisma >}}", variables, tmp_path, tmp_path / "index.qmd")
    assert expand_shortcodes("{{{< var prisma.included >}}}", variables, tmp_path, tmp_path) == \
        "{{< var prisma.included >}}"
    assert expand_shortcodes("{{< pagebreak >}}", variables, tmp_path, tmp_path) == "{{< pagebreak >}}"


# ------------------------------------------------------------------------------------------------ number lint


def test_lint_catches_hand_typed_numbers_with_positions(tmp_path: Path) -> None:
    text = ("---\ntitle: A review\ndate: 2025-01-01\n---\n\n"
            "We screened 131 records.\nOf them {{< var x >}} and 4.5%.\n")
    with pytest.raises(InputError) as info:
        lint_numbers(text, tmp_path / "index.qmd", ALLOW)
    message = str(info.value)
    assert info.value.line == 6
    assert "6:13 '131'" in message and "7:27 '4.5'" in message
    assert "2025" not in message  # the date field is not prose


def test_lint_allows_everything_that_is_not_prose(tmp_path: Path) -> None:
    text = """---
title: "Cryoneurolysis: a PRISMA 2020 review"
date: 2025-01-01
bibliography: refs2.bib
---

# Methods {#sec-m2}

We followed PRISMA 2020 and included {{< var prisma.included >}} studies [@smith2020; @lee2019, pp. 33-35].
As @jones2018 showed, see @fig-prisma1 and [-@tbl-s2]. Mail a1@b2.org or see https://x.org/p/12 and <https://doi.org/10.1/2>.

1. first
2) second

![Flow of records](../results/figures/prisma_flow2.png){#fig-prisma1 width=80%}

[a link](page3.html "title 4") and a footnote[^n1].

[^n1]: Footnote text.

<!-- a comment with 42 -->
Inline `code 7` here.

```python
x = 99
```

::: {.callout-note width="30%"}
Note.
:::
"""
    lint_numbers(text, tmp_path / "index.qmd", ALLOW)


def test_lint_allow_list_is_literal_phrase_only(tmp_path: Path) -> None:
    lint_numbers("Reported as in PRISMA 2020.", tmp_path / "index.qmd", ALLOW)
    with pytest.raises(InputError, match="1:21 '2020'"):
        lint_numbers("Published after the 2020 update.", tmp_path / "index.qmd", ALLOW)


def test_lint_checks_abstract_in_front_matter(tmp_path: Path) -> None:
    text = "---\ntitle: T\nabstract: |\n  We found 12 trials.\nkeywords: [a1]\n---\nBody.\n"
    with pytest.raises(InputError, match="4:12 '12'"):
        lint_numbers(text, tmp_path / "index.qmd", ALLOW)
    ok = "---\ntitle: T\nabstract: |\n  We found {{< var n >}} trials.\ndate: 2025-01-01\n---\nBody.\n"
    lint_numbers(ok, tmp_path / "index.qmd", ALLOW)


# ------------------------------------------------------------------------------------------------ rendering

BIB = """@article{Smith2020,
  author = {Smith, J. A. and Lee, K.},
  title = {Cryoneurolysis for knee pain},
  journal = {J Pain},
  year = {2020},
  volume = {3},
  pages = {1--10},
}
"""

INDEX = """---
title: "Cryoneurolysis: a PRISMA 2020 review"
author:
  - name: Jane Doe
    affiliations:
      - name: Uni A
date: 2025-03-01
abstract: |
  We included {{< var prisma.included >}} studies.
---

# Introduction

We screened {{< var prisma.screened >}} records (@fig-prisma) as reported by @Smith2020; see @tbl-studies.

![PRISMA flow diagram](../results/figures/prisma_flow.png){#fig-prisma width=40%}

{{< include ../results/tables/studies.md >}}

# References
"""


def _project(root: Path) -> Path:
    """A tiny project: manuscript/, results/figures/ (a real PNG), results/tables/, a BibTeX file."""
    import matplotlib.pyplot as plt

    (root / "manuscript").mkdir(parents=True)
    (root / "results" / "figures").mkdir(parents=True)
    (root / "results" / "tables").mkdir(parents=True)
    fig, ax = plt.subplots(figsize=(2, 1.5))
    ax.bar(["a", "b"], [3, 5])
    fig.savefig(root / "results" / "figures" / "prisma_flow.png", dpi=60)
    plt.close(fig)
    (root / "results" / "tables" / "studies.md").write_text(
        "| Study | N |\n|---|---|\n| Smith [@Smith2020] | 12 |\n\n: Included studies {#tbl-studies}\n")
    (root / "results" / "refs.bib").write_text(BIB, encoding="utf-8")
    (root / "manuscript" / "_variables.yml").write_text("prisma:\n  included: 1\n  screened: 131\n")
    (root / "manuscript" / "index.qmd").write_text(INDEX, encoding="utf-8")
    return root


def _render(root: Path) -> Path:
    out = root / "results" / "manuscript" / "review.pdf"
    render_pdf(root / "manuscript", root / "manuscript" / "_variables.yml", out,
               root / "results" / "refs.bib", number_allow=ALLOW)
    return out


@pytest.fixture
def no_quarto(monkeypatch: pytest.MonkeyPatch) -> None:
    real_which = shutil.which
    monkeypatch.setattr(render.shutil, "which", lambda name, *a, **k: None if name == "quarto" else
                        real_which(name, *a, **k))
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)


def test_render_without_quarto_is_deterministic(tmp_path: Path, no_quarto: None) -> None:
    root = _project(tmp_path / "one")
    out = _render(root)
    first = out.read_bytes()
    assert first.startswith(b"%PDF")
    assert _render(root).read_bytes() == first

    typ = (out.with_suffix(".typ")).read_text(encoding="utf-8")
    assert 'image("/results/figures/prisma_flow.png"' in typ  # root-relative, no absolute path
    assert "Figure 1: PRISMA flow diagram" in typ and "Table 1: Included studies" in typ
    assert "records (Figure 1) as reported by Smith and Lee (2020)\\; see Table 1." in typ
    assert "We included 1 studies." in typ and "Jane Doe" in typ and "Uni A" in typ
    assert "Cryoneurolysis for Knee Pain" in typ  # the bibliography is rendered
    assert str(tmp_path) not in typ
    assert str(tmp_path).encode() not in first

    assert b"D:20250301" in first  # creation date = the manuscript date, not the wall clock

    # the same inputs somewhere else, in a fresh process, give the same bytes: no machine path or
    # per-process state leaks into the PDF
    other = tmp_path / "elsewhere" / "deeper"
    shutil.copytree(root, other, ignore=shutil.ignore_patterns("review.*"))
    script = (
        "import shutil, sys\n"
        "from pathlib import Path\n"
        "from reviewflow.manuscript import render\n"
        "shutil.which = lambda name, *a, **k: None\n"
        "root = Path(sys.argv[1])\n"
        "render.render_pdf(root / 'manuscript', root / 'manuscript' / '_variables.yml',\n"
        "    root / 'results' / 'manuscript' / 'review.pdf', root / 'results' / 'refs.bib',\n"
        "    number_allow=['PRISMA 2020'])\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    subprocess.run([sys.executable, "-c", script, str(other)], check=True, env=env, cwd=tmp_path)
    assert (other / "results" / "manuscript" / "review.pdf").read_bytes() == first


def test_undated_manuscript_has_no_pdf_date(tmp_path: Path, no_quarto: None) -> None:
    root = _project(tmp_path / "p")
    (root / "manuscript" / "index.qmd").write_text(INDEX.replace("date: 2025-03-01\n", "date: today\n"))
    pdf = _render(root).read_bytes()
    assert b"CreationDate" not in pdf and b"CreateDate" not in pdf
    assert _render(root).read_bytes() == pdf


def test_source_date_epoch_sets_the_pdf_date(tmp_path: Path, no_quarto: None,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    root = _project(tmp_path / "p")
    plain = _render(root).read_bytes()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    stamped = _render(root).read_bytes()
    assert b"20231114" in stamped and stamped != plain
    assert _render(root).read_bytes() == stamped


def test_unknown_citation_is_an_input_error(tmp_path: Path, no_quarto: None) -> None:
    root = _project(tmp_path / "p")
    index = root / "manuscript" / "index.qmd"
    index.write_text(INDEX.replace("@Smith2020;", "@Nobody2021;"), encoding="utf-8")
    with pytest.raises(InputError) as info:
        _render(root)
    assert Path(info.value.file) == index and "Nobody2021" in str(info.value)


def test_missing_figure_and_unknown_crossref(tmp_path: Path, no_quarto: None) -> None:
    root = _project(tmp_path / "p")
    (root / "results" / "figures" / "prisma_flow.png").unlink()
    with pytest.raises(InputError, match="prisma_flow.png"):
        _render(root)
    root = _project(tmp_path / "q")
    (root / "manuscript" / "index.qmd").write_text(INDEX.replace("see @tbl-studies", "see @tbl-other"))
    with pytest.raises(InputError, match="tbl-other") as info:
        _render(root)
    assert info.value.line == 14


def test_hand_typed_number_stops_the_render(tmp_path: Path, no_quarto: None) -> None:
    root = _project(tmp_path / "p")
    (root / "manuscript" / "index.qmd").write_text(INDEX.replace("We screened", "We screened 131 of"))
    with pytest.raises(InputError, match="14:13 '131'"):
        _render(root)
    assert not (root / "results" / "manuscript" / "review.pdf").exists()


def test_quarto_is_used_when_on_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bindir = tmp_path / "bin"
    bindir.mkdir()
    fake = bindir / "quarto"
    fake.write_text('#!/bin/sh\nwhile [ $# -gt 0 ]; do\n  if [ "$1" = "--output-dir" ]; then out="$2"; fi\n'
                    '  shift\ndone\nprintf "%%PDF-fake $SOURCE_DATE_EPOCH" > "$out/index.pdf"\n')
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}")
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    root = _project(tmp_path / "p")
    out = _render(root)
    assert out.read_bytes() == b"%PDF-fake 1740787200"  # 2025-03-01, the manuscript date


def test_minimal_manuscript_without_front_matter_or_bibliography(tmp_path: Path, no_quarto: None) -> None:
    (tmp_path / "manuscript").mkdir()
    (tmp_path / "manuscript" / "index.qmd").write_text("# Results\n\nWe found {{< var n >}} trials.\n")
    (tmp_path / "manuscript" / "_variables.yml").write_text("n: 3\n")
    out = tmp_path / "out" / "review.pdf"
    manuscript_dir = tmp_path / "manuscript"
    render_pdf(manuscript_dir, manuscript_dir / "_variables.yml", out, None, number_allow=[])
    assert out.read_bytes().startswith(b"%PDF")
    assert "We found 3 trials." in out.with_suffix(".typ").read_text(encoding="utf-8")


def test_typst_error_points_into_review_typ(tmp_path: Path, no_quarto: None) -> None:
    root = _project(tmp_path / "p")
    (root / "manuscript" / "index.qmd").write_text(INDEX + "\n```{=typst}\n#no-such-function()\n```\n")
    with pytest.raises(InputError, match="typst could not compile") as info:
        _render(root)
    typ = Path(info.value.file)
    assert typ.name == "review.typ"
    assert typ.read_text(encoding="utf-8").splitlines()[info.value.line - 1] == "#no-such-function()"


def test_a_font_typst_does_not_carry_stops_the_render(tmp_path: Path, no_quarto: None) -> None:
    """Fonts are inputs: a main font the locked typst lacks would silently become another font, so it stops."""
    root = _project(tmp_path / "p")
    (root / "manuscript" / "_quarto.yml").write_text("format:\n  typst:\n    mainfont: Helvetica Neue\n")
    with pytest.raises(InputError, match="unknown font family: helvetica neue") as info:
        _render(root)
    assert info.value.field == "mainfont"
    (root / "manuscript" / "_quarto.yml").write_text("format:\n  typst:\n    mainfont: Libertinus Serif\n")
    assert _render(root).read_bytes().startswith(b"%PDF")


def test_a_draft_is_marked_on_every_page(tmp_path: Path, no_quarto: None) -> None:
    root = _project(tmp_path / "p")
    final = _render(root).read_bytes()
    out = root / "results" / "manuscript" / "review.pdf"
    render_pdf(root / "manuscript", root / "manuscript" / "_variables.yml", out, root / "results" / "refs.bib",
               number_allow=ALLOW, draft_note='DRAFT: 3 works await screening ("title_abstract")')
    typ = out.with_suffix(".typ").read_text(encoding="utf-8")
    assert '#set page(background: align(center + horizon,' in typ and "rotate(-40deg" in typ and "[DRAFT]" in typ
    assert 'DRAFT: 3 works await screening (\\"title_abstract\\")' in typ
    assert out.read_bytes() != final and out.read_bytes().startswith(b"%PDF")

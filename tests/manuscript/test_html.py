"""The HTML manuscript: numbers become links wherever they stand, figures are embedded, the PRISMA boxes link to
their works, and two renders give the same bytes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from reviewflow.errors import InvariantError
from reviewflow.manuscript.html import render_html, write_html_manuscript
from reviewflow.manuscript.number_links import NumberMarkers
from reviewflow.manuscript.shortcodes import expand_shortcodes
from reviewflow.report.figures.prisma_flow import build_prisma_figure
from reviewflow.report.figures.save import svg_bytes
from reviewflow.synthesis.prisma_lists import BOXES
from tests.conftest import PROJECT

DRAWN = set(BOXES) - {"prisma.included_reports"}
"""The boxes with a link of their own: the reports of the included studies share the last box, which links to
the studies (prisma.html lists the reports beside them)."""

NUMBERS = {"prisma.included": {"value": 35, "description": "Studies included in the review"},
           "prisma.screened": {"value": 131, "description": 'Records "screened": title & abstract'}}
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8ffff3f"
                    "0005fe02fea7d6a6c60000000049454e44ae426082")


def _mini(tmp_path: Path, body: str, front: str = 'title: "Review of {{< var prisma.included >}} studies"') -> Path:
    folder = tmp_path / "manuscript"
    folder.mkdir()
    (folder / "index.qmd").write_text(f"---\n{front}\n---\n\n{body}\n", encoding="utf-8")
    (folder / "_variables.yml").write_text("prisma:\n  included: 35\n  screened: 131\n", encoding="utf-8")
    (folder / "figure.png").write_bytes(PNG)
    return folder


def _render(folder: Path, prisma: dict | None = None) -> tuple[str, dict[str, list[str]]]:
    return render_html(folder, folder / "_variables.yml", None, NUMBERS, prisma, number_allow=[])


def test_markers_become_links_in_text_and_plain_values_in_tags_and_title() -> None:
    markers = NumberMarkers()
    a, b, c = (markers.wrap(n, v) for n, v in [("prisma.included", "35"), ("prisma.screened", "131"),
                                                ("prisma.included", "35")])
    page = f'<title>{a}</title><img alt="{b}" /><p>{a} of {b}, again {c}</p>'
    out = markers.link(page, NUMBERS)
    assert out.startswith('<title>35</title><img alt="131" />')
    assert ('<a id="use.prisma.screened.1" class="number" href="numbers.html#prisma.screened" '
            'title="Records &quot;screened&quot;: title &amp; abstract">131</a>') in out
    assert 'id="use.prisma.included.2"' in out and out.count('class="number"') == 3
    assert markers.uses() == {"prisma.included": ["use.prisma.included.1", "use.prisma.included.2"],
                              "prisma.screened": ["use.prisma.screened.1"]}


def test_a_marker_pandoc_mangled_is_an_error_not_a_silent_plain_number() -> None:
    markers = NumberMarkers()
    text = markers.wrap("prisma.included", "35")
    with pytest.raises(InvariantError, match="XRFNO1X"):
        markers.link("<p>" + text.replace("XRFNC1X", "X RFNC1X") + "</p>", NUMBERS)


def test_expansion_with_markers_keeps_quoted_front_matter_valid(tmp_path: Path) -> None:
    markers = NumberMarkers()
    text = "---\ntitle: 'It''s {{< var n >}}'\nsub: \"{{< var n >}}: x\"\n---\n"
    out = expand_shortcodes(text, {"n": 7}, tmp_path, tmp_path / "index.qmd", wrap=markers.wrap)
    assert out == "---\ntitle: 'It''s XRFNO1X7XRFNC1X'\nsub: \"XRFNO2X7XRFNC2X: x\"\n---\n"


def test_every_var_is_a_link_and_the_page_needs_nothing_from_outside(tmp_path: Path) -> None:
    body = ("We screened {{< var prisma.screened >}} and included *{{< var prisma.included >}}*.\n\n"
            "![Flow of {{< var prisma.included >}} studies](figure.png){#fig-flow}\n")
    front = 'title: "Review of {{< var prisma.included >}} studies"\nauthor:\n  - name: Ann Author'
    page, uses = _render(_mini(tmp_path, body, front))
    links = re.findall(r'<a id="([^"]+)" class="number" href="numbers.html#([^"]+)"[^>]*>([^<]*)</a>', page)
    assert [(name, value) for _, name, value in links] == [
        ("prisma.included", "35"), ("prisma.screened", "131"), ("prisma.included", "35"), ("prisma.included", "35")]
    assert uses["prisma.included"] == ["use.prisma.included.1", "use.prisma.included.2", "use.prisma.included.3"]
    assert "<title>Review of 35 studies</title>" in page
    assert '<p class="author">Ann Author</p>' in page
    assert 'src="data:image/png;base64,' in page and "figure.png" not in page
    assert not re.search(r'<(?:script|link|img)\b[^>]*(?:src|href)="(?:https?:)?//', page)
    assert "XRFN" not in page.upper()


def test_the_prisma_figure_is_inline_svg_whose_boxes_link_to_their_lists(tmp_path: Path) -> None:
    prisma = json.loads((PROJECT / "results" / "prisma.json").read_text(encoding="utf-8"))
    folder = _mini(tmp_path, "![PRISMA flow](prisma_flow.png){#fig-prisma}\n")
    (folder / "prisma_flow.png").write_bytes(PNG)
    page, _ = _render(folder, prisma)
    assert '<svg class="prisma-flow" role="img" aria-label="Figure 1: PRISMA flow"' in page
    assert set(re.findall(r'<a xlink:href="prisma\.html#([^"]+)">', page)) == DRAWN
    assert 'target="_blank"' not in page


def test_links_change_only_the_svg_never_the_figure_files() -> None:
    prisma = json.loads((PROJECT / "results" / "prisma.json").read_text(encoding="utf-8"))
    plain = svg_bytes(build_prisma_figure(prisma))
    assert plain == (PROJECT / "results" / "figures" / "prisma_flow.svg").read_bytes()
    assert b"<a " not in plain
    linked = svg_bytes(build_prisma_figure(prisma, links={box: f"#{box}" for box in BOXES}))
    assert linked.count(b'<a xlink:href="#prisma.') >= len(DRAWN)


def test_two_renders_of_the_shipped_review_are_byte_identical(tmp_path: Path) -> None:
    outputs = []
    for run in ("one", "two"):
        out = tmp_path / run / "review.html"
        manuscript = PROJECT / "manuscript"
        written = write_html_manuscript(
            manuscript, manuscript / "_variables.yml", manuscript / "references.bib",
            PROJECT / "results" / "numbers.json", PROJECT / "results" / "prisma.json",
            PROJECT / "results" / "prisma_lists.csv", out, number_allow=["PRISMA 2020", "PRISMA-S"])
        outputs.append([path.read_bytes() for path in written])
    assert outputs[0] == outputs[1]
    assert str(tmp_path).encode() not in b"".join(outputs[0])

"""The HTML manuscript in a real browser (Debian's Chromium): a number clicked lands on its definition showing the
same value; a PRISMA box clicked lands on the list of works behind it, as many as the box counts; nothing is
fetched from the network.

The manuscript is rendered from the shipped review's committed inputs into a temporary folder with this code, as
the workflow's `prisma-lists` and `render-html` stages run it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PROJECT, REPO


def _run(*args: str) -> None:
    env = dict(os.environ, PYTHONPATH=str(REPO / "src"))
    result = subprocess.run([sys.executable, "-m", "reviewflow", *args], cwd=PROJECT, env=env, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("html")
    _run("prisma-lists", "--records", "results/records.csv", "--works", "results/works.csv", "--auto-excluded",
         "results/auto_excluded.csv", "--screening", "results/screening.csv", "--prisma", "results/prisma.json",
         "--out", str(out / "prisma_lists.csv"))
    _run("render-html", "--manuscript", "manuscript", "--variables", "manuscript/_variables.yml", "--bibliography",
         "manuscript/references.bib", "--numbers", "results/numbers.json", "--prisma", "results/prisma.json",
         "--prisma-lists", str(out / "prisma_lists.csv"), "--out", str(out / "review.html"))
    return out


@pytest.fixture
def page(browser, rendered: Path):
    """A page that records every request not for a local file or inline data (there must be none)."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.external = []
    page.on("request", lambda request: None if request.url.startswith(("file:", "data:"))
            else page.external.append(request.url))
    page.goto((rendered / "review.html").as_uri())
    yield page
    page.close()


def test_a_number_links_to_its_definition_with_the_same_value(page) -> None:
    numbers = json.loads((PROJECT / "results" / "numbers.json").read_text(encoding="utf-8"))
    link = page.locator('a.number[href="numbers.html#prisma.included"]').first
    shown = link.inner_text()
    assert shown == str(numbers["prisma.included"]["value"])
    link.click()
    page.wait_for_url("**/numbers.html#prisma.included")
    row = page.locator("tr:target")
    assert row.get_attribute("id") == "prisma.included"
    assert row.locator("td.value").inner_text() == shown
    text = row.inner_text()
    assert "synthesis" in text and "_flatten_prisma" in text and "results/screening.csv" in text
    # and back from the definition to the place in the text
    row.locator('a[href^="review.html#use.prisma.included."]').first.click()
    page.wait_for_url("**/review.html#use.prisma.included.1")
    assert page.locator("a.number:target").inner_text() == shown
    assert page.external == []


@pytest.mark.parametrize("box", ["prisma.screened", "prisma.excluded_full_text", "prisma.duplicates"])
def test_a_prisma_box_links_to_the_works_behind_it(page, box: str) -> None:
    prisma_count = json.loads((PROJECT / "results" / "numbers.json").read_text(encoding="utf-8"))[box]["value"]
    target = page.locator(f'svg.prisma-flow a[*|href="prisma.html#{box}"]').first
    assert target.count() == 1
    target.click()
    page.wait_for_url(f"**/prisma.html#{box}")
    section = page.locator("section:target")
    assert section.get_attribute("id") == box
    assert section.locator("tr.work").count() == prisma_count > 0
    assert f"n = {prisma_count}" in section.locator("h2").inner_text()
    assert page.external == []

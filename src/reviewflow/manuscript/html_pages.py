"""The two pages beside the HTML manuscript: every number's definition, and the works behind each PRISMA box.

``numbers.html`` has one row per number of ``results/numbers.json`` (anchor = the number's name): its value and
description, the rule and function that computed it and the files it was computed from, links back to each place
the manuscript prints it and, for a PRISMA count, to the list of works that make it. ``prisma.html`` has one
section per box (anchor = the box's number name) listing ``results/prisma_lists.csv``. Both are plain HTML written
here, with sorted rows and no dates, so two builds give the same bytes.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

import pandas as pd

from reviewflow.synthesis.prisma_lists import BOXES
from reviewflow.synthesis.provenance import UNKNOWN, provenance_of

MANUSCRIPT_PAGE = "review.html"
PRISMA_PAGE = "prisma.html"

STYLE = """\
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 72em; padding: 0 1em; color: #1a1a1a; }
table { border-collapse: collapse; width: 100%; font-size: 0.9em; }
th, td { border-bottom: 1px solid #ccc; padding: 0.3em 0.5em; text-align: left; vertical-align: top; }
td { overflow-wrap: anywhere; }
tr:target, section:target { background: #fff3b0; }
code { font-size: 0.95em; }
.value { font-weight: bold; max-width: 24em; }
"""
"""Page style, embedded in each page (no external assets); ``:target`` marks the row or box a link landed on."""

MANUSCRIPT_STYLE = """\
a.number { color: inherit; text-decoration: underline dotted #1f5fa8; text-underline-offset: 0.2em; }
a.number:hover, a.number:target { background: #fff3b0; }
svg.prisma-flow { height: auto; max-width: 100%; }
svg.prisma-flow a:hover path, svg.prisma-flow a:hover use { fill: #1f5fa8; }
p.draft { border: 2px solid #b00; color: #b00; font-weight: bold; padding: 0.5em; }
"""
"""Added to pandoc's own style in review.html: numbers look like text with a dotted underline, and link."""


def _page(title: str, body: list[str]) -> str:
    head = ['<!DOCTYPE html>', '<html lang="en">', '<head>', '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{html.escape(title)}</title>", f"<style>\n{STYLE}</style>", "</head>", "<body>"]
    return "\n".join([*head, *body, "</body>", "</html>"]) + "\n"


def _cell(text: Any) -> str:
    return f"<td>{html.escape(str(text))}</td>"


def numbers_page(numbers: Mapping[str, Mapping[str, Any]], uses: Mapping[str, list[str]]) -> str:
    """One row per number, sorted by name, with its value, definition, provenance and where it is used."""
    rows = ['<h1>Numbers of the review</h1>',
            f'<p>Every number the manuscript (<a href="{MANUSCRIPT_PAGE}">{MANUSCRIPT_PAGE}</a>) prints comes from '
            "<code>results/numbers.json</code>, computed by the workflow from the data. Each row says which rule of "
            "the workflow computed it, in which function, from which files.</p>",
            "<table>", "<thead><tr><th>Name</th><th>Value</th><th>Description</th><th>Rule</th><th>Function</th>"
            "<th>Inputs</th><th>In the manuscript</th></tr></thead>", "<tbody>"]
    for name in sorted(numbers):
        item = numbers[name]
        source = provenance_of(name) or UNKNOWN
        inputs = "<br>".join(f"<code>{html.escape(path)}</code>" for path in source.inputs)
        links = [f'<a href="{MANUSCRIPT_PAGE}#{html.escape(anchor)}">{k}</a>'
                 for k, anchor in enumerate(uses.get(name, []), start=1)]
        if name in BOXES:
            links.append(f'<a href="{PRISMA_PAGE}#{html.escape(name)}">works</a>')
        value = item.get("value")
        rows.append(
            f'<tr id="{html.escape(name)}"><td><code>{html.escape(name)}</code></td>'
            f'<td class="value">{html.escape("" if value is None else str(value))}</td>'
            f'{_cell(item.get("description", ""))}<td><code>{html.escape(source.rule)}</code></td>'
            f"<td><code>{html.escape(source.function)}</code></td><td>{inputs}</td><td>{' '.join(links)}</td></tr>")
    rows += ["</tbody>", "</table>"]
    return _page("Numbers of the review", rows)


def prisma_page(lists: pd.DataFrame, numbers: Mapping[str, Mapping[str, Any]]) -> str:
    """One section per PRISMA box: its count (linked to its definition) and the records or works behind it."""
    body = ['<h1>Works behind each box of the PRISMA flow diagram</h1>',
            f'<p>Each box of the flow diagram in <a href="{MANUSCRIPT_PAGE}">{MANUSCRIPT_PAGE}</a> links here; '
            "the rows come from <code>results/prisma_lists.csv</code>, which the workflow checks against the "
            "diagram's counts.</p>"]
    for box in BOXES:
        rows = lists[lists["box"] == box]
        item = numbers.get(box, {})
        title = str(item.get("description", box))
        body += [f'<section id="{html.escape(box)}">',
                 f'<h2>{html.escape(title)} (<a class="count" href="numbers.html#{html.escape(box)}">'
                 f'n = {len(rows)}</a>)</h2>',
                 "<table>", "<thead><tr><th>#</th><th>Work</th><th>Record</th><th>Database</th><th>Year</th>"
                 "<th>Title</th><th>Reason</th></tr></thead>", "<tbody>"]
        for i, row in enumerate(rows.itertuples(index=False), start=1):
            body.append(f'<tr class="work"><td>{i}</td>{_cell(row.work_id)}{_cell(row.record_id)}'
                        f"{_cell(row.database)}{_cell(row.year)}{_cell(row.title)}{_cell(row.reason)}</tr>")
        body += ["</tbody>", "</table>", "</section>"]
    return _page("Works behind each PRISMA box", body)

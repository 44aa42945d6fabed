"""Computed numbers in the HTML manuscript as links to their definitions in ``numbers.html``.

Each ``{{< var name >}}`` is expanded to its printed value between two plain-letter markers that no reader
(Markdown, YAML, citeproc) changes. After pandoc has written the HTML, the markers in running text become
``<a class="number" href="numbers.html#name">value</a>``; inside a tag (an ``alt`` text, a heading's id) or in
the page's ``<title>`` they are dropped, leaving the value. Markers survive front matter of any quoting style,
where a raw ``<a ...>`` tag would break the YAML.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Mapping
from typing import Any

from reviewflow.errors import InvariantError

NUMBERS_PAGE = "numbers.html"
_OPEN, _CLOSE = "XRFNO{}X", "XRFNC{}X"
_ANY = re.compile(r"XRFN[OC](\d+)X", re.I)


def use_id(name: str, k: int) -> str:
    """Anchor of the ``k``-th use (from 1) of number ``name`` in the manuscript, for links back from its definition."""
    return f"use.{name}.{k}"


class NumberMarkers:
    """Collects the names of the ``var`` shortcodes in the order they are expanded (``wrap`` is the callback)."""

    def __init__(self) -> None:
        self.names: list[str] = []

    def wrap(self, name: str, value: str) -> str:
        self.names.append(name)
        n = len(self.names)
        return _OPEN.format(n) + value + _CLOSE.format(n)

    def uses(self) -> dict[str, list[str]]:
        """Name -> anchors of its uses, in manuscript order."""
        found: dict[str, list[str]] = {}
        for name in self.names:
            found.setdefault(name, []).append(use_id(name, len(found.get(name, [])) + 1))
        return found

    def link(self, page: str, numbers: Mapping[str, Mapping[str, Any]]) -> str:
        """Replace the markers in pandoc's HTML: links in text, nothing inside tags and the title."""
        page = re.sub(r"<title>.*?</title>", lambda m: _ANY.sub("", m.group(0)), page, flags=re.S)
        page = re.sub(r"<[^<>]*>", lambda m: _ANY.sub("", m.group(0)), page)
        opened, closed = (Counter(re.findall(rf"XRFN{kind}(\d+)X", page)) for kind in "OC")
        if opened != closed:
            n = min(int(k) for k in (opened - closed) + (closed - opened))
            raise InvariantError(f"HTML manuscript: number marker XRFNO{n}X/XRFNC{n}X was split or changed by "
                                 f"pandoc ({self.names[n - 1]}); its link cannot be made")
        linked: set[int] = set()

        def opening(n: int) -> str:
            name = self.names[n - 1]
            description = str(numbers.get(name, {}).get("description", ""))
            attrs = f'class="number" href="{NUMBERS_PAGE}#{html.escape(name)}" title="{html.escape(description)}"'
            if n not in linked:  # should pandoc repeat a passage, only its first copy is the anchor
                linked.add(n)
                k = self.names[:n].count(name)
                attrs = f'id="{html.escape(use_id(name, k))}" ' + attrs
            return f"<a {attrs}>"

        page = re.sub(r"XRFNO(\d+)X", lambda m: opening(int(m.group(1))), page)
        page = re.sub(r"XRFNC\d+X", "</a>", page)
        left = _ANY.search(page)
        if left:
            raise InvariantError(f"HTML manuscript: number marker {left.group(0)} was changed by pandoc and not linked")
        return page

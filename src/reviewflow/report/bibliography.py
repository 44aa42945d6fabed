"""BibTeX for the works the manuscript cites, with stable, readable citation keys.

Keys are ``Surname`` + year (``Smith2020``), ASCII-folded so every tool accepts them, with ``a``/``b``/...
added in a fixed order when two works would share a key. The same keys are used by the generated manuscript
tables (``citation_keys``) and by the ``.bib`` file (``write_bibtex``), so a citation always resolves.

Thin records say what is missing instead of passing a fragment off as a name or a title: a work without a title
gets a title in square brackets, the cataloguers' sign for text the review supplied (``[Title not reported in
the search exports]``, ``[Untitled]`` or the ``[Untitled; ...]`` description the tables stage writes), printed as
written and cited by its part before the first ``;`` or ``:``; a work without authors says so ("Authors not
reported in the search exports", or "Title and authors ..." when untitled) and is cited by a short title. The
statement goes in ``type``, which pandoc passes to CSL as ``genre`` and the default Chicago style prints after
the title (it prints no ``note``). A name known only as a surname stays that surname; a work without a year is
left without one, which citeproc prints as "n.d.". DOIs and URLs are written verbatim
(a URL that only resolves the entry's DOI is left out).
"""

from __future__ import annotations

import math
import re
import unicodedata
from pathlib import Path
from typing import Any

import pandas as pd

from reviewflow.errors import InputError

# Letters that Unicode decomposition does not reduce to ASCII.
_FOLD = str.maketrans({
    "ß": "ss", "ẞ": "SS", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L",
    "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "þ": "th", "Þ": "Th", "ı": "i",
})
# Characters with a meaning in BibTeX values, and how to write them literally.
_ESCAPES = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
    "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
}
_INITIALS = re.compile(r"^[A-Z](?:[A-Z.\-]*)$")
_FIELD_ORDER = (
    "author", "title", "shorttitle", "type", "journal", "shortjournal", "year", "volume", "number", "pages", "doi",
    "url", "pmid",
)
NO_TITLE = "Title not reported in the search exports"
NO_AUTHORS = "Authors not reported in the search exports"
NO_TITLE_OR_AUTHORS = "Title and authors not reported in the search exports"
UNTITLED = "[Untitled"
"""How a title the review supplied for a work with neither title nor authors begins ("[Untitled; design: ...]")."""
# Words a short title does not end on.
_TRAILING = {"a", "an", "and", "as", "at", "by", "for", "from", "in", "of", "on", "or", "the", "to", "with"}
_SHORT_WORDS = 5


def _text(value: Any) -> str:
    """A cell as clean text: NaN, None and whitespace-only count as empty."""
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value.is_integer():
            return str(int(value))
    text = str(value).strip()
    return "" if text.lower() in ("nan", "<na>", "none") else text


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.translate(_FOLD))
    return folded.encode("ascii", "ignore").decode("ascii")


def _split_author(author: str) -> tuple[str, str]:
    """``"van der Berg JA"`` -> (``"van der Berg"``, ``"JA"``); names without initials are kept whole."""
    parts = author.split()
    last = parts[-1] if parts else ""
    if len(parts) > 1 and _INITIALS.match(last) and len(last.replace(".", "").replace("-", "")) <= 4:
        return " ".join(parts[:-1]), parts[-1]
    return author.strip(), ""


def _authors(value: Any) -> list[str]:
    return [a.strip() for a in _text(value).split(";") if a.strip()]


def _year(value: Any) -> str:
    m = re.match(r"^(\d{4})(?:\.0+)?$", _text(value))
    return m.group(1) if m else ""


def _base_key(row: pd.Series) -> str:
    authors = _authors(row.get("authors"))
    if authors:
        stem = _ascii(_split_author(authors[0])[0])
    else:
        cleaned = (re.sub(r"[^A-Za-z0-9]", "", _ascii(w)) for w in _text(row.get("title")).split())
        words = [w for w in cleaned if w]
        stem = words[0].capitalize() if words else "Anon"
    stem = re.sub(r"[^A-Za-z0-9]", "", stem) or "Anon"
    return stem + (_year(row.get("year")) or "nd")


def _suffix(n: int) -> str:
    """0 -> a, 25 -> z, 26 -> aa: enough letters for any number of same-key works."""
    letters = ""
    n += 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(ord("a") + rem) + letters
    return letters


def citation_keys(works: pd.DataFrame) -> dict[str, str]:
    """work_id -> citation key, for the .bib file and the manuscript tables alike.

    Collisions (compared case-insensitively, as BibTeX does) get a, b, c ... in the order of normalised title,
    then DOI, then work_id, so keys do not depend on row order.
    """
    if "work_id" not in works.columns:
        raise InputError("works table has no work_id column", field="work_id")
    groups: dict[str, list[tuple[tuple[str, str, str], str, str]]] = {}
    seen: set[str] = set()
    for _, row in works.iterrows():
        work_id = _text(row.get("work_id"))
        if not work_id:
            raise InputError("work without a work_id", field="work_id", expected="an id like W0123456789ab")
        if work_id in seen:
            raise InputError(f"work_id {work_id} appears more than once", record=work_id, field="work_id")
        seen.add(work_id)
        base = _base_key(row)
        order = (_ascii(_text(row.get("title"))).casefold(), _text(row.get("doi")).lower(), work_id)
        groups.setdefault(base.casefold(), []).append((order, work_id, base))
    keys: dict[str, str] = {}
    for members in groups.values():
        members.sort()
        if len(members) == 1:
            keys[members[0][1]] = members[0][2]
            continue
        first_base = members[0][2]
        for i, (_, work_id, _) in enumerate(members):
            keys[work_id] = first_base + _suffix(i)
    return dict(sorted(keys.items()))


def escape_bibtex(text: str) -> str:
    """Text with BibTeX's special characters escaped, so a title with ``&``, ``%`` or ``_`` typesets."""
    return "".join(_ESCAPES.get(ch, ch) for ch in text)


def verbatim_bibtex(text: str) -> str:
    """A DOI or URL as written: these fields are read verbatim (pandoc, biber), so escaping an ``_`` would put a
    backslash into the printed DOI and its link; only braces, which would end the field, are dropped."""
    return text.replace("{", "").replace("}", "")


def _bibtex_name(author: str) -> str:
    """``"Smith JA"`` -> ``"Smith, J. A."``; a name without initials (an organisation) is braced whole."""
    surname, initials = _split_author(author)
    if not initials:
        return "{" + escape_bibtex(surname) + "}"
    letters = []
    for part in initials.replace(".", "").split("-"):
        letters.append(". ".join(part) + "." if part else "")
    given = "-".join(letters)
    surname_text = escape_bibtex(surname)
    if " and " in f" {surname.lower()} ":
        surname_text = "{" + surname_text + "}"
    return f"{surname_text}, {given}"


def is_supplied(title: str) -> bool:
    """A title in square brackets was supplied by the review, not taken from the work."""
    return title.startswith("[") and title.endswith("]")


def short_title(title: str) -> str:
    """What a work without authors is cited by: a supplied title up to its first ``;`` or ``:`` (brackets
    kept), else the title before its first colon, at most five words, not ending on "of", "the" and the like."""
    if is_supplied(title):
        return "[" + re.split(r"[;:]", title[1:-1], maxsplit=1)[0].strip() + "]"
    words = re.split(r":\s", title, maxsplit=1)[0].rstrip(" .").split()[:_SHORT_WORDS]
    while len(words) > 1 and words[-1].lower() in _TRAILING:
        words.pop()
    return " ".join(words)


def _title_fields(row: pd.Series, has_authors: bool) -> dict[str, str]:
    """title, shorttitle and the statement of what the exports did not give (see the module docstring)."""
    title = _text(row.get("title")) or ("[" + NO_TITLE + "]" if has_authors else UNTITLED + "]")
    # Braces keep a supplied title as written: citeproc would otherwise put it in title case.
    fields = {"title": "{" + escape_bibtex(title) + "}" if is_supplied(title) else escape_bibtex(title)}
    if not has_authors:  # with authors, a supplied title says all there is to say
        short = short_title(title)
        fields["shorttitle"] = "{" + escape_bibtex(short) + "}" if is_supplied(title) else escape_bibtex(short)
        fields["type"] = NO_TITLE_OR_AUTHORS if title.startswith(UNTITLED) else NO_AUTHORS
    return fields


def _url(row: pd.Series) -> str:
    """The work's URL, unless it only resolves the DOI the entry already carries."""
    url = _text(row.get("url"))
    if _text(row.get("doi")) and re.match(r"https?://(?:dx\.)?doi\.org/", url, re.I):
        return ""
    return url


def _entry(key: str, row: pd.Series) -> str:
    journal = _text(row.get("journal")) or _text(row.get("journal_abbrev"))
    authors = _authors(row.get("authors"))
    fields = {
        "author": " and ".join(_bibtex_name(a) for a in authors),
        "shorttitle": "",
        "type": "",
        **_title_fields(row, bool(authors)),
        "journal": escape_bibtex(journal),
        "shortjournal": escape_bibtex(_text(row.get("journal_abbrev"))),
        "year": _year(row.get("year")),
        "volume": escape_bibtex(_text(row.get("volume"))),
        "number": escape_bibtex(_text(row.get("issue"))),
        "pages": escape_bibtex(re.sub(r"\s*[-\u2013\u2014]+\s*", "--", _text(row.get("pages")))),
        "doi": verbatim_bibtex(_text(row.get("doi"))),
        "url": verbatim_bibtex(_url(row)),
        "pmid": escape_bibtex(_text(row.get("pmid"))),
    }
    kind = "article" if journal else "misc"
    lines = [f"@{kind}{{{key},"]
    lines += [f"  {name} = {{{fields[name]}}}," for name in _FIELD_ORDER if fields[name]]
    lines.append("}")
    return "\n".join(lines)


def write_bibtex(works: pd.DataFrame, path: Path) -> dict[str, str]:
    """Write one BibTeX entry per work, sorted by key, and return work_id -> key.

    Output is UTF-8 with ``\\n`` line endings and depends only on the table's content (not its row order).
    """
    keys = citation_keys(works)
    rows = {_text(row.get("work_id")): row for _, row in works.iterrows()}
    entries = [_entry(key, rows[work_id]) for work_id, key in sorted(keys.items(), key=lambda kv: kv[1])]
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n\n".join(entries) + ("\n" if entries else ""), encoding="utf-8", newline="\n")
    return keys

"""PubMed XML (``<PubmedArticleSet>`` of ``PubmedArticle`` and ``PubmedBookArticle``), read with Bio.Entrez.

Prolog. The file's XML declaration and DOCTYPE are replaced by ours, naming a PubMed DTD that biopython ships
(``pubmed_xml_dtd.py``), so no network access is ever needed and every line number stays the file's. Each record
Entrez returns is mapped to a ``ParsedRecord`` by ``pubmed_xml_fields.py``.

Parsing. The whole document is first run through expat alone (fast, ~180 MB/s): a malformed file is reported with
the parser's own line number. Then the content of ``<PubmedArticleSet>`` is cut at ``<PubmedArticle>`` /
``<PubmedBookArticle>`` opening tags into batches of ``BATCH`` records; each batch, wrapped in the same prolog and
root, is parsed by ``Bio.Entrez.Parser.DataHandler`` exactly as ``Bio.Entrez.read`` drives it (``read`` is a
two-line wrapper; holding the handler lets a validation error report its line). Batching keeps memory bounded
(Entrez builds the whole tree: ~12x the XML size) while every byte of the root's content still goes through
Entrez once. ``escape=True`` makes each string an HTML fragment: inline markup (``<i>``, ``<sup>``, MathML) stays
as tags and a literal ``<`` or ``&`` arrives as an entity, so markup is removed without eating ``p < 0.05``.

Order and lines. Entrez returns a set as two lists (``PubmedArticle``, ``PubmedBookArticle``), not in document
order. The opening tags found by scanning the text (comments, CDATA and processing instructions skipped) give each
record's first line and the document order; within a batch the i-th opening tag of a kind is paired with the i-th
record Entrez returned of that kind, and the counts must agree.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any
from xml.parsers import expat

from Bio.Entrez.Parser import CorruptedXMLError, DataHandler, NotXMLError, ValidationError

from reviewflow.errors import InputError
from reviewflow.importing.formats.base import ParsedRecord
from reviewflow.importing.formats.pubmed_xml_dtd import ROOT_TAG, prepare
from reviewflow.importing.formats.pubmed_xml_fields import book_article, journal_article
from reviewflow.importing.formats.xml_entities import screen_entities
from reviewflow.importing.formats.xml_root import root_matches

NAME = "pubmed_xml"
DESCRIPTION = "PubMed XML (PubmedArticleSet)"
BATCH = 500

_ARTICLE_TAGS = ("PubmedArticle", "PubmedBookArticle")
_STRUCTURE = re.compile(r"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>"
                        r"|<(/?)(PubmedArticleSet|PubmedArticle|PubmedBookArticle)(?=[\s/>])[^>]*?(/?)>", re.S)
_FEED = 1 << 24


def looks_like_pubmed_xml(text: str) -> bool:
    """True when the document's root element (after declaration, comments, DOCTYPE) is ``PubmedArticleSet``."""
    return root_matches(text, r"<PubmedArticleSet(?=[\s/>])")


def _check_well_formed(path: Path, prolog: str, body: str) -> None:
    """One pass of plain expat over the whole document; the first error is reported at the parser's line."""
    parser = expat.ParserCreate()
    try:
        parser.Parse(prolog, False)
        for start in range(0, len(body), _FEED):
            parser.Parse(body[start : start + _FEED], False)
        parser.Parse("", True)
    except expat.ExpatError as exc:
        raise InputError(f"malformed XML: {expat.ErrorString(exc.code)}", file=path, line=exc.lineno,
                         expected="well-formed PubMed XML") from None


def _structure(path: Path, body: str) -> tuple[int, int, list[tuple[str, int, int]]]:
    """Where the root's content starts and ends, and (tag, offset, line) of each record's opening tag.

    Comments, CDATA sections and processing instructions are matched and skipped, so a tag name inside them
    is not counted; only records directly inside the root are taken (the file is already known well-formed).
    """
    content_start = content_end = -1
    openings: list[tuple[str, int, int]] = []
    depth, line, last = 0, 1, 0
    for match in _STRUCTURE.finditer(body):
        tag = match.group(2)
        if not tag:
            continue
        closing, empty = match.group(1) == "/", match.group(3) == "/"
        if tag == ROOT_TAG:
            if closing:
                content_end = match.start()
            elif content_start < 0:
                content_start = match.end() if not empty else -1
                content_end = match.end() if empty else content_end
            continue
        if closing:
            depth -= 1
            continue
        if depth == 0:
            line += body.count("\n", last, match.start())
            last = match.start()
            openings.append((tag, match.start(), line))
        if not empty:
            depth += 1
    if content_start < 0 and not openings:
        return 0, 0, []
    if content_start < 0 or content_end < content_start:
        raise InputError(f"no <{ROOT_TAG}> element around the records", file=path, line=1,
                         expected="a PubMed XML export (<PubmedArticleSet> holding <PubmedArticle> records)")
    return content_start, content_end, openings


def _parse(path: Path, data: bytes, validate: bool, first_line: int) -> Any:
    """The Entrez parse of one batch (as ``Bio.Entrez.read`` does it); failures become InputErrors whose line is
    the file's (the batch's line 1 is the file's ``first_line``)."""
    handler = DataHandler(validate, True, False)

    def line(number: int | None) -> int | None:
        return first_line + number - 1 if number else None

    try:
        return handler.read(io.BytesIO(data))
    except (CorruptedXMLError, NotXMLError) as exc:
        cause = exc.__context__
        if isinstance(cause, expat.ExpatError):
            number, message = cause.lineno, expat.ErrorString(cause.code)
        else:
            number, message = _parser_line(handler), str(getattr(exc, "msg", exc))
        raise InputError(f"malformed XML: {message}", file=path, line=line(number),
                         expected="well-formed PubMed XML") from None
    except ValidationError as exc:
        raise InputError(f"element <{exc.name}> is not in the PubMed DTD", file=path,
                         line=line(_parser_line(handler)), field=exc.name,
                         expected="the elements of a PubMed XML export") from None
    except RuntimeError as exc:
        # an <ERROR> element (an E-utilities error reply saved as the export) or a DTD that could not be opened
        raise InputError(f"PubMed XML could not be read: {exc}", file=path, line=line(_parser_line(handler)),
                         expected="a PubMed XML export, not an E-utilities error message") from None
    except ValueError as exc:
        raise InputError(f"PubMed XML could not be read: {exc}", file=path, line=line(_parser_line(handler)),
                         expected="a PubMed XML export") from None


def _parser_line(handler: DataHandler) -> int | None:
    parser = getattr(handler, "parser", None)
    return getattr(parser, "CurrentLineNumber", None) if parser is not None else None

def read_pubmed_xml(path: Path, text: str) -> list[ParsedRecord]:
    """Parse every ``PubmedArticle`` / ``PubmedBookArticle`` of a PubMed XML export, in document order."""
    text = screen_entities(path, text)
    prolog, body, validate = prepare(text, path)
    _check_well_formed(path, prolog, body)
    content_start, content_end, openings = _structure(path, body)
    cuts = [content_start] + [offset for _, offset, _ in openings[BATCH::BATCH]] + [content_end]
    records: list[ParsedRecord] = []
    for number, (start, end) in enumerate(zip(cuts, cuts[1:], strict=False)):
        batch = openings[number * BATCH : (number + 1) * BATCH]
        first_line = body.count("\n", 0, start) + 1 if number == 0 else batch[0][2]
        data = f"{prolog}<{ROOT_TAG}>{body[start:end]}</{ROOT_TAG}>".encode()
        document = _parse(path, data, validate, first_line)
        if getattr(document, "tag", None) != ROOT_TAG or not isinstance(document, dict):
            raise InputError(f"the XML is not a <{ROOT_TAG}>", file=path, line=first_line,
                             expected="a PubMed XML export (<PubmedArticleSet> holding <PubmedArticle> records)")
        parsed = {tag: list(document.get(tag, [])) for tag in _ARTICLE_TAGS}
        for tag in _ARTICLE_TAGS:
            found = sum(1 for kind, _, _ in batch if kind == tag)
            if found != len(parsed[tag]):
                raise InputError(
                    f"{found} <{tag}> opening tags in the text but the XML parser returned {len(parsed[tag])} "
                    "records",
                    file=path,
                    line=first_line,
                    expected=f"each <{tag}> to be a direct child of <{ROOT_TAG}>",
                )
        taken = dict.fromkeys(_ARTICLE_TAGS, 0)
        for tag, _, line in batch:
            article = parsed[tag][taken[tag]]
            taken[tag] += 1
            build = journal_article if tag == "PubmedArticle" else book_article
            records.append(build(article, path, len(records) + 1, line))
    return records


def sniff(text: str) -> bool:
    """Registry hook (see formats/detect.py)."""
    return looks_like_pubmed_xml(text)


def read(path: Path, text: str) -> list[ParsedRecord]:
    """Registry hook (see formats/detect.py)."""
    return read_pubmed_xml(path, text)

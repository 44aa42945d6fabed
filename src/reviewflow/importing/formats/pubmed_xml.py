"""PubMed XML (``<PubmedArticleSet>`` of ``PubmedArticle`` and ``PubmedBookArticle``), read with Bio.Entrez.

Offline DTDs. Bio.Entrez validates against the PubMed DTDs that biopython ships in ``Bio/Entrez/DTDs``; for a
DTD it lacks it would go to the network (and it refuses a DOCTYPE whose address is not ``https://...nlm.nih.gov``,
which rules out older exports' ``http://www.ncbi.nlm.nih.gov/...`` addresses). So the file's XML declaration and
DOCTYPE are replaced by our own: UTF-8 (the text arrives decoded and is re-encoded for expat) and the canonical
NCBI address of a shipped DTD, the file's own when biopython has it, otherwise the newest shipped one, then
without validation (a newer DTD may add elements the older one lacks; they are skipped, none is a field we map).
A missing DOCTYPE or declaration is supplied the same way. The replaced text keeps its line breaks, so every line
number is the file's, and no network access is ever needed.

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

import html
import io
import logging
import os
import re
from pathlib import Path
from typing import Any
from xml.parsers import expat

from Bio.Entrez.Parser import CorruptedXMLError, DataHandler, NotXMLError, ValidationError

from reviewflow.errors import InputError
from reviewflow.importing.formats.base import ParsedRecord
from reviewflow.importing.formats.xml_entities import screen_entities
from reviewflow.importing.formats.xml_root import root_matches
from reviewflow.normalize import extract_year, normalise_doi, normalise_pages

NAME = "pubmed_xml"
DESCRIPTION = "PubMed XML (PubmedArticleSet)"
BATCH = 500

log = logging.getLogger(__name__)

_ARTICLE_TAGS = ("PubmedArticle", "PubmedBookArticle")
_ROOT_TAG = "PubmedArticleSet"
_DTD_URL = "https://dtd.nlm.nih.gov/ncbi/pubmed/out/"
_DTD_PUBLIC = "-//NLM//DTD PubMedArticle//EN"
_DECLARATION = re.compile(r"\A\s*<\?xml\b.*?\?>", re.S)
_DOCTYPE = re.compile(r"<!DOCTYPE\s+([\w:.-]+)(?:\s+(?:PUBLIC\s+(?:\"[^\"]*\"|'[^']*')|SYSTEM))?"
                      r"(?:\s+(?:\"([^\"]*)\"|'([^']*)'))?\s*(?:\[.*?\]\s*)?>", re.S)
_ROOT = re.compile(r"<(?![?!])([\w:.-]+)")
_STRUCTURE = re.compile(r"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>"
                        r"|<(/?)(PubmedArticleSet|PubmedArticle|PubmedBookArticle)(?=[\s/>])[^>]*?(/?)>", re.S)
_MARKUP = re.compile(r"<[^<>]*>")
_FEED = 1 << 24


def _shipped_dtds() -> list[str]:
    """PubMed DTD file names biopython ships, oldest first (``pubmed_YYMMDD.dtd``, all from 2002 on)."""
    names = [n for n in os.listdir(DataHandler.global_dtd_dir) if re.fullmatch(r"pubmed_\d{6}\.dtd", n)]
    return sorted(names)


def looks_like_pubmed_xml(text: str) -> bool:
    """True when the document's root element (after declaration, comments, DOCTYPE) is ``PubmedArticleSet``."""
    return root_matches(text, r"<PubmedArticleSet(?=[\s/>])")


def _prepare(text: str, path: Path) -> tuple[str, str, bool]:
    """(prolog, body, validate): our one-line declaration + DOCTYPE, and the text with its own replaced by their
    line breaks (so line N of the body is line N of the file, the prolog sitting in front of line 1)."""
    text = text.lstrip("\ufeff")
    declaration = _DECLARATION.match(text)
    after_declaration = declaration.end() if declaration else 0
    lead = "\n" * declaration.group(0).count("\n") if declaration else ""
    dtds = _shipped_dtds()
    if not dtds:  # pragma: no cover - a biopython install without its data files
        raise InputError("biopython's PubMed DTDs are missing (Bio/Entrez/DTDs)", file=path,
                         expected="biopython installed with its data files")
    doctype = _DOCTYPE.search(text, after_declaration, after_declaration + 20000)
    if doctype:
        root = doctype.group(1)
        wanted = os.path.basename(doctype.group(2) or doctype.group(3) or "")
        gap = "\n" * doctype.group(0).count("\n")
        body = lead + text[after_declaration : doctype.start()] + gap + text[doctype.end() :]  # one copy
    else:
        first = _ROOT.search(text, after_declaration)
        root, wanted = (first.group(1) if first else _ROOT_TAG), ""
        body = lead + text[after_declaration:] if declaration else text
    if root != _ROOT_TAG:
        raise InputError(f"root element is <{root}>, not <{_ROOT_TAG}>", file=path, line=1,
                         expected="a PubMed XML export (<PubmedArticleSet> holding <PubmedArticle> records)")
    validate = wanted in dtds
    dtd = wanted if validate else dtds[-1]
    if not validate:
        reason = f"DTD {wanted!r} is not shipped with biopython" if wanted else "no DOCTYPE"
        log.warning("%s: %s; reading with %s without validation", path, reason, dtd)
    prolog = (f'<?xml version="1.0" encoding="UTF-8"?>'
              f'<!DOCTYPE {_ROOT_TAG} PUBLIC "{_DTD_PUBLIC}" "{_DTD_URL}{dtd}">')
    return prolog, body, validate


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
        if tag == _ROOT_TAG:
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
        raise InputError(f"no <{_ROOT_TAG}> element around the records", file=path, line=1,
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


def _text(value: Any) -> str:
    """Plain text of an Entrez string: inline markup removed, entities decoded, whitespace collapsed."""
    if value is None:
        return ""
    return " ".join(html.unescape(_MARKUP.sub("", str(value))).split())


def _fragment(value: Any) -> str:
    """The string with its inline markup kept (an HTML fragment), whitespace collapsed; for ``raw``."""
    return " ".join(str(value).split()) if value is not None else ""


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _author_name(author: Any) -> str:
    collective = _text(author.get("CollectiveName"))
    if collective:
        return collective
    last = _text(author.get("LastName"))
    initials = _text(author.get("Initials"))
    if not initials:
        initials = "".join(part[0] for part in _text(author.get("ForeName")).replace("-", " ").split())
    suffix = _text(author.get("Suffix"))
    return " ".join(part for part in (last, initials, suffix) if part)


def _authors(author_lists: list[Any], path: Path, line: int, pmid: str) -> tuple[list[str], list[str], list[str]]:
    """Authors in order (``LastName Initials`` or the collective name), editors, and names PubMed marks invalid.

    An author with ``ValidYN="N"`` is a misspelt or wrongly attributed name that PubMed keeps for searching
    next to the corrected one; it is kept in ``raw`` only, as the MEDLINE format omits it from ``AU``.
    """
    authors: list[str] = []
    editors: list[str] = []
    invalid: list[str] = []
    for author_list in author_lists:
        is_editors = getattr(author_list, "attributes", {}).get("Type") == "editors"
        for author in _as_list(author_list):
            name = _author_name(author)
            if not name:
                raise InputError("author with neither LastName nor CollectiveName", file=path, line=line,
                                 record=pmid, field="AuthorList",
                                 expected="<LastName> (with <Initials>) or <CollectiveName> in every <Author>")
            if getattr(author, "attributes", {}).get("ValidYN") == "N":
                invalid.append(name)
            elif is_editors:
                editors.append(name)
            else:
                authors.append(name)
    return authors, editors, invalid


def _year(pub_date: Any, article_dates: list[Any]) -> str:
    if pub_date:
        year = extract_year(_text(pub_date.get("Year")))
        if year:
            return year
        year = extract_year(_text(pub_date.get("MedlineDate")))
        if year:
            return year
    for date in article_dates:
        year = extract_year(_text(date.get("Year")))
        if year:
            return year
    return ""


def _abstract(abstract: Any) -> tuple[str, list[str]]:
    """Sections joined with their labels (``OBJECTIVE: ...``), and the sections as written for ``raw``."""
    if not abstract:
        return "", []
    parts, raw = [], []
    for section in _as_list(abstract.get("AbstractText")):
        text = _text(section)
        label = getattr(section, "attributes", {}).get("Label", "")
        raw.append(_fragment(section))
        if text:
            parts.append(f"{label}: {text}" if label else text)
    return " ".join(parts), raw


def _pages(pagination: Any) -> str:
    if not pagination:
        return ""
    medline = _text(pagination.get("MedlinePgn"))
    if medline:
        return normalise_pages(medline)
    start, end = _text(pagination.get("StartPage")), _text(pagination.get("EndPage"))
    return normalise_pages(f"{start}-{end}" if start and end else start)


def _ids(id_list: Any) -> dict[str, str]:
    """ArticleIdList as IdType -> first value."""
    found: dict[str, str] = {}
    for article_id in _as_list(id_list):
        kind = getattr(article_id, "attributes", {}).get("IdType", "")
        found.setdefault(kind, _text(article_id))
    return found


def _doi(elocations: list[Any], ids: dict[str, str]) -> str:
    for elocation in elocations:
        attributes = getattr(elocation, "attributes", {})
        if attributes.get("EIdType") == "doi" and attributes.get("ValidYN", "Y") != "N":
            doi = normalise_doi(_text(elocation))
            if doi:
                return doi
    return normalise_doi(ids.get("doi", ""))


def _keywords(keyword_lists: list[Any]) -> list[str]:
    return [_text(k) for keyword_list in keyword_lists for k in _as_list(keyword_list) if _text(k)]


def _flat(raw: dict[str, list[str]]) -> dict[str, list[str]]:
    return {key: [v for v in values if v] for key, values in raw.items() if any(values)}


def _pmid(value: Any, path: Path, line: int) -> str:
    pmid = _text(value)
    if not pmid.isdigit():
        raise InputError(f"PMID {pmid!r} is not a number", file=path, line=line, field="PMID", expected="digits")
    return pmid


def _journal_article(article: Any, path: Path, position: int, line: int) -> ParsedRecord:
    citation = article.get("MedlineCitation") or {}
    pubmed_data = article.get("PubmedData") or {}
    pmid = _pmid(citation.get("PMID"), path, line)
    body = citation.get("Article") or {}
    journal = body.get("Journal") or {}
    issue = journal.get("JournalIssue") or {}
    journal_info = citation.get("MedlineJournalInfo") or {}
    ids = _ids(pubmed_data.get("ArticleIdList"))
    authors, editors, invalid = _authors(_as_list(body.get("AuthorList")), path, line, pmid)
    abstract, abstract_raw = _abstract(body.get("Abstract"))
    issns = [_text(journal.get("ISSN")), _text(journal_info.get("ISSNLinking"))]
    issns = list(dict.fromkeys(i for i in issns if i))
    keywords = _keywords(_as_list(citation.get("KeywordList")))
    mesh = [_text(h.get("DescriptorName")) for h in _as_list(citation.get("MeshHeadingList"))]
    languages = [_text(v) for v in _as_list(body.get("Language"))]
    types = [_text(v) for v in _as_list(body.get("PublicationTypeList"))]
    pub_date = issue.get("PubDate") or {}
    pages = _pages(body.get("Pagination"))
    doi = _doi(_as_list(body.get("ELocationID")), ids)
    raw = {
        "PMID": [pmid],
        "ArticleTitle": [_fragment(body.get("ArticleTitle"))],
        "VernacularTitle": [_text(body.get("VernacularTitle"))],
        "Author": authors,
        "Editor": editors,
        "AuthorInvalid": invalid,
        "PubDate": [" ".join(_text(v) for v in pub_date.values())],
        "ArticleDate": ["-".join(_text(v) for v in d.values()) for d in _as_list(body.get("ArticleDate"))],
        "JournalTitle": [_text(journal.get("Title"))],
        "ISOAbbreviation": [_text(journal.get("ISOAbbreviation"))],
        "MedlineTA": [_text(journal_info.get("MedlineTA"))],
        "ISSN": [_text(journal.get("ISSN"))],
        "ISSNLinking": [_text(journal_info.get("ISSNLinking"))],
        "Volume": [_text(issue.get("Volume"))],
        "Issue": [_text(issue.get("Issue"))],
        "MedlinePgn": [_text((body.get("Pagination") or {}).get("MedlinePgn"))],
        "ELocationID": [f"{getattr(e, 'attributes', {}).get('EIdType', '')} {_text(e)}".strip()
                        for e in _as_list(body.get("ELocationID"))],
        "ArticleId": [f"{kind} {value}" for kind, value in ids.items()],
        "AbstractText": abstract_raw,
        "Language": languages,
        "PublicationType": types,
        "Keyword": keywords,
        "MeshHeading": mesh,
        "PublicationStatus": [_text(pubmed_data.get("PublicationStatus"))],
    }
    return ParsedRecord(
        position=position,
        line=line,
        accession=pmid,
        pmid=pmid,
        title=_text(body.get("ArticleTitle")) or _text(body.get("VernacularTitle")),
        authors=authors,
        year=_year(pub_date, _as_list(body.get("ArticleDate"))),
        journal=_text(journal.get("Title")),
        journal_abbrev=_text(journal.get("ISOAbbreviation")) or _text(journal_info.get("MedlineTA")),
        volume=_text(issue.get("Volume")),
        issue=_text(issue.get("Issue")),
        pages=pages,
        doi=doi,
        pmcid=ids.get("pmc", ""),
        issn=issns,
        abstract=abstract,
        language=languages[0] if languages else "",
        publication_types=types,
        keywords=keywords + [m for m in mesh if m],
        raw=_flat(raw),
    )


def _book_article(article: Any, path: Path, position: int, line: int) -> ParsedRecord:
    """A PubMed Bookshelf record: a whole book, or a chapter (then ``journal`` is the book's title)."""
    document = article.get("BookDocument") or {}
    book_data = article.get("PubmedBookData") or {}
    pmid = _pmid(document.get("PMID"), path, line)
    book = document.get("Book") or {}
    ids = {**_ids(book_data.get("ArticleIdList")), **_ids(document.get("ArticleIdList"))}
    authors, editors, invalid = _authors(_as_list(document.get("AuthorList")), path, line, pmid)
    book_authors, book_editors, book_invalid = _authors(_as_list(book.get("AuthorList")), path, line, pmid)
    editors, invalid = editors + book_editors, invalid + book_invalid
    authors = authors or book_authors  # a whole book: its authors are on the Book element
    abstract, abstract_raw = _abstract(document.get("Abstract"))
    book_title = _text(book.get("BookTitle"))
    chapter_title = _text(document.get("ArticleTitle"))
    languages = [_text(v) for v in _as_list(document.get("Language"))]
    types = [_text(v) for v in _as_list(document.get("PublicationType"))]
    keywords = _keywords(_as_list(document.get("KeywordList")))
    pub_date = book.get("PubDate") or {}
    contribution = [document["ContributionDate"]] if document.get("ContributionDate") else []
    doi = _doi(_as_list(book.get("ELocationID")), ids)
    raw = {
        "PMID": [pmid],
        "ArticleTitle": [_fragment(document.get("ArticleTitle"))],
        "BookTitle": [_fragment(book.get("BookTitle"))],
        "Author": authors,
        "Editor": editors,
        "AuthorInvalid": invalid,
        "PubDate": [" ".join(_text(v) for v in pub_date.values())],
        "Publisher": [_text((book.get("Publisher") or {}).get("PublisherName"))],
        "Volume": [_text(book.get("Volume"))],
        "Edition": [_text(book.get("Edition"))],
        "CollectionTitle": [_text(book.get("CollectionTitle"))],
        "Isbn": [_text(v) for v in _as_list(book.get("Isbn"))],
        "ArticleId": [f"{kind} {value}" for kind, value in ids.items()],
        "AbstractText": abstract_raw,
        "Language": languages,
        "PublicationType": types,
        "Keyword": keywords,
    }
    return ParsedRecord(
        position=position,
        line=line,
        accession=pmid,
        pmid=pmid,
        title=chapter_title or book_title,
        authors=authors,
        year=_year(pub_date, contribution),
        journal=book_title if chapter_title else "",
        volume=_text(book.get("Volume")),
        pages=_pages(document.get("Pagination")),
        doi=doi,
        pmcid=ids.get("pmc", ""),
        abstract=abstract,
        language=languages[0] if languages else "",
        publication_types=types,
        keywords=keywords,
        raw=_flat(raw),
    )


def read_pubmed_xml(path: Path, text: str) -> list[ParsedRecord]:
    """Parse every ``PubmedArticle`` / ``PubmedBookArticle`` of a PubMed XML export, in document order."""
    text = screen_entities(path, text)
    prolog, body, validate = _prepare(text, path)
    _check_well_formed(path, prolog, body)
    content_start, content_end, openings = _structure(path, body)
    cuts = [content_start] + [offset for _, offset, _ in openings[BATCH::BATCH]] + [content_end]
    records: list[ParsedRecord] = []
    for number, (start, end) in enumerate(zip(cuts, cuts[1:], strict=False)):
        batch = openings[number * BATCH : (number + 1) * BATCH]
        first_line = body.count("\n", 0, start) + 1 if number == 0 else batch[0][2]
        data = f"{prolog}<{_ROOT_TAG}>{body[start:end]}</{_ROOT_TAG}>".encode()
        document = _parse(path, data, validate, first_line)
        if getattr(document, "tag", None) != _ROOT_TAG or not isinstance(document, dict):
            raise InputError(f"the XML is not a <{_ROOT_TAG}>", file=path, line=first_line,
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
                    expected=f"each <{tag}> to be a direct child of <{_ROOT_TAG}>",
                )
        taken = dict.fromkeys(_ARTICLE_TAGS, 0)
        for tag, _, line in batch:
            article = parsed[tag][taken[tag]]
            taken[tag] += 1
            build = _journal_article if tag == "PubmedArticle" else _book_article
            records.append(build(article, path, len(records) + 1, line))
    return records


def sniff(text: str) -> bool:
    """Registry hook (see formats/detect.py)."""
    return looks_like_pubmed_xml(text)


def read(path: Path, text: str) -> list[ParsedRecord]:
    """Registry hook (see formats/detect.py)."""
    return read_pubmed_xml(path, text)

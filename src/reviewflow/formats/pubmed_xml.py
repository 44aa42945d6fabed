"""PubMed XML (``<PubmedArticleSet>`` of ``PubmedArticle`` and ``PubmedBookArticle``), read with Bio.Entrez.

Bio.Entrez validates against the PubMed DTDs that biopython ships in ``Bio/Entrez/DTDs``. It would download a
DTD it does not have (and it refuses a DOCTYPE whose address is not ``https://...nlm.nih.gov``), so before
parsing the DOCTYPE is rewritten, on the same line, to the canonical NCBI address of a DTD that is shipped: the
file's own DTD when biopython has it, otherwise the newest shipped one (then without validation, as a newer DTD
may add elements the older one lacks; they are skipped, none of them is a field we map). A missing DOCTYPE or
XML declaration is supplied the same way, and the declared encoding is replaced by UTF-8 because the text
arrives decoded and is handed to expat re-encoded as UTF-8. No line moves, so expat's line numbers stay the
file's, and no network access is ever needed.

The parser is ``Bio.Entrez.Parser.DataHandler`` driven exactly as ``Bio.Entrez.read`` drives it (``read`` is a
two-line wrapper around it); holding the handler lets an error report the line expat was on. ``escape=True``
makes every string a valid HTML fragment: inline markup (``<i>``, ``<sup>``, MathML) stays as tags, literal
``<`` / ``&`` in the text arrive as entities, so markup can be removed without eating a ``p < 0.05``.

Entrez returns the article set as two lists (``PubmedArticle``, ``PubmedBookArticle``), not in document order.
The text is scanned for the opening tags to learn each record's first line and the document order; the i-th
opening tag of a kind is paired with the i-th parsed record of that kind, and the counts must agree.
"""

from __future__ import annotations

import html
import io
import logging
import os
import re
from pathlib import Path
from typing import Any

from Bio.Entrez.Parser import CorruptedXMLError, DataHandler, NotXMLError, ValidationError

from reviewflow.errors import InputError
from reviewflow.formats.base import ParsedRecord
from reviewflow.normalize import extract_year, normalise_doi, normalise_pages

NAME = "pubmed_xml"
DESCRIPTION = "PubMed XML (PubmedArticleSet)"

log = logging.getLogger(__name__)

_ARTICLE_TAGS = ("PubmedArticle", "PubmedBookArticle")
_DTD_URL = "https://dtd.nlm.nih.gov/ncbi/pubmed/out/"
_DTD_PUBLIC = "-//NLM//DTD PubMedArticle//EN"
_DECLARATION = re.compile(r"\A\s*<\?xml\b.*?\?>", re.S)
_DOCTYPE = re.compile(r"<!DOCTYPE\s+([\w:.-]+)(?:\s+(?:PUBLIC\s+(?:\"[^\"]*\"|'[^']*')|SYSTEM))?"
                      r"(?:\s+(?:\"([^\"]*)\"|'([^']*)'))?\s*(?:\[.*?\]\s*)?>", re.S)
_ROOT = re.compile(r"<(?!\?|!)([\w:.-]+)")
_OPENINGS = re.compile(r"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>|<!DOCTYPE[^\[>]*(?:\[.*?\])?\s*>"
                       r"|<(PubmedArticle|PubmedBookArticle)(?=[\s/>])", re.S)
_MARKUP = re.compile(r"<[^<>]*>")
_PROLOG_SKIP = re.compile(r"\s*(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^\[>]*(?:\[.*?\])?\s*>)", re.S)


def _shipped_dtds() -> list[str]:
    """PubMed DTD file names biopython ships, oldest first (``pubmed_YYMMDD.dtd``, all from 2002 on)."""
    names = [n for n in os.listdir(DataHandler.global_dtd_dir) if re.fullmatch(r"pubmed_\d{6}\.dtd", n)]
    return sorted(names)


def looks_like_pubmed_xml(text: str) -> bool:
    """True when the document's root element (after declaration, comments, DOCTYPE) is ``PubmedArticleSet``."""
    head = text[:20000].lstrip("\ufeff")
    position = 0
    while True:
        match = _PROLOG_SKIP.match(head, position)
        if not match or match.end() == position:
            break
        position = match.end()
    return bool(re.match(r"\s*<PubmedArticleSet(?=[\s/>])", head[position:]))


def _prepare(text: str, path: Path) -> tuple[bytes, bool, str]:
    """UTF-8 bytes for expat with a declaration and a shipped DTD; whether to validate; the DTD used."""
    text = text.lstrip("\ufeff")
    declaration = _DECLARATION.match(text)
    if declaration:
        # keep the declaration's line breaks (and any blank lines before it) so no line number moves
        body = "\n" * declaration.group(0).count("\n") + text[declaration.end():]
    else:
        body = text
    dtds = _shipped_dtds()
    if not dtds:  # pragma: no cover - a biopython install without its DTDs
        raise InputError("biopython's PubMed DTDs are missing (Bio/Entrez/DTDs)", file=path,
                         expected="biopython installed with its data files")
    doctype = _DOCTYPE.search(body, 0, 20000)
    if doctype:
        root = doctype.group(1)
        wanted = os.path.basename(doctype.group(2) or doctype.group(3) or "")
    else:
        first = _ROOT.search(body)
        root, wanted = (first.group(1) if first else "PubmedArticleSet"), ""
    if root != "PubmedArticleSet":
        raise InputError(f"root element is <{root}>, not <PubmedArticleSet>", file=path, line=1,
                         expected="a PubMed XML export (<PubmedArticleSet> holding <PubmedArticle> records)")
    validate = wanted in dtds
    dtd = wanted if validate else dtds[-1]
    if not validate:
        log.warning("%s: DTD %r is not shipped with biopython; reading with %s without validation",
                    path, wanted or "(no DOCTYPE)", dtd)
    new_doctype = f'<!DOCTYPE PubmedArticleSet PUBLIC "{_DTD_PUBLIC}" "{_DTD_URL}{dtd}">'
    if doctype:
        body = body[: doctype.start()] + new_doctype + "\n" * doctype.group(0).count("\n") + body[doctype.end():]
    else:
        body = new_doctype + body
    prepared = '<?xml version="1.0" encoding="UTF-8"?>' + body
    return prepared.encode("utf-8"), validate, dtd


def _record_openings(text: str) -> list[tuple[str, int]]:
    """(tag, line) of every ``<PubmedArticle>`` / ``<PubmedBookArticle>`` opening tag, in document order.

    Comments, CDATA sections, processing instructions and the DOCTYPE are matched and skipped, so a tag name
    inside them is not counted.
    """
    openings: list[tuple[str, int]] = []
    line, last = 1, 0
    for match in _OPENINGS.finditer(text):
        tag = match.group(1)
        if tag:
            line += text.count("\n", last, match.start())
            last = match.start()
            openings.append((tag, line))
    return openings


def _parse(path: Path, data: bytes, validate: bool) -> Any:
    """The Entrez parse (as ``Bio.Entrez.read`` does it); parser failures become InputErrors with a line."""
    handler = DataHandler(validate, True, False)
    try:
        return handler.read(io.BytesIO(data))
    except (CorruptedXMLError, NotXMLError) as exc:
        expat_error = exc.__context__
        line = getattr(expat_error, "lineno", None) or _parser_line(handler)
        message = str(getattr(exc, "msg", exc))
        raise InputError(f"malformed XML: {message}", file=path, line=line,
                         expected="well-formed PubMed XML") from None
    except ValidationError as exc:
        raise InputError(f"element <{exc.name}> is not in the PubMed DTD", file=path, line=_parser_line(handler),
                         field=exc.name, expected="the elements of a PubMed XML export") from None
    except RuntimeError as exc:
        # an <ERROR> element (E-utilities' error reply saved as the export) or a DTD that could not be opened
        raise InputError(f"PubMed XML could not be read: {exc}", file=path, line=_parser_line(handler),
                         expected="a PubMed XML export, not an E-utilities error message") from None
    except ValueError as exc:
        raise InputError(f"PubMed XML could not be read: {exc}", file=path, line=_parser_line(handler),
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
    data, validate, _dtd = _prepare(text, path)
    document = _parse(path, data, validate)
    if getattr(document, "tag", None) != "PubmedArticleSet" or not isinstance(document, dict):
        raise InputError("the XML is not a <PubmedArticleSet>", file=path, line=1,
                         expected="a PubMed XML export (<PubmedArticleSet> holding <PubmedArticle> records)")
    openings = _record_openings(text)
    parsed = {tag: list(document.get(tag, [])) for tag in _ARTICLE_TAGS}
    for tag in _ARTICLE_TAGS:
        found = sum(1 for kind, _ in openings if kind == tag)
        if found != len(parsed[tag]):
            raise InputError(
                f"{found} <{tag}> opening tags in the text but the XML parser returned {len(parsed[tag])} records",
                file=path,
                line=openings[0][1] if openings else 1,
                expected=f"each <{tag}> to be a direct child of <PubmedArticleSet>",
            )
    taken = dict.fromkeys(_ARTICLE_TAGS, 0)
    records: list[ParsedRecord] = []
    for position, (tag, line) in enumerate(openings, start=1):
        article = parsed[tag][taken[tag]]
        taken[tag] += 1
        build = _journal_article if tag == "PubmedArticle" else _book_article
        records.append(build(article, path, position, line))
    return records


def sniff(text: str) -> bool:
    """Registry hook (see formats/detect.py)."""
    return looks_like_pubmed_xml(text)


def read(path: Path, text: str) -> list[ParsedRecord]:
    """Registry hook (see formats/detect.py)."""
    return read_pubmed_xml(path, text)

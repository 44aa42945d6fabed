"""A PubMed record as Bio.Entrez returns it (a ``PubmedArticle`` or a ``PubmedBookArticle``) mapped to a
``ParsedRecord``, with every element it reads kept in ``raw``.

Entrez gives nested dicts and lists of strings that carry their XML attributes; the reader parses with
``escape=True``, so each string is an HTML fragment: inline markup (``<i>``, ``<sup>``, MathML) arrives as tags and
a literal ``<`` or ``&`` as an entity. Field text is taken with the markup removed and the entities decoded (so
``p < 0.05`` survives); ``raw`` keeps titles and abstract sections with their markup.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

from reviewflow.errors import InputError
from reviewflow.importing.formats.base import ParsedRecord
from reviewflow.normalize import extract_year, normalise_doi, normalise_pages

_MARKUP = re.compile(r"<[^<>]*>")


def _text(value: Any) -> str:
    """Plain text of an Entrez string: inline markup removed, entities decoded, whitespace collapsed."""
    if value is None:
        return ""
    return " ".join(html.unescape(_MARKUP.sub("", str(value))).split())


def _fragment(value: Any) -> str:
    """The string with its inline markup kept (an HTML fragment), whitespace collapsed; for ``raw``."""
    return " ".join(str(value).split()) if value is not None else ""


def _as_list(value: Any) -> list[Any]:
    """An element that may occur once or repeatedly, as a list."""
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _author_name(author: Any) -> str:
    """The collective name, else ``LastName Initials Suffix`` (initials made from ForeName when missing)."""
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
    """The year of PubDate (or its MedlineDate), else of the first ArticleDate with one."""
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
    """MedlinePgn, else StartPage-EndPage (or StartPage alone)."""
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
    """The first valid DOI ELocationID, else the ArticleIdList's DOI."""
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
    """``raw`` without empty values and without elements left with none."""
    return {key: [v for v in values if v] for key, values in raw.items() if any(values)}


def _pmid(value: Any, path: Path, line: int) -> str:
    """The PMID, which must be digits."""
    pmid = _text(value)
    if not pmid.isdigit():
        raise InputError(f"PMID {pmid!r} is not a number", file=path, line=line, field="PMID", expected="digits")
    return pmid


def journal_article(article: Any, path: Path, position: int, line: int) -> ParsedRecord:
    """A ``PubmedArticle``: a journal article with its MEDLINE citation and PubMed data."""
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


def book_article(article: Any, path: Path, position: int, line: int) -> ParsedRecord:
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

"""Column maps for the delimited (CSV / TSV) reader: one profile per exporting database or tool.

A profile is recognised from the header row (every column of one of its ``signatures`` present, compared
case-insensitively) and says which columns feed which ``ParsedRecord`` field (plus ``page_start`` / ``page_end``,
and ``source`` / ``citation`` / ``openurl``: cells that ``delimited_fields._special_cases`` parses for missing fields).
Column lists are in priority order: the first non-empty cell wins, except for keywords, which are collected from
every listed column. Authors and keywords columns carry the way their cell is split (see ``delimited_values.split``):

``semicolon``   ``A; B; C`` (Scopus full names drop their ``(id)`` in ``scopus_full``)
``scopus``      ``;`` in current Scopus exports, ``, `` between ``Surname I.`` names in older ones
``comma``       ``, `` between names / terms, commas inside parentheses kept (Embase, Emtree terms)
``pubmed``      ``Smith AB, Jones C.`` (the closing full stop dropped)
``and``         BibTeX-like ``Smith, A. and Jones, B.`` (Rayyan, Abstrackr)
``pipe``        ``A|B`` (OpenAlex)
``concatenated`` Springer's names written without any separator (``Araz R. AlievNigar T. Ismayilova``)
``refworks``    ``;`` between ``Surname,Given`` names, ``null`` given names dropped
``auto``        the first of ``;``, ``|``, `` and ``, or ``, `` when every part is ``Surname Initials``
``list``        keywords: ``;``, else ``|``, else ``,`` (commas inside parentheses kept)
"""

from __future__ import annotations

from dataclasses import dataclass, field

Column = tuple[str, str]  # (header name, split style)


@dataclass(frozen=True)
class Profile:
    name: str
    description: str
    signatures: tuple[frozenset[str], ...]
    columns: dict[str, tuple[str, ...]] = field(default_factory=dict)
    authors: tuple[Column, ...] = ()
    keywords: tuple[Column, ...] = ()
    quoting: bool = True  # False: quote characters are ordinary text (WoS tab-delimited never quotes)
    separators: frozenset[str] = frozenset()  # lower-case one-cell lines that divide sections, not records


def _sig(*names: str) -> frozenset[str]:
    return frozenset(names)


# Header names that make a column the record's title; a header needs one of them to be read at all.
TITLE_NAMES = frozenset(
    {"title", "document title", "article title", "item title", "title primary", "primary title", "display_name",
     "ti"}
)

GENERIC_COLUMNS: dict[str, tuple[str, ...]] = {
    "accession": ("accession number", "accession", "an", "central id", "lens id", "eid"),
    "title": ("title", "document title", "article title", "item title", "title primary", "primary title",
              "display_name", "ti"),
    "year": ("year", "publication year", "publication_year", "pub year", "published year", "year published",
             "date", "publication date", "date published", "publication_date", "date of publication"),
    "journal": ("journal", "journal title", "journal name", "source title", "publication title", "publication",
                "secondary title", "periodical full", "periodical", "journal/book", "source"),
    "journal_abbrev": ("journal abbreviation", "abbreviated source title", "periodical abbrev", "journal abbrev"),
    "volume": ("volume", "journal volume", "vol"),
    "issue": ("issue", "issue number", "journal issue", "number"),
    "pages": ("pages", "page range", "pagination"),
    "page_start": ("start page", "page start", "first page", "beginning page"),
    "page_end": ("end page", "page end", "last page", "ending page"),
    "doi": ("doi", "item doi"),
    "pmid": ("pmid", "pubmed id", "pubmed_id", "pubmed", "medline pmid"),
    "pmcid": ("pmcid", "pmc id", "pmc_id", "pubmed central id"),
    "issn": ("issn", "issns", "issn/isbn", "eissn"),
    "abstract": ("abstract", "abstract note", "summary"),
    "language": ("language", "language of original document", "article language", "lang"),
    "publication_types": ("publication type", "document type", "item type", "content type", "reference type",
                          "doctype", "type"),
    "url": ("url", "link", "links", "plink", "external url", "source urls"),
}
GENERIC_AUTHORS: tuple[Column, ...] = (
    ("authors", "auto"), ("author", "auto"), ("author/s", "auto"), ("author(s)", "auto"), ("author names", "auto"),
    ("authors, primary", "refworks"), ("author full names", "scopus_full"), ("au", "auto"), ("creator", "auto"),
)
GENERIC_KEYWORDS: tuple[Column, ...] = (
    ("keywords", "list"), ("author keywords", "list"), ("index keywords", "list"), ("mesh terms", "list"),
    ("manual tags", "list"), ("automatic tags", "list"), ("subjects", "list"), ("subject", "list"),
    ("tags", "list"),
)

WOS = Profile(
    name="wos",
    description="Web of Science tab-delimited (two-letter field tags)",
    signatures=(_sig("pt", "ti", "ut"),),
    columns={
        "accession": ("ut",),
        "title": ("ti",),
        "year": ("py", "pd", "ea"),
        "journal": ("so",),
        "journal_abbrev": ("ji", "j9"),
        "volume": ("vl",),
        "issue": ("is",),
        "page_start": ("bp",),
        "page_end": ("ep",),
        "doi": ("di",),
        "pmid": ("pm",),
        "issn": ("sn", "ei"),
        "abstract": ("ab",),
        "language": ("la",),
        "publication_types": ("dt",),
    },
    authors=(("af", "semicolon"), ("au", "semicolon"), ("ca", "semicolon")),
    keywords=(("de", "semicolon"), ("id", "semicolon")),
    quoting=False,
)

SCOPUS = Profile(
    name="scopus",
    description="Scopus CSV",
    signatures=(_sig("title", "source title", "eid"), _sig("title", "source title", "author(s) id"),
                _sig("title", "source title", "link", "abbreviated source title")),
    columns={
        "accession": ("eid",),
        "title": ("title",),
        "year": ("year",),
        "journal": ("source title",),
        "journal_abbrev": ("abbreviated source title",),
        "volume": ("volume",),
        "issue": ("issue",),
        "page_start": ("page start",),
        "page_end": ("page end",),
        "doi": ("doi",),
        "pmid": ("pubmed id",),
        "issn": ("issn",),
        "abstract": ("abstract",),
        "language": ("language of original document",),
        "publication_types": ("document type",),
        "url": ("link",),
    },
    authors=(("author full names", "scopus_full"), ("authors", "scopus")),
    keywords=(("author keywords", "semicolon"), ("index keywords", "semicolon")),
)

EMBASE = Profile(
    name="embase",
    description="Embase.com CSV",
    signatures=(_sig("title", "author names", "emtree medical index terms"),
                _sig("title", "author names", "embase accession id"),
                _sig("title", "author names", "pui")),
    columns={
        "accession": ("embase accession id", "embase accession number", "accession number", "pui"),
        "title": ("title",),
        "year": ("publication year", "date of publication"),
        "journal": ("source title",),
        "volume": ("volume",),
        "issue": ("issue",),
        "page_start": ("first page",),
        "page_end": ("last page",),
        "doi": ("doi", "full text link", "open url link"),
        "pmid": ("medline pmid",),
        "issn": ("issn",),
        "openurl": ("open url link",),
        "abstract": ("abstract",),
        "language": ("article language",),
        "publication_types": ("publication type",),
        "url": ("embase link", "full text link"),
        "source": ("source",),
    },
    authors=(("author names", "comma"),),
    keywords=(("author keywords", "comma"), ("emtree drug index terms", "comma"),
              ("emtree medical index terms", "comma"), ("keywords", "comma")),
)

PUBMED = Profile(
    name="pubmed",
    description="PubMed CSV (Save > CSV)",
    signatures=(_sig("pmid", "title", "authors", "citation", "journal/book"),),
    columns={
        "accession": ("pmid",),
        "title": ("title",),
        "year": ("publication year",),
        "journal": ("journal/book",),
        "journal_abbrev": ("journal/book",),
        "doi": ("doi", "citation"),
        "pmid": ("pmid",),
        "pmcid": ("pmcid",),
        "citation": ("citation",),
    },
    authors=(("authors", "pubmed"),),
)

PUBMED_LEGACY = Profile(
    name="pubmed_legacy",
    description="PubMed CSV, legacy site (Title, URL, Description, Details, ...)",
    signatures=(_sig("title", "url", "description", "details", "shortdetails", "entrezuid"),),
    columns={
        "accession": ("entrezuid", "identifiers"),
        "title": ("title",),
        "year": ("shortdetails",),
        "doi": ("details",),
        "pmid": ("entrezuid", "identifiers"),
        "url": ("url",),
        "citation": ("details",),
    },
    authors=(("description", "pubmed"),),
)

LENS = Profile(
    name="lens",
    description="Lens.org scholarly CSV / TSV",
    signatures=(_sig("lens id", "title"),),
    columns={
        "accession": ("lens id",),
        "title": ("title",),
        "year": ("publication year", "date published"),
        "journal": ("source title",),
        "volume": ("volume",),
        "issue": ("issue number",),
        "page_start": ("start page",),
        "page_end": ("end page",),
        "doi": ("doi",),
        "pmid": ("pmid",),
        "pmcid": ("pmcid",),
        "issn": ("issns",),
        "abstract": ("abstract",),
        "publication_types": ("publication type",),
        "url": ("external url", "source urls"),
    },
    authors=(("author/s", "semicolon"),),
    keywords=(("keywords", "semicolon"), ("mesh terms", "semicolon")),
)

OPENALEX = Profile(
    name="openalex",
    description="OpenAlex works CSV",
    signatures=(_sig("id", "display_name", "authorships.author.display_name"), _sig("id", "title", "publication_year",
                                                                                    "type_crossref")),
    columns={
        "accession": ("id", "ids.openalex"),
        "title": ("title", "display_name"),
        "year": ("publication_year", "publication_date"),
        "journal": ("primary_location.source.display_name", "host_venue.display_name"),
        "volume": ("biblio.volume",),
        "issue": ("biblio.issue",),
        "page_start": ("biblio.first_page",),
        "page_end": ("biblio.last_page",),
        "doi": ("doi", "ids.doi"),
        "pmid": ("ids.pmid",),
        "pmcid": ("ids.pmcid",),
        "issn": ("primary_location.source.issn", "primary_location.source.issn_l"),
        "abstract": ("abstract",),
        "language": ("language",),
        "publication_types": ("type",),
        "url": ("primary_location.landing_page_url", "id"),
    },
    authors=(("authorships.author.display_name", "pipe"), ("authorships.raw_author_name", "pipe")),
    keywords=(("keywords.display_name", "pipe"),),
)

IEEE = Profile(
    name="ieee",
    description="IEEE Xplore CSV",
    signatures=(_sig("document title", "publication title", "authors", "pdf link"),
                _sig("document title", "publication title", "ieee terms")),
    columns={
        "accession": ("article number", "pdf link"),
        "title": ("document title",),
        "year": ("publication year",),
        "journal": ("publication title",),
        "volume": ("volume",),
        "issue": ("issue",),
        "page_start": ("start page",),
        "page_end": ("end page",),
        "doi": ("doi",),
        "issn": ("issn",),
        "abstract": ("abstract",),
        "publication_types": ("document identifier",),
        "url": ("pdf link",),
    },
    authors=(("authors", "semicolon"),),
    keywords=(("author keywords", "semicolon"), ("ieee terms", "semicolon"), ("mesh_terms", "semicolon")),
)

SPRINGER = Profile(
    name="springer",
    description="SpringerLink search-results CSV",
    signatures=(_sig("item title", "item doi", "content type"),),
    columns={
        "title": ("item title",),
        "year": ("publication year",),
        "journal": ("publication title", "book series title"),
        "volume": ("journal volume",),
        "issue": ("journal issue",),
        "doi": ("item doi",),
        "publication_types": ("content type",),
        "url": ("url",),
    },
    authors=(("authors", "concatenated"),),
)

ABSTRACKR = Profile(
    name="abstrackr",
    description="Abstrackr screening export CSV",
    signatures=(_sig("(internal) id", "(source) id", "title"),),
    columns={
        "title": ("title",),
        "journal": ("journal",),
        "pmid": ("pubmed id",),
        "abstract": ("abstract",),
    },
    authors=(("authors", "and"),),
    keywords=(("keywords", "comma"),),
    separators=frozenset({"citations that are not yet labeled by anyone"}),
)

REFWORKS = Profile(
    name="refworks",
    description="RefWorks tab-delimited / CSV export",
    signatures=(_sig("reference type", "title primary"), _sig("authors, primary", "title primary")),
    columns={
        "accession": ("accession number",),
        "title": ("title primary",),
        "year": ("pub year", "pub date free from"),
        "journal": ("periodical full", "title secondary"),
        "journal_abbrev": ("periodical abbrev",),
        "volume": ("volume",),
        "issue": ("issue",),
        "page_start": ("start page",),
        "page_end": ("other pages",),
        "doi": ("doi",),
        "pmid": ("pmid",),
        "pmcid": ("pmcid",),
        "issn": ("issn/isbn",),
        "abstract": ("abstract",),
        "language": ("language",),
        "publication_types": ("reference type",),
        "url": ("url", "links"),
    },
    authors=(("authors, primary", "refworks"),),
    keywords=(("keywords", "list"),),
)

GENERIC = Profile(
    name="generic",
    description="any other CSV / TSV with a title column (reference managers, screening tools, ...)",
    signatures=(),
    columns=GENERIC_COLUMNS,
    authors=GENERIC_AUTHORS,
    keywords=GENERIC_KEYWORDS,
)

# Most specific first; GENERIC takes whatever has a title column and matched nothing else.
PROFILES: tuple[Profile, ...] = (WOS, SCOPUS, EMBASE, PUBMED, PUBMED_LEGACY, LENS, OPENALEX, IEEE, SPRINGER,
                                 ABSTRACKR, REFWORKS)


def profile_for(names: list[str]) -> Profile:
    """The profile whose signature the header (column names, any case) carries; GENERIC when none does."""
    present = {name.strip().lower() for name in names}
    for profile in PROFILES:
        if any(signature <= present for signature in profile.signatures):
            return profile
    return GENERIC

"""Realistic search exports of one search run in four databases, for the whole-pipeline benchmark.

Writes ``<out>/pubmed/*.txt`` (PubMed MEDLINE), ``<out>/scopus/*.csv`` (Scopus CSV, its full column set),
``<out>/embase/*.ris`` (Embase.com RIS) and ``<out>/wos/*.txt`` (Web of Science tagged), split into files the
size each database lets one download hold (10,000 / 20,000 / 10,000 / 1,000 records), so a large search looks
the way a team really receives it. Works come from ``generate_duplicates.py`` (titles, author lists, real
journal names with their abbreviations, DOIs); each work is found by a random subset of the databases (about
40% of the records are cross-database duplicates, as in a typical review), and every database renders it its own
way: author forms, journal name or abbreviation, page styles, language codes, an occasional typo, a missing DOI
or year. Abstracts are structured, 1,500-2,000 characters, drawn from a large vocabulary and carrying the
work's own drug, condition and numbers, because the records' memory and the dedup's abstract comparison depend
on real lengths. About 10% of records have no abstract (letters, editorials, conference records).

Output is deterministic for a seed and a size: ``counts.json`` (records per database) is written last and marks
a finished set.

    python benchmarks/pipeline_exports.py 100000 --out /tmp/exports-100k
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import random
from pathlib import Path
from typing import Any

import generate_duplicates as gd

GENERATOR_VERSION = 1
DEFAULT_SEED = 20251
DATABASES = ("pubmed", "scopus", "embase", "wos")
# Chance that a work is found by each database (a work found by none goes to one at random).
COVERAGE = {"pubmed": 0.45, "scopus": 0.50, "embase": 0.35, "wos": 0.30}
# Records per export file, as each database's download limit splits a large search.
FILE_SIZE = {"pubmed": 10_000, "scopus": 20_000, "embase": 10_000, "wos": 1_000}
EXTENSION = {"pubmed": "txt", "scopus": "csv", "embase": "ris", "wos": "txt"}
NO_ABSTRACT = 0.10
LANGUAGE_CODES = {"": "eng", "Chinese": "chi", "German": "ger", "Spanish": "spa", "French": "fre",
                  "Japanese": "jpn"}
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
MESH = ["Humans", "Female", "Male", "Adult", "Aged", "Middle Aged", "Treatment Outcome", "Prospective Studies",
        "Retrospective Studies", "Risk Factors", "Follow-Up Studies", "Prognosis", "Cohort Studies",
        "Quality of Life", "Time Factors", "Incidence", "Prevalence", "Child", "Adolescent", "Young Adult"]
PUBLICATION_TYPES = [("Journal Article", "Article"), ("Randomized Controlled Trial", "Article"),
                     ("Review", "Review"), ("Comparative Study", "Article"), ("Multicenter Study", "Article"),
                     ("Letter", "Letter"), ("Editorial", "Editorial"), ("Meta-Analysis", "Review")]
SCOPUS_HEADER = [
    "Authors", "Author full names", "Author(s) ID", "Title", "Year", "Source title", "Volume", "Issue", "Art. No.",
    "Page start", "Page end", "Page count", "Cited by", "DOI", "Link", "Affiliations", "Authors with affiliations",
    "Abstract", "Author Keywords", "Index Keywords", "Molecular Sequence Numbers", "Chemicals/CAS", "Tradenames",
    "Manufacturers", "Funding Details", "Funding Texts", "References", "Correspondence Address", "Editors",
    "Publisher", "Sponsors", "Conference name", "Conference date", "Conference location", "Conference code", "ISSN",
    "ISBN", "CODEN", "PubMed ID", "Language of Original Document", "Abbreviated Source Title", "Document Type",
    "Publication Stage", "Open Access", "Source", "EID",
]
CITIES = ["Boston, MA, United States", "London, United Kingdom", "Beijing, China", "Tokyo, Japan",
          "Berlin, Germany", "Paris, France", "Milan, Italy", "Toronto, ON, Canada", "Sydney, NSW, Australia",
          "Sao Paulo, Brazil", "Seoul, South Korea", "Madrid, Spain", "Amsterdam, Netherlands", "Mumbai, India"]
DEPARTMENTS = ["Department of Neurology", "Department of Medicine", "Department of Anesthesiology",
               "Department of Haematology", "Department of Epidemiology", "Department of Surgery",
               "Department of Pathology", "School of Public Health", "Department of Pain Medicine"]


# ------------------------------------------------------------------------------------------- abstracts ---
def _vocabulary(rng: random.Random) -> list[str]:
    """About 1,500 words: the medical phrases of generate_duplicates split into words, plus made-up terms."""
    words = set(gd.ABSTRACT_WORDS)
    for phrases in (gd.CONDITIONS, gd.POPULATIONS, gd.OUTCOMES, gd.INTERVENTIONS, gd.EXPOSURES, gd.DESIGNS):
        for phrase in phrases:
            words.update(w.strip(",:").lower() for w in phrase.split())
    words.update(gd.pseudo_word(rng, rng.randint(2, 4)) for _ in range(1200))
    return sorted(words)


def _sentence_pool(rng: random.Random, size: int = 6000) -> list[str]:
    """Sentences of 10-28 words; an abstract is built from a handful of them plus the work's own terms."""
    vocabulary = _vocabulary(rng)
    glue = ["the", "of", "and", "in", "with", "was", "were", "to", "a", "for", "than", "after", "between"]
    pool = []
    for _ in range(size):
        words = [rng.choice(glue) if rng.random() < 0.35 else rng.choice(vocabulary)
                 for _ in range(rng.randint(10, 28))]
        pool.append(" ".join(words).capitalize() + ".")
    return pool


def _abstract(rng: random.Random, pool: list[str], work: gd.Work) -> str:
    """A structured abstract of 1,500-2,000 characters about this work."""
    target = rng.randint(1500, 2000)
    topic = work.title.split(":")[0].rstrip(".")
    n, p = rng.randint(12, 4000), rng.choice(["0.001", "0.01", "0.03", "0.04", "0.12", "0.45"])
    ci = f"{rng.uniform(0.3, 0.95):.2f} to {rng.uniform(1.0, 2.5):.2f}"
    parts = [f"BACKGROUND: {topic} remains uncertain.", rng.choice(pool),
             f"METHODS: We enrolled {n} participants.", rng.choice(pool), rng.choice(pool),
             f"RESULTS: The primary outcome differed between groups (p = {p}; 95% CI {ci}).", rng.choice(pool)]
    length = sum(len(s) + 1 for s in parts)
    while length < target - 120:
        sentence = rng.choice(pool)
        parts.append(sentence)
        length += len(sentence) + 1
    parts.append(f"CONCLUSIONS: {topic} should be studied further in {rng.choice(gd.POPULATIONS)}.")
    return " ".join(parts)


# ------------------------------------------------------------------------------------------- the works ---
def _extras(rng: random.Random, serial: int) -> dict[str, str | list[str]]:
    """What databases add to a work: their ids, ISSN, keywords, MeSH terms, publication type, affiliations."""
    ptype = rng.choices(PUBLICATION_TYPES, weights=[60, 12, 10, 6, 4, 3, 3, 2])[0]
    return {
        "pmid": str(10_000_000 + serial * 7 + rng.randrange(7)),
        "eid": f"2-s2.0-85{serial:09d}",
        "embase": f"L{2_000_000_000 + serial}",
        "ut": f"WOS:000{serial:012d}",
        "issn": f"{rng.randint(1000, 9999)}-{rng.randint(100, 999)}{rng.choice('0123456789X')}",
        "keywords": rng.sample(gd.OUTCOMES + gd.INTERVENTIONS, rng.randint(3, 7)),
        "mesh": rng.sample(MESH, rng.randint(4, 9)),
        "ptype": ptype,
        "month": rng.choice(MONTHS),
        "affiliations": [f"{rng.choice(DEPARTMENTS)}, University of {gd.pseudo_word(rng, 2).capitalize()}, "
                         f"{rng.choice(CITIES)}" for _ in range(rng.randint(1, 3))],
    }


def _initials(given: str, dots: bool) -> str:
    letters = [part[0].upper() for part in given.replace("-", " ").split() if part]
    return "".join(f"{c}." for c in letters) if dots else "".join(letters)


def _wrap(text: str, first: str, indent: str, width: int) -> list[str]:
    """``first`` + text wrapped at ``width`` on word boundaries, continuation lines starting with ``indent``
    (textwrap is too slow for a million abstracts)."""
    lines, prefix, start = [], first, 0
    while start < len(text):
        room = width - len(prefix)
        if len(text) - start <= room:
            lines.append(prefix + text[start:])
            break
        cut = text.rfind(" ", start, start + room)
        if cut <= start:
            cut = start + room
        lines.append(prefix + text[start:cut])
        start = cut + 1 if text[cut:cut + 1] == " " else cut
        prefix = indent
    return lines or [first.rstrip()]


def _variant(rng: random.Random, work: gd.Work, doi_loss: float) -> tuple[str, str, str]:
    """(title, doi, year) as one database has them: mostly the work's own, sometimes a typo, a lost DOI or
    year, a case change."""
    title, doi, year = work.title, work.doi, str(work.year)
    roll = rng.random()
    if roll < 0.03:
        title = gd.typo(rng, title, 1)
    elif roll < 0.06:
        title = gd.title_variant(rng, title)
    if doi and rng.random() < doi_loss:
        doi = ""
    if rng.random() < 0.01:
        year = ""
    return title, doi, year


# ------------------------------------------------------------------------------------------- renderers ---
def medline(rng: random.Random, work: gd.Work, extra: dict, abstract: str) -> str:
    title, doi, year = _variant(rng, work, 0.05)
    if work.language:
        title = f"[{title}]"
    lines = [f"PMID- {extra['pmid']}", "OWN - NLM", "STAT- MEDLINE", f"IS  - {extra['issn']} (Electronic)",
             f"VI  - {work.volume}", f"IP  - {work.number}", f"DP  - {year} {extra['month']}".rstrip()]
    lines += _wrap(title, "TI  - ", "      ", 82)
    lines.append(f"PG  - {gd.format_pages(work.first_page, work.last_page, 'short')}")
    if doi:
        lines.append(f"LID - {doi} [doi]")
    if abstract:
        lines += _wrap(abstract, "AB  - ", "      ", 82)
    for i, (surname, given) in enumerate(work.authors):
        lines.append(f"FAU - {surname}, {given.replace('.', '')}")
        lines.append(f"AU  - {surname} {_initials(given, False)}")
        if i == 0:
            lines += _wrap(extra["affiliations"][0], "AD  - ", "      ", 82)
    lines.append(f"LA  - {LANGUAGE_CODES[work.language]}")
    lines.append(f"PT  - {extra['ptype'][0]}")
    if extra["ptype"][0] != "Journal Article":
        lines.append("PT  - Journal Article")
    full, abbrev, _ = gd.JOURNALS[work.journal]
    lines += ["PL  - United States", f"TA  - {abbrev}", f"JT  - {full}", "SB  - IM"]
    lines += [f"MH  - {term}" for term in extra["mesh"]]
    lines += [f"OT  - {term}" for term in extra["keywords"]]
    if doi:
        lines.append(f"AID - {doi} [doi]")
    lines += ["PST - ppublish", f"SO  - {abbrev}. {year} {extra['month']};{work.volume}({work.number}):"
              f"{gd.format_pages(work.first_page, work.last_page, 'short')}."]
    return "\n".join(lines) + "\n"


def scopus(rng: random.Random, work: gd.Work, extra: dict, abstract: str) -> list[str]:
    title, doi, year = _variant(rng, work, 0.08)
    full, abbrev, language = gd.JOURNALS[work.journal]
    ids = [str(57_000_000_000 + rng.randrange(10**9)) for _ in work.authors]
    authors = "; ".join(f"{s} {_initials(g, True)}" for s, g in work.authors)
    full_names = "; ".join(f"{s}, {g} ({i})" for (s, g), i in zip(work.authors, ids, strict=True))
    if abstract:
        abstract = f"{abstract} © {work.year} Elsevier Inc. All rights reserved."
    affiliation = "; ".join(extra["affiliations"])
    link = f"https://www.scopus.com/inward/record.uri?eid={extra['eid']}&doi={doi}&partnerID=40&md5=" \
           f"{rng.getrandbits(128):032x}"
    pmid = extra["pmid"] if rng.random() < 0.6 else ""
    values = {
        "Authors": authors, "Author full names": full_names, "Author(s) ID": ";".join(ids), "Title": title,
        "Year": year, "Source title": full.removeprefix("The "), "Volume": str(work.volume),
        "Issue": str(work.number), "Page start": str(work.first_page), "Page end": str(work.last_page),
        "Page count": str(work.last_page - work.first_page + 1), "Cited by": str(rng.randint(0, 300)), "DOI": doi,
        "Link": link, "Affiliations": affiliation,
        "Authors with affiliations": f"{authors.split('; ')[0]}, {affiliation}", "Abstract": abstract,
        "Author Keywords": "; ".join(extra["keywords"]), "Index Keywords": "; ".join(extra["mesh"]),
        "Publisher": "Elsevier Inc.", "ISSN": extra["issn"].replace("-", ""), "PubMed ID": pmid,
        "Language of Original Document": language or "English", "Abbreviated Source Title": abbrev,
        "Document Type": extra["ptype"][1], "Publication Stage": "Final", "Source": "Scopus", "EID": extra["eid"],
    }
    return [values.get(column, "") for column in SCOPUS_HEADER]


def embase(rng: random.Random, work: gd.Work, extra: dict, abstract: str) -> str:
    title, doi, year = _variant(rng, work, 0.10)
    full, abbrev, language = gd.JOURNALS[work.journal]
    lines = ["TY  - JOUR", f"ID  - {extra['embase'][1:]}", f"T1  - {title}"]
    lines += [f"A1  - {s}, {_initials(g, True)}" for s, g in work.authors]
    lines += [f"Y1  - {year}//", f"N2  - {abstract}" if abstract else "", f"JF  - {full}", f"JA  - {abbrev}",
              f"VL  - {work.volume}", f"IS  - {work.number}", f"SP  - {work.first_page}",
              f"EP  - {work.last_page}", f"SN  - {extra['issn']}", f"M3  - {extra['ptype'][1]}"]
    lines += [f"KW  - {term}" for term in extra["keywords"] + extra["mesh"][:3]]
    lines += ["DB  - Embase", f"U2  - {extra['embase']}", f"LA  - {language or 'English'}"]
    if doi:
        lines += [f"L2  - http://dx.doi.org/{doi}", f"DO  - {doi}"]
    lines.append("ER  - ")
    return "\n".join(line for line in lines if line) + "\n\n"


def wos(rng: random.Random, work: gd.Work, extra: dict, abstract: str) -> str:
    title, doi, year = _variant(rng, work, 0.10)
    full, abbrev, language = gd.JOURNALS[work.journal]
    short = [f"{s}, {_initials(g, False)}" for s, g in work.authors]
    names = [f"{s}, {g}" for s, g in work.authors]
    lines = ["PT J", "AU " + short[0], *("   " + a for a in short[1:]), "AF " + names[0],
             *("   " + a for a in names[1:])]
    lines += _wrap(title, "TI ", "   ", 72)
    lines += [f"SO {full.upper()}", f"LA {language or 'English'}", f"DT {extra['ptype'][1]}",
              f"DE {'; '.join(extra['keywords'])}", f"ID {'; '.join(extra['mesh']).upper()}"]
    if abstract:
        lines += _wrap(abstract, "AB ", "   ", 72)
    lines += [f"C1 [{names[0]}] {extra['affiliations'][0]}", f"SN {extra['issn']}", f"J9 {abbrev.upper()}",
              f"JI {abbrev}", f"PD {extra['month'].upper()}", f"PY {year}", f"VL {work.volume}",
              f"IS {work.number}", f"BP {work.first_page}", f"EP {work.last_page}"]
    if doi:
        lines.append(f"DI {doi}")
    if rng.random() < 0.5:
        lines.append(f"PM {extra['pmid']}")
    lines += [f"UT {extra['ut']}", "ER"]
    return "\n".join(line.rstrip() for line in lines) + "\n\n"


# ------------------------------------------------------------------------------------------- files ---
class _Files:
    """One database's export files, each closed when it holds the database's download limit."""

    def __init__(self, folder: Path, database: str) -> None:
        self.folder, self.database = folder, database
        self.count = 0
        self.handle: io.TextIOBase | None = None
        self.writer: Any = None
        folder.mkdir(parents=True, exist_ok=True)

    def add(self, entry: str | list[str]) -> None:
        if self.count % FILE_SIZE[self.database] == 0:
            self._next_file()
        if self.database == "scopus":
            self.writer.writerow(entry)
        else:
            if self.database == "pubmed" and self.count % FILE_SIZE["pubmed"]:
                self.handle.write("\n")  # MEDLINE records are separated by one blank line
            self.handle.write(entry)
        self.count += 1

    def _next_file(self) -> None:
        self.close()
        number = self.count // FILE_SIZE[self.database] + 1
        path = self.folder / f"{self.database}-{number:04d}.{EXTENSION[self.database]}"
        if self.database == "scopus":
            self.handle = path.open("w", encoding="utf-8-sig", newline="")
            self.writer = csv.writer(self.handle, quoting=csv.QUOTE_ALL, lineterminator="\n")
            self.writer.writerow(SCOPUS_HEADER)
        else:
            self.handle = path.open("w", encoding="utf-8", newline="\n")
            if self.database == "wos":
                self.handle.write("\ufeffFN Clarivate Analytics Web of Science\nVR 1.0\n")

    def close(self) -> None:
        if self.handle is not None:
            if self.database == "wos":
                self.handle.write("EF\n")
            self.handle.close()
            self.handle = None


RENDER = {"pubmed": medline, "scopus": scopus, "embase": embase, "wos": wos}


def write_exports(n: int, out: Path, seed: int = DEFAULT_SEED) -> dict[str, int]:
    """Write ``n`` records of exports into ``out/<database>/``; returns the records per database."""
    rng = random.Random(seed)
    pool = _sentence_pool(rng)
    files = {database: _Files(out / database, database) for database in DATABASES}
    total, serial = 0, 0
    seen: set[str] = set()
    while total < n:
        serial += 1
        work = gd.new_work(rng, serial)
        if work.title.lower() in seen:
            continue
        seen.add(work.title.lower())
        found = [database for database in DATABASES if rng.random() < COVERAGE[database]] or \
            [rng.choice(DATABASES)]
        found = found[: n - total]
        extra = _extras(rng, serial)
        abstract = "" if rng.random() < NO_ABSTRACT else _abstract(rng, pool, work)
        for database in found:
            files[database].add(RENDER[database](rng, work, extra, abstract))
        total += len(found)
    for handle in files.values():
        handle.close()
    counts = {database: files[database].count for database in DATABASES}
    (out / "counts.json").write_text(json.dumps(counts) + "\n", encoding="utf-8")
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="number of records, all databases together")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args()
    print(json.dumps(write_exports(args.n, args.out, args.seed)))


if __name__ == "__main__":
    main()

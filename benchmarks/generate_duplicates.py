"""Synthetic citation sets with known duplicates, for the deduplication benchmark at sizes no labelled set reaches.

Writes, into one folder, the two files the labelled benchmark sets have:

* ``records_pre_merged.csv`` -- ``ID,title,year,author,pages,volume,number,journal,doi,abstract``
* ``merged_record_ids.csv`` -- header ``merged_ids``, then one true cluster (of two or more records) per line,
  ids joined by ``;``; records not listed are singletons.

About 30% of the records are extra copies of a work, each copy altered the way databases alter a record:
author forms (``Smith, John A.`` / ``Smith JA`` / ``Smith, J.``), full vs abbreviated journal names, pages
``221-8`` vs ``221-228``, a missing, URL-prefixed or upper-case DOI, 1-2 character typos in the title, case and
punctuation changes, a trailing language tag (``[Chinese]``), a missing year, volume or issue, a dropped abstract.
About 6% of the works are hard non-duplicates of another work: the same generic or series title in another year
(``Editorial``, ``Erratum``, yearly updates), errata, comments and replies whose title is the original's title with
a prefix (``Erratum: ...``, ``Comment on ...``, ``Reply to ...``), and companion papers (protocol and results,
part 1 and part 2) with near-identical titles and different DOIs.

    python benchmarks/generate_duplicates.py 10000 --out /tmp/synthetic-10k
    python benchmarks/generate_duplicates.py 1000000 --out /tmp/synthetic-1m --seed 7
"""

from __future__ import annotations

import argparse
import csv
import random
import string
from dataclasses import dataclass
from pathlib import Path

DEFAULT_SEED = 20250
# Bump when the generated data changes, so cached sets from an older generator are not reused.
GENERATOR_VERSION = 2
COLUMNS = ["ID", "title", "year", "author", "pages", "volume", "number", "journal", "doi", "abstract"]
DUPLICATE_SHARE = 0.30
HARD_NON_DUPLICATE_SHARE = 0.06

# (full title as in the NLM catalogue, ISO/MEDLINE abbreviation, language of the work when not English)
JOURNALS: list[tuple[str, str, str]] = [
    ("The New England Journal of Medicine", "N Engl J Med", ""),
    ("Lancet", "Lancet", ""),
    ("JAMA", "JAMA", ""),
    ("BMJ (Clinical research ed.)", "BMJ", ""),
    ("Annals of Internal Medicine", "Ann Intern Med", ""),
    ("JAMA Internal Medicine", "JAMA Intern Med", ""),
    ("Stroke", "Stroke", ""),
    ("International Journal of Stroke", "Int J Stroke", ""),
    ("Journal of Stroke and Cerebrovascular Diseases", "J Stroke Cerebrovasc Dis", ""),
    ("Cerebrovascular Diseases", "Cerebrovasc Dis", ""),
    ("Neurology", "Neurology", ""),
    ("Annals of Neurology", "Ann Neurol", ""),
    ("The Lancet Neurology", "Lancet Neurol", ""),
    ("Journal of Neurology, Neurosurgery, and Psychiatry", "J Neurol Neurosurg Psychiatry", ""),
    ("Neurorehabilitation and Neural Repair", "Neurorehabil Neural Repair", ""),
    ("Archives of Physical Medicine and Rehabilitation", "Arch Phys Med Rehabil", ""),
    ("Clinical Rehabilitation", "Clin Rehabil", ""),
    ("Blood", "Blood", ""),
    ("British Journal of Haematology", "Br J Haematol", ""),
    ("American Journal of Hematology", "Am J Hematol", ""),
    ("Haematologica", "Haematologica", ""),
    ("Leukemia", "Leukemia", ""),
    ("Journal of Thrombosis and Haemostasis", "J Thromb Haemost", ""),
    ("Thrombosis and Haemostasis", "Thromb Haemost", ""),
    ("Transfusion", "Transfusion", ""),
    ("Journal of Clinical Oncology", "J Clin Oncol", ""),
    ("The Lancet Oncology", "Lancet Oncol", ""),
    ("Cancer", "Cancer", ""),
    ("International Journal of Cancer", "Int J Cancer", ""),
    ("British Journal of Cancer", "Br J Cancer", ""),
    ("Cancer Cytopathology", "Cancer Cytopathol", ""),
    ("Acta Cytologica", "Acta Cytol", ""),
    ("Diagnostic Cytopathology", "Diagn Cytopathol", ""),
    ("American Journal of Clinical Pathology", "Am J Clin Pathol", ""),
    ("Modern Pathology", "Mod Pathol", ""),
    ("Gynecologic Oncology", "Gynecol Oncol", ""),
    ("Obstetrics and Gynecology", "Obstet Gynecol", ""),
    ("American Journal of Obstetrics and Gynecology", "Am J Obstet Gynecol", ""),
    ("Journal of Lower Genital Tract Disease", "J Low Genit Tract Dis", ""),
    ("Circulation", "Circulation", ""),
    ("Journal of the American College of Cardiology", "J Am Coll Cardiol", ""),
    ("European Heart Journal", "Eur Heart J", ""),
    ("American Journal of Respiratory and Critical Care Medicine", "Am J Respir Crit Care Med", ""),
    ("Critical Care Medicine", "Crit Care Med", ""),
    ("Intensive Care Medicine", "Intensive Care Med", ""),
    ("Pain", "Pain", ""),
    ("Pain Medicine", "Pain Med", ""),
    ("Regional Anesthesia and Pain Medicine", "Reg Anesth Pain Med", ""),
    ("Anesthesia and Analgesia", "Anesth Analg", ""),
    ("British Journal of Anaesthesia", "Br J Anaesth", ""),
    ("Pediatrics", "Pediatrics", ""),
    ("The Journal of Pediatrics", "J Pediatr", ""),
    ("Diabetes Care", "Diabetes Care", ""),
    ("Journal of Hepatology", "J Hepatol", ""),
    ("Gastroenterology", "Gastroenterology", ""),
    ("Nature Medicine", "Nat Med", ""),
    ("The Journal of Clinical Investigation", "J Clin Invest", ""),
    ("PloS One", "PLoS One", ""),
    ("Scientific Reports", "Sci Rep", ""),
    ("BMC Public Health", "BMC Public Health", ""),
    ("The Cochrane Database of Systematic Reviews", "Cochrane Database Syst Rev", ""),
    ("Zhonghua Yi Xue Za Zhi", "Zhonghua Yi Xue Za Zhi", "Chinese"),
    ("Zhonghua Nei Ke Za Zhi", "Zhonghua Nei Ke Za Zhi", "Chinese"),
    ("Deutsche Medizinische Wochenschrift (1946)", "Dtsch Med Wochenschr", "German"),
    ("Medicina Clinica", "Med Clin (Barc)", "Spanish"),
    ("Presse Medicale (Paris, France : 1983)", "Presse Med", "French"),
    ("Nihon Naika Gakkai Zasshi", "Nihon Naika Gakkai Zasshi", "Japanese"),
]

SURNAMES = [
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Garcia", "Rodriguez", "Martinez",
    "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin",
    "Lee", "Thompson", "White", "Harris", "Clark", "Lewis", "Robinson", "Walker", "Young", "Allen", "King",
    "Wright", "Scott", "Green", "Baker", "Adams", "Nelson", "Hill", "Campbell", "Mitchell", "Roberts", "Carter",
    "Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Xu", "Sun", "Ma", "Zhu", "Hu",
    "Guo", "He", "Lin", "Gao", "Luo", "Zheng", "Liang", "Kim", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon",
    "Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Ito", "Nakamura", "Kobayashi", "Yamamoto", "Kato",
    "Muller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann",
    "Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino", "Greco",
    "Dubois", "Durand", "Lefebvre", "Moreau", "Laurent", "Simon", "Michel", "Leroy", "Roux", "Fournier",
    "Silva", "Santos", "Oliveira", "Souza", "Pereira", "Costa", "Almeida", "Ferreira", "Carvalho", "Gomes",
    "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder",
    "Nielsen", "Hansen", "Andersen", "Pedersen", "Larsen", "Johansson", "Karlsson", "Nilsson", "Eriksson",
    "Kumar", "Singh", "Sharma", "Patel", "Gupta", "Shah", "Reddy", "Rao", "Iyer", "Das", "Cohen", "Levy",
    "O'Brien", "O'Connor", "McCarthy", "Murphy", "Kelly", "Walsh", "Byrne", "Ryan", "Kowalski", "Nowak",
    "Le Quintrec", "Fremeaux-Bacchi", "Sberro-Soussan", "Al-Rashid", "Haddad", "Nasser", "Ivanov", "Petrov",
]
GIVEN_NAMES = [
    "John", "Mary", "James", "Patricia", "Robert", "Jennifer", "Michael", "Linda", "David", "Elizabeth",
    "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah", "Charles", "Karen",
    "Wei", "Fang", "Min", "Jing", "Lei", "Yan", "Hui", "Xiao", "Jun", "Ying", "Hiroshi", "Yuki", "Takashi",
    "Akiko", "Ji-Hoon", "Seo-Yeon", "Hans", "Anna", "Klaus", "Ursula", "Marco", "Giulia", "Luca", "Francesca",
    "Jean-Pierre", "Marie", "Pierre", "Claire", "Joao", "Ana", "Pedro", "Mariana", "Pieter", "Sanne", "Lars",
    "Ingrid", "Priya", "Rahul", "Anil", "Deepa", "Sean", "Siobhan", "Piotr", "Agnieszka", "Omar", "Leila",
    "Ahmed", "Fatima", "Olga", "Dmitri", "Christophe", "Julien", "Legendre", "Quentin", "Tomas", "Eva",
]

CONDITIONS = [
    "acute ischaemic stroke", "intracerebral haemorrhage", "transient ischaemic attack", "subarachnoid haemorrhage",
    "post-stroke aphasia", "hemiparesis after stroke", "vascular cognitive impairment", "atrial fibrillation",
    "heart failure", "acute myocardial infarction", "hypertension", "type 2 diabetes", "chronic kidney disease",
    "acute myeloid leukaemia", "chronic lymphocytic leukaemia", "multiple myeloma", "diffuse large B-cell lymphoma",
    "immune thrombocytopenia", "haemolytic uraemic syndrome", "sickle cell disease", "beta-thalassaemia",
    "haemophilia A", "venous thromboembolism", "iron deficiency anaemia", "myelodysplastic syndromes",
    "cervical intraepithelial neoplasia", "human papillomavirus infection", "low-grade squamous intraepithelial "
    "lesion", "atypical squamous cells of undetermined significance", "cervical cancer", "endometrial cancer",
    "ovarian cancer", "breast cancer", "non-small cell lung cancer", "colorectal cancer", "hepatocellular carcinoma",
    "chronic knee pain", "low back pain", "phantom limb pain", "postherpetic neuralgia", "migraine",
    "community-acquired pneumonia", "sepsis", "acute respiratory distress syndrome", "asthma",
    "chronic obstructive pulmonary disease", "major depressive disorder", "Parkinson disease", "multiple sclerosis",
    "rheumatoid arthritis", "osteoarthritis", "osteoporosis", "obesity", "preeclampsia", "preterm birth",
]
POPULATIONS = [
    "older adults", "children", "adolescents", "pregnant women", "postmenopausal women", "adults",
    "hospitalised patients", "outpatients", "nursing home residents", "primary care patients", "survivors",
    "healthy volunteers", "low-income countries", "rural China", "a multiethnic cohort", "veterans",
    "kidney transplant recipients", "critically ill patients", "young women", "the general population",
]
DESIGNS = [
    "a randomised controlled trial", "a randomized controlled trial", "a systematic review and meta-analysis",
    "a prospective cohort study", "a retrospective cohort study", "a case-control study", "a cross-sectional study",
    "a pilot study", "a multicentre study", "a population-based study", "a cost-effectiveness analysis",
    "a secondary analysis", "a double-blind placebo-controlled trial", "a feasibility study", "a registry study",
]
OUTCOMES = [
    "mortality", "functional recovery", "quality of life", "recurrence", "bleeding risk", "cognitive function",
    "length of stay", "pain intensity", "progression-free survival", "overall survival", "remission rates",
    "detection rates", "diagnostic accuracy", "adherence", "readmission", "motor function", "hospital costs",
    "disease activity", "walking speed", "thrombotic events", "colposcopy referral", "treatment response",
]
INTERVENTIONS = [
    "early mobilisation", "constraint-induced movement therapy", "mirror therapy", "robot-assisted gait training",
    "transcranial magnetic stimulation", "intravenous thrombolysis", "mechanical thrombectomy", "acupuncture",
    "liquid-based cytology", "conventional Pap smear", "HPV DNA testing", "p16/Ki-67 dual staining",
    "computer-assisted screening", "colposcopy", "self-sampling", "rituximab", "eculizumab", "hydroxyurea",
    "low-molecular-weight heparin", "warfarin", "apixaban", "dabigatran", "statin therapy", "aspirin",
    "cryoneurolysis", "radiofrequency ablation", "ultrasound-guided nerve block", "exercise therapy",
    "cognitive behavioural therapy", "telerehabilitation", "nurse-led follow-up", "vitamin D supplementation",
]
EXPOSURES = [
    "smoking", "air pollution", "shift work", "sleep duration", "dietary sodium", "physical activity",
    "socioeconomic status", "body mass index", "alcohol consumption", "serum ferritin", "blood pressure variability",
    "HPV genotype", "platelet count", "frailty", "polypharmacy", "depressive symptoms", "educational attainment",
]
LEADS = [
    "Effect of", "Efficacy of", "Safety and efficacy of", "Long-term outcomes of", "Impact of", "Evaluation of",
    "Comparison of", "Clinical utility of", "Predictors of response to", "Cost-effectiveness of",
    "Real-world experience with", "Efficacy observation of", "Feasibility of", "Outcomes after",
]
ASSOCIATIONS = ["Association between", "Relationship between", "Interaction between", "Link between"]
GENERIC_TITLES = [
    "Editorial", "Erratum", "Correction", "Corrigendum", "Introduction", "Preface", "Foreword",
    "Letter to the editor", "In this issue", "Reply", "Response", "Commentary", "Retraction notice",
]
SERIES_TITLES = [
    "Update on the management of {c}", "Advances in {c}: the year in review", "Highlights in {c} research",
    "Clinical practice guideline for {c}", "What is new in {c}?", "Annual report on {c} in {p}",
    "Recent developments in the treatment of {c}",
]
# Syllables for pronounceable drug, gene and trial names, which make titles unique at a million records.
ONSETS = ["b", "c", "d", "f", "g", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br", "cl", "dr", "pr", "tr", "st"]
VOWELS = ["a", "e", "i", "o", "u", "ai", "eo", "ia"]
CODAS = ["", "", "", "n", "r", "l", "s", "x"]
DRUG_STEMS = ["mab", "tinib", "parin", "xaban", "statin", "olol", "pril", "sartan", "vir", "cillin", "zumab",
              "ciclib", "lisib", "platin", "taxel", "gliptin", "zepam", "oxetine"]
LANGUAGE_TAGS = {"Chinese": "[Chinese]", "German": "[German]", "Spanish": "[Spanish]", "French": "[French]",
                 "Japanese": "[Japanese]"}
ABSTRACT_WORDS = [
    "background", "methods", "results", "conclusions", "patients", "were", "randomly", "assigned", "to", "the",
    "of", "and", "in", "with", "a", "significant", "difference", "was", "observed", "between", "groups",
    "primary", "outcome", "secondary", "outcomes", "included", "follow-up", "months", "years", "baseline",
    "compared", "control", "intervention", "reduced", "increased", "risk", "ratio", "confidence", "interval",
    "adverse", "events", "study", "trial", "cohort", "analysis", "associated", "higher", "lower", "rates",
]


@dataclass
class Work:
    """One publication as it really is; records are renderings of it."""

    title: str
    authors: list[tuple[str, str]]  # (surname, given names)
    year: int
    journal: int  # index into JOURNALS
    volume: int
    number: int
    first_page: int
    last_page: int
    doi: str
    abstract: str
    language: str = ""
    kind: str = "article"


def pseudo_word(rng: random.Random, syllables: int) -> str:
    return "".join(rng.choice(ONSETS) + rng.choice(VOWELS) + rng.choice(CODAS) for _ in range(syllables))


def random_title(rng: random.Random) -> str:
    drug = pseudo_word(rng, rng.randint(1, 2)) + rng.choice(DRUG_STEMS)
    trial = pseudo_word(rng, 2).upper()[: rng.randint(4, 7)]
    condition, population = rng.choice(CONDITIONS), rng.choice(POPULATIONS)
    template = rng.randrange(7)
    if template == 0:
        title = f"{rng.choice(LEADS)} {drug} in {population} with {condition}: {rng.choice(DESIGNS)}"
    elif template == 1:
        first, second = rng.sample(INTERVENTIONS, 2)
        title = f"{first.capitalize()} versus {second} for {condition}: the {trial} trial"
    elif template == 2:
        title = f"{rng.choice(ASSOCIATIONS)} {rng.choice(EXPOSURES)} and {rng.choice(OUTCOMES)} in " \
                f"{population} with {condition}"
    elif template == 3:
        title = f"{rng.choice(LEADS)} {rng.choice(INTERVENTIONS)} on {rng.choice(OUTCOMES)} after {condition} " \
                f"in {population}"
    elif template == 4:
        title = f"{drug.capitalize()} plus {rng.choice(INTERVENTIONS)} in {condition}: results of the {trial} " \
                f"study"
    elif template == 5:
        title = f"Expression of {pseudo_word(rng, 2).upper()[:5]}{rng.randint(1, 12)} predicts " \
                f"{rng.choice(OUTCOMES)} in {condition}"
    else:
        title = f"{rng.choice(OUTCOMES).capitalize()} among {population} with {condition} treated with {drug}: " \
                f"{rng.choice(DESIGNS)}"
    return title[0].upper() + title[1:]


def random_authors(rng: random.Random) -> list[tuple[str, str]]:
    count = min(rng.choice([1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 15]), 15)
    people = []
    for _ in range(count):
        given = rng.choice(GIVEN_NAMES)
        if rng.random() < 0.4:
            given += " " + rng.choice(string.ascii_uppercase) + "."
        people.append((rng.choice(SURNAMES), given))
    return people


def random_abstract(rng: random.Random) -> str:
    if rng.random() < 0.4:
        return ""
    return " ".join(rng.choice(ABSTRACT_WORDS) for _ in range(rng.randint(30, 80))).capitalize() + "."


def make_doi(rng: random.Random, journal: int, serial: int) -> str:
    """A DOI unique to the work: registrant prefix, then a journal slug and a serial number."""
    return f"10.{rng.randint(1000, 9999)}/{''.join(filter(str.isalnum, JOURNALS[journal][1].lower()))[:8]}" \
           f".{serial:07d}"


def new_work(rng: random.Random, serial: int) -> Work:
    journal = rng.randrange(len(JOURNALS))
    first = rng.randint(1, 2400)
    return Work(
        title=random_title(rng), authors=random_authors(rng), year=rng.randint(1990, 2024), journal=journal,
        volume=rng.randint(1, 160), number=rng.randint(1, 12), first_page=first,
        last_page=first + rng.choice([0, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14, 18, 25]),
        doi=make_doi(rng, journal, serial),
        abstract=random_abstract(rng), language=JOURNALS[journal][2],
    )


def hard_non_duplicate(rng: random.Random, base: Work, serial: int, seen: set[str]) -> Work:
    """A different work that resembles ``base``: the kind of pair a deduplicator must keep apart.

    May retitle ``base`` (series, companion papers); titles other than the generic ones are kept unique across
    the set through ``seen``, so that every pair of records with the same title is deliberate."""
    other = new_work(rng, serial)
    other.language = base.language
    kind = rng.choice(["generic", "series", "erratum", "comment", "reply", "companion", "companion"])
    if kind == "series":
        for _ in range(20):
            title = rng.choice(SERIES_TITLES).format(c=rng.choice(CONDITIONS), p=rng.choice(POPULATIONS))
            if title.lower() not in seen:
                break
        else:
            kind = "companion"
    other.kind = kind
    if kind == "generic":
        other.title = rng.choice(GENERIC_TITLES)
        other.journal = base.journal
        other.year = base.year + rng.choice([-3, -2, -1, 1, 2, 3])
        other.authors = base.authors[:1]
        other.abstract = ""
    elif kind == "series":
        other.title = base.title = title
        base.kind = "series"
        other.authors, other.journal = base.authors, base.journal
        other.year = base.year + rng.choice([-2, -1, 1, 2])
        other.volume = max(1, base.volume + other.year - base.year)
    elif kind in ("erratum", "comment", "reply"):
        prefix = {
            "erratum": ["Erratum: ", "Erratum to: ", "Correction to: ", "Corrigendum to \""],
            "comment": ["Comment on \"", "Comment on: ", "Re: ", "Letter regarding: "],
            "reply": ["Reply to: ", "Response to comment on \"", "Authors' reply: ", "In reply: "],
        }[kind]
        start = rng.choice(prefix)
        other.title = start + base.title + ("\"" if start.endswith("\"") else "")
        other.journal, other.year = base.journal, base.year + rng.choice([0, 0, 1])
        other.volume = base.volume + (other.year - base.year)
        other.last_page = other.first_page + rng.choice([0, 1])
        other.authors = base.authors if kind != "comment" else random_authors(rng)[:3]
        other.abstract = ""
        if rng.random() < 0.5:
            other.doi = ""
    else:
        variant = rng.randrange(3)
        if variant == 0:
            base.title = base.title.split(":")[0] + ": study protocol for a randomised controlled trial"
            other.title = base.title.split(":")[0] + ": a randomised controlled trial"
            other.year = base.year + rng.choice([1, 2, 3])
        elif variant == 1:
            stem = base.title
            base.title, other.title = stem + ". Part 1", stem + ". Part 2"
            other.year = base.year
        else:
            other.title = base.title.replace(" in ", " in a subgroup of ", 1) if " in " in base.title \
                else "Follow-up of " + base.title[0].lower() + base.title[1:]
            other.year = base.year + rng.choice([0, 1, 2])
        other.authors, other.journal = base.authors, base.journal
    if kind != "generic":
        seen.update((base.title.lower(), other.title.lower()))
    if other.doi:
        other.doi = make_doi(rng, other.journal, serial)
    return other


# ----------------------------------------------------------------------------------------------- rendering ---
def format_authors(authors: list[tuple[str, str]], style: str) -> str:
    def initials(given: str, dots: bool, keep_middle: bool = True) -> str:
        parts = [p for p in given.replace("-", " ").split() if p]
        if not keep_middle:
            parts = parts[:1]
        letters = [p[0].upper() for p in parts]
        return " ".join(f"{c}." for c in letters) if dots else "".join(letters)

    if style == "full":          # Smith, John A.
        names = [f"{s}, {g}" for s, g in authors]
    elif style == "medline":     # Smith JA
        names = [f"{s} {initials(g, False)}" for s, g in authors]
    elif style == "initials":    # Smith, J. A.
        names = [f"{s}, {initials(g, True)}" for s, g in authors]
    elif style == "first_initial":  # Smith, J.
        names = [f"{s}, {initials(g, True, keep_middle=False)}" for s, g in authors]
    else:                        # Smith, J A (Scopus-like, no dots)
        names = [f"{s}, {initials(g, False)}" for s, g in authors]
    return " and ".join(names)


AUTHOR_STYLES = ["full", "medline", "initials", "first_initial", "nodots"]


def format_pages(first: int, last: int, style: str) -> str:
    if first == last:
        return str(first)
    if style == "short":  # MEDLINE: 221-8
        a, b = str(first), str(last)
        if len(a) == len(b):
            i = 0
            while i < len(a) - 1 and a[i] == b[i]:
                i += 1
            b = b[i:]
        return f"{a}-{b}"
    if style == "dash":
        return f"{first}\u2013{last}"
    return f"{first}-{last}"


def format_journal(index: int, style: str) -> str:
    full, abbrev, _ = JOURNALS[index]
    if style == "abbrev":
        return abbrev
    if style == "abbrev_dots":
        return " ".join(w + "." if w.isalpha() and w not in full.split() else w for w in abbrev.split())
    if style == "upper":
        return full.upper()
    if style == "no_article":
        return full[4:] if full.startswith("The ") else full
    return full


def typo(rng: random.Random, text: str, edits: int) -> str:
    chars = list(text)
    for _ in range(edits):
        letters = [i for i, c in enumerate(chars) if c.isalpha()]
        if len(letters) < 3:
            break
        i = rng.choice(letters[1:-1])
        op = rng.randrange(4)
        if op == 0:
            chars[i] = rng.choice(string.ascii_lowercase)
        elif op == 1:
            del chars[i]
        elif op == 2:
            chars.insert(i, rng.choice(string.ascii_lowercase))
        elif chars[i + 1].isalpha():
            chars[i], chars[i + 1] = chars[i + 1], chars[i]
    return "".join(chars)


def title_variant(rng: random.Random, title: str) -> str:
    choice = rng.randrange(6)
    if choice == 0:
        return title.upper()
    if choice == 1:
        return " ".join(w if w.isupper() else w.capitalize() for w in title.split())
    if choice == 2:
        return title + "."
    if choice == 3:
        return title.replace(": ", " - ").replace("-", " ")
    if choice == 4:
        return title.lower()
    return title.replace(",", "").replace(":", ".")


def render(rng: random.Random, work: Work, *, copy: bool) -> dict[str, str]:
    """One record of ``work``; a copy (``copy=True``) carries several of the variants databases introduce."""
    title = work.title
    authors_style = rng.choice(AUTHOR_STYLES)
    journal_style = rng.choice(["full", "full", "abbrev", "abbrev"])
    pages_style = rng.choice(["full", "full", "short"])
    doi = work.doi
    year, volume, number = str(work.year), str(work.volume), str(work.number)
    abstract = work.abstract
    authors = work.authors
    if copy:
        journal_style = rng.choice(["full", "abbrev", "abbrev_dots", "upper", "no_article"])
        pages_style = rng.choice(["full", "short", "dash"])
        changes = rng.sample(range(10), k=rng.randint(1, 4))
        language_tag = ""
        for change in changes:
            if change == 0 and doi:
                doi = rng.choice(["", f"https://doi.org/{doi}", doi.upper(), f"doi:{doi}", f"http://dx.doi.org/{doi}"])
            elif change == 1 and len(title) > 20:
                title = typo(rng, title, rng.randint(1, 2))
            elif change == 2:
                title = title_variant(rng, title)
            elif change == 3 and work.language:
                language_tag = LANGUAGE_TAGS[work.language]
            elif change == 4:
                year = ""
            elif change == 5:
                volume = ""
            elif change == 6:
                number = ""
            elif change == 7:
                abstract = "" if rng.random() < 0.7 else abstract[: len(abstract) // 2]
            elif change == 8 and len(authors) > 3:
                authors = authors[:3] if rng.random() < 0.5 else authors[:-1]
            elif change == 9:
                pages_style = "missing"
        if language_tag:  # last, so that case changes leave the tag as databases write it
            title = f"{title.rstrip('.')}. {language_tag}"
    elif work.language and rng.random() < 0.3:
        title = f"[{title}]"  # MEDLINE puts translated titles of non-English articles in brackets
    pages = "" if pages_style == "missing" else format_pages(work.first_page, work.last_page, pages_style)
    return {
        "title": title, "year": year, "author": format_authors(authors, authors_style), "pages": pages,
        "volume": volume, "number": number, "journal": format_journal(work.journal, journal_style), "doi": doi,
        "abstract": abstract,
    }


def generate(n: int, seed: int = DEFAULT_SEED) -> tuple[list[dict[str, str]], list[list[str]]]:
    """``n`` records (with ``ID``) and the true clusters of two or more ids."""
    rng = random.Random(seed)
    seen_titles: set[str] = set()
    groups: list[list[dict[str, str]]] = []
    total = 0
    serial = 0

    def fresh_work() -> Work:
        nonlocal serial
        while True:
            serial += 1
            work = new_work(rng, serial)
            key = work.title.lower()
            if key not in seen_titles:
                seen_titles.add(key)
                return work

    def emit(work: Work) -> None:
        nonlocal total
        copies = 0
        if rng.random() < DUPLICATE_SHARE / (1 - DUPLICATE_SHARE) / 1.3:
            copies = rng.choices([1, 2, 3], weights=[75, 20, 5])[0]
        copies = min(copies, n - total - 1)
        group = [render(rng, work, copy=False)] + [render(rng, work, copy=True) for _ in range(copies)]
        groups.append(group)
        total += len(group)

    while total < n:
        work = fresh_work()
        if total + 2 <= n and rng.random() < HARD_NON_DUPLICATE_SHARE:
            serial += 1
            other = hard_non_duplicate(rng, work, serial, seen_titles)
            emit(work)
            if total < n:
                emit(other)
        else:
            emit(work)

    order = [(g, i) for g, group in enumerate(groups) for i in range(len(group))]
    rng.shuffle(order)
    records: list[dict[str, str]] = []
    ids_by_group: dict[int, list[str]] = {}
    for position, (g, i) in enumerate(order, start=1):
        record_id = f"id_{position:07d}"
        records.append({"ID": record_id, **groups[g][i]})
        ids_by_group.setdefault(g, []).append(record_id)
    clusters = sorted(sorted(ids) for ids in ids_by_group.values() if len(ids) > 1)
    return records, clusters


def write(out_dir: Path, n: int, seed: int = DEFAULT_SEED) -> Path:
    """Generate and write both files into ``out_dir``; returns ``out_dir``."""
    records, clusters = generate(n, seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    tmp = out_dir / "records_pre_merged.csv.part"
    with tmp.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, quoting=csv.QUOTE_MINIMAL)
        writer.writeheader()
        writer.writerows(records)
    with (out_dir / "merged_record_ids.csv").open("w", encoding="utf-8", newline="") as handle:
        handle.write("merged_ids\n")
        handle.writelines(f"\"{';'.join(ids)}\"\n" for ids in clusters)
    tmp.replace(out_dir / "records_pre_merged.csv")  # last, so a complete pair of files marks a finished set
    return out_dir


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="number of records")
    parser.add_argument("--out", type=Path, required=True, help="folder for the two CSV files")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args()
    write(args.out, args.n, args.seed)
    print(f"wrote {args.n} records to {args.out}")


if __name__ == "__main__":
    main()

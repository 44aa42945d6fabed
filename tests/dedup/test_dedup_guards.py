"""Guards against the false merges seen on labelled searches outside ../shared (issue 11): supplement DOIs,
supplement numbers in the volume field, URL-encoded DOIs, recurring columns, numbered series, and the title and
author forms that defeated normalisation. Small hand-made records mirroring each real pattern."""

from __future__ import annotations

from reviewflow.dedup.author_forms import surnames
from reviewflow.dedup.run import deduplicate
from reviewflow.dedup.source_forms import volume_number
from reviewflow.dedup.title_forms import normalise_title, title_halves
from reviewflow.normalize import normalise_doi
from tests.dedup.test_dedup_algorithm import CONFIG, clusters, records

SUPPLEMENT = {"year": "2018", "journal": "BMC Proceedings", "volume": "12", "number": "Suppl 3",
              "doi": "10.1186/s12919-018-0999-9"}


def rules(result) -> dict[tuple[str, str], str]:
    return {(r.record_id_a, r.record_id_b): r.rule for r in result.pairs.itertuples()}


def test_a_supplement_doi_shared_by_different_abstracts_merges_nothing() -> None:
    """Meeting abstracts of one supplement carry the supplement's DOI; titles agree at about 0.5 and authors and
    pages disagree: different works. The same abstract from two databases still merges."""
    rows = [
        SUPPLEMENT | {"ID": "qol", "title": "Quality of life in patients with primary ciliary dyskinesia: a "
                      "systematic review", "author": "Behan, L. and Rubbo, B. and Lucas, J. S.", "pages": "S12"},
        SUPPLEMENT | {"ID": "qol_again", "title": "Quality of life in patients with primary ciliary dyskinesia: "
                      "A systematic review.", "author": "Behan L and Rubbo B and Lucas JS", "pages": "S12"},
        SUPPLEMENT | {"ID": "bioinf", "title": "Development of a bioinformatics analysis method for diagnosis of "
                      "primary ciliary dyskinesia", "author": "Server, E. A. and Pinto, C.", "pages": "S40"},
    ]
    result = deduplicate(records(rows), CONFIG)
    assert clusters(result) == {frozenset({"qol", "qol_again"})}
    found = rules(result)
    assert found[("bioinf", "qol")] == found[("bioinf", "qol_again")] == "shared_doi_different_items"
    assert found[("qol", "qol_again")] == "doi"


def test_a_shared_doi_with_some_agreement_and_more_against_goes_to_review() -> None:
    """Same DOI and the same page string, but titles and first authors differ: a person decides."""
    base = {"year": "2020", "journal": "Med J Aust", "volume": "213", "number": "S11", "pages": "S3-S32.e1",
            "doi": "10.5694/mja2.50881"}
    rows = [base | {"ID": "whole", "title": "Beyond the black stump: rapid reviews of health research issues "
                    "affecting regional, rural and remote Australia", "author": "Osborne, S. R. and Piper, D."},
            base | {"ID": "part", "title": "Retail initiatives to improve the healthiness of food environments in "
                    "rural, regional and remote communities", "author": "Alston, L. and Bolton, K."}]
    result = deduplicate(records(rows), CONFIG)
    assert clusters(result) == set()
    assert rules(result)[("part", "whole")] == "shared_doi_disputed"
    assert set(result.review["rule"]) == {"shared_doi_disputed"}


def test_a_retitled_record_with_the_same_doi_and_authors_still_merges() -> None:
    """A translated title (German and English) with the same DOI, authors and volume is one article."""
    base = {"author": "Gruesser, S. M. and Poppelreuter, S. and Heinz, A.", "year": "2007", "journal": "Nervenarzt",
            "volume": "78", "number": "9", "doi": "10.1007/s00115-007-2281-5"}
    rows = [base | {"ID": "wos", "title": "Behavioural addiction", "pages": "997-+"},
            base | {"ID": "pubmed", "title": "[Behavioural addiction : an independent diagnostic category?].",
                    "pages": "997-1002"}]
    assert clusters(deduplicate(records(rows), CONFIG)) == {frozenset({"wos", "pubmed"})}


def test_supplement_number_in_the_volume_field_does_not_split_one_abstract() -> None:
    """One export puts the supplement number in the volume ("1)", "1" with S-pages, "Suppl 1"), the other
    says volume 56, issue "SUPPL. 1"."""
    base = {"title": "Cryoneurolysis of the infrapatellar branch of the saphenous nerve for anterior knee pain",
            "author": "Smith, J. and Jones, C.", "year": "2017", "journal": "Regional Anesthesia and Pain Medicine"}
    rows = [base | {"ID": "full", "volume": "56", "number": "SUPPL. 1", "pages": "S120"},
            base | {"ID": "cut", "volume": "1)", "pages": "S120"},
            base | {"ID": "bare", "volume": "1", "pages": "S120"},
            base | {"ID": "suppl", "volume": "Suppl 1", "pages": "S120"}]
    assert clusters(deduplicate(records(rows), CONFIG)) == {frozenset({"full", "cut", "bare", "suppl"})}
    assert volume_number("98 Suppl 1") == "98" and volume_number("Suppl 1") == volume_number("1)") == ""
    assert volume_number("Vol. 56") == "56"


def test_a_year_in_the_volume_field_is_not_a_different_volume() -> None:
    base = {"title": "Grey literature is a necessary facet in a critical approach to gambling research",
            "author": "Baxter, D. G. and Nicoll, F.", "year": "2020", "journal": "GL-Conference Series",
            "pages": "125-134"}
    rows = [base | {"ID": "year_volume", "volume": "2020-November"}, base | {"ID": "numbered", "volume": "21"}]
    assert clusters(deduplicate(records(rows), CONFIG)) == {frozenset({"year_volume", "numbered"})}


def test_url_encoded_doi_is_the_same_doi() -> None:
    assert normalise_doi("https://doi.org/10.1016/S0140-6736%2820%2930183-5") == "10.1016/s0140-6736(20)30183-5"
    rows = [{**{"title": "Clinical features of patients infected with 2019 novel coronavirus in Wuhan, China",
                "author": "Huang, C. and Wang, Y.", "year": "2020", "journal": "Lancet", "volume": "395",
                "pages": "497-506"}, "ID": x, "doi": doi}
            for x, doi in (("plain", "10.1016/S0140-6736(20)30183-5"),
                           ("encoded", "10.1016/S0140-6736%2820%2930183-5"))]
    result = deduplicate(records(rows), CONFIG)
    assert clusters(result) == {frozenset({"plain", "encoded"})} and rules(result)[("encoded", "plain")] == "doi"


def test_a_recurring_column_in_two_issues_of_one_volume_is_not_merged() -> None:
    base = {"title": "Editor's Comments", "author": "Straub, D. W.", "year": "2009", "journal": "MIS Quarterly",
            "volume": "33", "pages": ""}
    rows = [base | {"ID": "issue1", "number": "1"}, base | {"ID": "issue2", "number": "2"},
            {**base, "ID": "editorial_a", "title": "Editorial", "volume": "", "year": "2010"},
            {**base, "ID": "editorial_b", "title": "Editorial", "volume": "", "year": "2011"}]
    result = deduplicate(records(rows), CONFIG)
    assert clusters(result) == set()
    found = rules(result)
    assert found[("issue1", "issue2")] == "different_issue"
    assert found[("editorial_a", "editorial_b")] == "column_title"


def test_numbered_series_are_different_works() -> None:
    base = {"author": "Smith, J. and Jones, C.", "year": "2015", "journal": "Pain Medicine", "volume": "", "pages": ""}
    rows = [base | {"ID": "t1", "title": "Cryoneurolysis for knee osteoarthritis: randomised controlled trial 1"},
            base | {"ID": "t2", "title": "Cryoneurolysis for knee osteoarthritis: randomised controlled trial 2"},
            base | {"ID": "p1", "title": "Cryoanalgesia in chronic pain management. Part I: mechanisms"},
            base | {"ID": "p2", "title": "Cryoanalgesia in chronic pain management. Part II: mechanisms"},
            base | {"ID": "n1", "title": "Seven-year study of cryoneurolysis among 10 000 women in Costa Rica"},
            base | {"ID": "n2", "title": "Seven-year study of cryoneurolysis among 10000 women in Costa Rica"}]
    result = deduplicate(records(rows), CONFIG)
    assert clusters(result) == {frozenset({"n1", "n2"})}
    found = rules(result)
    assert found[("t1", "t2")] == found[("p1", "p2")] == "numbered_series"


def test_title_and_author_forms_that_defeated_normalisation() -> None:
    assert surnames("Adeli K.Lewis G. F.") == ["adeli", "lewis"]
    assert surnames("Lewis G. F.; Smith JA") == ["lewis", "smith"]
    english = "effect of cryoanalgesia on pain after thoracotomy"
    assert normalise_title("[Effect of cryoanalgesia on pain after thoracotomy] TO: Wirkung der Kryoanalgesie "
                           "auf den Schmerz") == english
    assert normalise_title('"Effect of cryoanalgesia on pain after thoracotomy"') == english
    assert normalise_title("]. Effect of cryoanalgesia on pain after thoracotomy") == english
    assert normalise_title("\u201cEffect of cryoanalgesia on pain after thoracotomy\u201d.") == english
    halves = title_halves("International Entrepreneurship and the Impacts of Catastrophes on the Tourism Sector / "
                          "Empreendedorismo Internacional e os Impactos de Catastrofes no Setor do Turismo")
    assert halves[0] == "international entrepreneurship and the impacts of catastrophes on the tourism sector"
    assert title_halves("HIV / AIDS in Africa") == ("", "")


def test_a_title_in_two_languages_matches_either_half() -> None:
    base = {"author": "Correia, A. M. S. S. and Pereira, Y. V.", "year": "2021", "journal": "Rosa dos Ventos",
            "volume": "13", "pages": "1-19", "doi": ""}
    rows = [base | {"ID": "both", "title": "International Entrepreneurship and the Impacts of Catastrophes on the "
                    "Tourism Sector / Empreendedorismo Internacional e os Impactos de Catastrofes no Setor do "
                    "Turismo"},
            base | {"ID": "english", "title": "International entrepreneurship and the impacts of catastrophes on "
                    "the tourism sector"}]
    result = deduplicate(records(rows), CONFIG)
    assert clusters(result) == {frozenset({"both", "english"})}
    assert rules(result)[("both", "english")] == "title_source"


def test_run_together_authors_still_match() -> None:
    base = {"title": "Intestinal lipoprotein overproduction in insulin resistant states", "year": "2008",
            "journal": "Current Opinion in Lipidology", "volume": "", "pages": ""}
    rows = [base | {"ID": "joined", "author": "Adeli K.Lewis G. F."},
            base | {"ID": "split", "author": "Adeli, K. and Lewis, G. F."}]
    result = deduplicate(records(rows), CONFIG)
    pair = result.pairs.iloc[0]
    assert pair["authors_similarity"] == 1.0 and clusters(result) == {frozenset({"joined", "split"})}

"""Seeded mutation fuzzing of the import on real exports (../shared): damaged input gives a clear error or the
right records, never a traceback, a phantom or lost record, garbled text, or a silent repair.

One fixture per reader (two for RIS and for tables), every mutation group of ``tests/importing/mutations.py``; large
fixtures are cut to their first records to keep the file fast. ``benchmarks/mutate_exports.py`` runs the same
mutations over twenty exports and prints the totals.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import shared_fixture
from tests.importing.mutation_runner import describe, judge, load_original, run_import
from tests.importing.mutations import MUTATIONS, Original, group_cases

SEED = 1729
# (reader, fixture under ../shared/fixtures/exports, records kept)
FUZZED: list[tuple[str, str, int | None]] = [
    ("medline", "mjwestgate+synthesisr/tests/testthat/testdata/PubMed_example.txt", None),
    ("pubmed_xml", "biopython+biopython/Tests/Entrez/pubmed2.xml", None),
    ("endnote_xml", "camaradesuk+ASySD/tests/testthat/mendeley_export.xml", 8),
    ("ris", "asreview+asreview/tests/demo_data/embase.ris", None),
    ("ris", "asreview+citation-file-formatting/Datasets/RIS/_baseline_citavi.ris", 8),
    ("wos_tagged", "zotero+translators/test-case-inputs/Web_of_Science_Tagged__import0.txt", None),
    ("ovid", "zotero+translators/test-case-inputs/OVID_Tagged__import3.txt", None),
    ("bibtex", "mjwestgate+synthesisr/tests/testthat/testdata/Scopus_bib_example.bib", None),
    ("delimited", "asreview+citation-file-formatting/Datasets/CSV/_baseline_pubmed.csv", None),
    ("delimited", "asreview+citation-file-formatting/Datasets/TSV/_baseline_refworks.tsv", 8),
]
_ORIGINALS: dict[str, Original] = {}


def _original(relative: str, keep: int | None, work: Path) -> Original:
    if relative not in _ORIGINALS:
        source = shared_fixture(relative)
        _ORIGINALS[relative] = load_original(relative, source.read_bytes(), work, keep)
    return _ORIGINALS[relative]


@pytest.mark.parametrize("group", list(MUTATIONS))
@pytest.mark.parametrize(("reader", "relative", "keep"), FUZZED, ids=[f"{r}-{p.rsplit('/', 1)[-1]}"
                                                                      for r, p, _ in FUZZED])
def test_mutated_export_imports_cleanly_or_fails_clearly(
    reader: str, relative: str, keep: int | None, group: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    work = tmp_path_factory.mktemp("fuzz")
    original = _original(relative, keep, work)
    assert original.fmt == reader
    cases = group_cases(original, group, SEED, truncations_per_file=4)
    failures = []
    for index, case in enumerate(cases):
        path = work / f"case{index}{Path(relative).suffix}"
        outcome = run_import(case.data, path)
        problems = judge(case, outcome, original, path)
        if problems:
            failures.append(describe(case, outcome, problems))
    assert not failures, f"{relative}:\n" + "\n".join(failures)


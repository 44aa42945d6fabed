"""Figures: files per format, byte-identical re-renders, PRISMA arithmetic checks, no overlapping layout."""

from __future__ import annotations

import copy
from itertools import combinations
from pathlib import Path
from typing import Any

import pytest
from matplotlib.patches import FancyArrowPatch
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from reviewflow.report.figures import (
    draw_design_breakdown,
    draw_prisma_flow,
    draw_reproduction_comparison,
    save_figure,
)
from reviewflow.report.figures.prisma_flow import DEFAULT_LABELS, build_prisma_figure
from reviewflow.report.figures.save import new_figure

FORMATS = ("png", "pdf", "svg")


def small_prisma() -> dict[str, Any]:
    """The example of docs/DATA_CONTRACTS.md, made to balance."""
    return {
        "identification": {
            "databases": [
                {"id": "pubmed", "label": "PubMed", "records": 120},
                {"id": "embase", "label": "Embase", "records": 41},
            ],
            "total": 161,
        },
        "removed_before_screening": {
            "duplicates": 10,
            "automation": 20,
            "other": 0,
            "automation_reasons": [
                {"reason": "outside_dates", "label": "Published outside the date range", "count": 17},
                {"reason": "non_english", "label": "Not in English", "count": 3},
            ],
        },
        "screened": 131,
        "excluded_title_abstract": 70,
        "sought_for_retrieval": 61,
        "not_retrieved": 0,
        "assessed_full_text": 61,
        "excluded_full_text": [
            {"reason": "intraoperative", "label": "Cryoneurolysis during surgery", "count": 14},
            {"reason": "no_outcome", "label": "No pain outcome", "count": 12},
        ],
        "excluded_full_text_total": 26,
        "included": 35,
    }


def big_prisma() -> dict[str, Any]:
    """Nine full-text exclusion reasons (some with long labels), four databases, thousands of records."""
    reasons = [
        (
            "intraoperative",
            "Cryoneurolysis performed intraoperatively during thoracic or orthopaedic surgery",
            12,
        ),
        ("no_outcome", "No pain outcome reported", 9),
        ("case_report", "Single case report", 7),
        ("review", "Narrative review or editorial without original data", 5),
        ("animal", "Animal or cadaver study", 4),
        ("duplicate_cohort", "Duplicate publication of an included cohort", 3),
        ("language", "Full text not in English", 2),
        ("protocol", "Trial protocol without results", 2),
        ("other", "Other", 1),
    ]
    excluded = sum(n for _, _, n in reasons)
    return {
        "identification": {
            "databases": [
                {"id": "pubmed", "label": "PubMed", "records": 1200},
                {"id": "embase", "label": "Embase", "records": 950},
                {
                    "id": "central",
                    "label": "Cochrane Central Register of Controlled Trials (CENTRAL)",
                    "records": 310,
                },
                {"id": "wos", "label": "Web of Science Core Collection", "records": 240},
            ],
            "total": 2700,
        },
        "removed_before_screening": {
            "duplicates": 900,
            "automation": 150,
            "other": 10,
            "automation_reasons": [
                {"reason": "outside_dates", "label": "Published outside the search date range", "count": 120},
                {"reason": "non_english", "label": "Not in English", "count": 30},
            ],
        },
        "screened": 1640,
        "excluded_title_abstract": 1520,
        "sought_for_retrieval": 120,
        "not_retrieved": 4,
        "assessed_full_text": 116,
        "excluded_full_text": [{"reason": r, "label": label, "count": n} for r, label, n in reasons],
        "excluded_full_text_total": excluded,
        "included": 116 - excluded,
    }


def assert_same_bytes(first: list[Path], second: list[Path]) -> None:
    assert [p.suffix for p in first] == [p.suffix for p in second]
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), f"{a.name} differs between two renders"


def render_twice(draw, tmp_path: Path) -> list[Path]:
    first = draw(tmp_path / "a" / "figure")
    second = draw(tmp_path / "b" / "figure")
    assert [p.name for p in first] == [f"figure.{fmt}" for fmt in FORMATS]
    for path in first:
        assert path.is_file() and path.stat().st_size > 0
    assert_same_bytes(first, second)
    return first


# ------------------------------------------------------------------------------------------------ save_figure


def _simple_figure():
    fig = new_figure(3, 2)
    ax = fig.add_subplot()
    ax.plot([0, 1, 2], [2, 0, 1])
    ax.set_title("deterministic")
    return fig


def test_save_figure_writes_all_formats_deterministically(tmp_path: Path) -> None:
    paths = render_twice(lambda stem: save_figure(_simple_figure(), stem), tmp_path)
    png, pdf, svg = (p.read_bytes() for p in paths)
    assert png.startswith(b"\x89PNG") and b"matplotlib" not in png.lower()
    assert pdf.startswith(b"%PDF") and b"CreationDate" not in pdf and b"Producer" not in pdf
    assert svg.lstrip().startswith(b"<?xml") and b"<dc:date>" not in svg


def test_save_figure_keeps_dotted_stem_and_rejects_unknown_format(tmp_path: Path) -> None:
    assert save_figure(_simple_figure(), tmp_path / "fig.v2", formats=("svg",)) == [tmp_path / "fig.v2.svg"]
    with pytest.raises(ValueError, match="unsupported figure format"):
        save_figure(_simple_figure(), tmp_path / "fig", formats=("jpg",))


def test_png_resolution_is_fixed(tmp_path: Path) -> None:
    (png,) = save_figure(new_figure(3, 2), tmp_path / "fig", formats=("png",))
    data = png.read_bytes()
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (600, 400)  # 3 x 2 inches at 200 dpi


# ----------------------------------------------------------------------------------------------------- PRISMA


def test_prisma_files_written_and_deterministic(tmp_path: Path) -> None:
    render_twice(lambda stem: draw_prisma_flow(small_prisma(), stem), tmp_path)


def test_prisma_many_reasons_and_databases_renders(tmp_path: Path) -> None:
    paths = render_twice(lambda stem: draw_prisma_flow(big_prisma(), stem), tmp_path)
    assert all(p.stat().st_size > 1000 for p in paths)


def _texts(fig) -> list[Text]:
    return [t for t in fig.axes[0].texts if t.get_text()]


def _layout_problems(fig) -> list[str]:
    """Text outside every box, texts overlapping each other, boxes overlapping each other."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    ax = fig.axes[0]
    boxes = [p.get_window_extent(renderer) for p in ax.patches if not isinstance(p, FancyArrowPatch)]
    texts = [(t.get_text(), t.get_window_extent(renderer)) for t in _texts(fig)]
    figure_box = fig.bbox
    problems = []
    for text, bb in texts:
        if not any(_inside(bb, box) for box in boxes):
            problems.append(f"text {text!r} is not inside a box")
        if not _inside(bb, figure_box):
            problems.append(f"text {text!r} leaves the figure")
    for (ta, a), (tb, b) in combinations(texts, 2):
        if _overlap(a, b):
            problems.append(f"texts {ta!r} and {tb!r} overlap")
    for a, b in combinations(boxes, 2):
        if _overlap(a, b):
            problems.append(f"boxes {a.bounds} and {b.bounds} overlap")
    return problems


def _inside(inner: Bbox, outer: Bbox, tol: float = 0.5) -> bool:
    return (
        inner.x0 >= outer.x0 - tol
        and inner.x1 <= outer.x1 + tol
        and inner.y0 >= outer.y0 - tol
        and inner.y1 <= outer.y1 + tol
    )


def _overlap(a: Bbox, b: Bbox, tol: float = 0.5) -> bool:
    return min(a.x1, b.x1) - max(a.x0, b.x0) > tol and min(a.y1, b.y1) - max(a.y0, b.y0) > tol


@pytest.mark.parametrize("make", [small_prisma, big_prisma])
def test_prisma_layout_has_no_overflow_or_overlap(make) -> None:
    assert _layout_problems(build_prisma_figure(make())) == []


def test_prisma_long_labels_wrap_inside_their_box() -> None:
    prisma = big_prisma()
    long = "Wrong population: adults with chronic postsurgical pain after any procedure but knee arthroplasty"
    prisma["excluded_full_text"][0]["label"] = long
    fig = build_prisma_figure(prisma)
    assert _layout_problems(fig) == []
    joined = " ".join(t.get_text() for t in _texts(fig))
    assert "knee arthroplasty (n\u00a0=\u00a012)" in joined
    assert not any(t.get_text() == f"{long} (n\u00a0=\u00a012)" for t in _texts(fig))


def test_prisma_numbers_come_from_the_dict() -> None:
    texts = [t.get_text().replace("\u00a0", " ") for t in _texts(build_prisma_figure(big_prisma()))]
    for expected in [
        "Databases (n = 2,700)",
        "PubMed (n = 1,200)",
        "Duplicate records removed (n = 900)",
        "(n = 1,640)",
        "(n = 1,520)",
        "(n = 4)",
        "(n = 116)",
        "No pain outcome reported (n = 9)",
        "Other (n = 1)",
        "(n = 71)",
    ]:
        assert expected in texts, expected


def test_prisma_template_wording_and_label_override() -> None:
    texts = {t.get_text() for t in _texts(build_prisma_figure(small_prisma()))}
    for key in (
        "header",
        "identified",
        "removed_before_screening",
        "screened",
        "included",
        "phase_screening",
    ):
        assert DEFAULT_LABELS[key] in texts
    custom = {
        t.get_text()
        for t in _texts(build_prisma_figure(small_prisma(), labels={"included": "Eingeschlossen"}))
    }
    assert "Eingeschlossen" in custom and DEFAULT_LABELS["included"] not in custom
    with pytest.raises(ValueError, match="unknown PRISMA label"):
        build_prisma_figure(small_prisma(), labels={"nonsense": "x"})


def test_prisma_registers_are_optional() -> None:
    prisma = small_prisma()
    prisma["identification"]["registers"] = [{"id": "ctgov", "label": "ClinicalTrials.gov", "records": 9}]
    prisma["identification"]["total"] += 9
    prisma["removed_before_screening"]["duplicates"] += 9
    texts = [t.get_text().replace("\u00a0", " ") for t in _texts(build_prisma_figure(prisma))]
    assert "Registers (n = 9)" in texts and "ClinicalTrials.gov (n = 9)" in texts


def _set(d: dict[str, Any], path: str, value: Any) -> None:
    *parents, last = path.split(".")
    for key in parents:
        d = d[int(key)] if isinstance(d, list) else d[key]
    d[last] = value


@pytest.mark.parametrize(
    ("path", "value", "identity"),
    [
        ("identification.databases.0.records", 121, "identification.total = sum(identification.databases"),
        ("removed_before_screening.duplicates", 11, "identification.total = duplicates + automation + other"),
        (
            "removed_before_screening.automation_reasons.0.count",
            16,
            "removed_before_screening.automation = sum(automation_reasons",
        ),
        ("excluded_title_abstract", 71, "screened = excluded_title_abstract + sought_for_retrieval"),
        ("not_retrieved", 1, "sought_for_retrieval = not_retrieved + assessed_full_text"),
        ("included", 34, "assessed_full_text = excluded_full_text_total + included"),
        ("excluded_full_text.1.count", 11, "excluded_full_text_total = sum(excluded_full_text"),
    ],
)
def test_prisma_unbalanced_raises_naming_the_identity(
    tmp_path: Path, path: str, value: Any, identity: str
) -> None:
    prisma = copy.deepcopy(small_prisma())
    _set(prisma, path, value)
    with pytest.raises(ValueError, match="do not balance") as info:
        draw_prisma_flow(prisma, tmp_path / "prisma")
    assert identity in str(info.value)
    assert not list(tmp_path.iterdir()), "nothing may be written for an unbalanced dict"


def test_prisma_reports_every_failing_identity_at_once() -> None:
    prisma = small_prisma()
    prisma["included"] = 30
    prisma["excluded_full_text"][0]["count"] = 1
    with pytest.raises(ValueError) as info:
        build_prisma_figure(prisma)
    message = str(info.value)
    assert "assessed_full_text = excluded_full_text_total + included_reports: 61 != 26 + 30 (= 56)" in message
    assert "excluded_full_text_total = sum(excluded_full_text[].count): 26 != 1 + 12 (= 13)" in message


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("screened", "131", "'screened' must be a non-negative integer"),
        ("not_retrieved", -1, "'not_retrieved' must be a non-negative integer"),
        ("included", True, "'included' must be a non-negative integer"),
    ],
)
def test_prisma_rejects_non_counts(path: str, value: Any, message: str) -> None:
    prisma = small_prisma()
    _set(prisma, path, value)
    with pytest.raises(ValueError, match=message):
        build_prisma_figure(prisma)


def test_prisma_missing_key_is_named() -> None:
    prisma = small_prisma()
    del prisma["removed_before_screening"]["other"]
    with pytest.raises(ValueError, match=r"missing 'removed_before_screening\.other'"):
        build_prisma_figure(prisma)


# ---------------------------------------------------------------------------------------------------- designs

DESIGNS = [
    ("Randomised controlled trial", 8),
    ("Prospective cohort study", 12),
    ("Retrospective cohort or chart review of consecutive patients", 9),
    ("Case series", 5),
    ("Case report", 1),
]


def test_design_breakdown_files_and_determinism(tmp_path: Path) -> None:
    render_twice(
        lambda stem: draw_design_breakdown(DESIGNS, stem, title="Included studies by design"), tmp_path
    )


def test_reproduction_comparison_files_and_determinism(tmp_path: Path) -> None:
    rows = [(label, n, n + (i % 3) - 1) for i, (label, n) in enumerate(DESIGNS)]
    render_twice(
        lambda stem: draw_reproduction_comparison(
            rows, stem, ours_label="This reproduction", published_label="Published review"
        ),
        tmp_path,
    )


def test_design_breakdown_handles_single_and_zero_counts(tmp_path: Path) -> None:
    assert len(draw_design_breakdown([("Case report", 0)], tmp_path / "zero")) == 3


@pytest.mark.parametrize(
    ("counts", "message"),
    [
        ([], "empty"),
        ([("Case series", -1)], "non-negative integer"),
        ([("Case series", 2.5)], "non-negative integer"),
        ([("", 2)], "empty or non-text labels"),
    ],
)
def test_design_breakdown_rejects_bad_input(tmp_path: Path, counts: list, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        draw_design_breakdown(counts, tmp_path / "designs")


def test_reproduction_comparison_rejects_bad_input(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="published"):
        draw_reproduction_comparison(
            [("Case series", 2, -3)], tmp_path / "r", ours_label="a", published_label="b"
        )


def test_figures_do_not_leave_pyplot_figures_open(tmp_path: Path) -> None:
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    draw_prisma_flow(small_prisma(), tmp_path / "p")
    draw_design_breakdown(DESIGNS, tmp_path / "d")
    assert plt.get_fignums() == before

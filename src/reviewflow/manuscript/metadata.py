"""The document's metadata: front matter merged with _quarto.yml, the bibliography and CSL files, and a PDF date
that depends on the inputs only."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reviewflow.errors import InputError
from reviewflow.manuscript.markdown import FRONT_MATTER
from reviewflow.safe_yaml import load_yaml_file, load_yaml_text

# Settings taken from _quarto.yml / ``format: typst:`` that the pandoc Typst template understands.
_TEMPLATE_KEYS = (
    "bibliography", "csl", "lang", "region", "number-sections", "section-numbering", "toc", "toc-depth",
    "papersize", "fontsize", "margin", "mainfont", "columns", "linestretch", "abstract-title",
    "page-numbering",
)


def _source_date_epoch() -> int | None:
    raw = os.environ.get("SOURCE_DATE_EPOCH")
    if raw is None or raw.strip() == "":
        return None
    try:
        return int(raw)
    except ValueError:
        raise InputError(f"SOURCE_DATE_EPOCH must be whole seconds since 1970, got '{raw}'",
                         field="SOURCE_DATE_EPOCH") from None


def _concrete_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def pdf_timestamp(meta: dict) -> tuple[int, bool]:
    """(creation timestamp, whether real): SOURCE_DATE_EPOCH, else the manuscript date, else none at all."""
    epoch = _source_date_epoch()
    if epoch is not None:
        return epoch, True
    day = _concrete_date(meta.get("date"))
    if day is not None:
        return int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp()), True
    return 0, False


def split_front_matter(text: str, file: Path) -> tuple[dict, str]:
    m = FRONT_MATTER.match(text)
    if not m:
        return {}, text
    try:
        meta = load_yaml_text(m.group("yaml") or "", source=file) or {}
    except InputError as error:
        # Lines count from the file's first line, which is the opening "---".
        error.line = error.line + 1 if error.line is not None else None
        error.message = f"front matter: {error.message}"
        raise
    if not isinstance(meta, dict):
        raise InputError("front matter must be a YAML mapping", file=file, line=1)
    return meta, text[m.end():]


def _quarto_settings(manuscript_dir: Path) -> dict:
    """Document settings from _quarto.yml that the fallback honours (top level, then format: typst:)."""
    path = manuscript_dir / "_quarto.yml"
    if not path.exists():
        return {}
    cfg = load_yaml_file(path) or {}
    return _typst_settings(cfg) if isinstance(cfg, dict) else {}


def _typst_settings(cfg: dict) -> dict:
    settings = {k: cfg[k] for k in _TEMPLATE_KEYS if k in cfg}
    fmt = cfg.get("format")
    if isinstance(fmt, dict) and isinstance(fmt.get("typst"), dict):
        settings.update({k: v for k, v in fmt["typst"].items() if k in _TEMPLATE_KEYS})
    return settings


def _author_name(name: Any) -> str:
    if isinstance(name, dict):
        if name.get("literal"):
            return str(name["literal"])
        return " ".join(str(name[k]) for k in ("given", "family") if name.get(k))
    return "" if name is None else str(name)


def _normalise_authors(authors: Any) -> list:
    """Quarto's author forms (string, list, dicts with ``affiliations``) as pandoc's Typst template wants."""
    if authors is None:
        return []
    if not isinstance(authors, list):
        authors = [authors]
    out: list = []
    for author in authors:
        if not isinstance(author, dict):
            out.append(str(author))
            continue
        entry = {"name": _author_name(author.get("name"))}
        affs = author.get("affiliations", author.get("affiliation"))
        if affs is not None:
            affs = affs if isinstance(affs, list) else [affs]
            entry["affiliation"] = "; ".join(
                str(a.get("name", "")) if isinstance(a, dict) else str(a) for a in affs)
        if author.get("email"):
            entry["email"] = str(author["email"])
        out.append(entry)
    return out


def _resolve_paths(value: Any, base: Path, field: str, file: Path) -> list[Path]:
    items = value if isinstance(value, list) else [value]
    paths = []
    for item in items:
        path = Path(str(item))
        path = path if path.is_absolute() else base / path
        if not path.is_file():
            raise InputError(f"{field} file '{item}' not found", file=file, field=field,
                             expected=f"a file at {path}")
        paths.append(path.resolve())
    return paths


@dataclass
class Prepared:
    """Everything pandoc needs apart from the body text."""

    meta: dict
    bibliographies: list[Path]
    csl: Path | None
    timestamp: int
    real_date: bool


def prepare_metadata(meta: dict, manuscript_dir: Path, index: Path, bibliography: Path | None,
                      csl: Path | None) -> Prepared:
    merged = _quarto_settings(manuscript_dir)
    merged.update({k: v for k, v in meta.items() if k != "format"})
    merged.update(_typst_settings(meta) if isinstance(meta.get("format"), dict) else {})
    if "author" in merged or "authors" in merged:
        merged["author"] = _normalise_authors(merged.pop("authors", None) or merged.get("author"))
    if merged.pop("number-sections", False) and "section-numbering" not in merged:
        merged["section-numbering"] = "1.1.1"
    timestamp, real = pdf_timestamp(merged)
    date = merged.get("date")
    if isinstance(date, str) and date.strip().lower() in ("today", "now", "last-modified"):
        # the wall clock would make the PDF differ on every render; only SOURCE_DATE_EPOCH may stand in for it
        epoch = _source_date_epoch()
        if epoch is None:
            merged.pop("date")
        else:
            merged["date"] = dt.datetime.fromtimestamp(epoch, dt.UTC).date().isoformat()
    elif isinstance(date, dt.date):
        merged["date"] = date.isoformat()
    bib_value = merged.pop("bibliography", None)
    csl_value = merged.pop("csl", None)
    if bibliography is not None:
        bibs = _resolve_paths(str(Path(bibliography).absolute()), manuscript_dir, "bibliography", index)
    elif bib_value:
        bibs = _resolve_paths(bib_value, manuscript_dir, "bibliography", index)
    else:
        bibs = []
    if csl is not None:
        csl_path: Path | None = _resolve_paths(str(Path(csl).absolute()), manuscript_dir, "csl", index)[0]
    elif csl_value:
        csl_path = _resolve_paths(csl_value, manuscript_dir, "csl", index)[0]
    else:
        csl_path = None
    return Prepared(merged, bibs, csl_path, timestamp, real)

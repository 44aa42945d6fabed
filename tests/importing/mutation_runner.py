"""Import a mutated export the way ``reviewflow import`` does and judge the outcome against what the mutation
implies (see ``tests/importing/mutations.py``): a clear error or the right records, never a traceback, a phantom or lost
record, garbled text, or a repair made without a word."""

from __future__ import annotations

import logging
import re
import signal
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from reviewflow.errors import InputError
from reviewflow.importing.exports import import_files
from tests.importing.mutations import Case, Expect, Original, Record, excerpt, record_starts

REST = ("year", "journal", "volume", "issue", "pages", "doi", "abstract", "accession", "url")
PROBLEMS = ("traceback", "phantom", "lost", "garbled", "silent", "refused", "vague error", "accepted")


@dataclass
class Outcome:
    records: list[Record] | None = None
    fmt: str = ""
    lines: list[int] = field(default_factory=list)
    error: InputError | None = None
    traceback: str = ""
    warnings: list[str] = field(default_factory=list)


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _deadline(seconds: int) -> Iterator[None]:
    """A case that runs away (an entity expanded a billion times) is stopped and reported as a traceback."""
    def stop(signum: int, frame: object) -> None:
        raise TimeoutError(f"import still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def run_import(data: bytes, path: Path, timeout: int = 30) -> Outcome:
    """Write ``data`` to ``path`` and import it as ``reviewflow import`` would."""
    path.write_bytes(data)
    collect = _Collect()
    logger = logging.getLogger("reviewflow")
    logger.addHandler(collect)
    outcome = Outcome()
    try:
        with _deadline(timeout):
            frame, _ = import_files([path])
        outcome.records = [Record(title=row["title"], authors=row["authors_full"],
                                  rest=tuple(row[c] for c in REST)) for row in frame.to_dict("records")]
        outcome.fmt = str(frame["format"].iloc[0]) if len(frame) else ""
        outcome.lines = [int(v) for v in frame["source_line"]]
    except InputError as exc:
        outcome.error = exc
    except Exception:  # noqa: BLE001 - any other exception is exactly what is being measured
        outcome.traceback = traceback.format_exc()
    finally:
        logger.removeHandler(collect)
    outcome.warnings = [_unplaced(message, path) for message in collect.messages]
    return outcome


def _unplaced(message: str, path: Path) -> str:
    """A warning without the file's name, to compare with the original's warnings."""
    return message.replace(str(path), "<file>")


def _new_warnings(outcome: Outcome, original: Original, exact: bool) -> bool:
    """Whether the import warned about something the clean export did not: the same message at another line or
    record counts as new when ``exact`` (a cut record is another record), not otherwise (a repair must be named)."""
    def key(message: str) -> str:
        return message if exact else re.sub(r"\d+", "#", message)

    before = {key(w) for w in original.warnings}
    return any(key(w) not in before for w in outcome.warnings)


def load_original(name: str, data: bytes, work: Path, max_records: int | None = None) -> Original:
    """Import a clean export (cut to its first ``max_records`` records) to learn its records and their offsets."""
    path = work / "original"
    outcome = run_import(data, path)
    if outcome.records is None:
        raise AssertionError(f"{name}: the clean export does not import: {outcome.error or outcome.traceback}")
    starts = record_starts(data, outcome.fmt, outcome.lines)
    if max_records is not None and len(starts) > max_records:
        data = excerpt(data, outcome.fmt, starts, max_records)
        return load_original(name, data, work)
    if len(starts) != len(outcome.records):
        raise AssertionError(f"{name}: {len(starts)} record starts found for {len(outcome.records)} records")
    return Original(name=name, fmt=outcome.fmt, data=data, records=tuple(outcome.records), starts=starts,
                    warnings=frozenset(outcome.warnings))


def _clean(value: str, noise: tuple[str, ...]) -> str:
    for piece in noise:
        value = value.replace(piece, "")
    return " ".join(value.split())


def _same(got: Record, want: Record, noise: tuple[str, ...], whole: bool = False) -> bool:
    """Title, authors and abstract equal (every field with ``whole``), once the mutation's own noise is removed."""
    abstract = REST.index("abstract")
    pairs = [(got.title, want.title), (got.authors, want.authors), (got.rest[abstract], want.rest[abstract])]
    if whole:
        pairs += list(zip(got.rest, want.rest, strict=True))
    return all(_clean(a, noise) == _clean(b, noise) for a, b in pairs)


def judge(case: Case, outcome: Outcome, original: Original, path: Path) -> list[str]:
    """The problems of one outcome (empty when it is a clear error or a correct import)."""
    if outcome.traceback:
        return ["traceback"]
    expect: Expect = case.expect
    if outcome.error is not None:
        problems = []
        named = outcome.error.file is not None and Path(outcome.error.file).resolve() == path.resolve()
        if not named or (outcome.error.line is None and outcome.error.record is None):
            problems.append("vague error")
        if expect.records is not None and not expect.may_refuse:
            problems.append("refused")
        return problems
    if expect.records is None:
        return ["accepted"]
    got, want = outcome.records or [], list(expect.records)
    warned = _new_warnings(outcome, original, exact=expect.cut)
    problems: list[str] = []
    if expect.cut:
        if len(got) > len(want) + 1:
            problems.append("phantom")
        elif len(got) < len(want):
            problems.append("lost")
        elif len(got) == len(want) + 1 and expect.partial is not None:
            line = outcome.lines[-1]  # a cut record must be named: a warning giving the line it starts on
            named = any(f":{line}:" in w or f"line {line})" in w for w in outcome.warnings)
            if not _same(got[-1], expect.partial, expect.noise, whole=True) and not named:
                problems.append("silent")
        elif len(got) == len(want) and expect.partial_present and not warned:
            problems.append("lost")
        if len(got) == len(want) + 1 and expect.partial is None:
            problems.append("phantom")
        if any(not _same(g, w, expect.noise) for g, w in zip(got, want, strict=False)):
            problems.append("garbled")
        return problems
    if len(got) > len(want):
        problems.append("phantom")
    elif len(got) < len(want):
        problems.append("lost")
    elif any(not _same(g, w, expect.noise) for g, w in zip(got, want, strict=True)):
        problems.append("garbled")
    if expect.must_warn and not warned and not problems:
        problems.append("silent")
    return problems


def describe(case: Case, outcome: Outcome, problems: list[str]) -> str:
    """One paragraph for a failing case: what was done, what came out."""
    if outcome.traceback:
        result = outcome.traceback.strip().splitlines()[-1]
    elif outcome.error is not None:
        result = f"InputError: {outcome.error}"
    else:
        want = "refusal" if case.expect.records is None else len(case.expect.records)
        result = f"{len(outcome.records or [])} records (expected {want}); warnings: {outcome.warnings[:3]}"
    return f"{case.kind}: {', '.join(problems)}: {result}"

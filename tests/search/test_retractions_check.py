"""`reviewflow check-retractions` against a loopback Crossref and OpenAlex: the answers frozen as received with
their provenance, every study with a DOI asked and every study without one listed, throttling and dropped
connections retried, malformed answers refused with nothing written, and the contact address and key never
written, logged or shown."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from reviewflow.cli import main
from reviewflow.errors import InputError
from reviewflow.search.retractions import CheckOptions, check_retractions
from reviewflow.search.snapshot import file_sha256
from tests.search.fake_retractions import (
    CLEAN,
    CONCERN,
    RETRACTED_BY_CROSSREF,
    RETRACTED_BY_OPENALEX,
    UNKNOWN,
    FakeScholarly,
)
from tests.search.loopback import serving

DAY = date(2026, 12, 1)
MAILTO = "reviewer.secret-7f3a@example.org"
KEY = "secret-OPENALEX-key-91c2"
SECRETS = {"REVIEWFLOW_MAILTO": MAILTO, "OPENALEX_API_KEY": KEY}
STUDIES = f"""work_id,study_label,doi,pmid
W6,Unknown 2011,{UNKNOWN},
W1,Retracted 2012,{RETRACTED_BY_CROSSREF.upper()},22700001
W2,Flagged 2013,https://doi.org/{RETRACTED_BY_OPENALEX},
W3,Concern 2004,{CONCERN},
W4,Clean 2013,doi:{CLEAN},
W5,No DOI 2010,,23279331
"""
DOIS = sorted([RETRACTED_BY_CROSSREF, RETRACTED_BY_OPENALEX, CONCERN, CLEAN, UNKNOWN])


@pytest.fixture
def fake() -> Iterator[FakeScholarly]:
    with serving(FakeScholarly()) as state:
        yield state


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "review"
    (root / "results").mkdir(parents=True)
    (root / "results/studies.csv").write_text(STUDIES, encoding="utf-8")
    return root


@pytest.fixture
def sleeps() -> list[float]:
    return []


def options(fake: FakeScholarly, sleeps: list[float], environ: dict[str, str] | None = None) -> CheckOptions:
    return CheckOptions(crossref_url=fake.crossref_url, openalex_url=fake.openalex_url,
                        environ=dict(environ if environ is not None else SECRETS), sleep=sleeps.append)


def _check(project: Path, fake: FakeScholarly, sleeps: list[float], **kwargs: object) -> dict:
    return check_retractions(project, Path("results/studies.csv"), today=DAY, options=options(fake, sleeps),
                             **kwargs)


def _files(project: Path) -> list[str]:
    folder = project / "data/retractions"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_each_doi_is_asked_of_both_services_and_the_answers_are_frozen_as_received(
        project: Path, fake: FakeScholarly, sleeps: list[float], caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    done = _check(project, fake, sleeps)
    assert _files(project) == ["retractions-2026-12-01.json", "retractions-2026-12-01.provenance.json"]
    assert done["snapshot"] == "data/retractions/retractions-2026-12-01.json" and done["dois"] == 5
    assert [s.work_id for s in done["not_checkable"]] == ["W5"]

    asked = [(service, doi) for service, doi, _ in fake.requests]
    assert asked == [(service, doi) for doi in DOIS for service in ("crossref", "openalex")]
    snapshot = project / done["snapshot"]
    provenance = json.loads((project / done["provenance"]).read_text(encoding="utf-8"))
    body = snapshot.read_bytes()
    assert provenance["export"] == {"file": done["snapshot"], "bytes": len(body), "sha256": file_sha256(snapshot)}
    assert provenance["date"] == "2026-12-01" and provenance["reviewflow_version"]
    assert provenance["endpoints"] == {"crossref": fake.crossref_url, "openalex": fake.openalex_url}
    assert provenance["mailto_used"] is True and provenance["api_key_used"] is True

    # the answers, one after another, exactly as received: each byte range is one answer with its own sha256
    answers = provenance["answers"]
    assert [(a["service"], a["doi"]) for a in answers] == asked
    assert sum(a["bytes"] for a in answers) == len(body)
    for answer in answers:
        part = body[answer["offset"]:answer["offset"] + answer["bytes"]]
        assert hashlib.sha256(part).hexdigest() == answer["sha256"]
    statuses = {(a["service"], a["doi"]): a["status"] for a in answers}
    assert statuses[("crossref", UNKNOWN)] == statuses[("openalex", UNKNOWN)] == 404
    assert body.count(b"Resource not found.") == 1  # the 404 is kept: "not found" is a finding

    # every request, with its DOI and sha256; every study, the one without DOI marked not checkable
    assert len(provenance["requests"]) == 10
    assert all(r["doi"] in DOIS and len(r["sha256"]) == 64 and r["status"] in (200, 404)
               for r in provenance["requests"])
    by_id = {s["work_id"]: s for s in provenance["studies"]}
    assert by_id["W5"] == {"work_id": "W5", "study_label": "No DOI 2010", "doi": None, "checkable": False}
    assert by_id["W1"]["doi"] == RETRACTED_BY_CROSSREF and by_id["W2"]["doi"] == RETRACTED_BY_OPENALEX

    # the polite address and the key were sent, and written nowhere
    crossref_params = [params for service, _, params in fake.requests if service == "crossref"]
    openalex_params = [params for service, _, params in fake.requests if service == "openalex"]
    assert all(p == {"mailto": MAILTO} for p in crossref_params)
    assert all(p == {"mailto": MAILTO, "api_key": KEY} for p in openalex_params)
    for secret in (MAILTO, KEY):
        assert secret.encode() not in body
        assert secret not in (project / done["provenance"]).read_text(encoding="utf-8")
        assert secret not in caplog.text


def test_without_secrets_nothing_is_sent_but_the_question(project: Path, fake: FakeScholarly,
                                                          sleeps: list[float]) -> None:
    check_retractions(project, Path("results/studies.csv"), today=DAY, options=options(fake, sleeps, {}))
    assert all(params == {} for _, _, params in fake.requests)
    provenance = json.loads((project / "data/retractions/retractions-2026-12-01.provenance.json").read_text())
    assert provenance["mailto_used"] is False and provenance["api_key_used"] is False


def test_throttling_and_a_dropped_connection_are_retried_without_a_duplicate_answer(
        project: Path, fake: FakeScholarly, sleeps: list[float]) -> None:
    fake.faults = {1: ("429", "7"), 4: ("drop",)}
    done = _check(project, fake, sleeps)
    assert 7.0 in sleeps  # Retry-After honoured
    provenance = json.loads((project / done["provenance"]).read_text(encoding="utf-8"))
    requests = provenance["requests"]
    assert len(requests) == 12 and requests[0]["status"] == 429 and requests[0]["doi"] == DOIS[0]
    assert any(r.get("error") for r in requests) and all("doi" in r for r in requests)
    assert len(provenance["answers"]) == 10  # the answers, once each: retries leave no trace in the snapshot
    assert [(a["service"], a["doi"]) for a in provenance["answers"]] == \
        [(service, doi) for doi in DOIS for service in ("crossref", "openalex")]


def test_malformed_json_stops_with_a_clear_message_and_nothing_written(
        project: Path, fake: FakeScholarly, sleeps: list[float], caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    fake.malformed = {("crossref", CONCERN)}  # its body echoes the query string, secrets included
    with pytest.raises(InputError) as caught:
        _check(project, fake, sleeps)
    message = str(caught.value)
    assert f"crossref, DOI {CONCERN}: the answer is not readable JSON" in message
    assert "nothing was written" in message
    assert MAILTO not in message and KEY not in message and MAILTO not in caplog.text
    assert _files(project) == []  # no snapshot, no provenance, no half-written file


def test_an_answer_that_is_not_the_documented_work_is_refused(project: Path, fake: FakeScholarly,
                                                              sleeps: list[float]) -> None:
    fake.answers[CLEAN] = ("openalex_work.json", "crossref_work_clean.json")  # each service's file swapped
    with pytest.raises(InputError, match="not a Crossref work"):
        _check(project, fake, sleeps)
    assert _files(project) == []


def test_a_check_is_never_replaced(project: Path, fake: FakeScholarly, sleeps: list[float]) -> None:
    _check(project, fake, sleeps)
    before = (project / "data/retractions/retractions-2026-12-01.json").read_bytes()
    with pytest.raises(InputError, match="already holds a retraction check"):
        _check(project, fake, sleeps)
    assert (project / "data/retractions/retractions-2026-12-01.json").read_bytes() == before


def test_the_included_studies_must_be_built_first(tmp_path: Path, fake: FakeScholarly, sleeps: list[float]) -> None:
    with pytest.raises(InputError, match="not built yet"):
        check_retractions(tmp_path, Path("results/studies.csv"), today=DAY, options=options(fake, sleeps))
    assert fake.requests == []


def test_the_command_reads_urls_and_secrets_from_the_environment(
        project: Path, fake: FakeScholarly, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.chdir(project)
    for name, value in {**SECRETS, "REVIEWFLOW_CROSSREF_URL": fake.crossref_url,
                        "REVIEWFLOW_OPENALEX_URL": fake.openalex_url}.items():
        monkeypatch.setenv(name, value)
    assert main(["-v", "check-retractions"]) == 0
    out, err = capsys.readouterr()
    assert "5 DOI(s) of 6 included studies" in out and "not checkable (no DOI): W5 No DOI 2010" in out
    assert MAILTO not in out + err and KEY not in out + err
    assert len(fake.requests) == 10 and len(_files(project)) == 2

    fake.malformed = {("openalex", CLEAN)}
    for name in _files(project):  # so a second run is allowed today
        (project / "data/retractions" / name).unlink()
    assert main(["check-retractions"]) == 1
    out, err = capsys.readouterr()
    assert "reviewflow check-retractions: error:" in err and f"openalex, DOI {CLEAN}" in err
    assert MAILTO not in out + err and KEY not in out + err
    assert _files(project) == []

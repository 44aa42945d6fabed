"""`reviewflow check-retractions`: ask Crossref and OpenAlex, once, whether an included study has since been
retracted, and freeze their answers.

A review can include a study that is retracted, or given an expression of concern, after the search; readers need
to know. Asking is a network step, so, like `reviewflow search`, it is explicit and never part of a build: the
answers are written exactly as received, one after another, to ``data/retractions/retractions-<date>.json`` with a
``.provenance.json`` beside it (every request with its DOI, status and sha256; the byte range of each kept answer),
and the build reads that frozen file only.

For each DOI two questions are asked. Crossref's ``works/<doi>`` carries the work's ``updated-by`` list: the
notices (retraction, expression of concern, correction, ...) that update it, deposited by the publisher with
Crossmark or asserted by the Retraction Watch database, which Crossref took over in 2023 (``source``
``retraction-watch``). That is the route Crossref recommends for "is this DOI retracted?"; the ``updates:<doi>``
filter on ``works`` returns the notices' own records (their ``update-to``), so it can only find notices that are
Crossref records themselves, and it is not used. OpenAlex's ``works/doi:<doi>`` gives
``is_retracted``, OpenAlex's own reading of Retraction Watch. A DOI either service does not know is answered 404;
that answer is kept too ("not found" is a finding). A polite contact address (``REVIEWFLOW_MAILTO``) and an
OpenAlex key (``OPENALEX_API_KEY``) are sent as secret parameters: never logged, written or shown.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from reviewflow import __version__
from reviewflow.errors import InputError
from reviewflow.normalize import normalise_doi
from reviewflow.search.http import PoliteClient
from reviewflow.search.snapshot import SnapshotWriter, provenance_path

CROSSREF_URL = "https://api.crossref.org/"
OPENALEX_URL = "https://api.openalex.org/"
CROSSREF_RATE = 5.0
"""Requests per second to Crossref (its polite pool allows more; a review has tens of studies, not thousands)."""
OPENALEX_RATE = 10.0
SNAPSHOT_FOLDER = Path("data/retractions")
SNAPSHOT_PREFIX = "retractions-"
MAILTO_VARIABLE = "REVIEWFLOW_MAILTO"
OPENALEX_KEY_VARIABLE = "OPENALEX_API_KEY"
CROSSREF_URL_VARIABLE = "REVIEWFLOW_CROSSREF_URL"
OPENALEX_URL_VARIABLE = "REVIEWFLOW_OPENALEX_URL"
SERVICES = ("crossref", "openalex")


@dataclass
class CheckOptions:
    """Where the services answer and how to wait; tests point both URLs at a loopback server and record waits."""

    crossref_url: str | None = None
    openalex_url: str | None = None
    environ: Mapping[str, str] = field(default_factory=lambda: os.environ)
    sleep: Callable[[float], None] | None = None


@dataclass(frozen=True)
class Study:
    """One included study as the check sees it: its id, label and DOI (normalised; empty when it has none)."""

    work_id: str
    label: str
    doi: str


def snapshot_path(root: Path, day: date) -> Path:
    """``data/retractions/retractions-<day>.json`` in the project ``root``."""
    return root / SNAPSHOT_FOLDER / f"{SNAPSHOT_PREFIX}{day.isoformat()}.json"


def read_studies(path: Path) -> list[Study]:
    """The included studies of ``results/studies.csv``, with their DOIs normalised, in work id order."""
    from reviewflow.tables import read_table

    if not path.is_file():
        raise InputError("the included studies are not built yet", file=path,
                         expected="results/studies.csv, written by the build's extraction stage",
                         hint="run `reviewflow build` (or `make review`) first")
    frame = read_table(path, required=["work_id", "study_label", "doi"], columns=["work_id", "study_label", "doi"])
    studies = [Study(str(row.work_id), str(row.study_label or ""), normalise_doi(str(row.doi or "")))
               for row in frame.fillna("").itertuples(index=False)]
    return sorted(studies, key=lambda study: study.work_id)


def _clients(options: CheckOptions, log: list[dict[str, Any]]) -> dict[str, PoliteClient]:
    env = options.environ
    mailto = env.get(MAILTO_VARIABLE, "").strip()
    key = env.get(OPENALEX_KEY_VARIABLE, "").strip()
    extra: dict[str, Any] = {"sleep": options.sleep} if options.sleep else {}
    crossref_secrets = {"mailto": mailto} if mailto else {}
    openalex_secrets = {**crossref_secrets, **({"api_key": key} if key else {})}
    return {
        "crossref": PoliteClient(options.crossref_url or env.get(CROSSREF_URL_VARIABLE) or CROSSREF_URL,
                                 CROSSREF_RATE, secret_params=crossref_secrets, responses=log, **extra),
        "openalex": PoliteClient(options.openalex_url or env.get(OPENALEX_URL_VARIABLE) or OPENALEX_URL,
                                 OPENALEX_RATE, secret_params=openalex_secrets, responses=log, **extra),
    }


def _endpoint(service: str, doi: str) -> str:
    quoted = quote(doi, safe="/")
    return f"works/{quoted}" if service == "crossref" else f"works/doi:{quoted}"


def check_answer(service: str, status: int, body: bytes, doi: str) -> None:
    """Stop unless a 200 answer is the JSON the service documents (a 404 says the DOI is unknown to it)."""
    if status != 200:
        return
    where = f"{service}, DOI {doi}"
    try:
        value = json.loads(body)
    except ValueError as exc:
        excerpt = body[:120].decode("utf-8", "replace")
        raise InputError(f"{where}: the answer is not readable JSON ({exc}); it begins {excerpt!r}",
                         expected="a JSON object", hint="nothing was written; run the check again") from None
    if service == "crossref":
        message = value.get("message") if isinstance(value, dict) else None
        if not isinstance(message, dict) or not isinstance(message.get("updated-by", []), list):
            raise InputError(f"{where}: the answer is not a Crossref work", expected='{"status": "ok", '
                             '"message-type": "work", "message": {..., "updated-by": [...]}}',
                             hint="nothing was written; check REVIEWFLOW_CROSSREF_URL, or run the check again")
    elif not isinstance(value, dict) or not isinstance(value.get("is_retracted"), bool):
        raise InputError(f"{where}: the answer is not an OpenAlex work", expected='a Work object with '
                         '"is_retracted": true or false',
                         hint="nothing was written; check REVIEWFLOW_OPENALEX_URL, or run the check again")


def _utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def check_retractions(root: Path, studies_path: Path, *, today: date | None = None,
                      options: CheckOptions | None = None) -> dict[str, Any]:
    """Ask both services about every included study with a DOI and freeze the answers; returns a summary."""
    options = options or CheckOptions()
    today = today or datetime.now(UTC).date()
    studies = read_studies(root / studies_path)
    export = snapshot_path(root, today)
    relative = export.relative_to(root).as_posix()
    if export.exists() or provenance_path(export).exists():
        raise InputError(f"{relative} already holds a retraction check of {today}", file=relative,
                         expected="one check per day", hint="a frozen check is never replaced; check again "
                                                            "another day")
    dois = sorted({study.doi for study in studies if study.doi})
    log: list[dict[str, Any]] = []
    clients = _clients(options, log)
    started = _utc_now()
    answers: list[dict[str, Any]] = []
    with SnapshotWriter(export) as writer:
        for doi in dois:
            for service in SERVICES:
                client = clients[service]
                endpoint = _endpoint(service, doi)
                first = len(log)
                status, body = client.answer("GET", endpoint, {}, accept=(200, 404))
                for entry in log[first:]:
                    entry.update({"service": service, "doi": doi})
                try:
                    check_answer(service, status, body, doi)
                except InputError as error:  # an answer may echo the request: no secret in the message
                    error.message = client.redact(error.message)
                    raise
                answers.append({"service": service, "doi": doi, "url": client.base_url + endpoint, "status": status,
                                "offset": writer.bytes, "bytes": len(body),
                                "sha256": hashlib.sha256(body).hexdigest()})
                writer.write(body)
        provenance = {
            "reviewflow_version": __version__, "check": "retractions", "date": today.isoformat(),
            "started_utc": started, "finished_utc": _utc_now(),
            "endpoints": {service: clients[service].base_url for service in SERVICES},
            "questions": {"crossref": "works/<doi>: the notices in the work's updated-by list",
                          "openalex": "works/doi:<doi>: is_retracted"},
            "mailto_used": "mailto" in clients["crossref"].secret_params,
            "api_key_used": "api_key" in clients["openalex"].secret_params,
            "studies_file": studies_path.as_posix(),
            "studies": [{"work_id": s.work_id, "study_label": s.label, "doi": s.doi or None,
                         "checkable": bool(s.doi)} for s in studies],
            "answers": answers, "requests": log,
            "export": {"file": relative, "bytes": writer.bytes, "sha256": writer.sha256},
        }
        writer.commit(provenance)
    return {"snapshot": relative, "provenance": provenance_path(export).relative_to(root).as_posix(),
            "studies": len(studies), "dois": len(dois), "not_checkable": [s for s in studies if not s.doi],
            "answers": len(answers)}

"""A loopback server answering like Crossref (``/crossref/works/<doi>``) and OpenAlex
(``/openalex/works/doi:<doi>``) from the response files in ``responses/retractions``.

Each DOI is given the Crossref and the OpenAlex file it answers with (a DOI it does not know gets the services'
404). It can be told to misbehave on a given request number (429 with Retry-After, a connection dropped before
any answer) or to answer one service's question about one DOI with malformed JSON that echoes the query string
(so a test sees that no secret leaks through an error). It listens on 127.0.0.1 only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

from tests.search.loopback import Answer, LoopbackFake, Request

RESPONSES = Path(__file__).resolve().parent / "responses" / "retractions"

RETRACTED_BY_CROSSREF = "10.1021/am300292v"
RETRACTED_BY_OPENALEX = "10.5555/openalex-only"
CONCERN = "10.5555/concern"
CLEAN = "10.5555/clean"
UNKNOWN = "10.5555/unknown"

DEFAULT_ANSWERS = {
    RETRACTED_BY_CROSSREF: ("crossref_work_retracted.json", "openalex_work.json"),
    RETRACTED_BY_OPENALEX: ("crossref_work_clean.json", "openalex_work_retracted.json"),
    CONCERN: ("crossref_work_concern.json", "openalex_work.json"),
    CLEAN: ("crossref_work_clean.json", "openalex_work.json"),
}


@dataclass
class FakeScholarly(LoopbackFake):
    """What each DOI answers; ``requests`` holds (service, DOI, parameters), or ("", path, parameters)."""

    answers: dict[str, tuple[str, str]] = field(default_factory=lambda: dict(DEFAULT_ANSWERS))
    malformed: set[tuple[str, str]] = field(default_factory=set)

    @property
    def crossref_url(self) -> str:
        return self.url + "crossref/"

    @property
    def openalex_url(self) -> str:
        return self.url + "openalex/"

    def record(self, request: Request) -> None:
        service, doi = route(request.path) or ("", request.path)
        self.requests.append((service, doi, request.params))

    def answer(self, request: Request) -> Answer:
        found = route(request.path)
        if found is None:
            return 404, {"Content-Type": "text/plain"}, b"no route"
        service, doi = found
        if (service, doi) in self.malformed:
            query = urlparse(request.target).query
            body = (RESPONSES / "malformed.json").read_text(encoding="utf-8").replace("__DOI__", doi + "?" + query)
            return 200, {"Content-Type": "application/json"}, body.encode("utf-8")
        files = self.answers.get(doi)
        if files is None:
            name = "crossref_not_found.txt" if service == "crossref" else "openalex_not_found.json"
            kind = "text/plain" if service == "crossref" else "application/json"
            return 404, {"Content-Type": kind}, (RESPONSES / name).read_text(encoding="utf-8").replace(
                "__DOI__", doi).encode()
        name = files[0] if service == "crossref" else files[1]
        return 200, {"Content-Type": "application/json"}, (RESPONSES / name).read_text(encoding="utf-8").replace(
            "__DOI__", doi).encode("utf-8")


def route(path: str) -> tuple[str, str] | None:
    """(service, DOI) of a request path, or None for any other path."""
    parts = unquote(path).lstrip("/").split("/", 2)
    if len(parts) == 3 and parts[0] == "crossref" and parts[1] == "works":
        return "crossref", parts[2].lower()
    if len(parts) == 3 and parts[0] == "openalex" and parts[1] == "works" and parts[2].startswith("doi:"):
        return "openalex", parts[2][4:].lower()
    return None


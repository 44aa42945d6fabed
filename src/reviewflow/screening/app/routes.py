"""The pages: the screen (next work, or a chosen one), undo, the searchable list of past decisions, conflicts."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from reviewflow.screening.app.highlight import Highlighter
from reviewflow.screening.app.names import CONSENSUS
from reviewflow.screening.app.session import DECISION_KEYS, Session

pages = Blueprint("screen", __name__)


def _session() -> Session:
    return current_app.config["SESSION"]


def _resolving(session: Session) -> bool:
    return session.is_consensus or request.values.get("mode") == "resolve"


def _screen(work_id: str | None, resolving: bool, expected: float | None = None, method: str = "") -> str:
    session = _session()
    store = session.store_for(resolving)
    current = store.decisions().get(work_id) if work_id else None
    highlighter = Highlighter(session.highlight.get("include", []), session.highlight.get("exclude", []))
    views = session.conflict_views([work_id]) if resolving and work_id else {}
    return render_template(
        "screen.html", s=session, work=session.works.get(work_id) if work_id else None, current=current,
        resolving=resolving, others=views.get(work_id, []), progress=session.progress(), mark=highlighter,
        expected=expected, method=method, decision_keys=DECISION_KEYS, blinded=session.blinded(),
        conflicts=len(session.conflict_ids()) if resolving or not session.blinded() else 0)


@pages.get("/")
def screen() -> str | Response:
    session = _session()
    if session.is_consensus:
        return redirect(url_for("screen.resolve"))
    work_id, expected, method = session.next_work()
    return _screen(work_id, False, expected, method)


@pages.get("/resolve")
def resolve() -> str:
    session = _session()
    if session.blinded():
        return _screen(None, True)
    settled = set(session.consensus.decisions())
    work_id = next((w for w in session.conflict_ids() if w not in settled), None)
    return _screen(work_id, True)


@pages.get("/work/<work_id>")
def work(work_id: str) -> str:
    session = _session()
    if work_id not in session.works:
        abort(404)
    resolving = _resolving(session)
    if resolving and session.blinded():
        abort(403)
    if resolving:
        return _screen(work_id, True)
    _, expected, method = session.next_work()
    return _screen(work_id, False, expected, method)


@pages.post("/decide")
def decide() -> Response:
    session = _session()
    resolving = _resolving(session)
    if resolving and session.blinded():
        abort(403)
    choice = request.form.get("choice", "")
    decision, _, reason = choice.partition(":")
    work_id = request.form.get("work_id", "")
    decision, reason = session.check_choice(work_id, decision, reason)
    note = request.form.get("note", "")
    if resolving and not session.is_consensus:
        note = f"resolved by {session.reviewer}" + (f"; {note}" if note.strip() else "")
    session.store_for(resolving).put(work_id, decision, reason, note)
    return redirect(url_for("screen.resolve") if resolving else url_for("screen.screen"))


@pages.post("/undo")
def undo() -> Response:
    session = _session()
    resolving = _resolving(session)
    if resolving and session.blinded():
        abort(403)
    work_id = session.store_for(resolving).undo()
    if work_id is None:
        return redirect(url_for("screen.resolve") if resolving else url_for("screen.screen"))
    return redirect(url_for("screen.work", work_id=work_id, mode="resolve" if resolving else None))


@pages.get("/decisions")
def decisions() -> str:
    session = _session()
    resolving = _resolving(session)
    if resolving and session.blinded():
        abort(403)
    query = request.args.get("q", "").strip()
    terms = query.lower().split()
    rows = []
    for row in reversed(session.store_for(resolving).rows()):
        work = session.works.get(row["work_id"])
        text = " ".join([work.text() if work else row["work_id"].lower(), row["decision"], row["reason"],
                         row["note"].lower()])
        if all(term in text for term in terms):
            rows.append((row, work))
    return render_template("decisions.html", s=session, rows=rows, query=query, resolving=resolving,
                           progress=session.progress(), blinded=session.blinded())


@pages.get("/conflicts")
def conflicts() -> str:
    session = _session()
    blinded = session.blinded()
    views = {} if blinded else session.conflict_views()
    return render_template("conflicts.html", s=session, views=views, blinded=blinded, progress=session.progress(),
                           consensus=CONSENSUS, resolving=_resolving(session))

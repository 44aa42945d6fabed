"""The Flask app behind ``reviewflow screen``, served by waitress on the loopback address only.

Flask's own server is for development; waitress is a production WSGI server with no dependencies of its own.
Errors become a short page with the problem in one line, never a traceback in the browser or on the console.
"""

from __future__ import annotations

import logging
import webbrowser
from typing import Any

from flask import Flask, render_template
from werkzeug.exceptions import HTTPException

from reviewflow.errors import InputError
from reviewflow.screening.app.routes import pages
from reviewflow.screening.app.security import protect
from reviewflow.screening.app.session import Session

HOST = "127.0.0.1"
log = logging.getLogger(__name__)
_HTTP_MESSAGES = {
    403: "This request was refused: reload the page and try again (the form is older than the running app, or "
         "the blinding keeps this page closed until every reviewer has finished).",
    404: "No such page or work at this stage.",
    421: "This app answers only at its own loopback address (127.0.0.1 and the port it printed).",
}


def create_app(session: Session, port: int = 0) -> Flask:
    """The app for one session; ``port`` is what the Host check accepts (set ``app.config["PORT"]`` later)."""
    app = Flask(__name__, static_folder="static", template_folder="templates")
    app.config.update(SESSION=session, PORT=port, MAX_CONTENT_LENGTH=64 * 1024, TEMPLATES_AUTO_RELOAD=False)
    app.jinja_env.autoescape = True
    app.jinja_env.trim_blocks = app.jinja_env.lstrip_blocks = True
    token = protect(app, lambda: app.config["PORT"])
    app.register_blueprint(pages)

    @app.context_processor
    def _shared() -> dict[str, Any]:
        return {"token": token}

    @app.errorhandler(InputError)
    def _input_error(error: InputError) -> tuple[str, int]:
        log.warning("%s", error)
        return render_template("message.html", s=session, title="Not saved", message=str(error)), 400

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException) -> tuple[str, int]:
        message = _HTTP_MESSAGES.get(error.code or 500, error.description or "")
        return render_template("message.html", s=session, title=error.name, message=message), error.code or 500

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> tuple[str, int]:
        log.error("unexpected %s: %s", type(error).__name__, error)
        message = (f"Something went wrong ({type(error).__name__}: {error}). Your decisions so far are saved in "
                   f"{session.store.path}.")
        return render_template("message.html", s=session, title="Error", message=message), 500

    return app


def serve(session: Session, port: int = 0, open_browser: bool = True) -> None:
    """Serve until Ctrl+C, printing the URL (and opening it unless told not to)."""
    from waitress import create_server

    app = create_app(session, port)
    server = create_server(app, host=HOST, port=port, threads=4, ident="reviewflow")
    app.config["PORT"] = server.effective_port
    url = f"http://{HOST}:{server.effective_port}/"
    print(f"reviewflow screen: {session.stage} as {session.reviewer}, {len(session.pool)} work(s), "
          f"decisions in {session.store.path}", flush=True)
    print(f"reviewflow screen: open {url} (Ctrl+C stops; every decision is already saved)", flush=True)
    if open_browser:
        webbrowser.open(url)
    try:
        server.run()  # waitress returns from here on Ctrl+C
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
    print("reviewflow screen: stopped", flush=True)

"""A local app is still reachable from any web page the reviewer has open; these checks keep those pages out.

DNS rebinding: a hostile page can make its own name resolve to 127.0.0.1, but its requests then carry its own
name in the Host header, so only the loopback address and this port are accepted. Cross-site requests: every
change (POST) must carry this server's random token, which another site's page cannot read.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from flask import Flask, Response, abort, request

SECURITY_HEADERS = {
    # Everything is served by this app: no CDN, no inline script, no external fonts.
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
                               "form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",  # no-referrer would make the browser send Origin: null
    "Cache-Control": "no-store",
}


def protect(app: Flask, port_of: Callable[[], int]) -> str:
    """Install the Host and token checks and the headers; returns the session token for the forms."""
    token = secrets.token_urlsafe(32)

    @app.before_request
    def _check() -> None:
        port = port_of()
        allowed = {f"127.0.0.1:{port}", f"localhost:{port}"}
        if request.host not in allowed:
            abort(421)
        if request.method not in ("GET", "HEAD"):
            origin = request.headers.get("Origin")
            if origin and origin not in {f"http://{host}" for host in allowed}:
                abort(403)
            if not secrets.compare_digest(request.form.get("token", ""), token):
                abort(403)

    @app.after_request
    def _headers(response: Response) -> Response:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    return token

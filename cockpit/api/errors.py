"""The one place that maps errors to HTTP responses: JSON for API/tile/Dash requests, an HTML page for a
browser, a redirect to the login page for a browser that is not signed in.

No response carries a stack trace, SQL or exception text: CockpitError brings its own safe
``user_message``; anything else is logged here with its traceback and answered with a generic message.
"""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from flask import Flask, Response, g, jsonify, redirect, render_template, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException

from cockpit.i18n import lang_of, t
from geodata.errors import CockpitError

log = logging.getLogger(__name__)

# Paths whose callers are programs (fetch, deck.gl, GDAL, scripts): they get JSON, never HTML or redirects.
MACHINE_PREFIXES = ("/api/", "/tiles", "/_dash-", "/_reload-hash", "/ogc", "/healthz", "/workers/", "/fonts/",
                    "/assets/")

HTTP_MESSAGES = {400: "error.bad_request", 403: "error.forbidden", 404: "error.not_found",
                 405: "error.method", 413: "error.too_large", 429: "error.rate_limited"}


def wants_html() -> bool:
    if request.path.startswith(MACHINE_PREFIXES):
        return False
    if not request.accept_mimetypes:  # no Accept header: a page route is for a browser
        return True
    return request.accept_mimetypes.best_match(["text/html", "application/json"]) == "text/html"


def safe_next(value: str | None) -> str:
    """Only a same-site relative path may be a post-login destination (no open redirect)."""
    if not value or not value.startswith("/") or value.startswith(("//", "/\\")) or any(c in value for c in "\r\n\\"):
        return "/"
    return "/" if value.startswith("/login") else value


def login_url(reason: str | None = None) -> str:
    here = request.full_path.rstrip("?") if request.query_string else request.path
    params = {"next": safe_next(here)}
    if reason:
        params["reason"] = reason
    if lang_of(request.args.get("lang")) == "en":
        params["lang"] = "en"
    return f"{request.script_root}/login?{urlencode(params)}"


def respond(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> ResponseReturnValue:
    if status == 401 and request.method in ("GET", "HEAD") and wants_html():
        return redirect(login_url("expired" if g.get("session_expired") else None), 303)
    if wants_html():
        lang = lang_of(request.args.get("lang"))
        body = render_template("error.html", lang=lang, t=t, status=status, message=message)
        response = Response(body, status=status, mimetype="text/html")
    else:
        response = jsonify({"error": code, "message": message})
        response.status_code = status
        if status == 401:
            response.headers["WWW-Authenticate"] = 'Bearer realm="cockpit"'
    response.headers.update(headers or {})
    response.headers["Cache-Control"] = "no-store"
    return response


def register_error_handlers(server: Flask) -> None:
    @server.errorhandler(CockpitError)
    def _cockpit_error(exc: CockpitError) -> ResponseReturnValue:
        if exc.http_status >= 500:
            log.error("%s: %s (%s)", exc.code, exc.user_message, exc.detail)
        retry_after = getattr(exc, "retry_after", None)
        headers = {"Retry-After": str(retry_after)} if retry_after else None
        return respond(exc.http_status, exc.code, exc.user_message, headers)

    @server.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> ResponseReturnValue:
        status = exc.code or 500
        if status < 400:
            return exc  # e.g. a redirect raised by routing
        lang = lang_of(request.args.get("lang"))
        key = HTTP_MESSAGES.get(status)
        message = t(key, lang).format(mb=server.config.get("MAX_CONTENT_LENGTH", 0) // 2**20) if key else exc.name
        return respond(status, exc.name.lower().replace(" ", "_"), message)

    @server.errorhandler(Exception)
    def _unexpected(exc: Exception) -> ResponseReturnValue:
        log.exception("unhandled error on %s %s", request.method, request.path)
        return respond(500, "internal_error", t("error.internal", lang_of(request.args.get("lang"))))

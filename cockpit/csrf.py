"""CSRF tokens for the server-rendered forms (login, logout): the synchroniser-token pattern.

The token is a random value kept in the signed session and repeated in a hidden form field; a POST whose
field does not match is refused. Dash callbacks do not need it: they are JSON POSTs (a cross-site form
cannot send ``application/json`` without a CORS preflight, which this app never grants), the session
cookie is SameSite=Lax, and access.py refuses cookie-authenticated writes from another origin.
"""

from __future__ import annotations

import hmac
import secrets

from flask import request, session

from geodata.errors import ValidationFailed

SESSION_KEY = "csrf"
FIELD = "csrf_token"


class CsrfFailed(ValidationFailed):
    code = "csrf_failed"


def csrf_token() -> str:
    """The session's token, created on first use (the login form is the first page a visitor sees)."""
    token = session.get(SESSION_KEY)
    if not token:
        token = session[SESSION_KEY] = secrets.token_urlsafe(32)
    return str(token)


def check_csrf() -> None:
    expected = session.get(SESSION_KEY)
    sent = request.form.get(FIELD) or request.headers.get("X-CSRF-Token") or ""
    if not expected or not hmac.compare_digest(str(expected), sent):
        raise CsrfFailed("表单已过期，请刷新页面后重试 / the form has expired, reload the page and try again")

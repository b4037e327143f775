"""POST /api/v1/auth/token: a bearer token for machine clients and scripts.

Request ``{"username", "password"[, "totp"][, "scopes": ["feed.ingest", …]]}`` → ``{"access_token",
"token_type": "Bearer", "expires_in"}``. Scopes narrow the token to some of the user's permissions
(feeds get ``feed.ingest`` only); twin.auth checks them against the role and audits the issue. Errors
are JSON: 400 bad request, 401 wrong credentials or missing second factor, 423 locked, 429 rate limit —
mapped by cockpit/api/errors.py.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, jsonify, request
from flask.typing import ResponseReturnValue

from cockpit import auth, ratelimit
from geodata.errors import ValidationFailed
from twin.auth import authenticate, issue_token


def register(server: Flask, limiter: ratelimit.SlidingWindow) -> None:
    @server.post("/api/v1/auth/token", endpoint="auth_token")
    def auth_token() -> ResponseReturnValue:
        body = request.get_json(silent=True)
        username, password, totp, scopes = _parse(body)
        ip = auth.client_ip()
        ratelimit.check(limiter, f"login-ip:{ip or 'unknown'}", f"login-user:{username.lower()}")
        principal = authenticate(username, password, totp_code=totp, client_ip=ip)
        token, expires_in = issue_token(principal, scopes=scopes, client_ip=ip)
        response = jsonify({"access_token": token, "token_type": "Bearer", "expires_in": expires_in})
        response.headers["Cache-Control"] = "no-store"  # RFC 6749 §5.1
        return response


def _parse(body: Any) -> tuple[str, str, str | None, list[str] | None]:
    if not isinstance(body, dict):
        raise ValidationFailed('send a JSON object: {"username": …, "password": …}')
    username, password, totp = body.get("username"), body.get("password"), body.get("totp")
    if not isinstance(username, str) or not isinstance(password, str) or not username or not password:
        raise ValidationFailed("username and password are required strings")
    if totp is not None and not isinstance(totp, str):
        raise ValidationFailed("totp must be a string")
    raw = body.get("scopes")
    if raw is not None and (not isinstance(raw, list) or not all(isinstance(s, str) for s in raw)):
        raise ValidationFailed("scopes must be a list of permission names")
    return username[:128], password[:128], totp, raw  # twin.auth checks the scopes against the role

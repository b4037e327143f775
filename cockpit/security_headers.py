"""Security headers on every response, the session cookie's flags and the request size limit.

Content-Security-Policy: only this origin, no inline script. What Dash 4.4 needs (checked in Chromium
by the e2e suite, which fails on any console error, CSP violations included):

* Dash writes three kinds of inline ``<script>`` into its index page: the config (``type=application/json``,
  data, not script — CSP does not apply), the renderer start-up (``var renderer = new DashRenderer(…)``) and
  one per clientside callback given as a string. These are static for the life of the app, so they are
  allowed by their SHA-256 hashes (``Dash.csp_hashes()``) instead of ``'unsafe-inline'`` or a nonce; a
  hash cannot be reused by injected markup with different content.
* Styles need ``'unsafe-inline'``: Dash's renderer, dcc (4.4) and deckgl-dash insert ``<style>`` elements at
  run time (CSS bundled in their JavaScript; Chromium reports a dozen distinct ones on the map page) and
  offer no nonce hook, and hashes of those would change with every package upgrade. Style attributes
  set by React go through the CSSOM, which CSP does not restrict. Allowing inline CSS lets injected
  markup restyle the page but not run code; script-src stays strict, which is what stops XSS.
* loaders.gl starts its tile-decoding workers from ``/workers/…`` (same origin) and wraps absolute URLs
  in ``blob:`` scripts: ``worker-src 'self' blob:``. Textures and canvases use ``data:``/``blob:`` images.
"""

from __future__ import annotations

from collections.abc import Iterable

from dash import Dash
from flask import Response, g, request

from geodata.settings import Settings

PERMISSIONS_POLICY = "camera=(), microphone=(), payment=(), usb=(), geolocation=(self), fullscreen=(self)"


def content_security_policy(script_hashes: Iterable[str]) -> str:
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'", *script_hashes],
        "style-src": ["'self'", "'unsafe-inline'"],  # see the module docstring
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'", "blob:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


def cookie_secure(settings: Settings) -> bool:
    return settings.cookie_secure if settings.cookie_secure is not None else settings.environment == "production"


def install(app: Dash, settings: Settings) -> None:
    server = app.server
    server.config.update(
        SESSION_COOKIE_NAME="cockpit_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=cookie_secure(settings),
        MAX_CONTENT_LENGTH=settings.max_upload_mb * 2**20,
    )

    @server.after_request
    def _security_headers(response: Response) -> Response:
        headers = response.headers
        headers["Content-Security-Policy"] = content_security_policy(app.csp_hashes())
        headers["X-Content-Type-Options"] = "nosniff"
        headers["Referrer-Policy"] = "same-origin"
        headers["X-Frame-Options"] = "DENY"
        headers["Permissions-Policy"] = PERMISSIONS_POLICY
        headers["Cross-Origin-Opener-Policy"] = "same-origin"
        headers["Cross-Origin-Resource-Policy"] = "same-origin"
        if request.is_secure:
            headers["Strict-Transport-Security"] = "max-age=31536000"
        if g.get("principal") is not None and "Cache-Control" not in headers:
            # a signed-in user's page must not land in a shared cache
            headers["Cache-Control"] = "private, no-cache"
        return response

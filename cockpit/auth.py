"""Who is asking: the Principal of the current request (Flask glue only; the rules live in twin.auth).

A request is authenticated by ``Authorization: Bearer …`` (machine clients) or by the signed session
cookie the login page sets (the browser). The session holds the username, the login time and the time of
the last request; the user's role, jurisdiction and active flag are reloaded from the database on every
request (``load_principal``), so a demotion or deactivation takes effect at once, not at the next login.

Timeouts are checked here, on the server, from the signed values: idle (``session_idle_minutes``) and
absolute (``session_max_hours``). Flask's cookie session is client-side, so a copied cookie would outlive
a logout; logged-out session ids are therefore kept in the database (twin.auth.sessions), where every
process sees them, until they would have expired anyway.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable

from flask import current_app, g, has_request_context, request, session

from geodata import db
from geodata.errors import AuthFailed, Forbidden
from twin.auth import Permission, Principal, load_principal, principal_from_token
from twin.auth.sessions import revoke_session, session_revoked

# session keys (short: the cookie carries them on every request)
USER, LOGIN_AT, SEEN_AT, SID = "u", "t0", "t1", "sid"
# Last-activity is rewritten at most once a minute. Each rewrite changes the cookie, and tiles are cached
# by the browser with "Vary: Cookie" (their content depends on who asks): a cookie that changed on every
# request would defeat that cache and send 200 Set-Cookie headers per map view. The idle limit is
# thereby enforced up to a minute early, never late.
SEEN_GRANULARITY_S = 60
CLOCK_CONFIG = "COCKPIT_CLOCK"  # tests put a fake clock here


def now() -> float:
    clock: Callable[[], float] = current_app.config.get(CLOCK_CONFIG) or time.time
    return clock()


def current_principal() -> Principal | None:
    """The caller of this request (None = anonymous); resolved once per request, also inside callbacks."""
    if not has_request_context() or not g.get("access_checked"):
        # Outside a request, or before access.py's hook has run (Dash building its validation layout in
        # its own earlier hook): nobody. Resolving only after the hook keeps the data scope in step.
        return None
    if "principal" not in g:
        g.principal = _resolve()
        db.set_scope(data_scope(g.principal))
    principal: Principal | None = g.principal
    return principal


def require_principal() -> Principal:
    """The signed-in caller of a route whose access rule already ran; the services check permissions."""
    principal = current_principal()
    if principal is None:
        raise AuthFailed("请先登录 / please sign in")
    return principal


def require(permission: Permission) -> Principal:
    """For callbacks and services called from the web layer: the principal, if it holds ``permission``."""
    principal = current_principal()
    if principal is None:
        raise AuthFailed("请先登录 / please sign in")
    if not principal.can(permission):
        raise Forbidden("没有执行此操作的权限 / you are not allowed to do this")
    return principal


def data_scope(principal: Principal | None) -> str | None:
    """What row-level security lets this request read: nothing, the county, or one township."""
    return None if principal is None else principal.data_scope


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return (token.strip() or None) if scheme.lower() == "bearer" else None


def _resolve() -> Principal | None:
    token = bearer_token()
    if token is not None:
        g.auth_method = "bearer"
        return principal_from_token(token, client_ip=client_ip())  # AuthFailed → 401 for a bad or expired token
    username = session.get(USER)
    if not username:
        return None
    g.auth_method = "session"
    t = now()
    if _expired(t):
        g.session_expired = True
        end_session()
        return None
    principal = load_principal(str(username))
    if principal is None:  # deactivated or deleted since login
        end_session()
        return None
    if t - float(session.get(SEEN_AT, 0)) >= SEEN_GRANULARITY_S:
        session[SEEN_AT] = t
    return principal


def _expired(t: float) -> bool:
    settings = current_app.config["COCKPIT_SETTINGS"]
    login_at, seen_at = float(session.get(LOGIN_AT, 0)), float(session.get(SEEN_AT, 0))
    if (t - seen_at > settings.session_idle_minutes * 60) or (t - login_at > settings.session_max_hours * 3600):
        return True
    return session_revoked(str(session.get(SID, "")))


def start_session(principal: Principal) -> None:
    """A fresh session after a successful login: nothing from before the login survives (no fixation)."""
    session.clear()
    t = now()
    session.update({USER: principal.username, LOGIN_AT: t, SEEN_AT: t, SID: secrets.token_urlsafe(16)})
    session.permanent = False  # a browser-session cookie; the server-side limits above do the timing
    g.principal = principal
    db.set_scope(data_scope(principal))


def end_session() -> None:
    sid = session.get(SID)
    if sid:
        settings = current_app.config["COCKPIT_SETTINGS"]
        revoke_session(str(sid), float(session.get(LOGIN_AT, 0)) + settings.session_max_hours * 3600, now())
    session.clear()
    g.principal = None
    db.set_scope(None)


def client_ip() -> str | None:
    # The direct peer. Behind a reverse proxy, wrap the app in werkzeug's ProxyFix so this is the client.
    return request.remote_addr

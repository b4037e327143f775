"""Signed, expiring bearer tokens for machine clients and scripts.

A token carries the username, its scopes, its expiry and a fingerprint of the password hash: it is
void once it expires, once the password changes (or a demo load resets it), and whenever the user is
deactivated or locked, because every use reloads the user. Nothing about tokens is stored.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from itsdangerous import BadSignature, URLSafeSerializer

from geodata.errors import AuthFailed, ValidationFailed
from geodata.repositories import users as repo
from twin.auth.accounts import principal_of, usable
from twin.auth.audit import audit, record
from twin.auth.keys import server_secret
from twin.auth.roles import Principal, check_scopes

TOKEN_SALT = "cockpit.api-token.v1"  # noqa: S105 - a namespace, not a secret
MIN_TTL_SECONDS = 60
MAX_TTL_SECONDS = 30 * 24 * 3600  # feeds may hold a month-long scoped token
INVALID = "令牌无效或已过期 / the token is invalid or has expired"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(server_secret(), salt=TOKEN_SALT)


def _fingerprint(password_hash: str) -> str:
    return hashlib.sha256(password_hash.encode("utf-8")).hexdigest()[:16]


def issue_token(principal: Principal, scopes: Sequence[str] | None = None, ttl_seconds: int = 3600, *,
                client_ip: str | None = None, now: datetime | None = None) -> tuple[str, int]:
    """(token, expires_in seconds). ``scopes`` must be a subset of the principal's permissions
    (of the role, and of the token's scopes if the principal itself came from a token)."""
    if not MIN_TTL_SECONDS <= ttl_seconds <= MAX_TTL_SECONDS:
        raise ValidationFailed(f"令牌有效期须为 {MIN_TTL_SECONDS}–{MAX_TTL_SECONDS} 秒 / the token lifetime must be "
                               f"{MIN_TTL_SECONDS}-{MAX_TTL_SECONDS} seconds")
    granted = check_scopes(principal.role, scopes)
    if principal.token_scopes is not None:
        granted = check_scopes(principal.role, granted if granted is not None else principal.token_scopes)
        beyond = sorted(set(granted or ()) - set(principal.token_scopes))
        if beyond:
            raise ValidationFailed(f"权限范围超出当前令牌 / scope(s) beyond the current token: {', '.join(beyond)}")
    user = repo.get_user(principal.username)
    if user is None or not usable(user, now or datetime.now(UTC)):
        raise AuthFailed(INVALID)
    issued = int((now or datetime.now(UTC)).timestamp())
    token_id = secrets.token_hex(8)
    payload = {"u": user.username, "s": list(granted) if granted is not None else None,
               "exp": issued + ttl_seconds, "pw": _fingerprint(user.password_hash), "jti": token_id}
    token = _serializer().dumps(payload)
    audit(principal, "token.issue", object_type="app_user", object_id=user.username, client_ip=client_ip,
          detail={"token_id": token_id, "scopes": payload["s"], "expires_in": ttl_seconds})
    return token, ttl_seconds


def principal_from_token(token: str, *, client_ip: str | None = None, now: datetime | None = None) -> Principal:
    """Verify signature and expiry, reload the user, apply the token's scopes. AuthFailed otherwise."""
    try:
        payload: Any = _serializer().loads(token.strip())
    except BadSignature:
        record(None, None, "token.verify", outcome="failed", client_ip=client_ip, detail={"reason": "bad_signature"})
        raise AuthFailed(INVALID) from None
    if not (isinstance(payload, dict) and isinstance(payload.get("u"), str) and isinstance(payload.get("exp"), int)):
        raise AuthFailed(INVALID)
    username = payload["u"]
    moment = now or datetime.now(UTC)
    reason = None
    user = repo.get_user(username)
    if payload["exp"] <= moment.timestamp():
        reason = "expired"
    elif user is None or not usable(user, moment):
        reason = "user_unusable"
    elif payload.get("pw") != _fingerprint(user.password_hash):
        reason = "password_changed"
    if reason is not None or user is None:
        record(username, user.role if user else None, "token.verify", object_type="app_user", object_id=username,
               outcome="failed", client_ip=client_ip, detail={"reason": reason, "token_id": payload.get("jti")})
        raise AuthFailed(INVALID)
    scopes = payload.get("s")
    return principal_of(user, tuple(scopes) if isinstance(scopes, list) else None)

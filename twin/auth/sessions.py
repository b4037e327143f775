"""Browser-session revocation. The session cookie is signed but client-side: a copy of it would outlive a
logout, so logged-out session ids are kept (in the database, so every app process and every restart
sees them) until the session would have reached its absolute limit anyway."""

from __future__ import annotations

from datetime import UTC, datetime

from geodata.repositories import sessions


def revoke_session(sid: str, expires_at_epoch: float, now_epoch: float) -> None:
    if sid:
        sessions.revoke(sid, _utc(expires_at_epoch), _utc(now_epoch))


def session_revoked(sid: str) -> bool:
    return bool(sid) and sessions.is_revoked(sid)


def _utc(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)

"""Signed-out browser sessions, shared by every app process through the database."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import text

from geodata.db import get_engine


def revoke(sid: str, expires_at: datetime, now: datetime) -> None:
    """Remember ``sid`` until it would have expired anyway; forget entries past that point on the way."""
    with get_engine().begin() as conn:
        conn.execute(text("DELETE FROM revoked_session WHERE expires_at < :now"), {"now": now})
        conn.execute(text("""INSERT INTO revoked_session (sid, expires_at) VALUES (:sid, :until)
                             ON CONFLICT (sid) DO NOTHING"""), {"sid": sid, "until": expires_at})


def is_revoked(sid: str) -> bool:
    with get_engine().connect() as conn:
        return conn.execute(text("SELECT 1 FROM revoked_session WHERE sid = :sid"), {"sid": sid}).first() is not None

"""The audit log: append and search. The application never updates or deletes entries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from psycopg.types.json import Jsonb
from sqlalchemy import Connection, text

from geodata.db import get_engine, get_owner_engine


@dataclass(frozen=True)
class AuditEntry:
    action: str
    username: str | None = None
    role: str | None = None
    object_type: str | None = None
    object_id: str | None = None
    outcome: str = "ok"
    client_ip: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)
    at: datetime | None = None  # None = the database's now()


@dataclass(frozen=True)
class AuditFilter:
    username: str | None = None
    action: str | None = None
    outcome: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    limit: int = 200
    offset: int = 0


_INSERT = text("""
    INSERT INTO audit_log (at, username, role, action, object_type, object_id, outcome, client_ip, detail)
    VALUES (coalesce(:at, now()), :username, :role, :action, :object_type, :object_id, :outcome,
            CAST(:client_ip AS inet), :detail)""")


def append(entry: AuditEntry, conn: Connection | None = None) -> None:
    """Write one entry: in ``conn``'s transaction when given (it then commits or rolls back with the
    change it records), otherwise in a transaction of its own."""
    params = {"at": entry.at, "username": entry.username, "role": entry.role, "action": entry.action,
              "object_type": entry.object_type, "object_id": entry.object_id, "outcome": entry.outcome,
              "client_ip": entry.client_ip, "detail": Jsonb(entry.detail)}
    if conn is not None:
        conn.execute(_INSERT, params)
        return
    with get_engine().begin() as own:
        own.execute(_INSERT, params)


def search(f: AuditFilter) -> list[dict[str, Any]]:
    """Newest first. Every filter is optional; absent filters are bound as NULL and ignored."""
    sql = text("""
        SELECT id, at, username, role, action, object_type, object_id, outcome,
               host(client_ip) AS client_ip, detail
        FROM audit_log
        WHERE (CAST(:username AS text) IS NULL OR username = :username)
          AND (CAST(:action AS text) IS NULL OR action = :action)
          AND (CAST(:outcome AS text) IS NULL OR outcome = :outcome)
          AND (CAST(:since AS timestamptz) IS NULL OR at >= :since)
          AND (CAST(:until AS timestamptz) IS NULL OR at < :until)
        ORDER BY at DESC, id DESC
        LIMIT :limit OFFSET :offset""")
    params = {"username": f.username, "action": f.action, "outcome": f.outcome, "since": f.since,
              "until": f.until, "limit": f.limit, "offset": f.offset}
    with get_engine().connect() as conn:
        return [dict(row) for row in conn.execute(sql, params).mappings()]


def count_recent(username: str, action: str, outcome: str, since: datetime) -> int:
    sql = text("""
        SELECT count(*) FROM audit_log
        WHERE username = :username AND action = :action AND outcome = :outcome AND at >= :since""")
    with get_engine().connect() as conn:
        return int(conn.execute(sql, {"username": username, "action": action, "outcome": outcome,
                                      "since": since}).scalar_one())


def prune_before(cutoff: datetime) -> int:
    """Retention: delete entries older than ``cutoff``. Runs as the schema owner — the application role
    may not delete audit entries at all."""
    with get_owner_engine().begin() as conn:
        return int(conn.execute(text("DELETE FROM audit_log WHERE at < :c"), {"c": cutoff}).rowcount)

"""Application users: lookup, creation, lockout counters, second-factor state.

Policy (how many failures, how long a lock lasts) lives in twin.auth; the statements here apply it
atomically so that concurrent attempts cannot slip past the counter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import text

from geodata.db import get_engine

_COLUMNS = """id, username, display_name, password_hash, role, jurisdiction_code, grid_codes,
    totp_secret_enc, totp_last_step, failed_attempts, failure_window_start, locked_until, is_active,
    is_demo, password_changed_at, last_login_at"""


@dataclass(frozen=True)
class UserRecord:
    id: int
    username: str
    display_name: str
    password_hash: str
    role: str
    jurisdiction_code: str | None
    grid_codes: tuple[str, ...]
    totp_secret_enc: bytes | None
    totp_last_step: int | None
    failed_attempts: int
    failure_window_start: datetime | None
    locked_until: datetime | None
    is_active: bool
    is_demo: bool
    password_changed_at: datetime | None
    last_login_at: datetime | None


@dataclass(frozen=True)
class NewUser:
    username: str
    display_name: str
    password_hash: str
    role: str
    jurisdiction_code: str
    grid_codes: tuple[str, ...] = ()
    is_demo: bool = False


@dataclass(frozen=True)
class FailureState:
    attempts: int  # failures in the current window, this one included
    locked_until: datetime | None  # set when this failure locked the account


def get_user(username: str) -> UserRecord | None:
    sql = text(f"SELECT {_COLUMNS} FROM app_user WHERE username = :u")  # noqa: S608 - constant column list
    with get_engine().connect() as conn:
        row = conn.execute(sql, {"u": username}).mappings().first()
    if row is None:
        return None
    values = dict(row)
    values["grid_codes"] = tuple(values["grid_codes"] or ())
    if values["totp_secret_enc"] is not None:
        values["totp_secret_enc"] = bytes(values["totp_secret_enc"])
    return UserRecord(**values)


def insert_user(user: NewUser, now: datetime) -> bool:
    """False when the username is taken (nothing is changed then)."""
    sql = text("""
        INSERT INTO app_user (username, display_name, password_hash, role, jurisdiction_code, grid_codes,
                              failed_attempts, is_active, is_demo, password_changed_at)
        VALUES (:username, :display_name, :password_hash, :role, :jurisdiction_code, :grid_codes,
                0, true, :is_demo, :now)
        ON CONFLICT (username) DO NOTHING
        RETURNING id""")
    with get_engine().begin() as conn:
        return conn.execute(sql, {**_params(user), "now": now}).first() is not None


def upsert_demo_user(user: NewUser, now: datetime) -> str:
    """Create a demo user or reset an existing demo user (password, role, jurisdiction, lock).

    Returns 'created', 'reset', or 'kept' when a non-demo user holds the name (it is left alone).
    """
    sql = text("""
        INSERT INTO app_user (username, display_name, password_hash, role, jurisdiction_code, grid_codes,
                              failed_attempts, is_active, is_demo, password_changed_at)
        VALUES (:username, :display_name, :password_hash, :role, :jurisdiction_code, :grid_codes,
                0, true, true, :now)
        ON CONFLICT (username) DO UPDATE SET
            display_name = EXCLUDED.display_name, password_hash = EXCLUDED.password_hash,
            role = EXCLUDED.role, jurisdiction_code = EXCLUDED.jurisdiction_code,
            grid_codes = EXCLUDED.grid_codes, failed_attempts = 0, failure_window_start = NULL,
            locked_until = NULL, is_active = true, password_changed_at = EXCLUDED.password_changed_at
        WHERE app_user.is_demo
        RETURNING (xmax = 0) AS inserted""")
    with get_engine().begin() as conn:
        row = conn.execute(sql, {**_params(user), "now": now}).first()
    if row is None:
        return "kept"
    return "created" if row.inserted else "reset"


def register_failure(username: str, now: datetime, *, window: timedelta, threshold: int,
                     lock_for: timedelta) -> FailureState | None:
    """Count one failed login; lock the account when ``threshold`` failures fall within ``window``.

    Locking restarts the count, so that after the lock the user has a fresh set of attempts.
    None when there is no such user.
    """
    sql = text("""
        WITH cur AS (
            SELECT id,
                   CASE WHEN failure_window_start IS NULL OR failure_window_start <= :now - :window
                        THEN 1 ELSE failed_attempts + 1 END AS n,
                   CASE WHEN failure_window_start IS NULL OR failure_window_start <= :now - :window
                        THEN :now ELSE failure_window_start END AS started
            FROM app_user WHERE username = :u FOR UPDATE)
        UPDATE app_user a SET
            failed_attempts = CASE WHEN cur.n >= :threshold THEN 0 ELSE cur.n END,
            failure_window_start = CASE WHEN cur.n >= :threshold THEN NULL ELSE cur.started END,
            locked_until = CASE WHEN cur.n >= :threshold THEN :now + :lock_for ELSE a.locked_until END
        FROM cur WHERE a.id = cur.id
        RETURNING cur.n AS attempts, CASE WHEN cur.n >= :threshold THEN a.locked_until END AS locked_until""")
    params = {"u": username, "now": now, "window": window, "threshold": threshold, "lock_for": lock_for}
    with get_engine().begin() as conn:
        row = conn.execute(sql, params).first()
    return None if row is None else FailureState(attempts=row.attempts, locked_until=row.locked_until)


def register_success(username: str, now: datetime, *, new_password_hash: str | None = None) -> None:
    """Reset the failure counter and any expired lock; optionally store a re-hashed password."""
    sql = text("""
        UPDATE app_user SET failed_attempts = 0, failure_window_start = NULL, locked_until = NULL,
               last_login_at = :now, password_hash = coalesce(:hash, password_hash)
        WHERE username = :u""")
    with get_engine().begin() as conn:
        conn.execute(sql, {"u": username, "now": now, "hash": new_password_hash})


def accept_totp_step(username: str, step: int) -> bool:
    """Record ``step`` as used; False if it (or a later one) was used before: no code is accepted twice."""
    sql = text("""
        UPDATE app_user SET totp_last_step = :step
        WHERE username = :u AND (totp_last_step IS NULL OR totp_last_step < :step)
        RETURNING id""")
    with get_engine().begin() as conn:
        return conn.execute(sql, {"u": username, "step": step}).first() is not None


def set_totp_secret(username: str, secret_enc: bytes | None) -> bool:
    sql = text("UPDATE app_user SET totp_secret_enc = :s, totp_last_step = NULL WHERE username = :u RETURNING id")
    with get_engine().begin() as conn:
        return conn.execute(sql, {"u": username, "s": secret_enc}).first() is not None


def demo_usernames() -> list[str]:
    with get_engine().connect() as conn:
        return list(conn.execute(text("SELECT username FROM app_user WHERE is_demo ORDER BY username")).scalars())


def _params(user: NewUser) -> dict[str, object]:
    return {"username": user.username, "display_name": user.display_name, "password_hash": user.password_hash,
            "role": user.role, "jurisdiction_code": user.jurisdiction_code, "grid_codes": list(user.grid_codes),
            "is_demo": user.is_demo}

"""Database-wide facts: reachability, schema revision, what has been loaded."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, OperationalError

from geodata.db import get_engine
from geodata.errors import CockpitError, DatabaseUnavailable
from geodata.migrate import head_revision
from geodata.settings import get_settings


def database_state() -> dict[str, Any]:
    try:
        engine = get_engine()
        with engine.connect() as conn:
            conn.execute(text("SET LOCAL statement_timeout = '3s'"))
            acting_as = conn.execute(text("SELECT current_user")).scalar()
            revision = conn.execute(
                text("SELECT version_num FROM alembic_version")
            ).scalar() if _has_table(conn, "alembic_version") else None
            loaded = None
            if _has_table(conn, "dataset_load"):
                row = conn.execute(
                    text("SELECT kind, seed, scale, loaded_at FROM dataset_load ORDER BY id DESC LIMIT 1")
                ).mappings().first()
                loaded = dict(row) if row else None
    except CockpitError:
        raise
    except (OperationalError, DBAPIError) as exc:
        raise DatabaseUnavailable("the database is unreachable", detail=str(exc)[:300]) from exc
    return {
        "schema": "current" if revision == head_revision() else ("missing" if revision is None else "outdated"),
        "row_level_security": acting_as == get_settings().db_app_role,
        "dataset": None if loaded is None else {
            "kind": loaded["kind"], "seed": loaded["seed"], "scale": loaded["scale"],
            "loaded_at": loaded["loaded_at"].isoformat(),
        },
    }


def _has_table(conn: Any, name: str) -> bool:
    return bool(conn.execute(text("SELECT to_regclass(:n) IS NOT NULL"), {"n": name}).scalar())

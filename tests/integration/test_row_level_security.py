"""PostgreSQL itself refuses cross-township reads: the service layer can be bypassed, RLS cannot."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import ProgrammingError

from geodata import db


@pytest.fixture(scope="module")
def app_engine(demo_database):
    return db.get_engine()


@pytest.fixture(scope="module")
def townships(demo_database) -> tuple[str, str]:
    with demo_database["engine"].connect() as conn:
        codes = [r[0] for r in conn.execute(text(
            "SELECT left(grid_code, 9) t FROM resident GROUP BY t ORDER BY count(*) DESC LIMIT 2"))]
    return codes[0], codes[1]


def count(engine, sql: str, scope: str | None) -> int:
    with db.scoped(scope), engine.connect() as conn:
        return int(conn.execute(text(sql)).scalar_one())


def test_the_app_acts_as_the_restricted_role(app_engine) -> None:
    with db.scoped("county"), app_engine.connect() as conn:
        user, bypass = conn.execute(text(
            "SELECT current_user, rolbypassrls FROM pg_roles WHERE rolname = current_user")).one()
    assert user == "cockpit_app" and bypass is False


@pytest.mark.parametrize("table", ["resident", "house", "building", "standard_address", "grid_event", "incident"])
def test_a_township_scope_sees_only_its_township(app_engine, townships, table: str) -> None:
    own, other = townships
    column = "town_code" if table in ("standard_address", "incident") else "left(grid_code, 9)"
    assert count(app_engine, f"SELECT count(*) FROM {table}", own) > 0  # noqa: S608
    leaked = count(app_engine, f"SELECT count(*) FROM {table} WHERE {column} = '{other}'", own)  # noqa: S608
    assert leaked == 0


def test_no_scope_sees_nothing_and_county_sees_everything(app_engine, demo_database) -> None:
    assert count(app_engine, "SELECT count(*) FROM resident", None) == 0
    with demo_database["engine"].connect() as conn:
        total = conn.execute(text("SELECT count(*) FROM resident")).scalar_one()
    assert count(app_engine, "SELECT count(*) FROM resident", "county") == total > 0


def test_event_logs_follow_their_event(app_engine, townships) -> None:
    own, other = townships
    leaked = count(app_engine, f"""
        SELECT count(*) FROM grid_event_log l JOIN grid_event e ON e.id = l.event_id
        WHERE left(e.grid_code, 9) = '{other}'""", own)  # noqa: S608
    assert leaked == 0
    assert count(app_engine, "SELECT count(*) FROM grid_event_log", own) > 0


def test_writes_outside_the_scope_are_refused(app_engine, townships) -> None:
    own, other = townships
    with db.scoped(own), app_engine.connect() as conn:
        changed = conn.execute(text(
            "UPDATE incident SET title = title WHERE town_code = :o"), {"o": other}).rowcount
        conn.rollback()
    assert changed == 0


def test_the_audit_log_is_append_only_for_the_app(app_engine) -> None:
    with db.scoped("county"), app_engine.connect() as conn:
        conn.execute(text("INSERT INTO audit_log (action, outcome, detail) VALUES ('test', 'ok', '{}')"))
        conn.commit()
        for statement in ("UPDATE audit_log SET outcome = 'x'", "DELETE FROM audit_log", "TRUNCATE audit_log"):
            with pytest.raises(ProgrammingError, match="permission denied"):
                conn.execute(text(statement))
            conn.rollback()

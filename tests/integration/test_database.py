"""Database provisioning and migrations against a real PostgreSQL + PostGIS."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from geodata.db import check_connection, make_engine
from geodata.errors import DatabaseUnavailable, MissingExtension
from geodata.migrate import current_revision, head_revision, upgrade


def test_database_has_utf8_ctype_so_trigrams_see_chinese(scratch_database) -> None:
    engine = make_engine(scratch_database())
    upgrade(engine)
    with engine.connect() as conn:
        trigrams = conn.execute(text("SELECT show_trgm('南明街道')")).scalar()
        ctype = conn.execute(text("SELECT datctype FROM pg_database WHERE datname = current_database()")).scalar()
    engine.dispose()
    assert "utf" in ctype.lower().replace("-", "")
    assert len(trigrams) >= 3


def test_upgrade_is_idempotent(scratch_database) -> None:
    engine = make_engine(scratch_database())
    assert upgrade(engine) == head_revision()
    assert upgrade(engine) == head_revision()
    with engine.connect() as conn:
        gist = conn.execute(text(
            "SELECT count(*) FROM pg_indexes WHERE indexdef LIKE '%USING gist%' AND schemaname='public'")).scalar()
        srids = {r[0] for r in conn.execute(text("SELECT DISTINCT srid FROM geometry_columns"))}
    engine.dispose()
    assert gist >= 20
    assert srids == {4490}


def test_unreachable_server_gives_a_clear_error() -> None:
    engine = make_engine("postgresql+psycopg://nobody@127.0.0.1:9/none")
    with pytest.raises(DatabaseUnavailable, match="cannot connect to the database"):
        check_connection(engine)


def test_missing_postgis_privilege_is_explained_and_changes_nothing(admin_url, scratch_database) -> None:
    role = f"cockpit_plain_{uuid.uuid4().hex[:8]}"
    url = scratch_database()
    dbname = make_url(url).database
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE ROLE "{role}" LOGIN'))
        conn.execute(text(f'ALTER DATABASE "{dbname}" OWNER TO "{role}"'))
    user_url = make_url(url).set(username=role, password=None).render_as_string(hide_password=False)
    engine = make_engine(user_url)
    try:
        with pytest.raises(MissingExtension, match="CREATE EXTENSION postgis"):
            upgrade(engine)
        assert current_revision(engine) is None
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{dbname}" OWNER TO CURRENT_USER'))
            conn.execute(text(f'DROP ROLE "{role}"'))
        admin.dispose()

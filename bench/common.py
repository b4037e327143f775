"""What the benchmarks share: a throwaway demo database, and a user in it."""

from __future__ import annotations

import base64
import os
import secrets
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

PASSWORD = f"Bench-{secrets.token_hex(8)}-Ok1"  # throwaway accounts in a throwaway database


def admin_url() -> str:
    """$COCKPIT_BENCH_ADMIN_URL (a superuser URL), else the embedded cluster."""
    configured = os.environ.get("COCKPIT_BENCH_ADMIN_URL")
    if configured:
        from geodata.db import normalise_url

        return normalise_url(configured)
    from geodata.embedded import ensure_cluster
    from geodata.settings import Settings

    settings = Settings(database_url=None)
    return ensure_cluster(settings.data_dir, settings.embedded_port).url("postgres")


@contextmanager
def scratch_demo(scale: float, **settings_env: str) -> Iterator[dict[str, str]]:
    """A new database with the demo county at ``scale``; yields the environment that points the app at
    it (also set in os.environ); drops it at the end."""
    from sqlalchemy.engine import make_url

    from geodata import db
    from geodata.settings import get_settings

    admin = admin_url()
    name = f"cockpit_bench_{uuid.uuid4().hex[:8]}"
    db.create_database(admin, name)
    try:
        with tempfile.TemporaryDirectory() as data_dir:
            env = {"DATABASE_URL": make_url(admin).set(database=name).render_as_string(hide_password=False),
                   "COCKPIT_DATA_DIR": data_dir, "COCKPIT_DATA_KEY": base64.b64encode(os.urandom(32)).decode(),
                   **settings_env}
            os.environ.update(env)
            get_settings.cache_clear()
            _load(scale)
            yield env
    finally:
        for cached in (db.get_engine, db.get_owner_engine):
            cached().dispose()
        db.drop_database(admin, name)


def _load(scale: float) -> None:
    from geodata.db import get_owner_engine
    from geodata.demo.loader import DemoParams, generate, load
    from geodata.migrate import upgrade
    from geodata.protect import DataProtector, load_key
    from geodata.settings import get_settings

    settings = get_settings()
    engine = get_owner_engine()
    upgrade(engine)
    params = DemoParams(scale=scale, seed=42)
    key = load_key(settings.data_key.get_secret_value() if settings.data_key else None, settings.data_dir, create=True)
    ctx, report = generate(params, settings.data_dir, DataProtector(key))
    load(engine, ctx, report, params)


def add_user(username: str, role: str) -> None:
    from twin.auth import COUNTY_CODE, create_user

    create_user(username, PASSWORD, role, COUNTY_CODE, username)

"""Test-wide wiring: markers from the folder a test lives in; a throwaway demo database."""

from __future__ import annotations

import base64
import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        kind = Path(str(item.fspath)).relative_to(TESTS).parts[0]
        if kind in ("unit", "integration", "e2e"):
            item.add_marker(getattr(pytest.mark, kind))


@pytest.fixture(scope="session")
def admin_url() -> str:
    """A superuser URL on a real PostgreSQL + PostGIS server.

    COCKPIT_TEST_ADMIN_URL points at any server; by default the embedded cluster is used, the same
    one ``python app.py run`` provisions, so a fresh machine needs nothing else.
    """
    configured = os.environ.get("COCKPIT_TEST_ADMIN_URL")
    if configured:
        from geodata.db import normalise_url

        return normalise_url(configured)
    from geodata.embedded import ensure_cluster
    from geodata.settings import Settings

    settings = Settings(database_url=None)
    return ensure_cluster(settings.data_dir, settings.embedded_port).url("postgres")


@pytest.fixture(scope="session")
def scratch_database(admin_url: str) -> Iterator[Callable[..., str]]:
    """Factory for empty UTF-8 databases that are dropped when the session ends."""
    from sqlalchemy.engine import make_url

    from geodata.db import create_database, drop_database

    created: list[str] = []

    def make(prefix: str = "cockpit_test") -> str:
        name = f"{prefix}_{uuid.uuid4().hex[:10]}"
        create_database(admin_url, name)
        created.append(name)
        return make_url(admin_url).set(database=name).render_as_string(hide_password=False)

    yield make
    for name in created:
        drop_database(admin_url, name)


DEMO_SCALE = float(os.environ.get("COCKPIT_TEST_DEMO_SCALE", "0.05"))
DEMO_SEED = 42


@pytest.fixture(scope="session")
def demo_database(scratch_database, tmp_path_factory) -> Iterator[dict]:
    """A migrated database holding the demo county at a small scale; the app's engine points at it."""
    from geodata import db
    from geodata.demo.loader import DemoParams, generate, load
    from geodata.migrate import upgrade
    from geodata.protect import DataProtector

    url = scratch_database("cockpit_demo")
    data_dir = tmp_path_factory.mktemp("data")
    key = os.urandom(32)
    previous = {k: os.environ.get(k) for k in ("DATABASE_URL", "COCKPIT_DATA_DIR", "COCKPIT_DATA_KEY")}
    os.environ["DATABASE_URL"] = url
    os.environ["COCKPIT_DATA_DIR"] = str(data_dir)
    os.environ["COCKPIT_DATA_KEY"] = base64.b64encode(key).decode()
    _clear_caches()
    engine = db.get_owner_engine()  # loads and test-side SQL run as the schema owner (no RLS)
    upgrade(engine)
    params = DemoParams(scale=DEMO_SCALE, seed=DEMO_SEED)
    ctx, report = generate(params, data_dir, DataProtector(key))
    load(engine, ctx, report, params)
    yield {"url": url, "engine": engine, "data_dir": data_dir, "key": key, "report": report, "params": params,
           "ctx": ctx}
    engine.dispose()
    for k, v in previous.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v
    _clear_caches()


def _clear_caches() -> None:
    from geodata import db
    from geodata.settings import get_settings

    get_settings.cache_clear()
    for cached in (db.get_engine, db.get_owner_engine, db._session_factory):
        cached.cache_clear()

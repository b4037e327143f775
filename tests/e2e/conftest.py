"""Fixtures for end-to-end tests. Tests mark themselves with ``pytestmark = pytest.mark.e2e``."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.e2e.browser import BrowserSession, SessionFactory

# -- browser harness ---------------------------------------------------------------------------------


@pytest.fixture
def browser_factory() -> Iterator[SessionFactory]:
    """``browser_factory(base_url, **options)`` → a started BrowserSession, closed at teardown.

    Closing does not assert cleanliness: each test calls ``session.assert_clean()`` where it means it,
    so that a test about failures can inspect them first.
    """
    sessions: list[BrowserSession] = []

    def create(base_url: str, **options: Any) -> BrowserSession:
        session = BrowserSession(base_url, **options)
        session.start()
        sessions.append(session)
        return session

    yield create
    for session in reversed(sessions):
        session.close()


# -- app server (the lead adds an ``app_server`` fixture here) -----------------------------------------


@pytest.fixture(scope="session")
def e2e_database(demo_database, admin_url):
    """A private copy of the demo database (CREATE DATABASE … TEMPLATE is a fast file copy), so that
    browser tests may edit data without touching what the integration tests read."""
    import uuid

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from geodata import db

    demo_database["engine"].dispose()  # a template must have no open connections
    db.get_engine().dispose()
    name = f"cockpit_e2e_{uuid.uuid4().hex[:8]}"
    source = make_url(demo_database["url"]).database
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{source}"'))
    url = make_url(demo_database["url"]).set(database=name).render_as_string(hide_password=False)
    yield {**demo_database, "url": url, "engine": create_engine(url)}
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def app_server(e2e_database):
    """The real app (``python app.py run``) on a free port, against the e2e database."""
    import os
    import sys

    from tests.e2e.browser import ROOT, AppServer, free_port

    port = free_port()
    env = {**os.environ, "DATABASE_URL": e2e_database["url"], "COCKPIT_DATA_DIR": str(e2e_database["data_dir"])}
    _create_e2e_users(env, ROOT, e2e_town(e2e_database))
    server = AppServer([sys.executable, "app.py", "run", "--host", "127.0.0.1", "--port", str(port)], port,
                       env=env, cwd=ROOT, name="cockpit-e2e")
    server.start()
    yield server
    server.stop()


# -- who signs in ---------------------------------------------------------------------------------------------
E2E_PASSWORD = "Wall-Screen-2025!"
E2E_USERS = {  # username → (role, jurisdiction); "TOWN" = the township of e2e_town()
    "e2e-leader": ("leader", "330624"),
    "e2e-auditor": ("auditor", "330624"),
    "e2e-commander": ("commander", "TOWN"),
    "e2e-kiosk": ("kiosk", "330624"),
    "e2e-feed": ("dataadmin", "330624"),
}


def e2e_town(database: dict) -> str:
    """The township of the first resident by id: the e2e commander's jurisdiction."""
    from sqlalchemy import text

    with database["engine"].connect() as conn:
        return str(conn.execute(text("SELECT left(grid_code, 9) FROM resident ORDER BY id LIMIT 1")).scalar_one())


def _create_e2e_users(env: dict[str, str], root, town: str) -> None:
    """Accounts in the e2e database, made the way an operator makes them: ``app.py users create``."""
    import subprocess
    import sys

    for username, (role, where) in E2E_USERS.items():
        jurisdiction = town if where == "TOWN" else where
        subprocess.run(
            [sys.executable, "app.py", "users", "create", "--username", username, "--role", role,
             "--jurisdiction", jurisdiction, "--display-name", f"端到端{role}", "--password-stdin"],
            input=E2E_PASSWORD + "\n", text=True, env=env, cwd=root, check=True, capture_output=True, timeout=120)


@pytest.fixture
def signed_in(app_server, browser_factory) -> Callable[..., BrowserSession]:
    """``signed_in("/map?mode=2d", **browser_options)`` → a browser that signed in through the login form
    (as the county leader unless ``user=`` says otherwise) and landed on that page."""

    def open_page(path: str = "/", *, user: str = "e2e-leader", **options: Any) -> BrowserSession:
        session = browser_factory(app_server.base_url, **options)
        session.sign_in(user, E2E_PASSWORD, next_path=path)
        return session

    return open_page

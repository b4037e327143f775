from __future__ import annotations

import re
from collections.abc import Callable

import pytest

WEB_PASSWORD = "Tea-Bearings-2025"
# role key → (role, jurisdiction); "commander" works in township A (the first by code), see townships()
WEB_ROLES = {
    "kiosk": ("kiosk", None),
    "leader": ("leader", None),
    "planner": ("planner", None),
    "commander": ("commander", "A"),
    "auditor": ("auditor", None),
    "sysadmin": ("sysadmin", None),
    "dataadmin": ("dataadmin", None),
}
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture(scope="session")
def web_app(demo_database):
    """The whole app on the demo database, once per session (Dash's page callbacks can join only one app).

    Rate limits are raised so that the suite's many sign-ins from 127.0.0.1 do not trip them; the
    rate-limit test lowers them on this app's limiters and restores them.
    """
    from cockpit.server import create_app
    from geodata.settings import get_settings

    settings = get_settings().model_copy(update={"login_rate_per_minute": 100_000, "api_rate_per_minute": 100_000})
    return create_app(settings)


@pytest.fixture(scope="session")
def townships(demo_database) -> tuple[str, str]:
    """Townships A and B: two townships with residents and addresses, A first by code."""
    from sqlalchemy import text

    with demo_database["engine"].connect() as conn:
        codes = conn.execute(text("""
            SELECT a.code FROM admin_area a
            WHERE a.level = 'township'
              AND EXISTS (SELECT 1 FROM resident r WHERE left(r.grid_code, 9) = a.code)
              AND EXISTS (SELECT 1 FROM standard_address s WHERE s.town_code = a.code)
            ORDER BY a.code LIMIT 2""")).scalars().all()
    assert len(codes) == 2
    return codes[0], codes[1]


@pytest.fixture(scope="session")
def web_users(demo_database, townships) -> dict[str, str]:
    """One account per role key (``acl-<key>``), created through twin.auth like any other user."""
    from twin.auth import COUNTY_CODE, create_user

    users = {}
    for key, (role, where) in WEB_ROLES.items():
        jurisdiction = townships[0] if where == "A" else COUNTY_CODE
        create_user(f"acl-{key}", WEB_PASSWORD, role, jurisdiction, f"测试{key}")
        users[key] = f"acl-{key}"
    create_user("acl-commander-b", WEB_PASSWORD, "commander", townships[1], "测试commander-b")
    users["commander_b"] = "acl-commander-b"
    return users


def csrf_of(client, path: str = "/login") -> str:
    match = _CSRF.search(client.get(path).get_data(as_text=True))
    assert match, "the login form carries a CSRF token"
    return match.group(1)


def logout_token(client) -> str:
    """The CSRF token of the sign-out form in the page shell (a signed-in user never sees /login)."""
    stack = [client.get("/_dash-layout").get_json()]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            props = node.get("props", {})
            if props.get("name") == "csrf_token":
                return str(props["value"])
            stack.append(props.get("children"))
    raise AssertionError("the navigation carries the sign-out form")


def sign_in(client, username: str, password: str = WEB_PASSWORD, **extra: str):
    """Fill the login form like a browser: fetch it (CSRF token), post it; returns the POST's response."""
    data = {"username": username, "password": password, "csrf_token": csrf_of(client), **extra}
    return client.post("/login", data=data)


@pytest.fixture(scope="session")
def client_as(web_app, web_users) -> Callable[[str], object]:
    """``client_as("leader")`` → a test client signed in with that role (one per role and session)."""
    clients: dict[str, object] = {}

    def make(key: str):
        if key not in clients:
            client = web_app.server.test_client()
            response = sign_in(client, web_users[key])
            assert response.status_code == 303, response.get_data(as_text=True)[:500]
            clients[key] = client
        return clients[key]

    return make


@pytest.fixture(scope="session")
def client(client_as):
    """A Flask test client of the whole app on the demo database, signed in as a county-wide planner."""
    return client_as("planner")


@pytest.fixture
def anonymous(web_app):
    return web_app.server.test_client()

"""The login page, sessions (timeouts, rotation, logout), CSRF, lockout, rate limits and bearer tokens."""

from __future__ import annotations

import re
import uuid

import mercantile
import pyotp
import pytest

from cockpit import auth
from cockpit.server import LIMITERS
from tests.integration.conftest import WEB_PASSWORD, csrf_of, logout_token, sign_in
from twin.auth import Principal, create_user, set_totp

SEAT_TILE = mercantile.tile(120.905, 29.50, 12)
VILLAGES = f"/tiles/villages/{SEAT_TILE.z}/{SEAT_TILE.x}/{SEAT_TILE.y}.mvt"
POPULATION = f"/tiles/population/{SEAT_TILE.z}/{SEAT_TILE.x}/{SEAT_TILE.y}.mvt"


@pytest.fixture
def fresh(web_app):
    return web_app.server.test_client()


@pytest.fixture
def new_user(demo_database) -> str:
    name = f"acl-{uuid.uuid4().hex[:8]}"
    create_user(name, WEB_PASSWORD, "planner", "330624", "临时规划员")
    return name


# -- the form ---------------------------------------------------------------------------------------------
def test_login_form_is_chinese_by_default_and_english_on_request(fresh) -> None:
    zh, en = fresh.get("/login").text, fresh.get("/login?lang=en").text
    assert "用户名" in zh and "密码" in zh and 'lang="zh-CN"' in zh
    assert "Username" in en and "Password" in en and 'lang="en"' in en
    assert 'name="totp"' not in zh  # the second factor is asked for only when the account needs it


def test_login_page_loads_only_local_assets(fresh) -> None:
    page = fresh.get("/login").text
    urls = re.findall(r'(?:href|src|action)="([^"]+)"', page)
    assert urls and all(u.startswith("/") and not u.startswith("//") for u in urls), urls
    assert "<script" not in page
    for url in re.findall(r'<link rel="stylesheet" href="([^"]+)"', page):
        assert fresh.get(url).status_code == 200, url  # public: a signed-out browser can style the form


def test_failed_login_keeps_the_username_not_the_password(fresh, new_user) -> None:
    response = sign_in(fresh, new_user, "Wrong-Password-123")
    assert response.status_code == 401
    assert "用户名或密码错误" in response.text
    assert f'value="{new_user}"' in response.text and "Wrong-Password-123" not in response.text


def test_unknown_user_gets_the_same_message(fresh) -> None:
    response = sign_in(fresh, f"nobody-{uuid.uuid4().hex[:6]}", "Wrong-Password-123")
    assert response.status_code == 401 and "用户名或密码错误" in response.text


def test_login_redirects_to_a_same_site_next_only(fresh, new_user) -> None:
    assert sign_in(fresh, new_user, next="/map?mode=2d").headers["Location"] == "/map?mode=2d"
    for evil in ("//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"):
        client = fresh.application.test_client()
        assert sign_in(client, new_user, next=evil).headers["Location"] == "/", evil


def test_a_user_without_the_overview_lands_on_a_page_they_may_see(fresh, web_users) -> None:
    assert sign_in(fresh, web_users["auditor"]).headers["Location"] == "/audit"


def test_login_escapes_what_it_echoes(fresh) -> None:
    response = sign_in(fresh, "<img src=x onerror=alert(1)>", "Wrong-Password-123")
    assert "<img src=x" not in response.text and "&lt;img src=x" in response.text


def test_second_factor_is_asked_for_when_the_account_has_one(fresh, anonymous) -> None:
    name = f"acl-adm-{uuid.uuid4().hex[:6]}"
    create_user(name, WEB_PASSWORD, "sysadmin", "330624", "临时系统管理员")
    uri = set_totp(name, Principal("acl-root", "sysadmin", "root", "330624"))
    code = pyotp.parse_uri(uri).now()

    first = sign_in(fresh, name)
    assert first.status_code == 401 and 'name="totp"' in first.text and "动态验证码" in first.text
    assert sign_in(fresh, name, totp=code).status_code == 303
    token = anonymous.post("/api/v1/auth/token", json={"username": name, "password": WEB_PASSWORD})
    assert token.status_code == 401 and token.get_json()["error"] == "second_factor_required"


# -- (d) CSRF ----------------------------------------------------------------------------------------------
def test_login_without_the_csrf_token_is_refused(fresh, new_user) -> None:
    fresh.get("/login")
    response = fresh.post("/login", data={"username": new_user, "password": WEB_PASSWORD})
    assert response.status_code == 400
    assert "表单已过期" in response.text
    wrong = fresh.post("/login", data={"username": new_user, "password": WEB_PASSWORD, "csrf_token": "forged"})
    assert wrong.status_code == 400
    assert fresh.get("/_dash-layout").status_code == 401  # not signed in


def test_logout_without_the_csrf_token_is_refused(fresh, new_user) -> None:
    assert sign_in(fresh, new_user).status_code == 303
    assert fresh.post("/logout").status_code == 400
    assert fresh.get("/_dash-layout").status_code == 200  # still signed in


def test_cross_site_callback_posts_are_refused(client) -> None:
    body = {"output": "app-lang.data", "outputs": {"id": "app-lang", "property": "data"},
            "inputs": [{"id": "app-url", "property": "search", "value": ""}], "changedPropIds": []}
    response = client.post("/_dash-update-component", json=body, headers={"Origin": "https://evil.example"})
    assert response.status_code == 403


# -- (e) lockout ---------------------------------------------------------------------------------------------
def test_five_failures_lock_the_account_with_a_clear_message(fresh, new_user) -> None:
    statuses = [sign_in(fresh, new_user, "Wrong-Password-123").status_code for _ in range(4)]
    fifth = sign_in(fresh, new_user, "Wrong-Password-123")
    right = sign_in(fresh, new_user)  # even the right password, while locked

    assert statuses == [401] * 4
    assert fifth.status_code == 423 and "锁定" in fifth.text
    assert right.status_code == 423 and "锁定" in right.text
    token = fresh.post("/api/v1/auth/token", json={"username": new_user, "password": WEB_PASSWORD})
    assert token.status_code == 423 and token.get_json()["error"] == "account_locked"


# -- rate limits ----------------------------------------------------------------------------------------------
@pytest.fixture
def tight_login_limit(web_app):
    limiter = web_app.server.extensions[LIMITERS]["login"]
    limit = limiter.limit
    limiter.reset()
    limiter.limit = 3
    yield
    limiter.limit = limit
    limiter.reset()


def test_login_attempts_are_rate_limited_with_a_clear_message(fresh, new_user, tight_login_limit) -> None:
    statuses = [sign_in(fresh, new_user, "Wrong-Password-123").status_code for _ in range(3)]
    limited = sign_in(fresh, new_user)
    token = fresh.post("/api/v1/auth/token", json={"username": new_user, "password": WEB_PASSWORD})

    assert statuses == [401, 401, 401]
    assert limited.status_code == 429 and "尝试过于频繁" in limited.text and int(limited.headers["Retry-After"]) > 0
    assert f'value="{new_user}"' in limited.text
    assert token.status_code == 429 and token.get_json()["error"] == "rate_limited"


# -- (f) session timeouts, rotation, logout -------------------------------------------------------------------
def test_idle_session_times_out(fresh, new_user) -> None:
    assert sign_in(fresh, new_user).status_code == 303
    assert fresh.get("/_dash-layout").status_code == 200
    with fresh.session_transaction() as session:
        session[auth.SEEN_AT] -= 31 * 60  # last request 31 minutes ago
    page = fresh.get("/map")  # the browser is sent to sign in again, told why
    assert page.status_code == 303 and "reason=expired" in page.headers["Location"]
    assert "会话已超时" in fresh.get(page.headers["Location"]).text
    assert fresh.get("/_dash-layout").status_code == 401


def test_activity_keeps_the_session_alive_until_the_absolute_limit(fresh, new_user, web_app, monkeypatch) -> None:
    clock = [1_000_000.0]
    monkeypatch.setitem(web_app.server.config, auth.CLOCK_CONFIG, lambda: clock[0])
    assert sign_in(fresh, new_user).status_code == 303
    for _ in range(35):  # a request every 20 minutes for 11 h 40 min: never idle
        clock[0] += 20 * 60
        assert fresh.get("/_dash-layout").status_code == 200
    clock[0] += 25 * 60  # 12 h 5 min after login
    assert fresh.get("/_dash-layout").status_code == 401


def test_login_rotates_the_session(fresh, new_user) -> None:
    before = csrf_of(fresh)
    with fresh.session_transaction() as session:
        session["planted"] = "by an attacker"
    assert sign_in(fresh, new_user).status_code == 303
    with fresh.session_transaction() as session:
        assert "planted" not in session and session[auth.USER] == new_user
    assert logout_token(fresh) != before


def test_session_cookie_flags(fresh, new_user) -> None:
    cookie = sign_in(fresh, new_user).headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # tests run on http; COCKPIT_COOKIE_SECURE / production turn it on
    assert "Expires" not in cookie  # a browser-session cookie; the server enforces the time limits


def test_a_copied_cookie_is_dead_after_logout(fresh, new_user, web_app) -> None:
    assert sign_in(fresh, new_user).status_code == 303
    cookie = fresh.get_cookie("cockpit_session").value
    assert fresh.post("/logout", data={"csrf_token": logout_token(fresh)}).status_code == 303
    replay = web_app.server.test_client()
    replay.set_cookie("cockpit_session", cookie)
    assert replay.get("/_dash-layout").status_code == 401


def test_logout_is_kept_in_the_database_for_every_process(fresh, new_user, web_app, demo_database) -> None:
    from sqlalchemy import text

    assert sign_in(fresh, new_user).status_code == 303
    sid = web_app.server.session_interface.get_signing_serializer(web_app.server).loads(
        fresh.get_cookie("cockpit_session").value)[auth.SID]
    fresh.post("/logout", data={"csrf_token": logout_token(fresh)})
    with demo_database["engine"].connect() as conn:
        left = conn.execute(text("SELECT expires_at - now() FROM revoked_session WHERE sid = :s"), {"s": sid}).scalar()
    hours = web_app.server.config["COCKPIT_SETTINGS"].session_max_hours
    assert left is not None and abs(left.total_seconds() - hours * 3600) < 120


def test_logout_is_audited(fresh, new_user, demo_database) -> None:
    from sqlalchemy import text

    assert sign_in(fresh, new_user).status_code == 303
    fresh.post("/logout", data={"csrf_token": logout_token(fresh)})
    with demo_database["engine"].connect() as conn:
        actions = conn.execute(text("SELECT action, outcome FROM audit_log WHERE username = :u ORDER BY id"),
                               {"u": new_user}).all()
    assert ("login", "ok") in actions and ("logout", "ok") in actions


# -- bearer tokens -------------------------------------------------------------------------------------------------
def test_bearer_token_opens_the_api(anonymous, new_user) -> None:
    response = anonymous.post("/api/v1/auth/token", json={"username": new_user, "password": WEB_PASSWORD})
    body = response.get_json()
    assert response.status_code == 200 and body["token_type"] == "Bearer" and body["expires_in"] > 0
    assert response.headers["Cache-Control"] == "no-store"
    tile = anonymous.get(VILLAGES, headers={"Authorization": f"Bearer {body['access_token']}"})
    assert tile.status_code == 200
    assert "Set-Cookie" not in tile.headers  # a token caller gets no session


def test_scoped_token_is_narrower(anonymous, new_user) -> None:
    body = anonymous.post("/api/v1/auth/token", json={"username": new_user, "password": WEB_PASSWORD,
                                                      "scopes": ["map.view"]}).get_json()
    headers = {"Authorization": f"Bearer {body['access_token']}"}
    assert anonymous.get(VILLAGES, headers=headers).status_code == 200
    assert anonymous.get(POPULATION, headers=headers).status_code == 403  # personal.aggregate not in scope


@pytest.mark.parametrize(("body", "status"), [
    (None, 400),
    ({"username": "x"}, 400),
    ({"username": "x", "password": 5}, 400),
    ({"username": "nobody-here", "password": "Wrong-Password-123"}, 401),
])
def test_token_errors_are_json(anonymous, body, status: int) -> None:
    response = anonymous.post("/api/v1/auth/token", json=body) if body is not None else \
        anonymous.post("/api/v1/auth/token", data="not json")
    assert response.status_code == status
    assert response.is_json and response.get_json()["message"]


def test_a_bad_bearer_token_is_401_json(anonymous) -> None:
    response = anonymous.get(VILLAGES, headers={"Authorization": "Bearer forged.token"})
    assert response.status_code == 401 and response.is_json
    assert response.headers["WWW-Authenticate"].startswith("Bearer")

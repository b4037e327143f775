"""Security headers and CSP, error pages without internals, the upload limit, and what the index page holds."""

from __future__ import annotations

import base64
import hashlib
import json
import re

import pytest
from flask import Flask
from sqlalchemy import text

from cockpit.api import errors
from geodata.errors import NotFound

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)([^>]*)>(.*?)</script>", re.DOTALL)
LEAKS = ("Traceback", "File \"", "SELECT", "psycopg", "sqlalchemy", "RuntimeError", "password_hash")


def csp(response) -> dict[str, list[str]]:
    policy = response.headers["Content-Security-Policy"]
    return {d.split()[0]: d.split()[1:] for d in policy.split(";") if d.strip()}


# -- (g) headers --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/login", "/healthz", "/", "/tiles", "/nope/nowhere", "/assets/css/cockpit.css"])
def test_security_headers_on_every_response(client, path: str) -> None:
    response = client.get(path)
    policy = csp(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"][0] == "'self'" and all(s.startswith("'sha256-") for s in policy["script-src"][1:])
    assert policy["style-src"] == ["'self'", "'unsafe-inline'"]  # Dash's components insert <style> elements
    assert policy["worker-src"] == ["'self'", "blob:"] and policy["connect-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"] and policy["object-src"] == ["'none'"]
    assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-inline'" not in policy["default-src"]
    assert "unsafe-eval" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "camera=()" in response.headers["Permissions-Policy"]


def test_every_inline_script_of_the_dash_page_is_allowed_by_its_hash(client) -> None:
    response = client.get("/map")
    allowed = set(csp(response)["script-src"])
    markup = re.sub(r"<!--.*?-->", "", response.text, flags=re.DOTALL)  # Dash's IE-only comment
    scripts = [(attrs, body) for attrs, body in INLINE_SCRIPT.findall(markup) if "application/json" not in attrs]
    assert len(scripts) >= 2  # the renderer start-up and the clientside callbacks
    for _attrs, body in scripts:
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in allowed, body[:120]


def test_signed_in_pages_and_tiles_are_not_for_shared_caches(client) -> None:
    assert client.get("/").headers["Cache-Control"] == "private, no-cache"
    assert client.get("/tiles/villages/12/3424/1700.mvt").headers["Cache-Control"].startswith("private")
    assert client.get("/tiles/terrain/12/3424/1700.png").headers["Cache-Control"].startswith("private")


# -- what the Dash index page carries ---------------------------------------------------------------------------
def test_the_validation_layout_in_the_index_page_carries_no_data(client_as, demo_database) -> None:
    leader = client_as("leader")
    page = leader.get("/map").text
    config = json.loads(re.search(r'<script id="_dash-config" type="application/json">(.*?)</script>', page).group(1))
    validation = json.dumps(config["validation_layout"], ensure_ascii=False)
    with demo_database["engine"].connect() as conn:
        names = conn.execute(text("SELECT name FROM admin_area WHERE level = 'township'")).scalars().all()
    assert "countymap-map-deck" in validation  # ids are there for Dash's checks ...
    assert not [n for n in names if n in validation]  # ... but no data
    assert "csrf" not in validation and "data-code" not in validation


# -- (h) error pages -------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def failing() -> Flask:
    """The app's error handling on a probe app whose views fail the way real code can."""
    probe = Flask("cockpit.server")  # same import name: the same templates folder
    errors.register_error_handlers(probe)

    def boom() -> str:
        raise RuntimeError("SELECT password_hash FROM app_user -- psycopg said no")

    def not_found() -> str:
        raise NotFound("没有这个对象 / no such object")

    probe.add_url_rule("/page", "page", boom)
    probe.add_url_rule("/api/v1/thing", "thing", boom)
    probe.add_url_rule("/api/v1/missing", "missing", not_found)
    return probe


def test_a_crash_gives_a_browser_an_html_page_without_internals(failing) -> None:
    response = failing.test_client().get("/page", headers={"Accept": "text/html"})
    assert response.status_code == 500 and response.mimetype == "text/html"
    assert "服务器内部错误" in response.text
    assert not [leak for leak in LEAKS if leak in response.text]


def test_a_crash_gives_an_api_client_json_without_internals(failing) -> None:
    response = failing.test_client().get("/api/v1/thing", headers={"Accept": "text/html"})
    assert response.status_code == 500 and response.is_json
    assert response.get_json()["error"] == "internal_error"
    assert not [leak for leak in LEAKS if leak in response.text]


def test_cockpit_errors_keep_their_safe_message(failing) -> None:
    response = failing.test_client().get("/api/v1/missing")
    assert response.status_code == 404 and response.get_json()["message"] == "没有这个对象 / no such object"


def test_app_error_pages_in_both_shapes(client) -> None:
    page = client.get("/login/../nope", headers={"Accept": "text/html"})
    assert client.get("/tiles/nosuchlayer/1/1/1.mvt").get_json()["error"] == "not_found"
    broken = client.post("/_dash-update-component", json={"output": "nothing"})
    assert broken.status_code == 400 and broken.is_json and not [k for k in LEAKS if k in broken.text]
    assert page.status_code in (200, 404)  # a page route answers the Dash shell or a 404 page, never a trace
    assert "Traceback" not in page.text


@pytest.mark.parametrize("body", [
    b"{not json", b"[]", b'{"output": 3}', b'{"output": "x.y", "outputs": {"id": "x", "property": "y"}}',
    b'{"output": "app-lang.data", "outputs": {"id": "app-lang", "property": "data"}, "inputs": "x"}',
])
def test_malformed_callback_requests_get_400_with_a_reason(client, body: bytes) -> None:
    response = client.post("/_dash-update-component", data=body, content_type="application/json")
    assert response.status_code == 400 and response.is_json
    assert "callback" in response.get_json()["message"] and not [k for k in LEAKS if k in response.text]


def test_english_error_page(failing) -> None:
    response = failing.test_client().get("/page?lang=en", headers={"Accept": "text/html"})
    assert "Internal error" in response.text


# -- upload limit ----------------------------------------------------------------------------------------------
def test_request_bodies_over_the_limit_get_413(client, web_app, monkeypatch) -> None:
    assert web_app.server.config["MAX_CONTENT_LENGTH"] == 50 * 2**20
    monkeypatch.setitem(web_app.server.config, "MAX_CONTENT_LENGTH", 1024)
    response = client.post("/api/v1/auth/token", data=b"x" * 4096, content_type="application/json")
    assert response.status_code == 413 and response.is_json

"""Web-layer security pieces that need no database: rate windows, redirects, CSP, layout stripping, callbacks."""

from __future__ import annotations

import pytest
from dash import dcc, html

from cockpit import dash_guard, ratelimit
from cockpit.api import access
from cockpit.api.errors import safe_next
from cockpit.security_headers import content_security_policy
from geodata.errors import Forbidden
from twin.auth import Permission, Principal


def test_sliding_window_allows_the_limit_then_says_how_long_to_wait() -> None:
    now = [100.0]
    window = ratelimit.SlidingWindow(3, 60, clock=lambda: now[0])
    assert [window.hit("ip") for _ in range(3)] == [0, 0, 0]
    assert window.hit("ip") == 60
    assert window.hit("other") == 0  # keys are counted separately
    now[0] += 60.5
    assert window.hit("ip") == 0


def test_check_counts_every_key_and_raises_with_retry_after() -> None:
    window = ratelimit.SlidingWindow(1, 60)
    ratelimit.check(window, "ip:1", "user:a")
    with pytest.raises(ratelimit.RateLimited) as caught:
        ratelimit.check(window, "ip:2", "user:a")  # another IP, the same username
    assert caught.value.http_status == 429 and caught.value.retry_after > 0


@pytest.mark.parametrize(("value", "expected"), [
    ("/map?mode=2d", "/map?mode=2d"), ("/", "/"), (None, "/"), ("", "/"),
    ("//evil.example", "/"), ("/\\evil.example", "/"), ("https://evil.example/", "/"), ("map", "/"),
    ("/login?next=/x", "/"), ("/x\r\nSet-Cookie: a=b", "/"), ("javascript:alert(1)", "/"),
])
def test_safe_next(value: str | None, expected: str) -> None:
    assert safe_next(value) == expected


def test_csp_allows_only_this_origin_and_the_given_hashes() -> None:
    policy = content_security_policy(["'sha256-abc='"])
    assert "script-src 'self' 'sha256-abc='" in policy
    assert "unsafe-eval" not in policy and "*" not in policy and "http" not in policy
    assert "style-src 'self' 'unsafe-inline'" in policy  # the only relaxation (Dash inserts <style> elements)
    assert "frame-ancestors 'none'" in policy and "worker-src 'self' blob:" in policy


def test_skeleton_keeps_types_and_ids_only() -> None:
    tree = html.Div([
        html.H2("羽林街道", id="x-name", className="title"),
        dcc.Input(type="hidden", name="csrf_token", value="secret-token", id="x-csrf"),
        dcc.Store(id="x-store", data={"residents": 123}),
    ], id="x-root", style={"color": "red"})
    setattr(tree.children[0], "data-code", "330624001")
    stripped = str(dash_guard.skeleton(tree).to_plotly_json())
    assert "x-root" in stripped and "x-name" in stripped and "x-csrf" in stripped and "x-store" in stripped
    for secret in ("羽林街道", "secret-token", "residents", "330624001", "red", "title"):
        assert secret not in stripped


def test_callback_ids_are_read_from_plain_multi_and_pattern_outputs() -> None:
    spec = [{"id": "a-x", "property": "children"},
            [{"id": {"type": "b-row", "index": 1}, "property": "value"}],
            {"id": "c-y", "property": "data"}]
    assert set(dash_guard._ids(spec)) == {"a-x", "b-row", "c-y"}


def test_callback_errors_become_a_notice_without_internals(monkeypatch) -> None:
    shown: list[dict] = []
    monkeypatch.setattr(dash_guard.dash, "set_props", lambda cid, props: shown.append({"id": cid, **props}))
    dash_guard.on_callback_error(RuntimeError("SELECT password_hash FROM app_user"))
    dash_guard.on_callback_error(Forbidden("没有访问权限 / you are not allowed to see this"))
    assert shown[0]["id"] == dash_guard.NOTICE_ID and "SELECT" not in shown[0]["children"]
    assert shown[1]["children"] == "没有访问权限 / you are not allowed to see this"


def test_rules_describe_themselves() -> None:
    rule = access.requires(Permission.MAP_VIEW, note="personal layers need more")
    kiosk = Principal("k", "kiosk", "kiosk", "330624")
    assert rule.describe() == "requires(map.view) + personal layers need more"
    assert rule.allows(kiosk)
    assert not access.requires(Permission.AUDIT_READ).allows(kiosk)
    with pytest.raises(ValueError, match="already"):
        registry = access.AccessRules()
        registry.declare("x", access.PUBLIC)
        registry.declare("x", access.AUTHENTICATED)

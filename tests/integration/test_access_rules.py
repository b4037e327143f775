"""Access rules on every route: the enumeration, the role matrix, callbacks, and tile jurisdiction."""

from __future__ import annotations

import json

import dash
import mapbox_vector_tile
import mercantile
import pytest
from flask import Flask
from sqlalchemy import text

from cockpit import dash_guard, ratelimit
from cockpit.api import access, errors
from tests.integration.conftest import WEB_PASSWORD, WEB_ROLES, csrf_of, logout_token, sign_in
from twin.auth import ROLE_PERMISSIONS, Permission
from twin.tiles import catalogue

SEAT = (120.905, 29.50)
ROLES = ("anonymous", "kiosk", "leader", "commander", "auditor", "sysadmin")
MAP_ROLES = {"kiosk", "leader", "commander"}  # the roles holding map.view
PERSONAL_ROLES = {"leader", "commander"}  # map.view plus personal.aggregate or personal.masked


def assert_every_endpoint_has_a_rule(server: Flask) -> None:
    missing = access.rules_of(server).undeclared(server)
    assert not missing, f"endpoints without an access rule (add them to cockpit/api/access.py): {missing}"


# -- (a) route enumeration ----------------------------------------------------------------------------
def test_every_route_has_an_access_rule(web_app) -> None:
    assert_every_endpoint_has_a_rule(web_app.server)
    assert len(list(web_app.server.url_map.iter_rules())) >= 20  # the real app, not an empty map


def test_a_route_without_a_rule_fails_the_enumeration_and_is_refused() -> None:
    probe = Flask("probe")
    errors.register_error_handlers(probe)
    access.install(probe, {"static": access.AUTHENTICATED}, ratelimit.SlidingWindow(100))
    probe.add_url_rule("/dummy", "dummy", lambda: "secret data")

    with pytest.raises(AssertionError, match="dummy"):
        assert_every_endpoint_has_a_rule(probe)
    response = probe.test_client().get("/dummy", headers={"Accept": "application/json"})
    assert response.status_code == 403
    assert b"secret data" not in response.data


def test_every_page_names_its_prefix_and_permission(web_app) -> None:
    for page in dash.page_registry.values():
        assert dash_guard.page_prefix(page)
        assert dash_guard.page_permission(page)


def test_every_server_callback_belongs_to_a_page_or_the_shell(client_as) -> None:
    prefixes = tuple(f"{dash_guard.page_prefix(p)}-" for p in dash.page_registry.values())
    for callback in server_callbacks(client_as("leader")):
        for cid in ids_of(callback):
            assert cid.startswith(prefixes + dash_guard.SHELL_PREFIXES), (cid, callback["output"])


# -- (b) the matrix ---------------------------------------------------------------------------------------
def signed(client_as, anonymous, role: str):
    return anonymous if role == "anonymous" else client_as(role)


def expected(role: str, allowed: set[str], *, anonymous: int = 401, ok: int = 200) -> int:
    if role == "anonymous":
        return anonymous
    return ok if role in allowed else 403


SIGNED_IN = set(ROLES) - {"anonymous"}
TILE = mercantile.tile(*SEAT, 14)
ROUTES = {
    # kind: (method, path, who may, status for anonymous)
    "page /": ("GET", "/", SIGNED_IN, 303),
    "page /map": ("GET", "/map?mode=2d", SIGNED_IN, 303),
    "dash layout": ("GET", "/_dash-layout", SIGNED_IN, 401),
    "dash dependencies": ("GET", "/_dash-dependencies", SIGNED_IN, 401),
    "tile index": ("GET", "/tiles", MAP_ROLES, 401),
    "terrain tile": ("GET", "/tiles/terrain/12/{x}/{y}.png", MAP_ROLES, 401),
    "basemap tile": ("GET", "/tiles/basemap/dark/12/{x}/{y}.png", MAP_ROLES, 401),
    "healthz": ("GET", "/healthz", set(ROLES), 200),
    **{f"tiles {s.id}": ("GET", f"/tiles/{s.id}/{TILE.z}/{TILE.x}/{TILE.y}.mvt",
                         PERSONAL_ROLES if s.personal else MAP_ROLES, 401) for s in catalogue()},
    **{f"tilejson {s.id}": ("GET", f"/tiles/{s.id}.json", PERSONAL_ROLES if s.personal else MAP_ROLES, 401)
       for s in catalogue()},
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("kind", list(ROUTES))
def test_route_matrix(client_as, anonymous, kind: str, role: str) -> None:
    method, path, allowed, anon_status = ROUTES[kind]
    seat12 = mercantile.tile(*SEAT, 12)
    response = signed(client_as, anonymous, role).open(path.format(x=seat12.x, y=seat12.y), method=method)
    assert response.status_code == expected(role, allowed, anonymous=anon_status), response.get_data(as_text=True)[:300]
    if role == "anonymous" and anon_status == 303:
        assert response.headers["Location"].startswith("/login?next=%2F")


@pytest.mark.parametrize("role", ROLES)
def test_token_endpoint_matrix(anonymous, web_users, role: str) -> None:
    body = {} if role == "anonymous" else {"username": web_users[role], "password": WEB_PASSWORD}
    response = anonymous.post("/api/v1/auth/token", json=body)
    assert response.status_code == (400 if role == "anonymous" else 200)
    if role != "anonymous":
        assert response.get_json()["token_type"] == "Bearer"


@pytest.mark.parametrize("role", ROLES)
def test_login_page_matrix(client_as, anonymous, role: str) -> None:
    response = signed(client_as, anonymous, role).get("/login?next=/map")
    assert response.status_code == (200 if role == "anonymous" else 303)
    if role != "anonymous":
        assert response.headers["Location"] == "/map"


@pytest.mark.parametrize("role", ROLES)
def test_logout_matrix(web_app, web_users, role: str) -> None:
    client = web_app.server.test_client()  # its own client: the shared ones stay signed in
    if role != "anonymous":
        assert sign_in(client, web_users[role]).status_code == 303
    token = csrf_of(client) if role == "anonymous" else logout_token(client)
    response = client.post("/logout", data={"csrf_token": token})
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/login?reason=signed_out")
    assert client.get("/_dash-layout").status_code == 401


def page_route(path: str) -> dict:
    return {"output": ".._pages_content.children..._pages_store.data..",
            "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
            "inputs": [{"id": "_pages_location", "property": "pathname", "value": path},
                       {"id": "_pages_location", "property": "search", "value": ""}],
            "changedPropIds": ["_pages_location.pathname"], "state": []}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", ["/", "/map"])
def test_page_content_matrix(client_as, anonymous, role: str, path: str) -> None:
    response = signed(client_as, anonymous, role).post("/_dash-update-component", json=page_route(path))
    assert response.status_code == expected(role, SIGNED_IN)
    if role in MAP_ROLES:
        assert "app-forbidden" not in response.get_data(as_text=True)
    elif role != "anonymous":  # signed in without map.view: a "no access" panel, not the page
        assert "app-forbidden" in response.get_data(as_text=True)


def server_callbacks(client) -> list[dict]:
    return [c for c in client.get("/_dash-dependencies").get_json() if not c.get("clientside_function")]


def ids_of(callback: dict) -> set[str]:
    output = callback["output"].strip(".")
    outputs = output.split("...") if callback["output"].startswith("..") else [output]
    return {o.rsplit(".", 1)[0] for o in outputs} | {cid for i in callback["inputs"] + callback["state"]
                                                      for cid in _string_ids(i["id"])}


def _string_ids(cid: str) -> list[str]:
    """A pattern-matching id arrives as its JSON text: its string values carry the page's namespace."""
    if cid.startswith("{"):
        return [v for v in json.loads(cid).values() if isinstance(v, str)]
    return [cid]


def callback_request(callback: dict) -> dict:
    output = callback["output"]
    parts = output.strip(".").split("...") if output.startswith("..") else [output]
    outputs = [{"id": p.rsplit(".", 1)[0], "property": p.rsplit(".", 1)[1].split("@")[0]} for p in parts]
    return {"output": output, "outputs": outputs if output.startswith("..") else outputs[0],
            "inputs": [[] if i["id"].startswith("{") else {**i, "value": None} for i in callback["inputs"]],
            "state": [{**s, "value": None} for s in callback["state"]],
            "changedPropIds": [f"{callback['inputs'][0]['id']}.{callback['inputs'][0]['property']}"]}


def needed_permissions(callback: dict) -> set[Permission]:
    """The permissions of the pages whose components a callback touches (by their id prefixes)."""
    pages = list(dash.page_registry.values())
    return {dash_guard.page_permission(p) for p in pages for cid in ids_of(callback)
            if cid.startswith(f"{dash_guard.page_prefix(p)}-")}


@pytest.mark.parametrize("role", ROLES)
def test_every_page_callback_needs_its_pages_permission(client_as, anonymous, role: str) -> None:
    client = signed(client_as, anonymous, role)
    page_callbacks = [c for c in server_callbacks(client_as("leader")) if needed_permissions(c)]
    assert len(page_callbacks) >= 2  # the county map's card and the audit search at least
    for callback in page_callbacks:
        status = client.post("/_dash-update-component", json=callback_request(callback)).status_code
        if role == "anonymous":
            assert status == 401, callback["output"]
        elif needed_permissions(callback) <= ROLE_PERMISSIONS[WEB_ROLES[role][0]]:
            assert status not in (401, 403), callback["output"]  # it runs (dummy inputs: any answer)
        else:
            assert status == 403, callback["output"]


# -- (c) tile jurisdiction -------------------------------------------------------------------------------
def far_point(engine, sql: str, inside: str, away_from: str) -> tuple[float, float]:
    with engine.connect() as conn:
        return conn.execute(text(sql), {"inside": inside, "away": away_from}).one()


RESIDENT_FAR = """
    SELECT ST_X(r.geom), ST_Y(r.geom) FROM resident r
    WHERE left(r.grid_code, 9) = :inside
    ORDER BY ST_Distance(r.geom, (SELECT geom FROM admin_area WHERE code = :away)) DESC LIMIT 1"""
ADDRESS_FAR = """
    SELECT ST_X(a.geom), ST_Y(a.geom) FROM standard_address a
    WHERE a.town_code = :inside AND a.level IN ('house_number', 'building')
    ORDER BY ST_Distance(a.geom, (SELECT geom FROM admin_area WHERE code = :away)) DESC LIMIT 1"""


def features(client, layer: str, lon: float, lat: float, z: int) -> list[dict]:
    t = mercantile.tile(lon, lat, z)
    response = client.get(f"/tiles/{layer}/{t.z}/{t.x}/{t.y}.mvt")
    assert response.status_code == 200
    return mapbox_vector_tile.decode(response.data).get(layer, {}).get("features", []) if response.data else []


@pytest.mark.parametrize(("layer", "sql", "z"), [("population", RESIDENT_FAR, 14), ("addresses", ADDRESS_FAR, 16)])
def test_a_commander_gets_personal_tiles_of_their_own_township_only(
        client_as, demo_database, townships, layer: str, sql: str, z: int) -> None:
    a, b = townships
    engine = demo_database["engine"]
    in_a = far_point(engine, sql, a, b)
    in_b = far_point(engine, sql, b, a)
    commander = client_as("commander")

    assert features(commander, layer, *in_a, z)
    assert features(commander, layer, *in_b, z) == []
    assert features(client_as("leader"), layer, *in_b, z)  # county-wide roles see township B


def test_a_commander_of_another_township_sees_the_other_side(client_as, web_app, web_users, demo_database,
                                                             townships) -> None:
    a, b = townships
    in_a = far_point(demo_database["engine"], RESIDENT_FAR, a, b)
    other = web_app.server.test_client()
    assert sign_in(other, web_users["commander_b"]).status_code == 303
    assert features(other, "population", *in_a, 14) == []
    assert features(client_as("commander"), "population", *in_a, 14)


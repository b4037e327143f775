"""Standard-address matching and reverse geocoding over HTTP on the demo library (real PostGIS)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from twin.address.service import HTTP_KEYS


@pytest.fixture(scope="module")
def doors(demo_database, townships) -> dict:
    """A room-level door in township A and a house-number door in township B, as stored."""
    with demo_database["engine"].connect() as conn:
        room = conn.execute(text("""
            SELECT code, full_text, road, house_number, estate, building, unit, room, ST_X(geom) lon, ST_Y(geom) lat
            FROM standard_address WHERE level = 'room' AND town_code = :t AND road IS NOT NULL
            ORDER BY code LIMIT 1"""), {"t": townships[0]}).mappings().one()
        other = conn.execute(text("""
            SELECT code, full_text FROM standard_address WHERE level = 'house_number' AND town_code = :t
            ORDER BY code LIMIT 1"""), {"t": townships[1]}).mappings().one()
    return {"room": dict(room), "other": dict(other)}


def test_a_stored_address_matches_itself_with_the_contract_shape(client_as, doors) -> None:
    body = client_as("leader").get("/api/v1/address/match", query_string={"q": doors["room"]["full_text"]}).get_json()
    assert body["match"]["code"] == doors["room"]["code"]
    assert set(body["match"]["components"]) == set(HTTP_KEYS)
    assert {"code", "full_text", "components", "score", "lon", "lat"} <= set(body["match"])


def test_a_noisy_writing_of_a_door_matches_it(client_as, doors) -> None:
    r = doors["room"]
    written = f"新昌縣 {r['road']}{r['house_number']} {r['estate'] or ''}" \
              f"{r['building'][:-1]}-{r['unit'][:-2]}-{r['room'][:-1]}"
    body = client_as("leader").get("/api/v1/address/match", query_string={"q": written}).get_json()
    assert body["match"] and body["match"]["code"] == r["code"], (written, body["candidates"][:2])


def test_an_address_that_does_not_exist_is_not_matched(client_as, doors) -> None:
    r = doors["room"]
    written = f"{r['road']}9{r['house_number']}"  # 9 prepended: a house number the road does not have
    assert client_as("leader").get("/api/v1/address/match", query_string={"q": written}).get_json()["match"] is None


def test_batch_matching_keeps_the_order(client_as, doors) -> None:
    queries = [doors["room"]["full_text"], "不存在的地址", doors["other"]["full_text"]]
    results = client_as("leader").post("/api/v1/address/match", json={"queries": queries}).get_json()["results"]
    assert [r["match"]["code"] if r["match"] else None for r in results] == \
        [doors["room"]["code"], None, doors["other"]["code"]]


@pytest.mark.parametrize(("method", "path", "body"), [
    ("GET", "/api/v1/address/match?q=", None), ("GET", "/api/v1/address/match?q=x&limit=99", None),
    ("POST", "/api/v1/address/match", {"q": "x"}), ("POST", "/api/v1/address/match", {"queries": ["x"] * 1001}),
    ("GET", "/api/v1/address/reverse?lon=120.9", None), ("GET", "/api/v1/address/reverse?lon=a&lat=29", None),
    ("GET", "/api/v1/address/reverse?lon=120.9&lat=29.5&radius=99999", None),
])
def test_bad_requests_get_400_with_a_reason(client_as, method: str, path: str, body) -> None:
    response = client_as("leader").open(path, method=method, json=body)
    assert response.status_code == 400 and response.get_json()["message"]


def test_reverse_geocoding_finds_the_nearest_door(client_as, doors) -> None:
    r = doors["room"]
    body = client_as("leader").get("/api/v1/address/reverse",
                                   query_string={"lon": r["lon"], "lat": r["lat"], "radius": 50}).get_json()
    nearest = body["match"]
    assert nearest["distance_m"] < 1 and r["full_text"].startswith(nearest["full_text"])  # the room's own door
    assert nearest["components"]["room"] is None
    far = client_as("leader").get("/api/v1/address/reverse", query_string={"lon": 100, "lat": 20}).get_json()
    assert far == {"match": None, "candidates": []}


def test_a_commander_matches_in_their_own_township_only(client_as, doors) -> None:
    commander = client_as("commander")  # township A
    assert commander.get("/api/v1/address/match", query_string={"q": doors["room"]["full_text"]}).get_json()["match"]
    assert commander.get("/api/v1/address/match",
                         query_string={"q": doors["other"]["full_text"]}).get_json()["match"] is None


@pytest.mark.parametrize(("role", "status"), [("auditor", 403), ("sysadmin", 403), ("kiosk", 200)])
def test_who_may_use_the_library(client_as, role: str, status: int) -> None:
    assert client_as(role).get("/api/v1/address/match?q=新昌县").status_code == status


def test_anonymous_callers_are_refused(anonymous) -> None:
    assert anonymous.get("/api/v1/address/match?q=新昌县").status_code == 401

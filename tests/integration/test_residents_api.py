"""The resident registry over HTTP: who may search, see and unmask whom (role × jurisdiction × object)."""

from __future__ import annotations

import re
import uuid

import pytest
from sqlalchemy import text

from tests.integration.conftest import WEB_PASSWORD, sign_in
from twin.auth import create_user

ROLES = ("anonymous", "kiosk", "leader", "planner", "commander", "auditor", "sysadmin")
ID_NUMBER = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")
MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


@pytest.fixture(scope="module")
def places(demo_database, townships) -> dict:
    """A village and a resident in township A, another resident in B, and a grid cell of A's village."""
    a, b = townships
    with demo_database["engine"].connect() as conn:
        own = conn.execute(text("SELECT id, grid_code FROM resident WHERE left(grid_code, 9) = :t ORDER BY id LIMIT 1"),
                           {"t": a}).one()
        other = conn.execute(text("SELECT id FROM resident WHERE left(grid_code, 9) = :t ORDER BY id LIMIT 1"),
                             {"t": b}).scalar_one()
        village_b = conn.execute(text("SELECT left(grid_code, 12) FROM resident WHERE left(grid_code, 9) = :t"
                                      " LIMIT 1"), {"t": b}).scalar_one()
    return {"own": own.id, "grid": own.grid_code, "village": own.grid_code[:12], "other": other,
            "village_b": village_b}


def client_for(role: str, client_as, anonymous):
    return anonymous if role == "anonymous" else client_as(role)


@pytest.mark.parametrize("role", ROLES)
def test_search_card_and_unmask_matrix(client_as, anonymous, places, role: str) -> None:
    client = client_for(role, client_as, anonymous)
    search = client.get(f"/api/v1/residents?village={places['village']}")
    card = client.get(f"/api/v1/residents/{places['own']}")
    unmask = client.post(f"/api/v1/residents/{places['own']}/unmask", json={"reason": "核实走访对象"})
    expected = 401 if role == "anonymous" else 200 if role == "commander" else 403
    assert (search.status_code, card.status_code, unmask.status_code) == (expected,) * 3
    if role == "commander":
        assert search.get_json()["total"] > 0 and card.get_json()["masked"] is True
        assert unmask.get_json()["masked"] is False and ID_NUMBER.fullmatch(unmask.get_json()["id_number"])


def test_masked_answers_carry_no_id_or_mobile_numbers(client_as, places) -> None:
    commander = client_as("commander")
    body = commander.get(f"/api/v1/residents?village={places['village']}&limit=200").get_data(as_text=True)
    body += commander.get(f"/api/v1/residents/{places['own']}").get_data(as_text=True)
    assert "*" in body and not ID_NUMBER.search(body) and not MOBILE.search(body)


def test_another_townships_residents_are_not_there_for_a_commander(client_as, places) -> None:
    commander = client_as("commander")
    assert commander.get(f"/api/v1/residents?village={places['village_b']}").get_json()["total"] == 0
    assert commander.get(f"/api/v1/residents/{places['other']}").status_code == 404
    assert commander.post(f"/api/v1/residents/{places['other']}/unmask",
                          json={"reason": "越权查看测试"}).status_code == 404


def test_exact_id_number_lookup_finds_one_and_audits_it_masked(client_as, places, demo_database) -> None:
    commander = client_as("commander")
    clear = commander.post(f"/api/v1/residents/{places['own']}/unmask", json={"reason": "身份核验"}).get_json()
    found = commander.get(f"/api/v1/residents?id_number={clear['id_number']}").get_json()
    assert [r["id"] for r in found["items"]] == [places["own"]]
    with demo_database["engine"].connect() as conn:
        logged = conn.execute(text("SELECT detail::text FROM audit_log WHERE username = 'acl-commander'"
                                   " AND action = 'search' ORDER BY id DESC LIMIT 1")).scalar_one()
    assert clear["id_number"] not in logged and clear["id_number"][-4:] in logged


def test_a_grid_worker_sees_their_own_village_only(web_app, places, demo_database) -> None:
    name = f"gw-{uuid.uuid4().hex[:6]}"
    create_user(name, WEB_PASSWORD, "grid_worker", places["village"], "测试网格员")
    client = web_app.server.test_client()
    assert sign_in(client, name).status_code == 303
    mine = client.get(f"/api/v1/residents?village={places['village']}").get_json()
    everything = client.get("/api/v1/residents").get_json()
    assert mine["total"] > 0 and everything["total"] == mine["total"]
    with demo_database["engine"].connect() as conn:
        same_town_elsewhere = conn.execute(text(
            "SELECT id FROM resident WHERE left(grid_code, 9) = :t AND left(grid_code, 12) <> :v LIMIT 1"),
            {"t": places["village"][:9], "v": places["village"]}).scalar_one()
    assert client.get(f"/api/v1/residents/{same_town_elsewhere}").status_code == 404
    assert client.post(f"/api/v1/residents/{places['own']}/unmask", json={"reason": "走访核实"}).status_code == 403


@pytest.mark.parametrize(("query", "field"), [("village=33062", "village"), ("grid=x", "grid"),
                                              ("id_number=330624199001011234", "id_number"), ("limit=0", "limit"),
                                              ("limit=abc", "limit")])
def test_bad_searches_get_400_with_a_reason(client_as, query: str, field: str) -> None:
    response = client_as("commander").get(f"/api/v1/residents?{query}")
    assert response.status_code == 400 and response.get_json()["message"]


def test_unmask_needs_a_json_reason(client_as, places) -> None:
    commander = client_as("commander")
    url = f"/api/v1/residents/{places['own']}/unmask"
    assert commander.post(url, data={"reason": "表单提交"}).status_code == 400  # not JSON: no form posts
    assert commander.post(url, json={"reason": " "}).status_code == 400
    assert commander.post(url, json={}).status_code == 400


def test_personal_answers_are_never_cached(client_as, places) -> None:
    response = client_as("commander").get(f"/api/v1/residents/{places['own']}")
    assert response.headers["Cache-Control"] == "no-store"

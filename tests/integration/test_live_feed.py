"""The feed simulator against the app (through the Flask test client), the live-data role matrix, and the
overview's live functions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.integration.conftest import WEB_PASSWORD
from twin import live
from twin.feed.runner import FeedOptions, run


def flask_transport(client):
    def send(method: str, url: str, headers: dict[str, str], body: bytes | None) -> tuple[int, bytes]:
        path = url.removeprefix("http://cockpit.test")
        response = client.open(path, method=method, headers=headers, data=body)
        return response.status_code, response.data

    return send


def test_feed_once_posts_every_sensor_and_they_are_accepted(web_app, web_users) -> None:
    lines: list[str] = []
    start = (datetime.now(UTC) - timedelta(hours=2)).replace(minute=7, second=0, microsecond=0)
    options = FeedOptions(url="http://cockpit.test", username=web_users["dataadmin"], password=WEB_PASSWORD,
                          once=True, start=start.isoformat())
    status = run(options, transport=flask_transport(web_app.server.test_client()), sleep=lambda _s: None,
                 out=lines.append)
    assert status == 0
    summary = lines[-1]
    assert "accepted" in summary and "rejected 0" in summary, lines
    accepted = int(summary.split("accepted ")[1].split(",")[0])
    assert accepted > 0
    again: list[str] = []  # a restarted feed sends the same ids: all duplicates
    run(options, transport=flask_transport(web_app.server.test_client()), sleep=lambda _s: None, out=again.append)
    posted = int(summary.split(" readings")[0].rsplit(" ", 1)[1])
    assert f"accepted 0, duplicates {posted}," in again[-1], again


def test_feed_without_credentials_says_what_to_give() -> None:
    lines: list[str] = []
    assert run(FeedOptions(url="http://cockpit.test"), transport=lambda *a: (500, b""), out=lines.append) == 2
    assert "--token" in lines[0]


LIVE_ROUTES = {
    "GET /api/v1/indicators": {"kiosk", "leader", "planner", "commander", "dataadmin"},
    "GET /api/v1/sensors": {"kiosk", "leader", "planner", "commander", "dataadmin"},
    "POST /api/v1/readings": {"dataadmin"},
}
ROLES = ("anonymous", "kiosk", "leader", "planner", "commander", "auditor", "sysadmin", "dataadmin")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", list(LIVE_ROUTES))
def test_live_route_matrix_with_a_session(client_as, anonymous, route: str, role: str) -> None:
    method, path = route.split(" ")
    client = anonymous if role == "anonymous" else client_as(role)
    response = client.open(path, method=method, json={"readings": []} if method == "POST" else None)
    expected = 401 if role == "anonymous" else 200 if role in LIVE_ROUTES[route] else 403
    assert response.status_code == expected, response.get_data(as_text=True)[:200]


@pytest.mark.parametrize("role", ROLES[1:])
def test_live_route_matrix_with_a_full_role_token(anonymous, web_users, role: str) -> None:
    token = anonymous.post("/api/v1/auth/token", json={"username": web_users[role], "password": WEB_PASSWORD}
                           ).get_json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    for route, allowed in LIVE_ROUTES.items():
        method, path = route.split(" ")
        response = anonymous.open(path, method=method, headers=headers,
                                  json={"readings": []} if method == "POST" else None)
        assert response.status_code == (200 if role in allowed else 403), (route, role)


def test_latest_weather_comes_from_the_station_at_the_county_seat(demo_database) -> None:
    weather = live.latest_weather()
    assert weather is not None
    assert weather["station"]["name"] == "新昌国家基本气象站"
    assert {"temperature", "pressure", "humidity", "wind_speed", "wind_dir", "rain"} <= set(weather["values"])
    assert weather["values"]["humidity"]["unit"] == "%"
    assert weather["observed_at"] <= datetime.now(UTC)


def test_sensor_status_counts_every_kind(demo_database) -> None:
    status = live.sensor_status()
    kinds = [s["kind"] for s in status]
    assert kinds == ["rain_gauge", "river_level", "weather_station", "fume_monitor", "traffic_counter", "parking_lot"]
    assert all(s["count"] >= 1 and 0 <= s["alarming"] <= s["count"] and s["newest"] is not None for s in status)

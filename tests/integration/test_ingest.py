"""POST /api/v1/readings, GET /api/v1/indicators and /api/v1/sensors on the demo database."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from tests.integration.conftest import WEB_PASSWORD

NOW = datetime.now(UTC).replace(microsecond=0)


def token_for(anonymous, username: str, scopes: list[str] | None = None) -> str:
    body = {"username": username, "password": WEB_PASSWORD, **({"scopes": scopes} if scopes else {})}
    response = anonymous.post("/api/v1/auth/token", json=body)
    assert response.status_code == 200, response.get_data(as_text=True)
    return str(response.get_json()["access_token"])


@pytest.fixture(scope="module")
def feed(web_app, web_users):
    """A client that posts with the data administrator's feed.ingest-only token."""
    client = web_app.server.test_client()
    token = token_for(client, web_users["dataadmin"], ["feed.ingest"])

    def post(body, **kwargs):
        return client.post("/api/v1/readings", headers={"Authorization": f"Bearer {token}"},
                           **({"json": body} if body is not None else {}), **kwargs)

    return post


def sensor_of(engine, kind: str, offset: int = 0) -> dict:
    with engine.connect() as conn:
        row = conn.execute(text("SELECT id, code, thresholds FROM sensor WHERE kind = :k ORDER BY code "
                                "OFFSET :o LIMIT 1"), {"k": kind, "o": offset}).mappings().one()
    return dict(row)


def at(minutes: float) -> str:
    return (NOW + timedelta(minutes=minutes)).isoformat()


def stored(engine, ingest_id: str) -> tuple | None:
    with engine.connect() as conn:
        return conn.execute(text("SELECT value, received_at, is_synthetic FROM reading WHERE ingest_id = :i"),
                            {"i": ingest_id}).first()


def test_a_mixed_batch_keeps_every_good_item_and_says_why_each_bad_one_failed(feed, demo_database) -> None:
    engine = demo_database["engine"]
    rain, weather = sensor_of(engine, "rain_gauge"), sensor_of(engine, "weather_station")
    good = [
        {"id": "t-mixed-1", "sensor": rain["code"], "metric": "rain", "observed_at": at(-20), "value": 1.5},
        {"id": "t-mixed-2", "sensor": weather["code"], "metric": "humidity", "observed_at": at(-20), "value": 81},
        {"id": "t-mixed-3", "sensor": weather["code"], "metric": "temperature",
         "observed_at": at(-20).replace("+00:00", "Z"), "value": 21.5},
    ]
    bad = [
        ({"id": "t-bad-1", "sensor": "NOPE", "metric": "rain", "observed_at": at(-20), "value": 1}, "unknown sensor"),
        ({"id": "t-bad-2", "sensor": rain["code"], "metric": "fume", "observed_at": at(-20), "value": 1}, "no metric"),
        ({"id": "t-bad-3", "sensor": rain["code"], "metric": "rain", "observed_at": "2025-01-01T10:00:00",
          "value": 1}, "time zone"),
        ({"id": "t-bad-4", "sensor": rain["code"], "metric": "rain", "observed_at": at(30), "value": 1}, "future"),
        ({"id": "t-bad-5", "sensor": rain["code"], "metric": "rain", "observed_at": at(-8 * 24 * 60), "value": 1},
         "too old"),
        ({"id": "t-bad-6", "sensor": weather["code"], "metric": "humidity", "observed_at": at(-20), "value": 150},
         "impossible"),
        ({"id": "t-bad-7", "sensor": rain["code"], "metric": "rain", "observed_at": at(-20), "value": -1},
         "impossible"),
        ({"id": "t-bad-8", "sensor": rain["code"], "metric": "rain", "observed_at": "yesterday", "value": 1},
         "ISO 8601"),
        ({"id": "t-bad-9", "sensor": rain["code"], "metric": "rain", "observed_at": at(-30), "value": "wet"},
         "number"),
        ({"id": "t-mixed-1", "sensor": rain["code"], "metric": "rain", "observed_at": at(-40), "value": 2},
         "duplicate id"),
        ({"sensor": rain["code"], "metric": "rain", "observed_at": at(-40), "value": 2}, "id must be"),
        ("not an object", "JSON object"),
    ]
    readings = good[:2] + [b for b, _ in bad] + good[2:]
    indicators = [{"id": "t-kpi-bad", "code": "no_such_kpi", "observed_at": at(-1), "value": 1}]
    response = feed({"readings": readings, "indicators": indicators})
    assert response.status_code == 200, response.get_data(as_text=True)
    result = response.get_json()
    assert result["accepted"] == 3 and result["duplicates"] == 0
    rejected = {(r["kind"], r["index"]): r for r in result["rejected"]}
    assert len(rejected) == len(bad) + 1
    for i, (item, why) in enumerate(bad, start=2):
        entry = rejected[("reading", i)]
        assert why in entry["reason"], (item, entry)
        assert entry["id"] == (item.get("id") if isinstance(item, dict) else None)
    assert "unknown indicator" in rejected[("indicator", 0)]["reason"]
    for item in good:
        row = stored(engine, item["id"])
        assert row is not None and row[0] == item["value"] and row[1] is not None
        assert row[2] is False  # not flagged synthetic unless the client says so


def test_non_finite_values_are_rejected(feed, demo_database) -> None:
    rain = sensor_of(demo_database["engine"], "rain_gauge")
    item = json.dumps({"id": "t-nan", "sensor": rain["code"], "metric": "rain", "observed_at": at(-25), "value": 0})
    body = '{"readings": [' + item.replace('"value": 0', '"value": NaN') + "]}"  # not standard JSON, but parsed
    response = feed(None, data=body, content_type="application/json")
    assert response.status_code == 200
    assert "finite" in response.get_json()["rejected"][0]["reason"]


def test_resending_is_idempotent(feed, demo_database) -> None:
    engine = demo_database["engine"]
    rain = sensor_of(engine, "rain_gauge", 1)
    batch = [{"id": f"t-idem-{i}", "sensor": rain["code"], "metric": "rain", "observed_at": at(-60 - 10 * i),
              "value": 0.5 + i} for i in range(3)]
    assert feed({"readings": batch}).get_json()["accepted"] == 3
    again = feed({"readings": batch}).get_json()
    assert (again["accepted"], again["duplicates"], again["rejected"]) == (0, 3, [])
    changed = [{**batch[0], "value": 99.0}, {**batch[1], "id": "t-idem-other-id"}]  # same id / same key
    third = feed({"readings": changed}).get_json()
    assert (third["accepted"], third["duplicates"]) == (0, 2)
    assert stored(engine, "t-idem-0")[0] == 0.5
    assert stored(engine, "t-idem-other-id") is None


def open_fume_warnings(engine, sensor_id: int) -> list[tuple]:
    with engine.connect() as conn:
        return conn.execute(text("SELECT id, level, message FROM warning WHERE sensor_id = :s AND kind = 'fume' "
                                 "AND lifted_at IS NULL"), {"s": sensor_id}).all()


def test_a_fume_reading_over_the_limit_raises_one_warning_and_a_normal_one_lifts_it(feed, demo_database) -> None:
    engine = demo_database["engine"]
    fume = sensor_of(engine, "fume_monitor", 1)

    base = datetime.now(UTC)

    def post(minute: float, value: float) -> dict:
        # Slightly ahead of the clock (within the 5-minute slack): newer than anything else posted for it.
        when = (base + timedelta(minutes=minute)).isoformat()
        items = [{"id": f"t-fume-{minute}-{m}", "sensor": fume["code"], "metric": m, "observed_at": when,
                  "value": v} for m, v in (("fume", value), ("nmhc", 2.0))]
        response = feed({"readings": items})
        assert response.status_code == 200 and response.get_json()["accepted"] == 2
        return response.get_json()

    post(1.0, 0.3)  # start from normal whatever the demo's last values were
    assert open_fume_warnings(engine, fume["id"]) == []
    first = post(2.0, 2.3)
    assert [(a["action"], a["kind"], a["level"]) for a in first["alarms"]] == [("raised", "fume", "orange")]
    assert "油烟" in first["alarms"][0]["message"]
    assert len(open_fume_warnings(engine, fume["id"])) == 1
    assert post(2.5, 2.2)["alarms"] == []  # still over: no second warning
    assert len(open_fume_warnings(engine, fume["id"])) == 1
    lifted = post(3.0, 0.4)
    assert [(a["action"], a["kind"]) for a in lifted["alarms"]] == [("lifted", "fume")]
    assert open_fume_warnings(engine, fume["id"]) == []


@pytest.mark.parametrize(("body", "reason"), [
    ("not json", "JSON"),
    ([1, 2], "JSON object"),
    ({"readings": "x"}, "must be a list"),
    ({"readings": [], "extra": 1}, "unknown field"),
])
def test_malformed_bodies_get_400_with_a_reason(feed, body, reason: str) -> None:
    response = feed(None, data=body, content_type="application/json") if isinstance(body, str) else feed(body)
    assert response.status_code == 400
    assert reason in response.get_json()["message"]


def test_too_many_items_get_413(feed) -> None:
    item = {"id": "x", "sensor": "X", "metric": "rain", "observed_at": at(-1), "value": 0}
    response = feed({"readings": [item] * 4000, "indicators": [item] * 1001})
    assert response.status_code == 413
    assert "5000" in response.get_json()["message"]


def test_one_audit_entry_per_batch_with_counts(feed, demo_database) -> None:
    rain = sensor_of(demo_database["engine"], "rain_gauge", 2)
    items = [{"id": f"t-audit-{i}", "sensor": rain["code"], "metric": "rain", "observed_at": at(-200 - 10 * i),
              "value": 0.1} for i in range(5)]
    assert feed({"readings": items}).status_code == 200
    with demo_database["engine"].connect() as conn:
        detail = conn.execute(text("SELECT detail FROM audit_log WHERE action = 'readings.ingest' "
                                   "ORDER BY id DESC LIMIT 1")).scalar_one()
    assert detail["accepted"] == 5 and detail["readings"] == 5 and detail["via"] == "token"
    assert "t-audit-0" not in json.dumps(detail)


@pytest.mark.parametrize("role", ["kiosk", "leader", "planner"])
def test_roles_without_feed_ingest_may_not_post(client_as, anonymous, web_users, role: str) -> None:
    body = {"readings": []}
    assert client_as(role).post("/api/v1/readings", json=body).status_code == 403
    token = token_for(anonymous, web_users[role])
    response = anonymous.post("/api/v1/readings", json=body, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 403
    assert anonymous.post("/api/v1/readings", json=body).status_code == 401


def test_a_map_view_token_of_the_data_administrator_may_not_post(anonymous, web_users) -> None:
    token = token_for(anonymous, web_users["dataadmin"], ["map.view"])
    response = anonymous.post("/api/v1/readings", json={"readings": []}, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 403


def test_indicators_have_their_targets_history_and_take_a_posted_value(feed, client_as) -> None:
    before = client_as("leader").get("/api/v1/indicators").get_json()
    assert before["as_of"] and len(before["indicators"]) == 10
    first = before["indicators"][0]
    assert set(first) >= {"code", "name", "name_en", "unit", "value", "observed_at", "baseline_2020", "target_2022",
                          "target_2025", "target_note", "lead_unit", "progress", "history"}
    assert 1 <= len(first["history"]) <= 24 and first["history"][-1] == [first["observed_at"], first["value"]]
    code = "data_sharing_rate"
    response = feed({"indicators": [{"id": "t-kpi-1", "code": code, "observed_at": at(-1), "value": 97.5}]})
    assert response.get_json()["accepted"] == 1
    after = {i["code"]: i for i in client_as("leader").get("/api/v1/indicators").get_json()["indicators"]}
    assert after[code]["value"] == 97.5
    assert after[code]["progress"] == pytest.approx((97.5 - 80) / (100 - 80))
    assert feed({"indicators": [{"id": "t-kpi-2", "code": code, "observed_at": at(-1), "value": 101}]}
                ).get_json()["rejected"][0]["reason"].endswith("%")


def test_sensors_list_positions_values_and_thresholds(client_as) -> None:
    body = client_as("kiosk").get("/api/v1/sensors?kind=fume_monitor").get_json()
    assert body["sensors"] and {s["kind"] for s in body["sensors"]} == {"fume_monitor"}
    s = body["sensors"][0]
    assert set(s) >= {"code", "kind", "name", "metrics", "thresholds", "town_code", "lon", "lat", "latest", "status"}
    assert 120 < s["lon"] < 122 and 29 < s["lat"] < 30
    assert set(s["latest"]) <= set(s["metrics"]) and s["thresholds"]["fume"]["alarm"] == 2.0
    assert client_as("kiosk").get("/api/v1/sensors?kind=nope").status_code == 400

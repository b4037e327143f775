"""The feed simulator's series: plausible, deterministic, and the storm shows in rain and rivers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from twin.feed.client import Client
from twin.feed.generators import indicator_items, round_items, sensor_values, storm_over
from twin.readings import SensorRef, validate_readings

T0 = datetime(2025, 7, 8, 3, 0, tzinfo=UTC)  # 11:00 in Xinchang: lunch service starts
SENSORS = [
    {"code": "RA00001", "kind": "rain_gauge", "lon": 120.90, "lat": 29.50, "metrics": {"rain": "mm"},
     "thresholds": {}},
    {"code": "RI00002", "kind": "river_level", "lon": 120.91, "lat": 29.49, "metrics": {"water_level": "m"},
     "thresholds": {"water_level": {"warn": 4.5, "alarm": 5.5}}},
    {"code": "WE00003", "kind": "weather_station", "lon": 120.90, "lat": 29.51,
     "metrics": {"temperature": "°C", "pressure": "hPa", "humidity": "%", "wind_speed": "m/s", "wind_dir": "°",
                 "rain": "mm"}, "thresholds": {}},
    *[{"code": f"FU{i:05d}", "kind": "fume_monitor", "lon": 120.9, "lat": 29.5,
       "metrics": {"fume": "mg/m³", "nmhc": "mg/m³"}, "thresholds": {}} for i in range(30)],
    {"code": "TR00004", "kind": "traffic_counter", "lon": 120.9, "lat": 29.5,
     "metrics": {"volume": "veh/10min", "speed": "km/h"}, "thresholds": {"volume": {"warn": 170, "alarm": 200}}},
    {"code": "PA00005", "kind": "parking_lot", "lon": 120.9, "lat": 29.5,
     "metrics": {"occupied": "spaces", "free": "spaces"}, "thresholds": {"occupied": {"warn": 270, "alarm": 300}}},
]
REFS = {s["code"]: SensorRef(i, s["code"], s["kind"], s["code"], None, s["metrics"], s["thresholds"])
        for i, s in enumerate(SENSORS)}


def test_a_day_of_rounds_passes_the_ingest_validation() -> None:
    for step in range(0, 24 * 60, 10):
        at = T0 + timedelta(minutes=step)
        items = round_items(SENSORS, at, storm_over(SENSORS, T0))
        good, bad = validate_readings(items, REFS, at)
        assert bad == [], bad[:3]
        assert len(good) == len(items)


def test_fume_monitors_report_every_minute_the_others_every_ten() -> None:
    kinds = {i["sensor"][:2] for i in round_items(SENSORS, T0 + timedelta(minutes=3), None)}
    assert kinds == {"FU"}
    assert {i["sensor"][:2] for i in round_items(SENSORS, T0, None)} == {"RA", "RI", "WE", "FU", "TR", "PA"}


def test_some_restaurants_exceed_the_fume_limit_at_lunch_and_none_at_night() -> None:
    fumes = [s for s in SENSORS if s["kind"] == "fume_monitor"]
    lunch = [sensor_values(s, T0 + timedelta(hours=1), None)["fume"] for s in fumes]
    night = [sensor_values(s, T0 + timedelta(hours=15), None)["fume"] for s in fumes]
    assert 1 <= sum(v > 2.0 for v in lunch) <= 15
    assert max(night) < 0.5


def test_the_storm_brings_rain_and_the_river_rises_later() -> None:
    storm = storm_over(SENSORS, T0)
    gauge, river = SENSORS[0], SENSORS[1]
    dry = sum(sensor_values(gauge, T0 + timedelta(minutes=10 * k), None)["rain"] for k in range(1, 37))
    wet = sum(sensor_values(gauge, T0 + timedelta(minutes=10 * k), storm)["rain"] for k in range(1, 37))
    assert dry == 0 and wet > 40
    levels = [sensor_values(river, T0 + timedelta(hours=h), storm)["water_level"] for h in range(0, 25)]
    assert max(levels) - levels[0] > 1.5
    assert levels.index(max(levels)) > 3  # the flood peak comes hours after the rain peak
    assert max(levels) >= 4.5  # past its warning level


def test_ids_and_values_are_deterministic() -> None:
    first, again = round_items(SENSORS, T0, None), round_items(SENSORS, T0, None)
    assert first == again
    assert len({i["id"] for i in first}) == len(first)
    assert first[0]["id"] == "RA00001:rain:20250708T1100"


def test_indicators_move_towards_their_target_on_the_hour() -> None:
    kpis = [{"code": "k", "unit": "%", "value": 90.0, "target_2025": 100}]
    moved = indicator_items(kpis, T0)
    assert len(moved) == 1 and 90.0 <= moved[0]["value"] <= 90.05
    assert indicator_items(kpis, T0 + timedelta(minutes=5)) == []


def test_the_client_retries_an_unreachable_server_with_backoff() -> None:
    calls, waits = [], []

    def flaky(method, url, headers, body):
        calls.append(url)
        if len(calls) < 3:
            raise ConnectionRefusedError("refused")
        return 200, b'{"ok": true}'

    client = Client("http://feed.test", flaky, token="t", sleep=waits.append, log=lambda _m: None)
    assert client.get("/api/v1/sensors") == {"ok": True}
    assert waits == [1.0, 2.0]

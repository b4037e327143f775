"""Ingest validation and threshold alarms: pure rules, no database."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest

from geodata.errors import PayloadTooLarge, ValidationFailed
from twin.alarms import Line, OpenWarning, SensorState, evaluate, lines_for
from twin.live import progress
from twin.readings import KpiRef, SensorRef, parse_batch, validate_indicators, validate_readings

NOW = datetime(2025, 5, 6, 4, 0, tzinfo=UTC)
WEATHER = SensorRef(1, "WE00001", "weather_station", "新昌国家基本气象站", "330624001",
                    {"temperature": "°C", "humidity": "%", "rain": "mm"}, {})
PARKING = SensorRef(2, "PA00002", "parking_lot", "人民广场地下停车场", "330624001",
                    {"occupied": "spaces", "free": "spaces"}, {"occupied": {"warn": 180, "alarm": 200}})
SENSORS = {s.code: s for s in (WEATHER, PARKING)}


def item(**kw: object) -> dict:
    base = {"id": "r1", "sensor": "WE00001", "metric": "humidity", "observed_at": NOW.isoformat(), "value": 55}
    return {**base, **kw}


def reason(**kw: object) -> str:
    good, bad = validate_readings([item(**kw)], SENSORS, NOW)
    assert not good and len(bad) == 1
    return bad[0].reason


def test_a_good_reading_passes() -> None:
    good, bad = validate_readings([item()], SENSORS, NOW)
    assert bad == [] and good[0].sensor_id == 1 and good[0].value == 55.0


@pytest.mark.parametrize(("change", "why"), [
    ({"sensor": "XX"}, "unknown sensor"),
    ({"metric": "fume"}, "has no metric"),
    ({"observed_at": "2025-05-06T04:00:00"}, "time zone"),
    ({"observed_at": "soon"}, "ISO 8601"),
    ({"observed_at": None}, "missing"),
    ({"observed_at": (NOW + timedelta(minutes=6)).isoformat()}, "future"),
    ({"observed_at": (NOW - timedelta(days=8)).isoformat()}, "too old"),
    ({"value": math.inf}, "finite"),
    ({"value": True}, "number"),
    ({"value": 101}, "impossible"),
    ({"metric": "rain", "value": -0.1}, "impossible"),
    ({"sensor": "PA00002", "metric": "occupied", "value": 12.5}, "whole number"),
    ({"sensor": "PA00002", "metric": "occupied", "value": 201}, "capacity"),
    ({"id": ""}, "id must be"),
    ({"id": "x" * 81}, "id must be"),
])
def test_bad_readings_say_why(change: dict, why: str) -> None:
    assert why in reason(**change)


def test_five_minutes_of_clock_drift_are_accepted() -> None:
    good, _ = validate_readings([item(observed_at=(NOW + timedelta(minutes=4)).isoformat())], SENSORS, NOW)
    assert good


def test_a_duplicate_id_inside_a_batch_is_rejected_and_the_first_kept() -> None:
    good, bad = validate_readings([item(), item(metric="temperature", value=20)], SENSORS, NOW)
    assert [g.metric for g in good] == ["humidity"] and bad[0].index == 1 and "duplicate" in bad[0].reason


def test_indicators_are_checked_against_their_unit() -> None:
    kpis = {"data_sharing_rate": KpiRef("data_sharing_rate", "%"), "core_bandwidth": KpiRef("core_bandwidth", "Gbps")}
    items = [{"id": "a", "code": "data_sharing_rate", "observed_at": NOW.isoformat(), "value": 101},
             {"id": "b", "code": "core_bandwidth", "observed_at": "2021-03-01T00:00:00+08:00", "value": 120},
             {"id": "c", "code": "nope", "observed_at": NOW.isoformat(), "value": 1}]
    good, bad = validate_indicators(items, kpis, NOW)
    assert [g.ingest_id for g in good] == ["b"] and [b.index for b in bad] == [0, 2]


@pytest.mark.parametrize("body", [[], "x", {"readings": {}}, {"readings": [], "other": 1}, {"synthetic": "yes"}])
def test_a_body_of_the_wrong_shape_is_refused(body: object) -> None:
    with pytest.raises(ValidationFailed):
        parse_batch(body)


def test_more_than_5000_items_are_too_large() -> None:
    with pytest.raises(PayloadTooLarge):
        parse_batch({"readings": [{}] * 5000, "indicators": [{}]})
    assert len(parse_batch({"readings": [{}] * 5000}).readings) == 5000


# -- alarms -------------------------------------------------------------------------------------------
def state(kind: str, latest: dict, thresholds: dict | None = None, open_: dict | None = None,
          capacity: float | None = None) -> SensorState:
    return SensorState(7, "S7", "老王家饭店油烟在线监测", kind, "330624001", {"fume": "mg/m³", "nmhc": "mg/m³"},
                       thresholds or {}, {m: (NOW, v) for m, v in latest.items()}, open_ or {}, capacity)


def test_line_levels_rise_and_fall() -> None:
    assert [Line(1.5, 2.0).level(v) for v in (1.0, 1.5, 2.0, 2.6)] == [None, "yellow", "orange", "red"]
    speed = Line(20, 10)  # slower is worse
    assert [speed.level(v) for v in (40, 20, 9, 0)] == [None, "yellow", "orange", "red"]


def test_fume_over_the_limit_raises_one_orange_warning_with_a_chinese_message() -> None:
    changes = evaluate(state("fume_monitor", {"fume": 2.2, "nmhc": 3.0}))
    assert [(c.action, c.kind, c.level) for c in changes] == [("raised", "fume", "orange")]
    assert "油烟浓度2.2mg/m³" in changes[0].message and "限值（2mg/m³）" in changes[0].message


def test_an_open_warning_is_not_raised_again_but_escalates_and_lifts() -> None:
    open_ = {"fume": OpenWarning(11, "orange")}
    assert evaluate(state("fume_monitor", {"fume": 2.2}, open_=open_)) == []
    assert evaluate(state("fume_monitor", {"fume": 1.6}, open_=open_)) == []  # better, not yet normal
    worse = evaluate(state("fume_monitor", {"fume": 3.0}, open_=open_))
    assert [(c.action, c.level, c.warning_id) for c in worse] == [("escalated", "red", 11)]
    lifted = evaluate(state("fume_monitor", {"fume": 0.3, "nmhc": 2.0}, open_=open_))
    assert [(c.action, c.warning_id) for c in lifted] == [("lifted", 11)]


def test_a_sensors_own_lines_win_over_the_defaults() -> None:
    assert lines_for("fume_monitor", {"fume": {"warn": 1.0, "alarm": 1.2}})["fume"] == Line(1.0, 1.2)
    assert lines_for("fume_monitor", {})["fume"] == Line(1.5, 2.0)
    assert lines_for("parking_lot", {}, capacity=200)["occupied"].alarm == 190  # full at 95 %
    assert "water_level" not in lines_for("river_level", {})  # station-specific: no default


def test_an_hour_of_heavy_rain_raises_a_rain_warning() -> None:
    changes = evaluate(state("rain_gauge", {"rain": 6.0, "rain_1h": 35.0, "rain_24h": 40.0}))
    assert [(c.kind, c.level) for c in changes] == [("rain", "yellow")]
    assert "1小时雨量" in changes[0].message


def test_progress_runs_from_baseline_to_target() -> None:
    assert progress(85, 80, 90) == 0.5
    assert progress(95, 80, 90) == 1.5
    assert progress(None, 80, 90) is None and progress(5, 5, 5) is None

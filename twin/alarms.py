"""Threshold alarms from the latest sensor values: pure functions, no database.

Each sensor carries threshold lines per metric in its ``thresholds`` JSON (``{"warn", "alarm"[, "red"]}``);
where a sensor has none for a metric, the defaults below apply. A value at or beyond the warn line is a
yellow warning, beyond the alarm line orange, beyond the red line red. Lines whose alarm is below the warn
line are "falling" (traffic speed: slower is worse). Metrics map to warning kinds; one sensor has at most
one open warning per kind: it is raised, escalated while the situation worsens (never lowered), and lifted
once the newest values are back below every warn line of that kind.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from twin.readings import CST

LEVELS = ("yellow", "orange", "red")
LEVEL_ZH = {"yellow": "黄色", "orange": "橙色", "red": "红色"}

# metric → warning kind. rain_1h / rain_24h are sums the repository derives from 10-minute rain.
WARNING_KIND = {
    "rain": "rain", "rain_1h": "rain", "rain_24h": "rain",
    "water_level": "river_level",
    "temperature": "heat", "wind_speed": "wind",
    "fume": "fume", "nmhc": "fume",
    "volume": "traffic", "speed": "traffic",
    "occupied": "parking",
}
KIND_ZH = {"rain": "强降雨", "river_level": "超警戒水位", "heat": "高温", "wind": "大风", "fume": "餐饮油烟超标",
           "traffic": "交通拥堵", "parking": "停车场满位"}
METRIC_ZH = {"rain": "10分钟雨量", "rain_1h": "1小时雨量", "rain_24h": "24小时雨量", "water_level": "水位",
             "temperature": "气温", "wind_speed": "风速", "fume": "油烟浓度", "nmhc": "非甲烷总烃浓度",
             "volume": "10分钟车流量", "speed": "平均车速", "occupied": "已停车辆"}
UNIT = {"rain_1h": "mm", "rain_24h": "mm"}

# Lines used when a sensor's own thresholds do not cover a metric. River warning levels and road
# capacities are specific to each station and road, so there is no default for them.
DEFAULT_LINES: Mapping[str, Mapping[str, Mapping[str, float]]] = {
    # rain per 10 min / 1 h / 24 h (mm), close to the county's rainstorm signal practice
    "rain_gauge": {"rain": {"warn": 8.0, "alarm": 16.0}, "rain_1h": {"warn": 30.0, "alarm": 50.0},
                   "rain_24h": {"warn": 50.0, "alarm": 100.0}},
    # heat signals at 35 / 37 / 40 °C; wind force 6 / 8 / 10 (Beaufort, m/s)
    "weather_station": {"temperature": {"warn": 35.0, "alarm": 37.0, "red": 40.0},
                        "wind_speed": {"warn": 10.8, "alarm": 17.2, "red": 24.5},
                        "rain": {"warn": 8.0, "alarm": 16.0}},
    # GB 18483 (饮食业油烟排放标准): at most 2.0 mg/m³ of cooking fume; NMHC 10 mg/m³ as in the
    # newer provincial catering standards
    "fume_monitor": {"fume": {"warn": 1.5, "alarm": 2.0}, "nmhc": {"warn": 8.0, "alarm": 10.0}},
    "traffic_counter": {"speed": {"warn": 20.0, "alarm": 10.0}},
}
PARKING_SHARES = (0.90, 0.95)  # a lot is nearly full at 90 % and full (turning cars away) at 95 %


@dataclass(frozen=True)
class Line:
    warn: float
    alarm: float
    red: float | None = None

    @property
    def falling(self) -> bool:
        return self.alarm < self.warn

    def level(self, value: float) -> str | None:
        sign = -1.0 if self.falling else 1.0
        red = self.red if self.red is not None else self.alarm + (self.alarm - self.warn)
        v = sign * value
        if v >= sign * red:
            return "red"
        if v >= sign * self.alarm:
            return "orange"
        if v >= sign * self.warn:
            return "yellow"
        return None


@dataclass(frozen=True)
class OpenWarning:
    id: int
    level: str


@dataclass(frozen=True)
class SensorState:
    """A sensor with its newest value per metric (and derived sums) and its open warnings by kind."""

    id: int
    code: str
    name: str
    kind: str
    town_code: str | None
    metrics: Mapping[str, str]
    thresholds: Mapping[str, Any]
    latest: Mapping[str, tuple[datetime, float]]
    open: Mapping[str, OpenWarning]
    capacity: float | None = None


@dataclass(frozen=True)
class AlarmChange:
    action: Literal["raised", "escalated", "lifted"]
    sensor_id: int
    sensor: str
    kind: str
    level: str
    at: datetime
    message: str
    town_code: str | None
    warning_id: int | None = None  # the open warning escalated or lifted; set after a raise

    def as_dict(self) -> dict[str, Any]:
        return {"action": self.action, "warning_id": self.warning_id, "sensor": self.sensor, "kind": self.kind,
                "level": self.level, "town_code": self.town_code, "at": self.at.astimezone(CST).isoformat(),
                "message": self.message}


def lines_for(kind: str, thresholds: Mapping[str, Any], capacity: float | None = None) -> dict[str, Line]:
    """The sensor's own lines, completed by the defaults of its kind."""
    lines: dict[str, Line] = {}
    for metric, raw in DEFAULT_LINES.get(kind, {}).items():
        lines[metric] = Line(raw["warn"], raw["alarm"], raw.get("red"))
    if kind == "parking_lot" and capacity:
        lines["occupied"] = Line(round(capacity * PARKING_SHARES[0]), round(capacity * PARKING_SHARES[1]),
                                 capacity)
    for metric, raw in thresholds.items():
        line = _line(raw)
        if line is not None and metric in WARNING_KIND:
            lines[metric] = line
    return lines


def _line(raw: Any) -> Line | None:
    if not isinstance(raw, Mapping):
        return None
    warn, alarm, red = raw.get("warn"), raw.get("alarm"), raw.get("red")
    if not isinstance(warn, int | float) or not isinstance(alarm, int | float):
        return None
    return Line(float(warn), float(alarm), float(red) if isinstance(red, int | float) else None)


def evaluate(state: SensorState) -> list[AlarmChange]:
    """What to do with this sensor's warnings given its newest values."""
    lines = lines_for(state.kind, state.thresholds, state.capacity)
    by_kind: dict[str, list[tuple[str, Line]]] = {}
    for metric, line in lines.items():
        if metric in state.latest:
            by_kind.setdefault(WARNING_KIND[metric], []).append((metric, line))
    changes: list[AlarmChange] = []
    for kind, pairs in sorted(by_kind.items()):
        worst: tuple[int, str, Line] | None = None
        for metric, line in pairs:
            level = line.level(state.latest[metric][1])
            if level is not None and (worst is None or LEVELS.index(level) > worst[0]):
                worst = (LEVELS.index(level), metric, line)
        newest = max(state.latest[m][0] for m, _ in pairs)
        current = state.open.get(kind)
        if worst is None:
            if current is not None:
                text = f"{state.name}{_when(newest)}{KIND_ZH.get(kind, kind)}预警解除，监测值已恢复正常。"
                changes.append(AlarmChange("lifted", state.id, state.code, kind, current.level, newest, text,
                                           state.town_code, current.id))
            continue
        rank, metric, line = worst
        level = LEVELS[rank]
        at, value = state.latest[metric]
        if current is None:
            changes.append(AlarmChange("raised", state.id, state.code, kind, level, at,
                                       message(state, kind, metric, value, line, level, at), state.town_code))
        elif rank > _rank(current.level):
            changes.append(AlarmChange("escalated", state.id, state.code, kind, level, at,
                                       message(state, kind, metric, value, line, level, at), state.town_code,
                                       current.id))
    return changes


def _rank(level: str) -> int:
    return LEVELS.index(level) if level in LEVELS else -1  # 'blue' (area warnings) ranks below yellow


def message(state: SensorState, kind: str, metric: str, value: float, line: Line, level: str, at: datetime) -> str:
    unit = UNIT.get(metric) or state.metrics.get(metric, "")
    what = METRIC_ZH.get(metric, metric)
    edge = "低于" if line.falling else "达到或超过"
    limit = {"yellow": line.warn, "orange": line.alarm}.get(level, line.red if line.red is not None else line.alarm)
    name = "限值" if kind == "fume" and level != "yellow" else ("警戒值" if level == "yellow" else "报警值")
    return (f"{state.name}{_when(at)}{what}{value:g}{unit}，{edge}{name}（{limit:g}{unit}），"
            f"发布{KIND_ZH.get(kind, kind)}{LEVEL_ZH[level]}预警。")


def _when(at: datetime) -> str:
    local = at.astimezone(CST)
    return f"{local.month}月{local.day}日{local.hour:02d}时{local.minute:02d}分"

"""Validation of ingest batches (sensor readings and indicator values): pure functions, no database.

A batch is ``{"readings": [...], "indicators": [...]}``. The shape of the body is checked first (a body
that is not that shape is refused as a whole, 400; too many items, 413); then every item on its own:
a bad item is rejected with a reason and the good ones are kept.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Literal, TypeVar

from geodata.errors import PayloadTooLarge, ValidationFailed

MAX_ITEMS = 5000
MAX_ID_CHARS = 80
FUTURE_SLACK = timedelta(minutes=5)  # clocks of field devices drift a little
MAX_AGE = timedelta(days=7)  # older readings are a backfill job, not a live feed
CST = timezone(timedelta(hours=8))
# Indicator values are monthly or quarterly reports: any moment of the plan period is acceptable.
INDICATOR_SINCE = datetime(2020, 1, 1, tzinfo=CST)

# Physically possible values per metric (inclusive). Wide on purpose: they catch broken devices and
# unit mistakes (Pa for hPa, °F, a percentage as a share), not unusual weather.
PLAUSIBLE: Mapping[str, tuple[float, float]] = {
    "rain": (0.0, 250.0),  # mm in 10 minutes; the world record is about 40 mm in one minute
    "water_level": (-10.0, 100.0),  # m above the gauge datum
    "temperature": (-40.0, 60.0),  # °C
    "pressure": (800.0, 1100.0),  # hPa
    "humidity": (0.0, 100.0),  # %
    "wind_speed": (0.0, 80.0),  # m/s
    "wind_dir": (0.0, 360.0),  # degrees
    "fume": (0.0, 100.0),  # mg/m³
    "nmhc": (0.0, 500.0),  # mg/m³
    "volume": (0.0, 10_000.0),  # vehicles per 10 minutes
    "speed": (0.0, 250.0),  # km/h
    "occupied": (0.0, 100_000.0),  # parking spaces
    "free": (0.0, 100_000.0),
}
COUNTS = frozenset({"volume", "occupied", "free"})  # whole numbers
PERCENT_UNITS = frozenset({"%"})

ItemKind = Literal["reading", "indicator"]
G = TypeVar("G")


@dataclass(frozen=True)
class SensorRef:
    id: int
    code: str
    kind: str
    name: str
    town_code: str | None
    metrics: Mapping[str, str]  # metric → unit
    thresholds: Mapping[str, Any]

    @property
    def capacity(self) -> float | None:
        """Spaces of a parking lot: an explicit ``capacity`` threshold entry, else the 'full' alarm line
        (the demo sets a lot's occupied alarm at its capacity)."""
        explicit = self.thresholds.get("capacity")
        if isinstance(explicit, int | float):
            return float(explicit)
        if self.kind == "parking_lot":
            line = self.thresholds.get("occupied")
            if isinstance(line, Mapping) and isinstance(line.get("alarm"), int | float):
                return float(line["alarm"])
        return None


@dataclass(frozen=True)
class KpiRef:
    code: str
    unit: str


@dataclass(frozen=True)
class GoodReading:
    index: int
    ingest_id: str
    sensor_id: int
    metric: str
    observed_at: datetime
    value: float


@dataclass(frozen=True)
class GoodIndicator:
    index: int
    ingest_id: str
    code: str
    observed_at: datetime
    value: float


@dataclass(frozen=True)
class Rejection:
    index: int
    kind: ItemKind
    id: str | None
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"index": self.index, "kind": self.kind, "id": self.id, "reason": self.reason}


class ItemError(ValueError):
    """One item is bad; the message is its reason (Chinese / English)."""


@dataclass(frozen=True)
class Batch:
    readings: Sequence[Any]
    indicators: Sequence[Any]
    synthetic: bool


def parse_batch(body: Any) -> Batch:
    """The shape of the whole body; items are checked one by one later."""
    if not isinstance(body, dict):
        raise ValidationFailed('请求体须为 JSON 对象 / send a JSON object: {"readings": [...], "indicators": [...]}')
    unknown = sorted(set(body) - {"readings", "indicators", "synthetic"})
    if unknown:
        raise ValidationFailed(f"未知字段 / unknown field(s): {', '.join(map(str, unknown))[:200]}")
    lists = []
    for key in ("readings", "indicators"):
        value = body.get(key)
        if value is None:
            value = []
        if not isinstance(value, list):
            raise ValidationFailed(f"{key} 须为数组 / {key} must be a list")
        lists.append(value)
    synthetic = body.get("synthetic", False)
    if not isinstance(synthetic, bool):
        raise ValidationFailed("synthetic 须为 true 或 false / synthetic must be true or false")
    total = len(lists[0]) + len(lists[1])
    if total > MAX_ITEMS:
        raise PayloadTooLarge(f"每批最多 {MAX_ITEMS} 条，收到 {total} 条 / "
                              f"at most {MAX_ITEMS} items per batch, got {total}")
    return Batch(lists[0], lists[1], synthetic)


def validate_readings(items: Sequence[Any], sensors: Mapping[str, SensorRef], now: datetime
                      ) -> tuple[list[GoodReading], list[Rejection]]:
    def check(index: int, item: Any, ingest_id: str) -> GoodReading:
        sensor = _field(item, "sensor", str)
        ref = sensors.get(sensor)
        if ref is None:
            raise ItemError(f"未知的传感器 / unknown sensor {sensor[:40]!r}")
        metric = _field(item, "metric", str)
        if metric not in ref.metrics:
            raise ItemError(f"传感器 {ref.code} 没有指标 {metric[:30]!r} / sensor {ref.code} has no metric "
                            f"{metric[:30]!r} (it has {', '.join(sorted(ref.metrics))})")
        observed_at = _timestamp(item, now, now - MAX_AGE, "7 天 / 7 days")
        value = _value(item)
        _plausible(metric, value, ref)
        return GoodReading(index, ingest_id, ref.id, metric, observed_at, value)

    return _each(items, "reading", check)


def validate_indicators(items: Sequence[Any], kpis: Mapping[str, KpiRef], now: datetime
                        ) -> tuple[list[GoodIndicator], list[Rejection]]:
    def check(index: int, item: Any, ingest_id: str) -> GoodIndicator:
        code = _field(item, "code", str)
        kpi = kpis.get(code)
        if kpi is None:
            raise ItemError(f"未知的指标 / unknown indicator {code[:40]!r}")
        observed_at = _timestamp(item, now, INDICATOR_SINCE, "规划期开始 / the plan period (2020)")
        value = _value(item)
        if value < 0 or (kpi.unit in PERCENT_UNITS and value > 100):
            raise ItemError(f"数值不合理 / implausible value {value} {kpi.unit}")
        return GoodIndicator(index, ingest_id, kpi.code, observed_at, value)

    return _each(items, "indicator", check)


def _each(items: Sequence[Any], kind: ItemKind, check: Callable[[int, Any, str], G]
          ) -> tuple[list[G], list[Rejection]]:
    """Each item on its own: the good ones kept, every bad one with its reason (ids unique per batch)."""
    good: list[G] = []
    bad: list[Rejection] = []
    seen: set[str] = set()
    for index, item in enumerate(items):
        try:
            good.append(check(index, item, _id(item, seen)))
        except ItemError as exc:
            bad.append(Rejection(index, kind, _raw_id(item), str(exc)))
    return good, bad


def _raw_id(item: Any) -> str | None:
    value = item.get("id") if isinstance(item, dict) else None
    return value[:MAX_ID_CHARS] if isinstance(value, str) else None


def _id(item: Any, seen: set[str]) -> str:
    if not isinstance(item, dict):
        raise ItemError("每一项须为 JSON 对象 / each item must be a JSON object")
    value = item.get("id")
    if not isinstance(value, str) or not 1 <= len(value) <= MAX_ID_CHARS or value != value.strip():
        raise ItemError(f"id 须为 1–{MAX_ID_CHARS} 个字符的字符串 / id must be a string of 1-{MAX_ID_CHARS} characters "
                        "without surrounding spaces")
    if value in seen:
        raise ItemError("同一批次中 id 重复 / duplicate id within the batch")
    seen.add(value)
    return value


def _field(item: dict[str, Any], name: str, kind: type[str]) -> str:
    value = item.get(name)
    if not isinstance(value, kind) or not value:
        raise ItemError(f"缺少 {name} 或格式错误 / {name} is missing or not a string")
    return value


def _timestamp(item: dict[str, Any], now: datetime, earliest: datetime, earliest_text: str) -> datetime:
    raw = item.get("observed_at")
    if not isinstance(raw, str) or not raw:
        raise ItemError("缺少 observed_at / observed_at is missing (ISO 8601 with a time zone)")
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00") if raw.endswith("Z") else raw)
    except ValueError:
        raise ItemError(f"observed_at 无法解析 / observed_at is not ISO 8601: {raw[:40]!r}") from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ItemError("observed_at 须带时区 / observed_at needs a time zone (e.g. +08:00 or Z)")
    if moment > now + FUTURE_SLACK:
        raise ItemError("observed_at 在未来 / observed_at is more than 5 minutes in the future")
    if moment < earliest:
        raise ItemError(f"observed_at 早于 {earliest_text} / observed_at is too old")
    return moment


def _value(item: dict[str, Any]) -> float:
    raw = item.get("value")
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise ItemError("value 须为数字 / value must be a number")
    value = float(raw)
    if not math.isfinite(value):
        raise ItemError("value 须为有限数 / value must be finite")
    return value


def _plausible(metric: str, value: float, sensor: SensorRef) -> None:
    unit = sensor.metrics.get(metric, "")
    low, high = PLAUSIBLE.get(metric, (-math.inf, math.inf))
    if not low <= value <= high:
        raise ItemError(f"{metric} 数值不可能 / impossible {metric}: {value} {unit} (expected {low:g}–{high:g})")
    if metric in COUNTS and value != int(value):
        raise ItemError(f"{metric} 须为整数 / {metric} must be a whole number")
    capacity = sensor.capacity
    if metric in ("occupied", "free") and capacity is not None and value > capacity:
        raise ItemError(f"{metric} 超过车位总数 / {metric} {value:g} exceeds the capacity of {capacity:g} spaces")

"""Live sensor values for one simulated minute: pure functions of (sensor, time, storm), deterministic.

The rhythms mirror the demo generator (geodata/demo/sensor_series.py): kitchens at lunch and dinner,
commuter peaks on the roads, car parks filling in the day, a daily temperature cycle around the month's
normal. A rainstorm episode passes over the county; rivers answer its rain with a lag of hours. Noise is
drawn from a generator seeded by (sensor, metric, minute), so a restarted feed sends the same values with
the same ids and the API counts them as duplicates.
"""

from __future__ import annotations

import hashlib
import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from geodata.demo.sensor_series import PRESSURE, PREVAILING_WIND, TEMP
from twin.readings import CST

TEN_MINUTES = 10
KM_PER_DEG_LAT = 111.0


@dataclass(frozen=True)
class Storm:
    """A rainstorm episode: a bell-shaped rain rate between start and start + hours, heaviest at the centre."""

    start: datetime
    hours: float = 6.0
    total_mm: float = 90.0  # at the centre
    centre: tuple[float, float] = (120.90, 29.50)

    @property
    def end(self) -> datetime:
        return self.start + timedelta(hours=self.hours)

    def share(self, at: datetime) -> float:
        """Share of the storm's total falling in the 10 minutes ending at ``at``."""
        if not self.start < at <= self.end:
            return 0.0
        t = (at - self.start).total_seconds() / 3600 - self.hours / 2
        sigma = self.hours / 5
        steps = self.hours * 6
        norm = sum(math.exp(-0.5 * (((k + 0.5) / 6 - self.hours / 2) / sigma) ** 2) for k in range(int(steps)))
        return math.exp(-0.5 * (t / sigma) ** 2) / norm if norm else 0.0

    def factor(self, lon: float, lat: float) -> float:
        """Share of the centre's rain at a point: 30 % anywhere in the county, all of it under the core."""
        dx = (lon - self.centre[0]) * KM_PER_DEG_LAT * math.cos(math.radians(lat))
        dy = (lat - self.centre[1]) * KM_PER_DEG_LAT
        return 0.3 + 0.7 * math.exp(-(dx * dx + dy * dy) / (2 * 12.0**2))


def rng_for(*parts: object) -> random.Random:
    digest = hashlib.sha256("|".join(map(str, parts)).encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))  # noqa: S311 - simulation noise, not secrets


def reading_id(sensor: str, metric: str, at: datetime) -> str:
    return f"{sensor}:{metric}:{at.astimezone(CST):%Y%m%dT%H%M}"


def _hour(at: datetime) -> float:
    local = at.astimezone(CST)
    return local.hour + local.minute / 60


def _bump(hour: float, start: float, end: float, edge: float = 0.5) -> float:
    return 1 / (1 + math.exp(-(hour - start) / edge * 4)) / (1 + math.exp((hour - end) / edge * 4))


def _line(sensor: Mapping[str, Any], metric: str, key: str) -> float | None:
    line = (sensor.get("thresholds") or {}).get(metric)
    value = line.get(key) if isinstance(line, Mapping) else None
    return float(value) if isinstance(value, int | float) else None


def rain_mm(sensor: Mapping[str, Any], at: datetime, storm: Storm | None) -> float:
    if storm is None:
        return 0.0
    gust = rng_for(sensor["code"], "rain", at.isoformat()).gammavariate(3.0, 1 / 3.0)  # convective cells
    return round(storm.total_mm * storm.factor(sensor["lon"], sensor["lat"]) * storm.share(at) * gust, 1)


def river_level(sensor: Mapping[str, Any], at: datetime, storm: Storm | None) -> float:
    """Base flow plus the storm's rain through a gamma-shaped unit hydrograph (peak a few hours later)."""
    own = rng_for(sensor["code"], "river")
    warn = _line(sensor, "water_level", "warn") or 4.5
    base = warn - own.uniform(2.4, 3.2)
    rise = own.uniform(2.0, 3.4)  # enough for the wettest stations to pass their warning level
    response = 0.0
    if storm is not None:
        peak_h, tau = own.uniform(2, 6), own.uniform(12, 30)
        scale = max((h / 6) ** (peak_h / tau) * math.exp(-(h / 6) / tau) for h in range(1, 288))
        for k in range(1, 288):  # rain of the last 48 h, 10-minute steps
            share = storm.share(at - timedelta(minutes=TEN_MINUTES * k))
            if share:
                response += share * ((k / 6) ** (peak_h / tau) * math.exp(-(k / 6) / tau)) / scale
        response *= min(storm.factor(sensor["lon"], sensor["lat"]), 1.0)
    noise = rng_for(sensor["code"], "water_level", at.isoformat()).gauss(0, 0.01)
    return round(base + rise * min(response * 1.6, 1.2) + noise, 2)


def weather(sensor: Mapping[str, Any], at: datetime, storm: Storm | None) -> dict[str, float]:
    r = rng_for(sensor["code"], "weather", at.isoformat())
    own = rng_for(sensor["code"], "weather-site")
    month = at.astimezone(CST).month - 1
    day = math.cos(2 * math.pi * (_hour(at) - 14) / 24)
    wet = 0.0
    if storm is not None and storm.start - timedelta(hours=2) < at < storm.end + timedelta(hours=4):
        wet = 1.0
    mid = storm.start + timedelta(hours=storm.hours / 2) if storm else None
    near = math.exp(-0.5 * ((at - mid).total_seconds() / 3600 / 8) ** 2) if mid else 0.0
    offset = own.gauss(0, 1.0)  # altitude and siting
    return {
        "temperature": round(float(TEMP[month]) + offset + 4 * day * (1 - 0.7 * wet) - 3 * wet + r.gauss(0, 0.3), 1),
        "pressure": round(float(PRESSURE[month]) - offset * 3 + 0.8 * math.cos(4 * math.pi * (_hour(at) - 10) / 24)
                          - 6 * near + r.gauss(0, 0.15), 1),
        "humidity": round(min(100.0, max(25.0, 72 - 15 * day + 25 * wet + r.gauss(0, 2))), 1),
        "wind_speed": round(max(0.0, r.gammavariate(2.0, 0.8) + 1.2 * max(day, 0) + 4 * near), 1),
        "wind_dir": round((float(PREVAILING_WIND[month]) + r.gauss(0, 25) + 60 * near) % 360, 0),
        "rain": rain_mm(sensor, at, storm),
    }


def fume(sensor: Mapping[str, Any], at: datetime) -> dict[str, float]:
    """Kitchens cook at lunch and dinner; about one restaurant in five exceeds 2.0 mg/m³ at the rush."""
    own = rng_for(sensor["code"], "kitchen")
    level = own.uniform(1.8, 2.6) if own.random() < 0.2 else own.uniform(0.4, 1.4)
    cooking = _bump(_hour(at), 10.5, 13.5) + _bump(_hour(at), 16.5, 20.5)
    r = rng_for(sensor["code"], "fume", at.isoformat())
    return {"fume": round(0.02 + level * cooking * r.lognormvariate(0, 0.25), 3),
            "nmhc": round(1.2 + 5.0 * cooking * own.uniform(0.6, 1.3) * r.lognormvariate(0, 0.2), 2)}


def traffic(sensor: Mapping[str, Any], at: datetime, storm: Storm | None) -> dict[str, float]:
    capacity = _line(sensor, "volume", "alarm") or 200.0
    free_kmh = 45.0 if capacity < 220 else 70.0
    hour = _hour(at)
    weekend = at.astimezone(CST).weekday() >= 5
    peaks = math.exp(-(((hour - 7.75) / 1.1) ** 2)) + 0.9 * math.exp(-(((hour - 17.5) / 1.4) ** 2))
    demand = 0.08 + 0.45 * _bump(hour, 6.5, 21.0, 1.0) + 0.5 * (0.4 if weekend else 1.0) * peaks
    r = rng_for(sensor["code"], "traffic", at.isoformat())
    mean = capacity * demand * r.lognormvariate(0, 0.1)
    volume = max(0, round(r.gauss(mean, math.sqrt(max(mean, 1.0)))))
    raining = storm is not None and storm.start < at <= storm.end
    speed = free_kmh * (1 - 0.55 * (volume / capacity) ** 2) - 8 * raining + r.gauss(0, 2)
    return {"volume": float(volume), "speed": round(max(5.0, speed), 1)}


def parking(sensor: Mapping[str, Any], at: datetime) -> dict[str, float]:
    capacity = _line(sensor, "occupied", "alarm") or 200.0
    weekend = at.astimezone(CST).weekday() >= 5
    busy = 0.12 + 0.78 * _bump(_hour(at), 8.5, 20.5, 1.2) * (1.05 if weekend else 0.9)
    share = busy * rng_for(sensor["code"], "lot").uniform(0.75, 1.1) + rng_for(sensor["code"], at.isoformat()).gauss(
        0, 0.03)
    occupied = float(round(min(1.0, max(0.0, share)) * capacity))
    return {"occupied": occupied, "free": capacity - occupied}


def sensor_values(sensor: Mapping[str, Any], at: datetime, storm: Storm | None) -> dict[str, float]:
    kind = sensor["kind"]
    if kind == "rain_gauge":
        values = {"rain": rain_mm(sensor, at, storm)}
    elif kind == "river_level":
        values = {"water_level": river_level(sensor, at, storm)}
    elif kind == "weather_station":
        values = weather(sensor, at, storm)
    elif kind == "fume_monitor":
        values = fume(sensor, at)
    elif kind == "traffic_counter":
        values = traffic(sensor, at, storm)
    elif kind == "parking_lot":
        values = parking(sensor, at)
    else:
        return {}
    return {m: v for m, v in values.items() if m in (sensor.get("metrics") or {})}


def round_items(sensors: Sequence[Mapping[str, Any]], at: datetime, storm: Storm | None) -> list[dict[str, Any]]:
    """The readings of one simulated minute: fume monitors every minute, the others every ten minutes."""
    every_ten = at.minute % TEN_MINUTES == 0
    items = []
    stamp = at.isoformat()
    for sensor in sensors:
        if sensor["kind"] != "fume_monitor" and not every_ten:
            continue
        for metric, value in sensor_values(sensor, at, storm).items():
            items.append({"id": reading_id(sensor["code"], metric, at), "sensor": sensor["code"], "metric": metric,
                          "observed_at": stamp, "value": value})
    return items


def indicator_items(indicators: Sequence[Mapping[str, Any]], at: datetime) -> list[dict[str, Any]]:
    """On the hour, one indicator (in turn) moves a little towards its 2025 target."""
    if at.minute != 0 or not indicators:
        return []
    kpi = indicators[(at.hour + at.day * 24) % len(indicators)]
    value, target = kpi.get("value"), kpi.get("target_2025")
    if not isinstance(value, int | float) or not isinstance(target, int | float):
        return []
    step = rng_for(kpi["code"], at.isoformat()).uniform(0.0, 0.05) * (1 if target >= value else -1)
    new = min(100.0, value + step) if kpi.get("unit") == "%" else value + step
    return [{"id": reading_id(f"kpi-{kpi['code']}", "value", at), "code": kpi["code"], "observed_at": at.isoformat(),
             "value": round(new, 3)}]


def storm_over(sensors: Sequence[Mapping[str, Any]], start: datetime, hours: float = 6.0) -> Storm:
    """A storm centred on the rain gauge nearest the middle of the network (so some gauges get the core)."""
    gauges = [s for s in sensors if s["kind"] == "rain_gauge"] or list(sensors)
    if not gauges:
        return Storm(start, hours)
    mid = (sum(s["lon"] for s in gauges) / len(gauges), sum(s["lat"] for s in gauges) / len(gauges))
    core = min(gauges, key=lambda s: (s["lon"] - mid[0]) ** 2 + (s["lat"] - mid[1]) ** 2)
    return Storm(start, hours, 90.0, (core["lon"], core["lat"]))

"""Live state for the cockpit: sensors with their newest values, the plan's indicators, the weather at
the county seat and the health of each sensor network. Each function is one SQL query."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from geodata.models.monitoring import SENSOR_KINDS
from geodata.repositories import monitoring as repo
from twin.readings import CST

COUNTY_SEAT = (120.90017, 29.50528)  # 新昌 county seat (lon, lat), as in the demo generator
HISTORY_POINTS = 24
WEATHER_FRESH = timedelta(hours=3)  # a station silent for longer gives way to one that reports
STALE_AFTER = timedelta(minutes=30)  # every feed reports at least every 10 minutes


def iso(moment: datetime | None) -> str | None:
    return moment.astimezone(CST).isoformat(timespec="seconds") if moment is not None else None


def sensors(kind: str | None = None) -> list[dict[str, Any]]:
    """GET /api/v1/sensors: code, kind, name, metrics (metric → unit), thresholds, town_code, lon, lat,
    status, latest (metric → {value, observed_at}) and alarm (the highest open warning level or None)."""
    out = []
    for row in repo.sensors(kind):
        latest = {m: {"value": v, "observed_at": iso(t)}
                  for m, t, v in zip(row["metric_names"] or [], row["times"] or [], row["vals"] or [], strict=True)}
        levels = row["open_levels"] or []
        out.append({"code": row["code"], "kind": row["kind"], "name": row["name"], "metrics": row["metrics"],
                    "thresholds": row["thresholds"], "town_code": row["town_code"], "status": row["status"],
                    "lon": round(float(row["lon"]), 6), "lat": round(float(row["lat"]), 6), "latest": latest,
                    "alarm": max(levels, key=_rank) if levels else None})
    return out


def _rank(level: str) -> int:
    return ("blue", "yellow", "orange", "red").index(level) if level in ("blue", "yellow", "orange", "red") else -1


def progress(value: float | None, baseline: float, target: float) -> float | None:
    """Share of the way from the 2020 baseline to the 2025 target (1 = reached; above 1 = beyond)."""
    if value is None or target == baseline:
        return None
    return round((value - baseline) / (target - baseline), 4)


def indicators(points: int = HISTORY_POINTS, now: datetime | None = None) -> dict[str, Any]:
    """GET /api/v1/indicators: the current value of each plan indicator, its targets, progress and history."""
    out = []
    for row in repo.indicators(points):
        times, vals = row["times"] or [], row["vals"] or []
        value = float(vals[-1]) if vals else None
        out.append({
            "code": row["code"], "name": row["name"], "name_en": row["name_en"], "unit": row["unit"],
            "value": value, "observed_at": iso(times[-1]) if times else None,
            "baseline_2020": row["baseline_2020"], "target_2022": row["target_2022"],
            "target_2025": row["target_2025"], "target_note": row["target_note"], "lead_unit": row["lead_unit"],
            "progress": progress(value, row["baseline_2020"], row["target_2025"]),
            "history": [[iso(t), float(v)] for t, v in zip(times, vals, strict=True)],
        })
    return {"indicators": out, "as_of": iso(now or datetime.now(UTC))}


def latest_weather(now: datetime | None = None) -> dict[str, Any] | None:
    """The weather at the county seat: the newest value per metric of the station nearest to it (among
    those that reported in the last 3 hours). None when there is no weather station.

    ``{"station": {"code", "name"}, "observed_at": datetime (newest), "values": {metric: {"value",
    "unit", "observed_at"}}}`` with metrics temperature (°C), pressure (hPa), humidity (%),
    wind_speed (m/s), wind_dir (°), rain (mm in 10 min).
    """
    rows = repo.nearest_weather_station(*COUNTY_SEAT, now or datetime.now(UTC), WEATHER_FRESH)
    if not rows:
        return None
    values = {r["metric"]: {"value": float(r["value"]), "unit": r["unit"], "observed_at": r["observed_at"]}
              for r in rows}
    return {"station": {"code": rows[0]["code"], "name": rows[0]["name"]},
            "observed_at": max(r["observed_at"] for r in rows), "values": values}


def sensor_status(now: datetime | None = None) -> list[dict[str, Any]]:
    """Per sensor kind, in a fixed order: ``{"kind", "count", "alarming" (sensors with an open warning),
    "stale" (no value for 30 minutes), "newest" (datetime or None)}``; kinds without sensors are left out."""
    rows = {r["kind"]: r for r in repo.status_by_kind(now or datetime.now(UTC), STALE_AFTER)}
    return [{"kind": k, "count": int(rows[k]["sensors"]), "alarming": int(rows[k]["alarming"]),
             "stale": int(rows[k]["stale"]), "newest": rows[k]["newest"]} for k in SENSOR_KINDS if k in rows]

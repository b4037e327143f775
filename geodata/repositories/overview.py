"""Aggregates for the leaders' overview screen: counts and short series, never individuals.

Row-level security applies: a township commander's screen counts their township only."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import text

from geodata.db import get_engine

# open = not closed, false alarm (incidents) or rejected (grid events), in every statement below


def _rows(sql: str, **params: Any) -> list[dict[str, Any]]:
    with get_engine().connect() as conn:
        return [dict(r) for r in conn.execute(text(sql), params).mappings()]


def incident_counts(day_start: datetime) -> list[dict[str, Any]]:
    """Per category and severity: incidents since ``day_start`` and incidents still open."""
    return _rows("""
        SELECT category, severity, count(*) FILTER (WHERE occurred_at >= :day) AS today,
               count(*) FILTER (WHERE status NOT IN ('closed', 'false_alarm')) AS open
        FROM incident GROUP BY category, severity ORDER BY category, severity""", day=day_start)


def warning_counts() -> list[dict[str, Any]]:
    """Open warnings per level, split into area warnings and sensor alarms."""
    return _rows("""
        SELECT level, count(*) FILTER (WHERE sensor_id IS NULL) AS areas,
               count(*) FILTER (WHERE sensor_id IS NOT NULL) AS sensors
        FROM warning WHERE lifted_at IS NULL GROUP BY level""")


def grid_event_counts(day_start: datetime, since: datetime, now: datetime) -> dict[str, Any]:
    rows = _rows("""
        SELECT count(*) FILTER (WHERE status NOT IN ('closed', 'rejected')) AS open,
               count(*) FILTER (WHERE status NOT IN ('closed', 'rejected') AND due_at < :now) AS overdue,
               count(*) FILTER (WHERE reported_at >= :day) AS reported_today,
               count(*) FILTER (WHERE closed_at >= :day AND status = 'closed') AS closed_today,
               count(*) FILTER (WHERE reported_at >= :since) AS recent,
               count(*) FILTER (WHERE reported_at >= :since AND status = 'closed') AS recent_closed
        FROM grid_event WHERE reported_at >= :since OR status NOT IN ('closed', 'rejected')""",
        day=day_start, since=since, now=now)
    return rows[0]


def sensor_alarms(limit: int) -> list[dict[str, Any]]:
    """Open sensor alarms, worst first, with the sensor's position."""
    return _rows("""
        SELECT w.id, w.kind, w.level, w.message, w.issued_at, s.code, s.name, s.kind AS sensor_kind,
               ST_X(s.geom) AS lon, ST_Y(s.geom) AS lat
        FROM warning w JOIN sensor s ON s.id = w.sensor_id
        WHERE w.lifted_at IS NULL
        ORDER BY array_position(ARRAY['red','orange','yellow','blue']::text[], w.level::text), w.issued_at DESC
        LIMIT :limit""", limit=limit)


HOURLY = {
    # rain: mm per hour, averaged over the gauges that reported
    "sum_per_sensor": """
        SELECT date_trunc('hour', r.observed_at) AS hour, sum(r.value) / count(DISTINCT r.sensor_id) AS value
        FROM reading r JOIN sensor s ON s.id = r.sensor_id
        WHERE s.kind = :kind AND r.metric = :metric AND r.observed_at >= :since
        GROUP BY 1 ORDER BY 1""",
    # river level: the highest gauge
    "max": """
        SELECT date_trunc('hour', r.observed_at) AS hour, max(r.value) AS value
        FROM reading r JOIN sensor s ON s.id = r.sensor_id
        WHERE s.kind = :kind AND r.metric = :metric AND r.observed_at >= :since
        GROUP BY 1 ORDER BY 1""",
}


def hourly_series(kind: str, metric: str, since: datetime, how: str) -> list[dict[str, Any]]:
    """One value per hour over the sensors of one kind, aggregated as ``HOURLY[how]`` says."""
    return _rows(HOURLY[how], kind=kind, metric=metric, since=since)


def park_month() -> dict[str, Any] | None:
    """The park's enterprises in the latest month with records: output, tax and energy."""
    rows = _rows("""
        SELECT e.month, sum(e.output_value_wan) AS output_wan, sum(e.tax_wan) AS tax_wan,
               sum(e.electricity_kwh) AS electricity_kwh, sum(e.gas_m3) AS gas_m3, count(*) AS enterprises
        FROM energy_record e
        WHERE e.month = (SELECT max(month) FROM energy_record)
        GROUP BY e.month""")
    return rows[0] if rows else None


def tour_targets() -> dict[str, Any]:
    """Where the automatic tour goes: the park, the worst open incident, the township with most open events."""
    park = _rows("SELECT name, ST_X(ST_Centroid(geom)) AS lon, ST_Y(ST_Centroid(geom)) AS lat FROM park LIMIT 1")
    incident = _rows("""
        SELECT code, title, ST_X(geom) AS lon, ST_Y(geom) AS lat FROM incident
        WHERE status NOT IN ('closed', 'false_alarm') ORDER BY severity, occurred_at DESC LIMIT 1""")
    town = _rows("""
        SELECT a.code, a.name, ST_X(a.label_point) AS lon, ST_Y(a.label_point) AS lat, e.n AS open_events
        FROM (SELECT left(grid_code, 9) AS code, count(*) AS n FROM grid_event
              WHERE status NOT IN ('closed', 'rejected') GROUP BY 1 ORDER BY 2 DESC LIMIT 1) e
        JOIN admin_area a ON a.code = e.code""")
    return {"park": park[0] if park else None, "incident": incident[0] if incident else None,
            "township": town[0] if town else None}

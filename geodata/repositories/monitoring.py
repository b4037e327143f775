"""Sensors, their readings and the warnings raised from them; the plan's indicator values.

Ingest writes go through one connection (``transaction()``) so that readings, indicator values,
warnings and the audit entry of a batch commit or roll back together. Latest values are looked up per
(sensor, metric) through the reading primary key, newest first: a few index probes per sensor.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, text

from geodata.db import get_engine

LIVE_SOURCE = "live ingest"


@contextmanager
def transaction() -> Iterator[Connection]:
    with get_engine().begin() as conn:
        yield conn


def sensor_refs(conn: Connection) -> list[dict[str, Any]]:
    """Every sensor with what validation needs (a few hundred rows at most)."""
    rows = conn.execute(text(
        "SELECT id, code, kind, name, town_code, metrics, thresholds FROM sensor ORDER BY id")).mappings()
    return [dict(r) for r in rows]


def kpi_refs(conn: Connection) -> list[dict[str, Any]]:
    return [dict(r) for r in conn.execute(text("SELECT code, unit FROM kpi_definition ORDER BY sort_order"))
            .mappings()]


_INSERT_READINGS = text("""
    INSERT INTO reading (sensor_id, metric, observed_at, value, is_synthetic, ingest_id, received_at)
    SELECT u.sensor_id, u.metric, u.observed_at, u.value, :synthetic, u.ingest_id, now()
    FROM unnest(CAST(:sensor_id AS integer[]), CAST(:metric AS text[]), CAST(:observed_at AS timestamptz[]),
                CAST(:value AS double precision[]), CAST(:ingest_id AS text[]))
         AS u(sensor_id, metric, observed_at, value, ingest_id)
    ON CONFLICT DO NOTHING
    RETURNING ingest_id""")

_INSERT_KPI_VALUES = text("""
    INSERT INTO kpi_value (kpi_code, observed_at, value, is_synthetic, ingest_id, received_at)
    SELECT u.kpi_code, u.observed_at, u.value, :synthetic, u.ingest_id, now()
    FROM unnest(CAST(:kpi_code AS text[]), CAST(:observed_at AS timestamptz[]), CAST(:value AS double precision[]),
                CAST(:ingest_id AS text[])) AS u(kpi_code, observed_at, value, ingest_id)
    ON CONFLICT DO NOTHING
    RETURNING ingest_id""")


def insert_readings(conn: Connection, rows: Sequence[tuple[str, int, str, datetime, float]], *,
                    synthetic: bool) -> set[str]:
    """Rows (ingest_id, sensor_id, metric, observed_at, value) in one statement; returns the ingest ids
    stored. A row whose id or (sensor, metric, time) is already stored is skipped (a duplicate)."""
    if not rows:
        return set()
    ids, sensor_ids, metrics, times, values = (list(col) for col in zip(*rows, strict=True))
    result = conn.execute(_INSERT_READINGS, {"sensor_id": sensor_ids, "metric": metrics, "observed_at": times,
                                             "value": values, "ingest_id": ids, "synthetic": synthetic})
    return {r[0] for r in result}


def insert_kpi_values(conn: Connection, rows: Sequence[tuple[str, str, datetime, float]], *,
                      synthetic: bool) -> set[str]:
    """Rows (ingest_id, kpi_code, observed_at, value); returns the ingest ids stored."""
    if not rows:
        return set()
    ids, codes, times, values = (list(col) for col in zip(*rows, strict=True))
    result = conn.execute(_INSERT_KPI_VALUES, {"kpi_code": codes, "observed_at": times, "value": values,
                                               "ingest_id": ids, "synthetic": synthetic})
    return {r[0] for r in result}


_LATEST = text("""
    WITH latest AS (
        SELECT s.id AS sensor_id, m.metric, l.observed_at, l.value
        FROM sensor s
        CROSS JOIN LATERAL jsonb_object_keys(s.metrics) AS m(metric)
        CROSS JOIN LATERAL (SELECT r.observed_at, r.value FROM reading r
                            WHERE r.sensor_id = s.id AND r.metric = m.metric
                            ORDER BY r.observed_at DESC LIMIT 1) l
        WHERE s.id = ANY(:ids))
    SELECT sensor_id, metric, observed_at, value FROM latest
    UNION ALL
    -- rain over the last hour and day up to the newest 10-minute value
    SELECT l.sensor_id, d.metric, l.observed_at, sum(r.value)
    FROM latest l
    CROSS JOIN (VALUES ('rain_1h', interval '1 hour'), ('rain_24h', interval '24 hours')) AS d(metric, span)
    JOIN reading r ON r.sensor_id = l.sensor_id AND r.metric = 'rain'
                  AND r.observed_at > l.observed_at - d.span AND r.observed_at <= l.observed_at
    WHERE l.metric = 'rain'
    GROUP BY l.sensor_id, d.metric, l.observed_at""")


def latest_values(conn: Connection, sensor_ids: Sequence[int]) -> dict[int, dict[str, tuple[datetime, float]]]:
    """sensor id → metric → (observed_at, value), with rain_1h and rain_24h for sensors measuring rain."""
    out: dict[int, dict[str, tuple[datetime, float]]] = {}
    for sensor_id, metric, observed_at, value in conn.execute(_LATEST, {"ids": list(sensor_ids)}):
        out.setdefault(sensor_id, {})[metric] = (observed_at, float(value))
    return out


def open_warnings(conn: Connection, sensor_ids: Sequence[int]) -> dict[int, dict[str, tuple[int, str]]]:
    """sensor id → warning kind → (warning id, level) of the warnings not yet lifted. Locks them, so that a
    concurrent batch for the same sensor waits instead of lifting or escalating the same warning."""
    rows = conn.execute(text("""
        SELECT sensor_id, kind, id, level FROM warning
        WHERE sensor_id = ANY(:ids) AND lifted_at IS NULL
        ORDER BY id FOR UPDATE"""), {"ids": list(sensor_ids)})
    out: dict[int, dict[str, tuple[int, str]]] = {}
    for sensor_id, kind, warning_id, level in rows:
        out.setdefault(sensor_id, {})[kind] = (warning_id, level)
    return out


def raise_warning(conn: Connection, *, kind: str, level: str, sensor_id: int, town_code: str | None,
                  message: str, issued_at: datetime, synthetic: bool) -> int | None:
    """The new warning's id, or None when another batch raised the same one a moment ago."""
    return conn.execute(text("""
        INSERT INTO warning (kind, level, sensor_id, town_code, message, issued_at, is_synthetic, source)
        VALUES (:kind, :level, :sensor_id, :town_code, :message, :issued_at, :synthetic, :source)
        ON CONFLICT (sensor_id, kind) WHERE lifted_at IS NULL AND sensor_id IS NOT NULL DO NOTHING
        RETURNING id"""), {"kind": kind, "level": level, "sensor_id": sensor_id, "town_code": town_code,
                           "message": message, "issued_at": issued_at, "synthetic": synthetic,
                           "source": LIVE_SOURCE}).scalar()


def escalate_warning(conn: Connection, warning_id: int, level: str, message: str) -> bool:
    return conn.execute(text("""
        UPDATE warning SET level = :level, message = :message WHERE id = :id AND lifted_at IS NULL
        RETURNING id"""), {"id": warning_id, "level": level, "message": message}).first() is not None


def lift_warning(conn: Connection, warning_id: int, at: datetime) -> bool:
    return conn.execute(text("""
        UPDATE warning SET lifted_at = greatest(:at, issued_at) WHERE id = :id AND lifted_at IS NULL
        RETURNING id"""), {"id": warning_id, "at": at}).first() is not None


def sensors(kind: str | None = None) -> list[dict[str, Any]]:
    """Every sensor (or those of one kind) with position, newest value per metric and open warning levels."""
    sql = text("""
        SELECT s.code, s.kind, s.name, s.metrics, s.thresholds, s.town_code, s.status,
               ST_X(s.geom) AS lon, ST_Y(s.geom) AS lat, l.metric_names, l.times, l.vals,
               (SELECT array_agg(w.level ORDER BY w.id) FROM warning w
                WHERE w.sensor_id = s.id AND w.lifted_at IS NULL) AS open_levels
        FROM sensor s
        CROSS JOIN LATERAL (
            SELECT array_agg(m.metric) AS metric_names, array_agg(x.observed_at) AS times, array_agg(x.value) AS vals
            FROM jsonb_object_keys(s.metrics) AS m(metric)
            CROSS JOIN LATERAL (SELECT r.observed_at, r.value FROM reading r
                                WHERE r.sensor_id = s.id AND r.metric = m.metric
                                ORDER BY r.observed_at DESC LIMIT 1) x) l
        WHERE CAST(:kind AS text) IS NULL OR s.kind = :kind
        ORDER BY s.kind, s.code""")
    with get_engine().connect() as conn:
        return [dict(r) for r in conn.execute(sql, {"kind": kind}).mappings()]


def nearest_weather_station(lon: float, lat: float, now: datetime, fresh: timedelta) -> list[dict[str, Any]]:
    """Newest value per metric of the weather station nearest (lon, lat) among those that reported
    within ``fresh`` (else the nearest of all): one row per metric."""
    sql = text("""
        WITH st AS (
            SELECT s.id, s.code, s.name, s.metrics FROM sensor s
            WHERE s.kind = 'weather_station'
            ORDER BY EXISTS (SELECT 1 FROM reading r WHERE r.sensor_id = s.id AND r.metric = 'temperature'
                             AND r.observed_at > CAST(:since AS timestamptz)) DESC,
                     s.geom <-> ST_SetSRID(ST_MakePoint(:lon, :lat), 4490)
            LIMIT 1)
        SELECT st.code, st.name, m.metric, st.metrics ->> m.metric AS unit, x.observed_at, x.value
        FROM st CROSS JOIN LATERAL jsonb_object_keys(st.metrics) AS m(metric)
        JOIN LATERAL (SELECT r.observed_at, r.value FROM reading r
                      WHERE r.sensor_id = st.id AND r.metric = m.metric
                      ORDER BY r.observed_at DESC LIMIT 1) x ON true
        ORDER BY m.metric""")
    with get_engine().connect() as conn:
        return [dict(r) for r in conn.execute(sql, {"lon": lon, "lat": lat, "since": now - fresh}).mappings()]


def status_by_kind(now: datetime, stale_after: timedelta) -> list[dict[str, Any]]:
    """Per sensor kind: sensors, sensors with an open warning, sensors silent for ``stale_after``, newest time."""
    sql = text("""
        SELECT s.kind, count(*) AS sensors,
               count(*) FILTER (WHERE EXISTS (SELECT 1 FROM warning w
                                              WHERE w.sensor_id = s.id AND w.lifted_at IS NULL)) AS alarming,
               count(*) FILTER (WHERE l.newest IS NULL OR l.newest < CAST(:stale AS timestamptz)) AS stale,
               max(l.newest) AS newest
        FROM sensor s
        CROSS JOIN LATERAL (
            SELECT max(x.observed_at) AS newest
            FROM jsonb_object_keys(s.metrics) AS m(metric)
            CROSS JOIN LATERAL (SELECT r.observed_at FROM reading r
                                WHERE r.sensor_id = s.id AND r.metric = m.metric
                                ORDER BY r.observed_at DESC LIMIT 1) x) l
        GROUP BY s.kind""")
    with get_engine().connect() as conn:
        return [dict(r) for r in conn.execute(sql, {"stale": now - stale_after}).mappings()]


def indicators(points: int) -> list[dict[str, Any]]:
    """The plan's indicators in plan order, each with its last ``points`` values (oldest first)."""
    sql = text("""
        SELECT d.code, d.name, d.name_en, d.unit, d.baseline_2020, d.target_2022, d.target_2025, d.target_note,
               d.lead_unit, h.times, h.vals
        FROM kpi_definition d
        CROSS JOIN LATERAL (
            SELECT array_agg(v.observed_at ORDER BY v.observed_at) AS times,
                   array_agg(v.value ORDER BY v.observed_at) AS vals
            FROM (SELECT observed_at, value FROM kpi_value
                  WHERE kpi_code = d.code ORDER BY observed_at DESC LIMIT :points) v) h
        ORDER BY d.sort_order, d.code""")
    with get_engine().connect() as conn:
        return [dict(r) for r in conn.execute(sql, {"points": points}).mappings()]

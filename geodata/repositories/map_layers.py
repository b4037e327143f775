"""Small point and area sets the county map draws inline (no tiles needed at these sizes)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import text

from geodata.db import get_engine


def _rows(sql: str, **params: Any) -> list[dict[str, Any]]:
    with get_engine().connect() as conn:
        return [dict(r) for r in conn.execute(text(sql), params).mappings()]


def sensors() -> list[dict[str, Any]]:
    return _rows("""
        SELECT code, kind, name, status, ST_X(geom) AS lon, ST_Y(geom) AS lat
        FROM sensor ORDER BY code""")


def open_incidents(limit: int = 500) -> list[dict[str, Any]]:
    return _rows("""
        SELECT code, title, category, subtype, severity, status, occurred_at,
               ST_X(geom) AS lon, ST_Y(geom) AS lat
        FROM incident WHERE status NOT IN ('closed', 'false_alarm')
           OR occurred_at > now() - interval '30 days'
        ORDER BY occurred_at DESC LIMIT :lim""", lim=limit)


def resources() -> list[dict[str, Any]]:
    return _rows("""
        SELECT code, kind, name, personnel AS capacity, ST_X(geom) AS lon, ST_Y(geom) AS lat
        FROM emergency_resource
        UNION ALL
        SELECT code, 'shelter', name, capacity, ST_X(geom), ST_Y(geom) FROM shelter
        ORDER BY 1""")


def active_warnings() -> list[dict[str, Any]]:
    """Active area warnings (not single-sensor alarms) with their area: their own polygon, else the township's."""
    rows = _rows("""
        SELECT w.id, w.kind, w.level, w.message, w.issued_at,
               ST_AsGeoJSON(ST_SimplifyPreserveTopology(coalesce(w.area, a.geom), 0.0005), 6) AS area
        FROM warning w LEFT JOIN admin_area a ON a.code = w.town_code
        WHERE w.lifted_at IS NULL AND w.sensor_id IS NULL AND coalesce(w.area, a.geom) IS NOT NULL
        ORDER BY w.issued_at DESC""")
    for row in rows:
        row["area"] = json.loads(row["area"])
    return rows


def grid_density() -> list[dict[str, Any]]:
    """Resident counts per grid cell at the cell's centre: aggregates only, never people."""
    return _rows("""
        SELECT code, resident_count AS residents, ST_X(ST_PointOnSurface(geom)) AS lon,
               ST_Y(ST_PointOnSurface(geom)) AS lat
        FROM grid_cell WHERE resident_count > 0""")


def park_parcels() -> dict[str, Any]:
    rows = _rows("""
        SELECT code, land_use, status, round(area_m2) AS area_m2,
               ST_AsGeoJSON(ST_SimplifyPreserveTopology(geom, 0.00002), 6) AS g
        FROM park_parcel ORDER BY code""")
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": json.loads(r.pop("g")), "properties": r} for r in rows]}

"""Administrative areas and place names: boundaries and label points for the basemap."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text

from geodata.db import get_engine


@dataclass(frozen=True)
class LabelPoint:
    code: str
    name: str
    level: str  # county / township / village / place
    lon: float
    lat: float


def label_points() -> list[LabelPoint]:
    sql = text("""
        SELECT code, name, level, ST_X(label_point) AS lon, ST_Y(label_point) AS lat
        FROM admin_area WHERE level IN ('township', 'village')
        UNION ALL
        SELECT 'place-' || id, name, 'place', ST_X(geom), ST_Y(geom) FROM place_point WHERE kind = 'landmark'
        ORDER BY 3, 1""")
    with get_engine().connect() as conn:
        return [LabelPoint(**row) for row in conn.execute(sql).mappings()]


def outline_geojson(level: str, tolerance_deg: float) -> dict[str, Any]:
    """Boundaries of one level as a GeoJSON FeatureCollection of lines (simplified, 6 decimals)."""
    sql = text("""
        SELECT code, name, ST_AsGeoJSON(ST_Boundary(ST_SimplifyPreserveTopology(geom, :tol)), 6) AS g
        FROM admin_area WHERE level = :level ORDER BY code""")
    with get_engine().connect() as conn:
        rows = conn.execute(sql, {"level": level, "tol": tolerance_deg}).all()
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": code, "name": name}, "geometry": json.loads(g)}
        for code, name, g in rows
    ]}


def area_card(code: str) -> dict[str, Any] | None:
    sql = text("""
        SELECT a.code, a.name, a.level, a.kind, a.area_km2, p.code AS parent_code, p.name AS parent_name,
               (SELECT count(*) FROM grid_cell g WHERE g.village_code = a.code) AS grid_cells,
               (SELECT coalesce(sum(g.resident_count), 0) FROM grid_cell g WHERE g.village_code = a.code)
                   AS residents,
               (SELECT coalesce(sum(g.household_count), 0) FROM grid_cell g WHERE g.village_code = a.code)
                   AS households
        FROM admin_area a LEFT JOIN admin_area p ON p.code = a.parent_code
        WHERE a.code = :code""")
    with get_engine().connect() as conn:
        row = conn.execute(sql, {"code": code}).mappings().first()
    return dict(row) if row else None


def villages(code_prefix: str) -> list[dict[str, Any]]:
    """Villages/communities whose code starts with ``code_prefix`` (county, township or one village)."""
    sql = text("""
        SELECT v.code, v.name, t.name AS town_name
        FROM admin_area v JOIN admin_area t ON t.code = v.parent_code
        WHERE v.level = 'village' AND v.code LIKE :prefix || '%'
        ORDER BY v.code""")
    with get_engine().connect() as conn:
        return [dict(r) for r in conn.execute(sql, {"prefix": code_prefix}).mappings()]

"""The standard-address library as stored: the active records for the matcher, nearest records to a point.

Row-level security applies: a township commander's matcher and reverse lookups see their township only."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import text

from geodata.db import get_engine

ACTIVE = """
    SELECT code, level, full_text, province, city, county, town, community, group_name, road, house_number,
           estate, building, unit, room, aliases, ST_X(geom) AS lon, ST_Y(geom) AS lat
    FROM standard_address
    WHERE status = 'active' AND (valid_to IS NULL OR valid_to >= current_date)
    ORDER BY id"""

# The k nearest by the GiST index (<->), then the exact geodesic distance and the radius. The inner
# limit is wider than the answer so that, where many rooms share a point, the door itself is among them.
NEAREST = """
    SELECT * FROM (
        SELECT code, level, full_text, province, city, county, town, community, group_name, road, house_number,
               estate, building, unit, room, ST_X(geom) AS lon, ST_Y(geom) AS lat,
               ST_Distance(geom::geography, ST_SetSRID(ST_MakePoint(:lon, :lat), 4490)::geography) AS distance_m
        FROM standard_address
        WHERE status = 'active'
        ORDER BY geom <-> ST_SetSRID(ST_MakePoint(:lon, :lat), 4490)
        LIMIT :limit * 20) nearest
    WHERE distance_m <= :radius
    -- rooms share their building's point: at one spot the door (house number, building) comes first
    ORDER BY round(distance_m::numeric, 1),
             array_position(ARRAY['house_number','building','estate','unit','room','road']::text[], level::text)
    LIMIT :limit"""


def active_addresses(batch: int = 20_000) -> Iterator[dict[str, Any]]:
    """Every active record, streamed (a million rows need not sit in memory twice)."""
    with get_engine().connect() as conn:
        result = conn.execution_options(stream_results=True, max_row_buffer=batch).execute(text(ACTIVE))
        for row in result.mappings():
            yield dict(row)


def nearest(lon: float, lat: float, radius_m: float, limit: int) -> list[dict[str, Any]]:
    with get_engine().connect() as conn:
        rows = conn.execute(text(NEAREST), {"lon": lon, "lat": lat, "radius": radius_m, "limit": limit})
        return [dict(r) for r in rows.mappings()]

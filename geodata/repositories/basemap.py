"""What the server-rendered basemap needs from PostGIS: vector features per tile, the DEM file, versions.

Geometries come back already in tile space (``ST_AsMVTGeom``: 0..EXTENT across the tile, y down),
so the renderer only scales them; the ``&&`` filter on the indexed 4490 column keeps each query on
the GiST index.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry.base import BaseGeometry
from sqlalchemy import Connection, select, text
from sqlalchemy.exc import OperationalError

from geodata.db import get_engine
from geodata.errors import DatabaseUnavailable
from geodata.models import DataVersion, Dem

SQL_DIR = Path(__file__).resolve().parent.parent / "sql"
EXTENT = 4096  # tile-space units across a tile: 1/16 px at 256 px, fine enough for antialiased lines
BUFFER = 256  # clip margin in tile units (16 px at 256 px): wider than any line or glow
TABLES = ("admin_area", "river", "road")  # what the basemap's vector content depends on
WEB_MERCATOR_SPAN = 2 * math.pi * 6378137.0


@dataclass(frozen=True)
class FeatureQuery:
    z: int
    x: int
    y: int
    road_classes: tuple[str, ...]
    max_river_rank: int
    boundary_levels: tuple[str, ...]
    edge_margin: float = 0.0  # how far around the tile (in tiles) the county boundary is wanted
    render_px: int = 512  # simplification keeps half a pixel at this tile size


@dataclass
class TileFeatures:
    """Geometries in tile space (0..``extent``, y down), each with its class / rank / level."""

    extent: int = EXTENT
    roads: list[tuple[str, BaseGeometry]] = field(default_factory=list)
    rivers: list[tuple[int, BaseGeometry]] = field(default_factory=list)
    boundaries: list[tuple[str, BaseGeometry]] = field(default_factory=list)
    county: list[BaseGeometry] = field(default_factory=list)  # the county's area, clipped near the tile
    county_edge: list[BaseGeometry] = field(default_factory=list)  # its boundary out to the edge margin


@dataclass(frozen=True)
class DemFile:
    name: str
    path: str  # relative to the data directory
    min_m: float
    max_m: float
    resolution_m: float


@cache
def _sql(name: str) -> str:
    return (SQL_DIR / f"basemap_{name}.sql").read_text(encoding="utf-8")


@contextmanager
def _connect() -> Iterator[Connection]:
    try:
        with get_engine().connect() as conn:
            yield conn
    except OperationalError as exc:  # a tile request must answer 503 with a reason, not a stack trace
        raise DatabaseUnavailable("the database is unreachable", detail=str(exc)[:300]) from exc


def tile_features(query: FeatureQuery) -> TileFeatures:
    size_m = WEB_MERCATOR_SPAN / 2**query.z
    common: dict[str, Any] = {
        "z": query.z, "x": query.x, "y": query.y, "extent": EXTENT, "buffer": BUFFER,
        "margin": BUFFER / EXTENT, "tol": size_m / query.render_px / 2,
    }
    out = TileFeatures()
    with _connect() as conn:
        _county(conn, out, query, common)
        if query.boundary_levels:
            params = {**common, "levels": list(query.boundary_levels)}
            out.boundaries = [(str(k), g) for k, g in _rows(conn, "boundaries", params)]
        if query.max_river_rank > 0:
            out.rivers = [(int(k), g) for k, g in _rows(conn, "rivers", {**common, "max_rank": query.max_river_rank})]
        if query.road_classes:
            out.roads = [(str(k), g) for k, g in _rows(conn, "roads", {**common, "classes": list(query.road_classes)})]
    return out


def _rows(conn: Connection, name: str, params: dict[str, Any]) -> list[tuple[Any, BaseGeometry]]:
    rows = conn.execute(text(_sql(name)), params).all()
    if not rows:
        return []
    geoms = shapely.from_wkb([bytes(r.wkb) for r in rows])
    return [(r.kind, g) for r, g in zip(rows, geoms, strict=True) if not g.is_empty]


def _county(conn: Connection, out: TileFeatures, query: FeatureQuery, common: dict[str, Any]) -> None:
    edge_buffer = max(BUFFER, math.ceil(query.edge_margin * EXTENT))
    params = {**common, "edge_buffer": edge_buffer, "edge_margin": edge_buffer / EXTENT}
    for row in conn.execute(text(_sql("county")), params):
        if row.area is not None:
            out.county.append(shapely.from_wkb(bytes(row.area)))
        if row.edge is not None:
            out.county_edge.append(shapely.from_wkb(bytes(row.edge)))


def dem_file(name: str) -> DemFile | None:
    with _connect() as conn:
        row = conn.execute(
            select(Dem.name, Dem.path, Dem.min_m, Dem.max_m, Dem.resolution_m).where(Dem.name == name)
        ).first()
    if row is None:
        return None
    return DemFile(row.name, row.path, float(row.min_m), float(row.max_m), float(row.resolution_m))


def data_versions() -> tuple[int, ...]:
    """Write counters of the tables the basemap draws (bumped by triggers, see migration 0002)."""
    with _connect() as conn:
        rows = dict(conn.execute(
            select(DataVersion.table_name, DataVersion.version).where(DataVersion.table_name.in_(TABLES))
        ).all())
    return tuple(int(rows.get(t, 0)) for t in TABLES)

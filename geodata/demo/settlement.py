"""Where a village's buildings stand: clustered footprints inside its grid cells, never overlapping.

Each village is laid out in a local metric frame on a lattice of square slots. A detached house sits
inside the inner circle of one slot, an apartment block inside a 3×2 group of slots, so no two
footprints can touch whatever their size and rotation. Slots are taken nearest-first from the village
centre and a few hamlet centres (with noise, a pull towards roads and, given a DEM, a push away from
high or steep ground), which gives compact clusters along the valley roads instead of an even spread
over the mountains. A village too cramped for its households builds taller, then packs closer.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

SLOT_M = 34.0  # a 400 m² house at aspect 1.8 has a 30.7 m diagonal: it fits the inner circle
MACRO = (3, 2)  # slots per apartment block (x, y): 102 m × 68 m leaves sun spacing between rows
ESTATE_TILE = 4  # an estate (小区) is at most 4×4 apartment blocks
STREET_BAND_M = 100.0  # houses within one band either side of a lane share its name
M_PER_DEG_LAT = 110_574.0
M_PER_DEG_LON_EQ = 111_320.0


class NoRoom(Exception):
    """The village has too few free slots for what it must hold."""


@dataclass(frozen=True)
class Frame:
    """Metres east/north of an anchor, turned by ``theta`` so that the lattice follows the village's lie."""

    lon0: float
    lat0: float
    kx: float
    ky: float
    theta: float = 0.0

    @classmethod
    def at(cls, lon: float, lat: float, theta: float = 0.0) -> Frame:
        return cls(lon, lat, M_PER_DEG_LON_EQ * math.cos(math.radians(lat)), M_PER_DEG_LAT, theta)

    def _turn(self, xy: np.ndarray, angle: float) -> np.ndarray:
        c, s = math.cos(angle), math.sin(angle)
        return xy @ np.array([[c, s], [-s, c]])

    def to_local(self, geom: BaseGeometry) -> BaseGeometry:
        return shapely.transform(
            geom, lambda c: self._turn((c - (self.lon0, self.lat0)) * (self.kx, self.ky), -self.theta))

    def to_lonlat(self, xy: np.ndarray) -> np.ndarray:
        return self._turn(xy, self.theta) / (self.kx, self.ky) + (self.lon0, self.lat0)


@dataclass
class Blocks:
    """Footprints in lon/lat plus what numbering and addressing need."""

    rings: np.ndarray  # (n, 5, 2)
    centre: np.ndarray  # (n, 2)
    cell: np.ndarray  # index into the village's cells
    group: np.ndarray  # estate (apartments) or street (detached), numbered from 0 within the village
    number: np.ndarray  # building number in its estate, or house number on its street
    floors: np.ndarray
    units: np.ndarray
    year: np.ndarray
    rank: np.ndarray  # 0 = nearest the village centre
    area: np.ndarray  # footprint, m²


@dataclass(frozen=True)
class VillageNeeds:
    apartment_dwellings: int
    detached: int
    hamlets: int
    urban: bool = False


@dataclass(frozen=True)
class Relief:
    """Elevation and slope grids (north-up, EPSG:4490) to keep houses on the valley floors."""

    elevation: np.ndarray
    slope_deg: np.ndarray
    west: float
    north: float
    dx: float
    dy: float  # positive: degrees per row southwards

    def sample(self, lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        rows, cols = self.elevation.shape
        r = np.clip(((self.north - lat) / self.dy).astype(np.int64), 0, rows - 1)
        c = np.clip(((lon - self.west) / self.dx).astype(np.int64), 0, cols - 1)
        return self.elevation[r, c], self.slope_deg[r, c]


@dataclass(frozen=True)
class Site:
    """A village's area in lon/lat: its outline, its grid cells, its centre and what to keep clear of."""

    outline: BaseGeometry
    cells: list[BaseGeometry]
    anchor: tuple[float, float]
    roads: BaseGeometry | None
    keep_out: BaseGeometry | None  # water, the park …
    relief: Relief | None = None


def lay_out(rng: np.random.Generator, site: Site, needs: VillageNeeds) -> tuple[Blocks, Blocks]:
    """Apartment blocks and detached buildings of one village; slots shrink if the village is cramped."""
    # the village's lie: lanes, rows of houses and estates follow it (estates stay nearer south-facing)
    theta = rng.uniform(-0.25, 0.25) if needs.urban else rng.uniform(-0.45, 0.45)
    frame = Frame.at(*site.anchor, theta)
    local = _Local(frame, site)
    # cramped villages first build taller, then pack closer (smaller slots, smaller houses)
    for factor, dense in ((1.0, False), (1.0, True), (0.8, True), (0.65, True), (0.5, True), (0.35, True)):
        try:
            return _attempt(rng, local, needs, SLOT_M * factor, dense)
        except NoRoom:
            continue
    raise NoRoom(f"no room for {needs} in the village around {site.anchor}")


class _Local:
    def __init__(self, frame: Frame, site: Site) -> None:
        self.frame = frame
        self.relief = site.relief
        self.outline = frame.to_local(site.outline)
        self.cells = [frame.to_local(c) for c in site.cells]
        for cell in self.cells:
            shapely.prepare(cell)
        minx, miny, maxx, maxy = self.outline.bounds
        margin = 300.0

        def clipped(geom: BaseGeometry | None) -> BaseGeometry | None:
            if geom is None:
                return None
            part = shapely.clip_by_rect(frame.to_local(geom), minx - margin, miny - margin,
                                        maxx + margin, maxy + margin)
            return None if part.is_empty else part

        self.roads = clipped(site.roads)
        self.keep_out = clipped(site.keep_out)
        lines = [] if self.roads is None else [
            g for g in shapely.get_parts(shapely.get_parts(self.roads)) if g.geom_type == "LineString"]
        self.road_lines = shapely.MultiLineString(lines) if lines else None

    def distance(self, geom: BaseGeometry | None, targets: Any) -> np.ndarray:
        if geom is None:
            return np.full(len(targets), np.inf)
        return np.asarray(shapely.distance(targets, geom))

    def hardship(self, x: np.ndarray, y: np.ndarray, base: float | None) -> np.ndarray:
        """Factor ≥ 1 on a slot's distance score: houses climb neither high above the village
        centre nor onto steep slopes unless the valley is full."""
        if self.relief is None or base is None:
            return np.ones(np.shape(x))
        lonlat = self.frame.to_lonlat(np.stack([np.ravel(x), np.ravel(y)], axis=-1))
        elev, slope = self.relief.sample(lonlat[:, 0], lonlat[:, 1])
        factor = np.exp(np.maximum(elev - base, 0.0) / 80.0) * (1.0 + (slope / 15.0) ** 2)
        return factor.reshape(np.shape(x))

    def base_elevation(self, x: float, y: float) -> float | None:
        if self.relief is None:
            return None
        lonlat = self.frame.to_lonlat(np.array([[x, y]]))
        return float(self.relief.sample(lonlat[:, 0], lonlat[:, 1])[0][0])

    def cell_of(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        out = np.full(len(x), -1, dtype=np.int64)
        for i, cell in enumerate(self.cells):
            out[(out < 0) & shapely.contains_xy(cell, x, y)] = i
        return out

    def inside(self, boxes: np.ndarray, cell: np.ndarray) -> np.ndarray:
        ok = np.zeros(len(boxes), dtype=bool)
        for i, geom in enumerate(self.cells):
            sel = np.flatnonzero(cell == i)
            if len(sel):
                ok[sel] = shapely.contains(geom, boxes[sel])
        return ok


def _attempt(rng: np.random.Generator, local: _Local, needs: VillageNeeds, s: float,
             dense: bool) -> tuple[Blocks, Blocks]:
    minx, miny, maxx, maxy = local.outline.bounds
    xs = np.arange(minx + s / 2, maxx, s)
    ys = np.arange(miny + s / 2, maxy, s)
    if len(xs) == 0 or len(ys) == 0:
        raise NoRoom
    gx, gy = np.meshgrid(xs, ys)  # (ny, nx)
    centres = _centres(rng, local, needs.hamlets)
    d = np.hypot(gx[..., None] - centres[:, 0], gy[..., None] - centres[:, 1]) / centres[:, 2]
    base = local.base_elevation(centres[0, 0], centres[0, 1])
    score = d.min(axis=-1) * np.exp(rng.normal(0.0, 0.25, gx.shape)) * local.hardship(gx, gy, base)
    free = np.ones(gx.shape, dtype=bool)
    apartments = _apartments(rng, local, needs.apartment_dwellings, gx, gy, centres[0], free, s, dense, base)
    detached = _detached(rng, local, needs.detached, gx, gy, score, d.argmin(axis=-1), free, s)
    return apartments, detached


def _centres(rng: np.random.Generator, local: _Local, hamlets: int) -> np.ndarray:
    """(x, y, weight) rows: the village centre (on the nearest road when one is close), then hamlets."""
    main = np.zeros(2)
    if local.roads is not None:
        near = shapely.shortest_line(shapely.points(0.0, 0.0), local.roads)
        end = shapely.get_coordinates(near)[-1]
        if np.hypot(*end) < 600 and shapely.contains_xy(local.outline, *end):
            main = end
    rows = [(main[0], main[1], 1.0)]
    minx, miny, maxx, maxy = local.outline.bounds
    tries = 0
    while len(rows) <= hamlets and tries < 50:
        tries += 1
        # most hamlets grew up along a road; some sit alone up a valley
        if local.road_lines is not None and rng.random() < 0.7:
            point = shapely.line_interpolate_point(local.road_lines, rng.random(), normalized=True)
            x, y = point.x, point.y
        else:
            x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if shapely.contains_xy(local.outline, x, y):
            rows.append((x, y, rng.uniform(0.35, 0.75)))
    return np.array(rows)


def _pick(order: np.ndarray, n: int, valid: Callable[[np.ndarray], np.ndarray], chunk: int,
          *, at_least: int | None = None) -> np.ndarray:
    """The first ``n`` entries of ``order`` that pass ``valid``, testing a chunk at a time; fewer than
    ``at_least`` (default ``n``) is no room."""
    found: list[np.ndarray] = []
    total = 0
    for start in range(0, len(order), chunk):
        idx = order[start:start + chunk]
        ok = idx[valid(idx)]
        found.append(ok)
        total += len(ok)
        if total >= n:
            break
    picked = np.concatenate(found) if found else np.array([], dtype=np.int64)
    if len(picked) < (n if at_least is None else at_least):
        raise NoRoom
    return picked[:n]


def _apartments(rng: np.random.Generator, local: _Local, dwellings: int, gx: np.ndarray, gy: np.ndarray,
                centre: np.ndarray, free: np.ndarray, s: float, dense: bool, base: float | None) -> Blocks:
    if dwellings <= 0:
        return _empty()
    mx, my = MACRO
    ny, nx = gx.shape[0] // my, gx.shape[1] // mx
    if nx == 0 or ny == 0:
        raise NoRoom
    cx = gx[0, : nx * mx].reshape(nx, mx).mean(axis=1)
    cy = gy[: ny * my, 0].reshape(ny, my).mean(axis=1)
    mcx, mcy = (a.ravel() for a in np.meshgrid(cx, cy))
    distance = np.hypot(mcx - centre[0], mcy - centre[1]) * np.exp(rng.normal(0, 0.12, mcx.size))
    order = np.argsort(distance * local.hardship(mcx, mcy, base), kind="stable")
    cell = local.cell_of(mcx, mcy)
    boxes = shapely.box(mcx - mx * s / 2, mcy - my * s / 2, mcx + mx * s / 2, mcy + my * s / 2)

    def valid(idx: np.ndarray) -> np.ndarray:
        ok = cell[idx] >= 0
        ok[ok] = local.inside(boxes[idx[ok]], cell[idx[ok]])
        ok[ok] = local.distance(local.roads, boxes[idx[ok]]) >= 5.0
        ok[ok] = local.distance(local.keep_out, boxes[idx[ok]]) >= 10.0
        return ok

    # enough slots for the smallest blocks (6 floors × 2 units × 2 flats); estates stop when full
    slots = _pick(order, math.ceil(dwellings / 24), valid, 256, at_least=1)
    return _fill_estates(rng, local, dwellings, slots, mcx, mcy, cell, free, nx, s, dense)


def _fill_estates(rng: np.random.Generator, local: _Local, dwellings: int, slots: np.ndarray,
                  mcx: np.ndarray, mcy: np.ndarray, cell: np.ndarray, free: np.ndarray, nx: int,
                  s: float, dense: bool) -> Blocks:
    mx, my = MACRO
    estate_of: dict[tuple[int, int], int] = {}
    specs: list[tuple[int, float]] = []  # year built, orientation in degrees
    rows: list[tuple[int, int, int, int]] = []  # slot, estate, floors, units
    capacity = 0
    for slot in slots.tolist():
        if capacity >= dwellings:
            break
        i, j = slot % nx, slot // nx
        key = (i // ESTATE_TILE, j // ESTATE_TILE)
        if key not in estate_of:
            estate_of[key] = len(specs)
            # the first estates found are nearest the centre: the old town core is built first
            year = int(np.clip(1993 + len(specs) * 1.5 + rng.normal(0, 4), 1990, 2024))
            specs.append((year, float(rng.uniform(-5, 5))))
        estate = estate_of[key]
        year = specs[estate][0]
        floors = int(rng.integers(11, 19) if dense or year >= 2012 else rng.integers(6, 8) if year < 2005
                     else rng.integers(6, 13))
        units = int(rng.choice([2, 3, 4], p=[0.1, 0.5, 0.4] if dense else [0.45, 0.4, 0.15]))
        # the last block is no taller than the flats still needed require (small villages, small scales)
        floors = max(6, min(floors, math.ceil((dwellings - capacity) / (2 * units))))
        rows.append((slot, estate, floors, units))
        capacity += floors * units * 2
    if capacity < dwellings:
        raise NoRoom
    arr = np.array(rows, dtype=np.int64)
    slot, estate, floors, units = arr.T
    n = len(arr)
    i, j = slot % nx, slot // nx
    for di in range(mx):
        for dj in range(my):
            free[j * my + dj, i * mx + di] = False
    area = np.clip(units * rng.uniform(270, 380, n), 600, 1500)
    depth = rng.uniform(14, 20, n)
    width = np.minimum(area / depth, mx * s - 10)
    depth = np.minimum(area / width, my * s - 14)  # only the tightest packing cuts blocks below 600 m²
    angle = np.radians(np.clip(np.array([specs[e][1] for e in estate]) + rng.normal(0, 1, n), -6, 6))
    hx = (width * np.abs(np.cos(angle)) + depth * np.abs(np.sin(angle))) / 2
    hy = (width * np.abs(np.sin(angle)) + depth * np.abs(np.cos(angle))) / 2
    jx = np.maximum(0, mx * s / 2 - hx - 3) * rng.uniform(-1, 1, n)
    jy = np.maximum(0, my * s / 2 - hy - 6) * rng.uniform(-1, 1, n)
    cx, cy = mcx[slot] + jx, mcy[slot] + jy
    # blocks are numbered north to south, then west to east, as 幢 numbers are on site plans
    frame = pd.DataFrame({"e": estate, "y": -np.round(cy, 0), "x": cx})
    number = frame.sort_values(["e", "y", "x"]).groupby("e").cumcount().sort_index().to_numpy() + 1
    built = np.array([specs[e][0] for e in estate]) + rng.integers(0, 3, n)
    return _blocks(local.frame, cx, cy, width, depth, angle, cell[slot], estate, number, floors, units,
                   np.minimum(built, 2025), np.arange(n))


def _detached(rng: np.random.Generator, local: _Local, n: int, gx: np.ndarray, gy: np.ndarray,
              score: np.ndarray, nearest: np.ndarray, free: np.ndarray, s: float) -> Blocks:
    if n <= 0:
        return _empty()
    x, y, sc, ham = gx.ravel(), gy.ravel(), score.ravel(), nearest.ravel()
    avail = np.flatnonzero(free.ravel())
    order = avail[np.argsort(sc[avail], kind="stable")]
    head = order[: 3 * n + 200]
    points = shapely.points(x[head], y[head])
    to_road = local.distance(local.roads, points)
    pull = 0.55 + 0.45 * np.minimum(to_road, 250.0) / 250.0
    head = head[np.argsort(sc[head] * pull, kind="stable")]
    order = np.concatenate([head, order[3 * n + 200:]])
    half = s / 2

    def valid(idx: np.ndarray) -> np.ndarray:
        c = local.cell_of(x[idx], y[idx])
        ok = c >= 0
        boxes = shapely.box(x[idx] - half, y[idx] - half, x[idx] + half, y[idx] + half)
        ok[ok] = local.inside(boxes[ok], c[ok])
        pts = shapely.points(x[idx[ok]], y[idx[ok]])
        ok[ok] = (local.distance(local.roads, pts) >= half + 4) & (local.distance(local.keep_out, pts) >= half + 8)
        return ok

    slots = _pick(order, n, valid, max(256, n))
    cells = local.cell_of(x[slots], y[slots])
    area = np.clip(rng.lognormal(math.log(160), 0.35, n), 80, 400)
    aspect = rng.uniform(1.0, 1.8, n)
    width = np.sqrt(area * aspect)
    depth = area / width
    room = half - 1.5
    shrink = np.minimum(1.0, room / (np.hypot(width, depth) / 2))
    width, depth = width * shrink, depth * shrink
    spare = room - np.hypot(width, depth) / 2
    r, phi = spare * np.sqrt(rng.random(n)), rng.uniform(0, 2 * np.pi, n)
    cx, cy = x[slots] + r * np.cos(phi), y[slots] + r * np.sin(phi)
    angle = rng.normal(0, 0.17, n)
    street, number = _streets(cx, cy, ham[slots])
    floors = rng.choice([1, 2, 3, 4], n, p=[0.1, 0.35, 0.4, 0.15])
    year = np.clip(np.round(rng.normal(1998, 12, n)), 1960, 2025).astype(np.int64)
    return _blocks(local.frame, cx, cy, width, depth, angle, cells, street, number, floors,
                   np.ones(n, dtype=np.int64), year, np.arange(n))


def _streets(along: np.ndarray, across: np.ndarray, hamlet: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Street of each house (hamlet × band across the village's lie × 600 m stretch) and its number:
    odd numbers on one side of the lane, even on the other, counted along it."""
    v0 = np.full(hamlet.max() + 1, np.inf)
    np.minimum.at(v0, hamlet, across)
    offset = across - v0[hamlet]
    band = (offset // STREET_BAND_M).astype(np.int64)
    _, hb = np.unique(hamlet * 100_000 + band, return_inverse=True)
    u0 = np.full(hb.max() + 1, np.inf)
    np.minimum.at(u0, hb, along)
    seg = ((along - u0[hb]) // 600.0).astype(np.int64)
    _, street = np.unique(hb * 100_000 + seg, return_inverse=True)
    side = (offset - (band + 0.5) * STREET_BAND_M >= 0).astype(np.int64)
    order = np.lexsort((along, side, street))
    key = (street * 2 + side)[order]
    rank = np.empty(len(along), dtype=np.int64)
    rank[order] = np.arange(len(along)) - np.searchsorted(key, key)
    return street, 2 * rank + 1 + side


def _blocks(frame: Frame, cx: np.ndarray, cy: np.ndarray, width: np.ndarray, depth: np.ndarray,
            angle: np.ndarray, cell: np.ndarray, group: np.ndarray, number: np.ndarray, floors: np.ndarray,
            units: np.ndarray, year: np.ndarray, rank: np.ndarray) -> Blocks:
    corners = np.array([(-0.5, -0.5), (0.5, -0.5), (0.5, 0.5), (-0.5, 0.5), (-0.5, -0.5)])
    ux = corners[:, 0][None, :] * width[:, None]
    uy = corners[:, 1][None, :] * depth[:, None]
    c, s = np.cos(angle)[:, None], np.sin(angle)[:, None]
    ring = np.stack([cx[:, None] + ux * c - uy * s, cy[:, None] + ux * s + uy * c], axis=-1)
    return Blocks(
        rings=frame.to_lonlat(ring), centre=frame.to_lonlat(np.stack([cx, cy], axis=-1)),
        cell=np.asarray(cell, dtype=np.int64), group=np.asarray(group, dtype=np.int64),
        number=np.asarray(number, dtype=np.int64), floors=np.asarray(floors, dtype=np.int64),
        units=np.asarray(units, dtype=np.int64), year=np.asarray(year, dtype=np.int64),
        rank=np.asarray(rank, dtype=np.int64), area=width * depth,
    )


def _empty() -> Blocks:
    z = np.zeros(0, dtype=np.int64)
    return Blocks(np.zeros((0, 5, 2)), np.zeros((0, 2)), z, z, z, z, z, z, z, np.zeros(0))

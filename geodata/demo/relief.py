"""The synthetic elevation model shared by geography (river and road routing) and terrain (the DEM).

One deterministic function of position: the ETOPO5 trend (lower W/NW, higher E/S), scaled by
ridged fractal noise, then carved into valleys along the rivers and flattened into basins at the
town seats. It is evaluated in a local metric frame so the same noise lattice serves a 200 m routing
grid and the 30 m DEM alike; both draw the lattice from ``ctx.rng("terrain")``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

import numpy as np
import numpy.typing as npt
import shapely
from shapely.geometry import LineString, Point
from shapely.geometry.base import BaseGeometry

from geodata import reference_data

# Local equirectangular frame centred on the county: within 0.2 % of true distances over the
# county, which is plenty for noise, routing and valley widths (areas are measured in EPSG:4549).
LON0, LAT0 = 120.96, 29.39
_PHI = np.radians(LAT0)
MX = 111_412.84 * np.cos(_PHI) - 93.5 * np.cos(3 * _PHI)  # metres per degree of longitude
MY = 111_132.92 - 559.82 * np.cos(2 * _PHI)  # metres per degree of latitude

# Noise lattices cover the county plus a wide margin, in local metres.
_EXTENT = (-40_000.0, -32_000.0, 40_000.0, 32_000.0)
MIN_M, MAX_M = 30.0, 1000.0
REACH = 5.5  # a carver's influence ends this many half-widths away (see ``valley``)


def to_local(lon: npt.ArrayLike, lat: npt.ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    return (np.asarray(lon) - LON0) * MX, (np.asarray(lat) - LAT0) * MY


def to_lonlat(x: npt.ArrayLike, y: npt.ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    return np.asarray(x) / MX + LON0, np.asarray(y) / MY + LAT0


def local_point(lon: float, lat: float) -> Point:
    x, y = to_local(lon, lat)
    return Point(float(x), float(y))


def geom_to_local(geom: BaseGeometry) -> BaseGeometry:
    return shapely.transform(geom, lambda c: np.column_stack(to_local(c[:, 0], c[:, 1])))


def geom_to_lonlat(geom: BaseGeometry) -> BaseGeometry:
    return shapely.transform(geom, lambda c: np.column_stack(to_lonlat(c[:, 0], c[:, 1])))


class GradientNoise:
    """2-D gradient (Perlin) noise in about [-1, 1] on a rotated lattice. Unlike value noise it has
    no blob-shaped bumps, and its zero crossings are long sinuous lines: good ridges and valleys."""

    def __init__(self, rng: np.random.Generator, spacing: float) -> None:
        self.spacing = spacing
        self.angle = rng.uniform(0, np.pi)
        half = np.hypot(_EXTENT[2] - _EXTENT[0], _EXTENT[3] - _EXTENT[1]) / 2
        self.n = int(np.ceil(2 * half / spacing)) + 3
        self.origin = -half - spacing
        theta = rng.uniform(0, 2 * np.pi, (self.n, self.n))
        self.gx, self.gy = np.cos(theta), np.sin(theta)

    def __call__(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        c, s = np.cos(self.angle), np.sin(self.angle)
        u = ((c * x - s * y) - self.origin) / self.spacing
        v = ((s * x + c * y) - self.origin) / self.spacing
        i = np.clip(np.floor(u).astype(np.int64), 0, self.n - 2)
        j = np.clip(np.floor(v).astype(np.int64), 0, self.n - 2)
        fu, fv = u - i, v - j
        corners = [self._dot(j + dj, i + di, fu - di, fv - dj) for dj in (0, 1) for di in (0, 1)]
        su, sv = _fade(fu), _fade(fv)
        top = corners[0] + su * (corners[1] - corners[0])
        bottom = corners[2] + su * (corners[3] - corners[2])
        return 1.4 * (top + sv * (bottom - top))

    def _dot(self, j: np.ndarray, i: np.ndarray, du: np.ndarray, dv: np.ndarray) -> np.ndarray:
        return self.gx[j, i] * du + self.gy[j, i] * dv


def _fade(t: np.ndarray) -> np.ndarray:
    return t * t * t * (t * (t * 6 - 15) + 10)


class Fractal:
    """Octaves of gradient noise, coarse to fine, each half the amplitude of the one before."""

    def __init__(self, rng: np.random.Generator, largest: float, octaves: int) -> None:
        self.layers = [GradientNoise(rng, largest / 2**k) for k in range(octaves)]
        self.weights = np.array([0.5**k for k in range(octaves)])
        self.weights /= self.weights.sum()

    def fbm(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Roughly symmetric in [-1, 1]."""
        return sum(w * layer(x, y) for w, layer in zip(self.weights, self.layers, strict=True))

    def ridged(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Ridged multifractal (Musgrave) scaled to about [0, 1]: sharp sinuous crests where the
        noise crosses zero; each octave is weighted by the one before, so detail gathers on the
        ridges while the lowlands stay smooth."""
        return self.ridged_from([layer(x, y) for layer in self.layers])

    def ridged_grid(self, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
        """``ridged`` on the grid xs × ys. Each octave is evaluated at about 6 samples per lattice
        cell and interpolated (smooth at that scale), then the creases are formed at full detail."""
        pixel = max(abs(xs[1] - xs[0]), abs(ys[1] - ys[0]))
        values = []
        for layer in self.layers:
            step = max(1, int(layer.spacing / (6 * pixel)))
            cx, cy = coarse_axis(xs, step), coarse_axis(ys, step)
            coarse = layer(*np.meshgrid(cx, cy))
            values.append(coarse if step == 1 else upsample(coarse, cx, cy, xs, ys))
        return self.ridged_from(values)

    def ridged_from(self, values: list[np.ndarray]) -> np.ndarray:
        result = np.zeros(np.shape(values[0]))
        weight = np.ones(np.shape(values[0]))
        for w, value in zip(self.weights, values, strict=True):
            signal = (1 - np.abs(value)) ** 2 * weight
            result += w * signal
            weight = np.clip(2 * signal, 0, 1)
        return ridged_scale(result)


def ridged_scale(result: np.ndarray) -> np.ndarray:
    return np.clip((result - 0.10) / 0.80, 0, 1)


@dataclass(frozen=True)
class Carver:
    """A valley (line) or basin (point) that pulls the terrain down towards a floor elevation.

    ``knots``/``floors`` give the floor along the line (distance from its start, metres).
    """

    geom: BaseGeometry  # local metres
    knots: np.ndarray
    floors: np.ndarray
    half_width: float

    def floor_at(self, s: np.ndarray) -> np.ndarray:
        return np.interp(s, self.knots, self.floors)


def _catmull_rom(t: np.ndarray) -> list[np.ndarray]:
    """Cubic convolution weights for the 4 neighbours of fractional position t."""
    t2, t3 = t * t, t * t * t
    return [
        0.5 * (-t3 + 2 * t2 - t),
        0.5 * (3 * t3 - 5 * t2 + 2),
        0.5 * (-3 * t3 + 4 * t2 + t),
        0.5 * (t3 - t2),
    ]


def etopo_trend(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """ETOPO5 elevation interpolated bicubically (the grid is 9 km; bilinear would leave creases)."""
    grid = reference_data.etopo()
    fx = (lon - grid.lon[0]) / (grid.lon[1] - grid.lon[0])
    fy = (lat - grid.lat[0]) / (grid.lat[1] - grid.lat[0])
    ix, iy = np.floor(fx).astype(np.int64), np.floor(fy).astype(np.int64)
    wx, wy = _catmull_rom(fx - ix), _catmull_rom(fy - iy)
    ny, nx = grid.elev_m.shape
    out = np.zeros(np.shape(lon))
    for a in range(4):
        jj = np.clip(iy + a - 1, 0, ny - 1)
        for b in range(4):
            ii = np.clip(ix + b - 1, 0, nx - 1)
            out += wy[a] * wx[b] * grid.elev_m[jj, ii]
    return np.maximum(out, 60.0)


class Relief:
    """Elevation in metres as a function of local coordinates."""

    def __init__(self, rng: np.random.Generator) -> None:
        # Drawn in a fixed order so that every caller gets the same lattices from the same seed.
        self.mountains = Fractal(rng, 10_000.0, 7)

    def raw(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Uncarved terrain: ridged mountains whose height follows the ETOPO trend."""
        return self._shape(etopo_trend(*to_lonlat(x, y)), self.mountains.ridged(x, y))

    @staticmethod
    def _shape(trend: np.ndarray, ridges: np.ndarray) -> np.ndarray:
        return soft_clamp(40 + (trend - 100) * (0.2 + 2.3 * ridges))

    def raw_grid(self, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
        """``raw`` on the grid xs × ys, the smooth parts computed coarsely and interpolated."""
        cx, cy = coarse_axis(xs, 8), coarse_axis(ys, 8)
        trend = upsample(etopo_trend(*to_lonlat(*np.meshgrid(cx, cy))), cx, cy, xs, ys)  # a 9 km grid's trend
        return self._shape(trend, self.mountains.ridged_grid(xs, ys))

    def carve(self, z: np.ndarray, x: np.ndarray, y: np.ndarray, carvers: Sequence[Carver]) -> np.ndarray:
        """Pull z down towards each carver's floor (see ``valley``), at scattered points."""
        out = z.copy()
        for carver in carvers:
            reach = REACH * carver.half_width
            x0, y0, x1, y1 = carver.geom.bounds
            near = (x > x0 - reach) & (x < x1 + reach) & (y > y0 - reach) & (y < y1 + reach)
            if not near.any():
                continue
            d, floor = _carver_field(carver, x[near], y[near])
            out[near] = np.minimum(out[near], valley(out[near], floor, d, carver.half_width))
        return soft_clamp(out)

    def at(self, x: np.ndarray, y: np.ndarray, carvers: Sequence[Carver] = ()) -> np.ndarray:
        """Elevation at scattered points (exact carving; for grids use ``grid``)."""
        x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        return self.carve(self.raw(x, y), x, y, carvers)

    def grid(self, xs: np.ndarray, ys: np.ndarray, carvers: Sequence[Carver] = (), carve_step: int = 1) -> np.ndarray:
        """Elevation on the grid xs × ys (rows follow ys). Distances to the carvers are computed
        every ``carve_step`` nodes and interpolated: valleys are smooth and the distance queries
        dominate the cost, while the raw terrain keeps its full detail."""
        z = self.raw_grid(xs, ys)
        if carve_step <= 1:
            xx, yy = np.meshgrid(xs, ys)
            return self.carve(z, xx, yy, carvers)
        cx, cy = coarse_axis(xs, carve_step), coarse_axis(ys, carve_step)
        cxx, cyy = np.meshgrid(cx, cy)
        for carver in carvers:
            window = _window(carver, xs, ys)
            cwin = _window(carver, cx, cy, pad=1)
            if window is None or cwin is None:
                continue
            (r0, r1, c0, c1), (q0, q1, p0, p1) = window, cwin
            d, floor = _carver_field(carver, cxx[q0:q1, p0:p1], cyy[q0:q1, p0:p1])
            d_fine = upsample(d, cx[p0:p1], cy[q0:q1], xs[c0:c1], ys[r0:r1])
            f_fine = upsample(floor, cx[p0:p1], cy[q0:q1], xs[c0:c1], ys[r0:r1])
            part = z[r0:r1, c0:c1]
            z[r0:r1, c0:c1] = np.minimum(part, valley(part, f_fine, d_fine, carver.half_width))
        return soft_clamp(z)


def _carver_field(carver: Carver, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distance (m) and floor elevation at each node."""
    pts = shapely.points(x, y)
    d = np.asarray(shapely.distance(carver.geom, pts), dtype=float)
    if carver.geom.geom_type == "Point":
        return d, np.full(d.shape, carver.floors[0])
    s = np.asarray(shapely.line_locate_point(cast(LineString, carver.geom), pts), dtype=float)
    return d, carver.floor_at(s)


def _window(carver: Carver, xs: np.ndarray, ys: np.ndarray, pad: int = 0) -> tuple[int, int, int, int] | None:
    """Index ranges (rows, cols) of the grid nodes the carver can affect."""
    reach = REACH * carver.half_width
    x0, y0, x1, y1 = carver.geom.bounds
    cols = np.nonzero((xs > x0 - reach) & (xs < x1 + reach))[0]
    rows = np.nonzero((ys > y0 - reach) & (ys < y1 + reach))[0]
    if cols.size == 0 or rows.size == 0:
        return None
    return (max(rows[0] - pad, 0), min(rows[-1] + 1 + pad, len(ys)),
            max(cols[0] - pad, 0), min(cols[-1] + 1 + pad, len(xs)))


def valley(z: np.ndarray, floor: np.ndarray, d: np.ndarray, half_width: float) -> np.ndarray:
    """Blend from the floor (a flat bottom within a quarter width) to the untouched terrain (beyond
    ~2.5 widths). Deep valleys are widened, up to double, so their sides stay below ~35°."""
    width = np.clip(1.6 * (z - floor), half_width, 2 * half_width)
    blend = 1 - np.exp(-np.maximum(d / width - 0.25, 0) ** 2)
    return floor + (z - floor) * blend


def soft_clamp(z: np.ndarray) -> np.ndarray:
    """Keep within [30, 1000] m without flat-topped plateaus: compress the top 150 m smoothly."""
    knee = MAX_M - 150
    top = knee + 150 * np.tanh((z - knee) / 150)
    return np.clip(np.where(z > knee, top, z), MIN_M + 2, MAX_M - 1)


def coarse_axis(axis: np.ndarray, step: int) -> np.ndarray:
    idx = np.arange(0, len(axis), step)
    if idx[-1] != len(axis) - 1:
        idx = np.append(idx, len(axis) - 1)
    return axis[idx]


def upsample(coarse: np.ndarray, cx: np.ndarray, cy: np.ndarray, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """Bilinear interpolation from the coarse grid (cx × cy) to the fine grid (xs × ys)."""
    sx = 1 if cx[-1] > cx[0] else -1
    sy = 1 if cy[-1] > cy[0] else -1
    ix = np.clip(np.searchsorted(sx * cx, sx * xs) - 1, 0, len(cx) - 2)
    iy = np.clip(np.searchsorted(sy * cy, sy * ys) - 1, 0, len(cy) - 2)
    tx = np.clip((xs - cx[ix]) / (cx[ix + 1] - cx[ix]), 0, 1)
    ty = np.clip((ys - cy[iy]) / (cy[iy + 1] - cy[iy]), 0, 1)
    rows = coarse[:, ix] * (1 - tx) + coarse[:, ix + 1] * tx
    return rows[iy] * (1 - ty)[:, None] + rows[iy + 1] * ty[:, None]

"""Raster labelling that tiles the county into townships, villages and grid cells.

All three levels are labelled on one raster in the local metric frame: each level is a Voronoi
diagram of its seeds (for townships a power diagram with weights fitted to target areas), taken
in domain-warped coordinates so that boundaries wander like real ones, and restricted to the
parent's pixels; every label is then forced to one 4-connected piece. Only the finest level is polygonised (see ``coverage``); villages and
townships are unions of their cells, so nesting and tiling hold by construction.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import shapely
from affine import Affine
from rasterio import features
from shapely.geometry.base import BaseGeometry

from geodata.demo.relief import Fractal, coarse_axis, upsample
from geodata.demo.routing import Grid

Elevation = Callable[[np.ndarray, np.ndarray], np.ndarray]


def transform(grid: Grid) -> Affine:
    return Affine(grid.step, 0.0, grid.x0, 0.0, -grid.step, grid.y0)


def grid_around(geom: BaseGeometry, step: float, margin: float) -> Grid:
    x0, y0, x1, y1 = geom.bounds
    left, top = np.floor((x0 - margin) / step) * step, np.ceil((y1 + margin) / step) * step
    nx = int(np.ceil((x1 + margin - left) / step))
    ny = int(np.ceil((top - (y0 - margin)) / step))
    return Grid(float(left), float(top), step, nx, ny)


def coverage_mask(grid: Grid, outline: BaseGeometry) -> np.ndarray:
    """Every pixel the outline touches, so the labelled area encloses the outline completely,
    grown by one pixel so that pixels meeting only at a corner become 4-connected."""
    touched = features.rasterize([(outline, 1)], out_shape=(grid.ny, grid.nx), transform=transform(grid),
                                 all_touched=True, dtype="uint8").astype(bool)
    grown = touched.copy()
    grown[1:] |= touched[:-1]
    grown[:-1] |= touched[1:]
    grown[:, 1:] |= touched[:, :-1]
    grown[:, :-1] |= touched[:, 1:]
    return grown


class Warp:
    """A smooth displacement field; Voronoi regions computed in warped space get wiggly borders."""

    def __init__(self, rng: np.random.Generator, scale: float, amplitude: float) -> None:
        self.fx, self.fy = Fractal(rng, scale, 3), Fractal(rng, scale, 3)
        self.amplitude = amplitude
        self.scale = scale

    def on_grid(self, grid: Grid) -> tuple[np.ndarray, np.ndarray]:
        """Warped x and y of every pixel centre. The field is smooth at the scale of its finest
        octave (scale/4), so it is evaluated on a coarser grid and interpolated."""
        step = max(1, int(self.scale / 8 / grid.step))
        xs, ys = grid.xs, grid.ys
        cx, cy = coarse_axis(xs, step), coarse_axis(ys, step)
        cxx, cyy = np.meshgrid(cx, cy)
        dx = upsample(self.fx.fbm(cxx, cyy), cx, cy, xs, ys)
        dy = upsample(self.fy.fbm(cxx, cyy), cx, cy, xs, ys)
        return xs[None, :] + self.amplitude * dx, ys[:, None] + self.amplitude * dy


def power_assign(px: np.ndarray, py: np.ndarray, seeds: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Index of the seed minimising |p - s|² - w for every point (chunked to bound memory)."""
    out = np.empty(px.shape[0], dtype=np.int64)
    for start in range(0, px.shape[0], 100_000):
        sl = slice(start, start + 100_000)
        cost = (px[sl, None] - seeds[None, :, 0]) ** 2 + (py[sl, None] - seeds[None, :, 1]) ** 2 - weights[None, :]
        out[sl] = np.argmin(cost, axis=1)
    return out


def fit_weights(px: np.ndarray, py: np.ndarray, seeds: np.ndarray, shares: np.ndarray,
                pixel_area: float, rounds: int = 80, keep_radius: float = 1_500.0) -> np.ndarray:
    """Power weights that give each of a few seeds about its share of the points' area, while every
    seed stays inside its own region with ``keep_radius`` to spare.

    Raising a weight by δ grows a roughly round cell by about δ·π/2 while its neighbours shrink,
    so a quarter of the area error is a damped, stable step (for a dozen townships; with dozens
    of crowded seeds it can starve one, which is why villages use plain Voronoi regions).
    """
    weights = np.zeros(len(seeds))
    targets = shares / shares.sum() * px.shape[0] * pixel_area
    d2 = ((seeds[:, None, :] - seeds[None, :, :]) ** 2).sum(axis=2)
    np.fill_diagonal(d2, np.inf)
    # at distance r from its seed, i still beats j when w_i - r² > w_j - (d_ij - r)²
    slack = np.sqrt(d2)
    slack = np.where(np.isfinite(slack), slack - keep_radius, np.inf)
    slack = keep_radius**2 - np.sign(slack) * slack**2
    for _ in range(rounds):
        areas = np.bincount(power_assign(px, py, seeds, weights), minlength=len(seeds)) * pixel_area
        error = targets - areas
        if np.abs(error).max() < 0.02 * targets.min():
            break
        weights += 0.25 * error
        for _ in range(3):  # keep each seed at home
            weights = np.maximum(weights, (weights[None, :] + slack).max(axis=1))
    return weights


def power_regions(px: np.ndarray, py: np.ndarray, seeds: np.ndarray, shares: np.ndarray,
                  pixel_area: float, sample: int = 1) -> np.ndarray:
    """Seed index per point, areas fitted to the shares on every ``sample``-th point."""
    weights = fit_weights(px[::sample], py[::sample], seeds, shares, pixel_area * sample)
    return power_assign(px, py, seeds, weights)


def voronoi_regions(px: np.ndarray, py: np.ndarray, seeds: np.ndarray) -> np.ndarray:
    """Seed index per point: the nearest seed. Every seed keeps its own neighbourhood, so region
    sizes follow seed density (dense urban seeds, small communities)."""
    return power_assign(px, py, seeds, np.zeros(len(seeds)))


def best_candidates(rng: np.random.Generator, px: np.ndarray, py: np.ndarray, n: int, fixed: np.ndarray,
                    preference: np.ndarray | None = None, tries: int = 12) -> np.ndarray:
    """Indices of n well-spread points among (px, py): each is the candidate farthest from those
    chosen so far (and from the points ``fixed``), the distance scaled by ``preference``."""
    chosen = np.full((n + len(fixed), 2), np.nan)
    chosen[: len(fixed)] = fixed
    count = len(fixed)
    picked = np.empty(n, dtype=np.int64)
    for k in range(n):
        idx = rng.integers(0, px.shape[0], tries)
        if count:
            c = chosen[:count]
            d = np.sqrt(((px[idx, None] - c[None, :, 0]) ** 2 + (py[idx, None] - c[None, :, 1]) ** 2).min(axis=1))
        else:
            d = np.ones(tries)
        score = d * (preference[idx] if preference is not None else 1.0)
        picked[k] = idx[int(np.argmax(score))]
        chosen[count] = (px[picked[k]], py[picked[k]])
        count += 1
    return picked


def make_connected(labels: np.ndarray, valid: np.ndarray, parent: np.ndarray, rounds: int = 6) -> None:
    """Give every label a single 4-connected piece (in place): each smaller piece joins the label of
    the same parent with which it shares the longest border."""
    for _ in range(rounds):
        pieces: dict[int, list[dict]] = {}  # type: ignore[type-arg]
        for geom, value in features.shapes(labels.astype(np.int32), mask=valid, connectivity=4):
            pieces.setdefault(int(value), []).append(geom)
        extras = []
        for parts in pieces.values():
            if len(parts) > 1:  # rare: build geometries only here
                polys = sorted((shapely.geometry.shape(g) for g in parts), key=lambda p: -p.area)
                extras.extend(polys[1:])
        if not extras:
            return
        temp = features.rasterize([(p, k + 1) for k, p in enumerate(extras)], out_shape=labels.shape,
                                  dtype="int32")
        _absorb(labels, valid, parent, temp, len(extras))
    raise RuntimeError("labels did not become connected")


def _absorb(labels: np.ndarray, valid: np.ndarray, parent: np.ndarray, temp: np.ndarray, n: int) -> None:
    """Relabel each temp piece to its most frequent same-parent neighbouring label."""
    keys = []
    for axis, shift in ((0, 1), (0, -1), (1, 1), (1, -1)):
        nb_label = np.roll(labels, shift, axis)
        nb_temp = np.roll(temp, shift, axis)
        ok = np.roll(valid, shift, axis) & (temp > 0) & (nb_temp != temp) & (np.roll(parent, shift, axis) == parent)
        # roll wraps around; the outermost rows/columns are outside the county mask anyway
        keys.append(temp[ok].astype(np.int64) * (labels.max() + 1) + nb_label[ok])
    key = np.concatenate(keys)
    uniq, freq = np.unique(key, return_counts=True)
    span = labels.max() + 1
    best: dict[int, tuple[int, int]] = {}
    for k, f in zip(uniq.tolist(), freq.tolist(), strict=True):
        piece, label = divmod(k, span)
        if piece not in best or f > best[piece][1]:
            best[piece] = (label, f)
    for piece in range(1, n + 1):
        if piece in best:
            labels[temp == piece] = best[piece][0]

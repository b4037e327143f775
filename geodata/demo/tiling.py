"""Raster labelling that tiles the county into townships, villages and grid cells.

All three levels are labelled on one raster in the local metric frame: each level is a Voronoi
diagram of its seeds (for townships multiplicatively weighted, fitted to target areas), taken
in domain-warped coordinates so that boundaries wander like real ones, and restricted to the
parent's pixels; every label is then forced to one 4-connected piece. Only the finest level is
polygonised (see ``coverage``); villages and townships are unions of their cells, so nesting and
tiling hold by construction.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import shapely
from affine import Affine
from rasterio import features
from shapely.geometry.base import BaseGeometry

from geodata.demo.relief import Fractal, coarse_axis, upsample
from geodata.demo.routing import Grid


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


def nearest_seed(px: np.ndarray, py: np.ndarray, seeds: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    """Index of the seed minimising |p - s| / w for every point (chunked to bound memory).

    Multiplicative weights keep every seed inside its own region whatever its neighbours' weights
    (unlike power weights, which can push a small region off its seat)."""
    inv = np.ones(len(seeds)) if weights is None else 1.0 / weights**2
    out = np.empty(px.shape[0], dtype=np.int64)
    for start in range(0, px.shape[0], 100_000):
        sl = slice(start, start + 100_000)
        d2 = (px[sl, None] - seeds[None, :, 0]) ** 2 + (py[sl, None] - seeds[None, :, 1]) ** 2
        out[sl] = np.argmin(d2 * inv[None, :], axis=1)
    return out


def fit_weights(px: np.ndarray, py: np.ndarray, seeds: np.ndarray, shares: np.ndarray, rounds: int = 60) -> np.ndarray:
    """Multiplicative weights that give each seed about its share of the points. A region's area
    grows roughly with its weight squared; a damped power of the area ratio converges without
    oscillating (to within ~±30 % where the outline cramps a seed, which is fine for a demo)."""
    weights = np.ones(len(seeds))
    targets = shares / shares.sum() * px.shape[0]
    for _ in range(rounds):
        counts = np.bincount(nearest_seed(px, py, seeds, weights), minlength=len(seeds))
        ratio = targets / np.maximum(counts, 1)
        if np.abs(ratio - 1).max() < 0.03:
            break
        weights *= np.clip(ratio, 0.5, 2.0) ** 0.25
    return weights


def weighted_regions(px: np.ndarray, py: np.ndarray, seeds: np.ndarray, shares: np.ndarray,
                     sample: int = 1) -> np.ndarray:
    """Seed index per point, region sizes fitted to the shares on every ``sample``-th point."""
    return nearest_seed(px, py, seeds, fit_weights(px[::sample], py[::sample], seeds, shares))


def voronoi_regions(px: np.ndarray, py: np.ndarray, seeds: np.ndarray) -> np.ndarray:
    """Seed index per point: the nearest seed. Region sizes follow seed density (dense urban
    seeds, small communities)."""
    return nearest_seed(px, py, seeds)


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
        pieces: dict[int, list[dict[str, Any]]] = {}
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
    """Relabel each temp piece to its most frequent same-parent neighbouring label, counting
    neighbours that are themselves stray pieces only as a last resort (two strays of different
    labels side by side would otherwise swap labels for ever)."""
    span = int(labels.max()) + 1
    keys, stray = [], []
    for axis, shift in ((0, 1), (0, -1), (1, 1), (1, -1)):
        nb_temp = np.roll(temp, shift, axis)
        ok = np.roll(valid, shift, axis) & (temp > 0) & (nb_temp != temp) & (np.roll(parent, shift, axis) == parent)
        # roll wraps around; the outermost rows/columns are outside the county mask anyway
        keys.append(temp[ok].astype(np.int64) * span + np.roll(labels, shift, axis)[ok])
        stray.append(nb_temp[ok] > 0)
    key, is_stray = np.concatenate(keys), np.concatenate(stray)
    best: dict[int, tuple[bool, int, int]] = {}
    best_label: dict[int, int] = {}
    for only_strays in (False, True):
        uniq, freq = np.unique(key[is_stray == only_strays], return_counts=True)
        for k, f in zip(uniq.tolist(), freq.tolist(), strict=True):
            piece, label = divmod(k, span)
            rank = (not only_strays, f, -label)
            if piece not in best or rank > best[piece]:
                best[piece] = rank
                best_label[piece] = label
    for piece, label in best_label.items():
        labels[temp == piece] = label

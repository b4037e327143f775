"""Least-cost paths on a raster, numpy only: accumulated cost by fast sweeping, then backtracking.

Rivers are routed through low ground and roads along valley floors with the same machinery. Moves
go to the 8 neighbours; a move costs the mean of the two pixels' costs times its length.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import shapely
from shapely.geometry import LineString

# (row offset, column offset) of the 8 neighbours, and the move length in pixels.
NEIGHBOURS = [(-1, -1), (-1, 0), (-1, 1), (0, -1), (0, 1), (1, -1), (1, 0), (1, 1)]
LENGTHS = np.array([np.hypot(dr, dc) for dr, dc in NEIGHBOURS])


@dataclass(frozen=True)
class Grid:
    """A north-up raster in local metres: (x0, y0) is the top-left corner."""

    x0: float
    y0: float
    step: float
    nx: int
    ny: int

    @property
    def xs(self) -> np.ndarray:
        return self.x0 + (np.arange(self.nx) + 0.5) * self.step

    @property
    def ys(self) -> np.ndarray:
        return self.y0 - (np.arange(self.ny) + 0.5) * self.step

    def cell(self, x: float, y: float) -> tuple[int, int]:
        col = int(np.clip((x - self.x0) // self.step, 0, self.nx - 1))
        row = int(np.clip((self.y0 - y) // self.step, 0, self.ny - 1))
        return row, col

    def centre(self, row: int, col: int) -> tuple[float, float]:
        return self.x0 + (col + 0.5) * self.step, self.y0 - (row + 0.5) * self.step


def accumulate(cost: np.ndarray, sources: np.ndarray, max_rounds: int = 40) -> np.ndarray:
    """Least accumulated cost (in pixel lengths × cost) from any source pixel to every pixel.

    Fast sweeping: each round sweeps down, up, right and left, relaxing every pixel from the
    three neighbours behind the sweep; a few rounds converge even for winding valleys.
    """
    acc = np.where(sources, 0.0, np.inf)
    half = 0.5 * cost
    vert = half[1:, :] + half[:-1, :]  # between row r-1 and r, same column
    horiz = half[:, 1:] + half[:, :-1]
    diag_dr = (half[1:, 1:] + half[:-1, :-1]) * np.sqrt(2)  # (r-1, c-1) ↔ (r, c)
    diag_dl = (half[1:, :-1] + half[:-1, 1:]) * np.sqrt(2)  # (r-1, c+1) ↔ (r, c)
    for _ in range(max_rounds):
        before = acc.copy()
        _sweep_rows(acc, vert, diag_dr, diag_dl)
        _sweep_cols(acc, horiz, diag_dr, diag_dl)
        if np.array_equal(before, acc):
            break
    return acc


def _sweep_rows(acc: np.ndarray, vert: np.ndarray, dr: np.ndarray, dl: np.ndarray) -> None:
    ny = acc.shape[0]
    for r in range(1, ny):  # downwards: from row r-1
        prev, row = acc[r - 1], acc[r]
        np.minimum(row, prev + vert[r - 1], out=row)
        np.minimum(row[1:], prev[:-1] + dr[r - 1], out=row[1:])
        np.minimum(row[:-1], prev[1:] + dl[r - 1], out=row[:-1])
    for r in range(ny - 2, -1, -1):  # upwards: from row r+1
        prev, row = acc[r + 1], acc[r]
        np.minimum(row, prev + vert[r], out=row)
        np.minimum(row[:-1], prev[1:] + dr[r], out=row[:-1])
        np.minimum(row[1:], prev[:-1] + dl[r], out=row[1:])


def _sweep_cols(acc: np.ndarray, horiz: np.ndarray, dr: np.ndarray, dl: np.ndarray) -> None:
    nx = acc.shape[1]
    for c in range(1, nx):  # rightwards: from column c-1
        prev, col = acc[:, c - 1], acc[:, c]
        np.minimum(col, prev + horiz[:, c - 1], out=col)
        np.minimum(col[1:], prev[:-1] + dr[:, c - 1], out=col[1:])
        np.minimum(col[:-1], prev[1:] + dl[:, c - 1], out=col[:-1])
    for c in range(nx - 2, -1, -1):  # leftwards: from column c+1
        prev, col = acc[:, c + 1], acc[:, c]
        np.minimum(col, prev + horiz[:, c], out=col)
        np.minimum(col[:-1], prev[1:] + dr[:, c], out=col[:-1])
        np.minimum(col[1:], prev[:-1] + dl[:, c], out=col[1:])


def predecessors(acc: np.ndarray, cost: np.ndarray) -> np.ndarray:
    """Index into NEIGHBOURS of each pixel's best predecessor (-1 at sources and unreachable pixels)."""
    ny, nx = acc.shape
    pad_acc = np.pad(acc, 1, constant_values=np.inf)
    pad_cost = np.pad(cost, 1, constant_values=np.inf)
    best = np.full(acc.shape, np.inf)
    pred = np.full(acc.shape, -1, dtype=np.int8)
    for k, (dr, dc) in enumerate(NEIGHBOURS):
        n_acc = pad_acc[1 + dr:1 + dr + ny, 1 + dc:1 + dc + nx]
        n_cost = pad_cost[1 + dr:1 + dr + ny, 1 + dc:1 + dc + nx]
        cand = n_acc + 0.5 * (cost + n_cost) * LENGTHS[k]
        better = cand < best
        best[better], pred[better] = cand[better], k
    pred[acc == 0] = -1
    return pred


def backtrack(pred: np.ndarray, start: tuple[int, int], stop: np.ndarray | None = None) -> list[tuple[int, int]]:
    """Pixels from start back to a source (or to the first pixel where ``stop`` is set)."""
    path = [start]
    r, c = start
    for _ in range(pred.size):
        k = pred[r, c]
        if k < 0 or (stop is not None and stop[r, c] and len(path) > 1):
            break
        dr, dc = NEIGHBOURS[k]
        r, c = r + dr, c + dc
        path.append((r, c))
    return path


def least_cost_path(grid: Grid, cost: np.ndarray, start: tuple[float, float], end: tuple[float, float],
                    margin: float = 4_000.0) -> list[tuple[float, float]]:
    """Pixel-centre coordinates of the cheapest route from start to end, searched in a window
    around both points (much faster than the whole grid and wide enough for valley detours)."""
    (r0, c0), (r1, c1) = grid.cell(*start), grid.cell(*end)
    pad = int(margin // grid.step) + int(0.3 * max(abs(r1 - r0), abs(c1 - c0)))
    top, left = max(min(r0, r1) - pad, 0), max(min(c0, c1) - pad, 0)
    bottom, right = min(max(r0, r1) + pad + 1, grid.ny), min(max(c0, c1) + pad + 1, grid.nx)
    window = cost[top:bottom, left:right]
    sources = np.zeros(window.shape, dtype=bool)
    sources[r1 - top, c1 - left] = True
    acc = accumulate(window, sources)
    pixels = backtrack(predecessors(acc, window), (r0 - top, c0 - left))
    return [grid.centre(r + top, c + left) for r, c in pixels]


def route_through(grid: Grid, cost: np.ndarray, points: list[tuple[float, float]],
                  margin: float = 4_000.0) -> list[tuple[int, int]]:
    """Pixels of the cheapest route visiting the points in order, without the out-and-back spurs
    that appear where one leg leaves a waypoint the way the previous leg came in."""
    pixels = [grid.cell(*points[0])]
    for a, b in pairwise(points):
        pixels.extend(grid.cell(x, y) for x, y in least_cost_path(grid, cost, a, b, margin)[1:])
    return without_loops(pixels)


def without_loops(pixels: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Cut every loop: when the path comes back next to a pixel it passed earlier, resume from there."""
    out: list[tuple[int, int]] = []
    seen: dict[tuple[int, int], int] = {}
    for r, c in pixels:
        hits = [seen[(r + dr, c + dc)] for dr in (-1, 0, 1) for dc in (-1, 0, 1) if (r + dr, c + dc) in seen]
        if hits and min(hits) < len(out) - 2:
            for q in out[min(hits) + 1:]:
                del seen[q]
            out = out[: min(hits) + 1]
        if (r, c) not in seen:
            seen[(r, c)] = len(out)
            out.append((r, c))
    return out


def smooth_line(coords: list[tuple[float, float]], simplify: float, rounds: int = 3) -> LineString:
    """Turn a pixel staircase into a gentle curve: simplify, then Chaikin corner cutting (ends kept)."""
    if len(coords) < 2:
        coords = [coords[0], coords[0]]
    line = shapely.simplify(LineString(coords), simplify)
    pts = np.asarray(line.coords)
    for _ in range(rounds):
        if len(pts) < 3:
            break
        a, b = pts[:-1], pts[1:]
        q, r = 0.75 * a + 0.25 * b, 0.25 * a + 0.75 * b
        middle = np.column_stack([q, r]).reshape(-1, 2)[1:-1]
        pts = np.vstack([pts[:1], middle, pts[-1:]])
    return LineString(pts)

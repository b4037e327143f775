"""From a label raster to a polygon coverage clipped to the county outline, edges shared exactly.

Pixel polygons are simplified as a coverage (GEOS keeps shared edges identical), the polygons that
reach the outline are re-noded together with it and rebuilt from the resulting faces (so the new
vertices on the outline are the same for both neighbours), stray pieces left by the clip join
their neighbour, and higher levels are exact unions of their parts.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import cast

import numpy as np
import shapely
from rasterio import features
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from geodata.demo.routing import Grid


def polygonize(labels: np.ndarray, valid: np.ndarray) -> dict[int, BaseGeometry]:
    """One polygon per label (labels must be 4-connected, see ``tiling.make_connected``), in pixel
    coordinates. GDAL drops the vertices in the middle of straight runs, where a neighbour may
    still have a corner; a vertex at every pixel corner makes the edges match exactly, and integer
    pixel coordinates keep that exact."""
    out: dict[int, BaseGeometry] = {}
    for geom, value in features.shapes(labels.astype(np.int32), mask=valid, connectivity=4):
        key = int(value)
        if key in out:
            raise ValueError(f"label {key} is not one connected piece")
        out[key] = shapely.segmentize(shape(geom), 1.0)
    return out


def pixel_to_grid(geom: BaseGeometry, grid: Grid) -> BaseGeometry:
    """Pixel (col, row) coordinates to the grid's own coordinates; pointwise, so shared vertices stay shared."""
    return shapely.transform(geom, lambda c: np.column_stack([grid.x0 + c[:, 0] * grid.step,
                                                              grid.y0 - c[:, 1] * grid.step]))


def grid_to_pixel(geom: BaseGeometry, grid: Grid) -> BaseGeometry:
    return shapely.transform(geom, lambda c: np.column_stack([(c[:, 0] - grid.x0) / grid.step,
                                                              (grid.y0 - c[:, 1]) / grid.step]))


def clip_coverage(polys: np.ndarray, outline: BaseGeometry) -> np.ndarray:
    """Intersect a coverage with the outline without breaking its shared edges."""
    shapely.prepare(outline)
    edge = np.nonzero(~shapely.contains_properly(outline, polys))[0]
    lines = np.concatenate([shapely.boundary(polys[edge]), [outline.boundary]])
    noded = shapely.union_all(lines)
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(noded)))
    reps = shapely.point_on_surface(faces)
    inside = shapely.contains(outline, reps)
    faces, reps = faces[inside], reps[inside]
    face_idx, owner = shapely.STRtree(polys[edge]).query(reps, predicate="within")
    out = polys.copy()
    for k, poly_index in enumerate(edge):
        mine = faces[face_idx[owner == k]]
        out[poly_index] = shapely.coverage_union_all(mine) if len(mine) else shapely.Polygon()
    return out


def settle_fragments(polys: np.ndarray, groups: Sequence[Hashable]) -> np.ndarray:
    """Give every polygon one piece: each smaller piece joins the neighbour (preferably of the same
    group) with which it shares the longest edge. Pieces touching no neighbour stay where they are."""
    out = polys.copy()
    pieces: list[tuple[int, BaseGeometry]] = []
    for i, geom in enumerate(out):
        parts = shapely.get_parts(geom)
        if len(parts) > 1:
            order = np.argsort(-shapely.area(parts))
            out[i] = parts[order[0]]
            pieces.extend((i, parts[j]) for j in order[1:])
    if not pieces:
        return out
    tree = shapely.STRtree(out.copy())  # merged polygons only grow, so their old envelopes still find them
    for origin, piece in pieces:
        target = _best_neighbour(out, tree.query(piece), groups, origin, piece)
        out[target] = shapely.coverage_union_all([out[target], piece])
    return out


def _best_neighbour(polys: np.ndarray, candidates: np.ndarray, groups: Sequence[Hashable], origin: int,
                    piece: BaseGeometry) -> int:
    best, best_key = origin, (False, 0.0)
    for j in candidates:
        if j == origin:
            continue
        shared = shapely.length(shapely.intersection(shapely.boundary(polys[j]), shapely.boundary(piece)))
        key = (groups[j] == groups[origin] and shared > 0, float(shared))
        if shared > 0 and key > best_key:
            best, best_key = int(j), key
    return best


def dissolve(polys: np.ndarray, keys: Sequence[Hashable]) -> dict[Hashable, BaseGeometry]:
    """Exact union of the polygons sharing a key (their edges match vertex for vertex)."""
    groups: dict[Hashable, list[BaseGeometry]] = {}
    for geom, key in zip(polys, keys, strict=True):
        groups.setdefault(key, []).append(geom)
    return {key: shapely.coverage_union_all(parts) for key, parts in groups.items()}


def as_multipolygon(geom: BaseGeometry) -> shapely.MultiPolygon:
    if isinstance(geom, shapely.MultiPolygon):
        return geom
    return shapely.MultiPolygon([cast(shapely.Polygon, geom)])

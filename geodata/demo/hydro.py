"""Rivers: the real 澄潭江 centreline plus synthetic rivers routed through low ground, and the
valley/basin carvers the elevation model derives from them (including the industrial park's graded
floor beside the 新昌江, which is routed along it).

Every river line is digitised downstream (source → mouth); a tributary's last vertex lies on its
parent. The carvers are rebuilt from the river and place tables alone, so that geography (road
routing) and terrain (the DEM) agree without sharing state.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely
from shapely.geometry import LineString, Point
from shapely.geometry.base import BaseGeometry

from geodata import reference_data
from geodata.demo.park_layout import RIVER_OFFSET_M, park_axis, park_zone
from geodata.demo.relief import Carver, Relief, geom_to_local, local_point
from geodata.demo.routing import Grid, route_through, smooth_line

REAL_RIVER_NAME = "澄潭江"
REAL_RIVER_SOURCE = "GSHHG 2.3.7 WDB-II rivers (CIA World Data Bank II), Debian gmt-gshhg-full"
EXIT_FLOOR_M = 32.0  # where a river leaves the county towards 嵊州 (曹娥江 basin, ~30 m)

# Longitudinal profile per rank: floor = mouth + a·km + b·km² upstream (steepening towards the
# source), and the valley half-width in metres.
PROFILE = {1: (1.4, 0.09, 900.0), 2: (3.5, 0.30, 600.0), 3: (8.0, 1.00, 380.0)}
PARK_HALF_WIDTH_M = 1_200.0  # the park's floor is flat for 300–600 m either side of its axis (see ``valley``)
PARK_RIVER_M = 2_500.0  # its floor follows a river this close to its centre


@dataclass(frozen=True)
class RiverSpec:
    name: str
    rank: int
    waypoints: tuple[tuple[float, float], ...]  # lon/lat, source → mouth
    parent: str | None = None  # the last waypoint is moved onto this river


# Parents before tributaries. The courses are invented; the names are the county's rivers.
SYNTHETIC_RIVERS = (
    # past the industrial park, which lies on its valley floor east of the town
    RiverSpec("新昌江", 1, ((121.190, 29.372), (121.115, 29.388), (121.034, 29.438), *park_axis(RIVER_OFFSET_M),
                            (120.903, 29.502), (120.836, 29.575))),
    RiverSpec("黄泽江", 2, ((121.205, 29.468), (121.128, 29.511), (121.062, 29.572))),
    RiverSpec("韩妃江", 2, ((120.935, 29.325), (120.917, 29.361), (120.930, 29.435), (120.906, 29.500)),
              parent="新昌江"),
    RiverSpec("东茗溪", 3, ((121.035, 29.352), (121.020, 29.366), (121.030, 29.436)), parent="新昌江"),
    RiverSpec("回山溪", 3, ((120.862, 29.262), (120.807, 29.284), (120.787, 29.300)), parent=REAL_RIVER_NAME),
    RiverSpec("梅渚溪", 3, ((120.862, 29.472), (120.798, 29.476), (120.774, 29.482)), parent=REAL_RIVER_NAME),
    RiverSpec("镜岭溪", 3, ((120.718, 29.352), (120.787, 29.376)), parent=REAL_RIVER_NAME),
)


def real_river_local() -> LineString:
    """The WDB-II centreline through the western valley, clipped to 3 km around the county."""
    area = reference_data.county_outline().buffer(0.03)
    parts = [area.intersection(g) for g in reference_data.real_rivers() if g.intersects(area)]
    merged = shapely.line_merge(shapely.union_all(parts))
    lines = list(getattr(merged, "geoms", [merged]))
    longest = max(lines, key=lambda g: g.length)
    return geom_to_local(longest)  # type: ignore[return-value]


def river_cost(relief: Relief, grid: Grid, outline: BaseGeometry) -> np.ndarray:
    """Water takes the lowest ground: cost grows with the square of the uncarved elevation. The
    demo's rivers stay in the county until they leave it for good (the terrain outside is only a
    margin, not a real neighbour), and they pass the industrial park rather than cross it."""
    z = relief.grid(grid.xs, grid.ys)
    cost = 0.05 + (z / 200.0) ** 2
    xx, yy = np.meshgrid(grid.xs, grid.ys)
    cost[~shapely.contains_xy(outline.buffer(500.0), xx, yy)] *= 30.0
    cost[shapely.contains_xy(geom_to_local(park_zone()), xx, yy)] *= 30.0
    return cost


def route_rivers(grid: Grid, cost: np.ndarray, real: LineString) -> list[tuple[RiverSpec, LineString]]:
    """Each synthetic river, routed leg by leg between its waypoints through the cheapest ground."""
    done: dict[str, LineString] = {REAL_RIVER_NAME: real}
    out = []
    for spec in SYNTHETIC_RIVERS:
        pts = [(p.x, p.y) for p in (local_point(lon, lat) for lon, lat in spec.waypoints)]
        if spec.parent:
            parent = done[spec.parent]
            junction = parent.interpolate(parent.project(Point(pts[-1])))
            pts[-1] = (junction.x, junction.y)
        coords = [grid.centre(r, c) for r, c in route_through(grid, cost, pts, margin=2_500.0)]
        coords[0], coords[-1] = pts[0], pts[-1]  # exact source and junction, not pixel centres
        line = smooth_line(coords, simplify=120.0)
        done[spec.name] = line
        out.append((spec, line))
    return out


def river_carvers(rivers: Sequence[tuple[BaseGeometry, int]]) -> list[Carver]:
    """Valleys along the rivers (local metres, table order: parents before tributaries).

    A river ending on an earlier river joins it at that river's floor; any other river ends where
    it leaves the county, at EXIT_FLOOR_M.
    """
    carvers: list[Carver] = []
    for geom, rank in rivers:
        # a 20 m simplification changes no valley visibly but makes distance queries much cheaper
        for line in getattr(geom.simplify(20.0), "geoms", [geom.simplify(20.0)]):
            mouth = Point(line.coords[-1])
            floor_mouth = EXIT_FLOOR_M
            for other in carvers:
                if other.geom.distance(mouth) < 50.0:
                    floor_mouth = float(other.floor_at(np.array([other.geom.project(mouth)]))[0])
                    break
            a, b, half_width = PROFILE[min(max(rank, 1), 3)]
            knots = np.linspace(0.0, line.length, 64)
            upstream_km = (line.length - knots) / 1000.0
            floors = floor_mouth + a * upstream_km + b * upstream_km**2
            carvers.append(Carver(line, knots, floors, half_width))
    return carvers


def basin_carvers(relief: Relief, seats: Sequence[tuple[Point, bool]], rivers: Sequence[Carver]) -> list[Carver]:
    """Flat basins at the county seat (wide) and the town seats: a little above the nearest river's
    floor when one is close, otherwise a plateau basin well below the surrounding hills."""
    out = []
    for point, is_county_seat in seats:
        near = [(c.geom.distance(point), c) for c in rivers]
        dist, river = min(near, key=lambda t: t[0]) if near else (np.inf, None)
        if river is not None and dist < 2_500.0:
            floor = float(river.floor_at(np.array([river.geom.project(point)]))[0]) + 4.0
        else:
            floor = 0.6 * float(relief.at(np.array([point.x]), np.array([point.y]))[0])
        half_width = 2_400.0 if is_county_seat else 800.0
        out.append(Carver(point, np.zeros(1), np.array([floor]), half_width))
    return out


def park_carvers(rivers: Sequence[Carver]) -> list[Carver]:
    """The industrial park's graded floor along its axis, a little above the floor of the river that
    runs past it: whatever the seed's mountains, the park stands on flat valley ground."""
    axis = LineString([local_point(*p) for p in park_axis()])
    near = [c for c in rivers if c.geom.distance(axis.centroid) < PARK_RIVER_M]
    if not near:
        return []
    river = min(near, key=lambda c: c.geom.distance(axis.centroid))
    knots = np.linspace(0.0, axis.length, 9)
    on_river = [river.geom.project(axis.interpolate(k)) for k in knots]
    return [Carver(axis, knots, river.floor_at(np.array(on_river)) + 3.0, PARK_HALF_WIDTH_M)]


def carvers_from_tables(relief: Relief, rivers: pd.DataFrame, places: pd.DataFrame) -> list[Carver]:
    """All carvers from the river and place tables (lon/lat), in river id order."""
    ordered = rivers.sort_values("id")
    valleys = river_carvers([(geom_to_local(g), int(r)) for g, r in zip(ordered["geom"], ordered["rank"], strict=True)])
    seats = places[places["kind"].isin(["county_seat", "town"])].sort_values("id")
    points = [(geom_to_local(g), kind == "county_seat") for g, kind in zip(seats["geom"], seats["kind"], strict=True)]
    return valleys + basin_carvers(relief, points, valleys) + park_carvers(valleys)  # type: ignore[arg-type]

"""A synthetic road network that follows the valleys.

Trunk roads are least-cost routes between waypoints on a 200 m grid whose cost rises with slope
and height, so they run along valley floors and over the lowest passes; county roads join every
township seat to that network, township and village roads join every village; the county seat
gets a street grid. Branches stop where they meet an earlier road, so no road is drawn twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

import numpy as np
import shapely
from shapely.geometry import LineString, Point
from shapely.geometry.base import BaseGeometry

from geodata.demo.relief import local_point
from geodata.demo.routing import (
    Grid,
    accumulate,
    backtrack,
    least_cost_path,
    predecessors,
    route_through,
    smooth_line,
)

# Waypoints: lon/lat, "seat" (the county seat) or a township code (its seat).
Waypoint = tuple[float, float] | str
TRUNKS: tuple[tuple[str, str, int, tuple[Waypoint, ...]], ...] = (
    ("上三高速", "expressway", 4, ((120.830, 29.592), (120.848, 29.520), (120.880, 29.462), (120.944, 29.382),
                                  (120.962, 29.300), (120.985, 29.198))),
    ("104国道", "national", 4, ((120.852, 29.592), "seat", "330624200", "330624110", (120.948, 29.205))),
    ("省道新镜线", "provincial", 2, ("seat", "330624003", "330624004", "330624109", "330624104", (120.757, 29.203))),
    ("省道新沙线", "provincial", 2, ("seat", "330624001", "330624108", (121.248, 29.522))),
    ("省道新小线", "provincial", 2, ("330624001", "330624112", "330624107", (121.248, 29.378))),
)
# County roads that close loops between neighbouring townships (the seats' links come first).
LOOPS = (("330624110", "330624104"), ("330624110", "330624201"), ("330624201", "330624107"),
         ("330624112", "330624108"), ("330624200", "330624201"))
STREETS_EW = ("人民路", "鼓山路", "江滨路", "南明路", "七星路", "沃洲路", "羽林路", "天姥路", "梅渚路", "环城南路",
              "城东路", "兴业路", "金山路", "石城路")
STREETS_NS = ("新昌大道", "东门路", "西门路", "北门路", "拔茅路", "长城路", "泰坦路", "大佛寺路", "梅园路", "桃源路",
              "学院路", "文化路", "健康路", "工业大道")


@dataclass(frozen=True)
class RoadLine:
    name: str
    road_class: str
    lanes: int
    geom: BaseGeometry  # local metres


@dataclass
class Network:
    grid: Grid
    cost: np.ndarray
    used: np.ndarray  # pixels already carrying a road
    roads: list[RoadLine]

    def add(self, name: str, road_class: str, lanes: int, pixels: list[tuple[int, int]], line: LineString) -> None:
        if road_class != "expressway":  # no junctions on an expressway: other roads cross it
            for r, c in pixels:
                self.used[r, c] = True
        self.roads.append(RoadLine(name, road_class, lanes, line))

    def snap(self, point: Point) -> Point:
        """The nearest point on the roads built so far (branches end exactly on their trunk)."""
        geoms = np.array([r.geom for r in self.roads if r.road_class != "expressway"])
        nearest = geoms[int(np.argmin(shapely.distance(geoms, point)))]
        return nearest.interpolate(nearest.project(point))


def road_cost(z: np.ndarray, step: float) -> np.ndarray:
    """Cheap on gentle low ground, dear on steep slopes and high ridges."""
    gy, gx = np.gradient(z, step)
    return 1.0 + 40.0 * np.hypot(gx, gy) + z / 500.0


def build_roads(grid: Grid, z: np.ndarray, outline: BaseGeometry, seats: dict[str, Point], county_seat: Point,
                villages: dict[str, Point], city: BaseGeometry, short_names: dict[str, str]) -> list[RoadLine]:
    """All roads, in local metres: trunks, county roads, township/village roads, city streets."""
    cost = road_cost(z, grid.step)
    # Local roads stay in the county (the demo has no neighbours' roads to join); trunks still leave it.
    xx, yy = np.meshgrid(grid.xs, grid.ys)
    cost[~shapely.contains_xy(outline.buffer(800.0), xx, yy)] *= 10.0
    net = Network(grid, cost, np.zeros(z.shape, dtype=bool), [])
    for name, road_class, lanes, waypoints in TRUNKS:
        pts = [_waypoint(w, seats, county_seat) for w in waypoints]
        _trunk(net, name, road_class, lanes, pts)
    _county_roads(net, seats, short_names)
    _village_roads(net, villages, city, short_names)
    return net.roads + city_streets(city, county_seat, lambda x, y: sample_grid(grid, z, x, y))


def sample_grid(grid: Grid, z: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    col = np.clip(((x - grid.x0) // grid.step).astype(np.int64), 0, grid.nx - 1)
    row = np.clip(((grid.y0 - y) // grid.step).astype(np.int64), 0, grid.ny - 1)
    return z[row, col]


def _waypoint(w: Waypoint, seats: dict[str, Point], county_seat: Point) -> tuple[float, float]:
    if w == "seat":
        return county_seat.x, county_seat.y
    if isinstance(w, str):
        return seats[w].x, seats[w].y
    p = local_point(*w)
    return p.x, p.y


def _trunk(net: Network, name: str, road_class: str, lanes: int, pts: list[tuple[float, float]]) -> None:
    # an expressway tunnels and bridges: it cares little about slope and is drawn smoother
    cost = 1.0 + (net.cost - 1.0) * 0.2 if road_class == "expressway" else net.cost
    pixels = route_through(net.grid, cost, pts)
    coords = [net.grid.centre(r, c) for r, c in pixels]
    coords[0], coords[-1] = pts[0], pts[-1]
    line = smooth_line(coords, simplify=350.0 if road_class == "expressway" else 150.0, rounds=4)
    net.add(name, road_class, lanes, pixels, line)


def _county_roads(net: Network, seats: dict[str, Point], short: dict[str, str]) -> None:
    """Every township seat off the network gets a road to it; then a few loops between seats."""
    acc = accumulate(net.cost, net.used)
    pred = predecessors(acc, net.cost)
    for code, seat in seats.items():
        start = net.grid.cell(seat.x, seat.y)
        if net.used[start]:
            continue
        pixels = backtrack(pred, start, stop=net.used)
        _add_branch(net, f"县道城关—{short[code]}线", "county", 2, pixels, seat)
    for a, b in LOOPS:
        coords = least_cost_path(net.grid, np.where(net.used, net.cost * 0.3, net.cost),
                                 (seats[a].x, seats[a].y), (seats[b].x, seats[b].y))
        pixels = [net.grid.cell(x, y) for x, y in coords]
        for run in _off_network_runs(net, pixels):
            _add_branch(net, f"县道{short[a]}—{short[b]}线", "county", 2, run, None)


def _off_network_runs(net: Network, pixels: list[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    """Stretches of a route not on an existing road (each with the road pixel it starts or ends on)."""
    runs: list[list[tuple[int, int]]] = []
    current: list[tuple[int, int]] = []
    for k, p in enumerate(pixels):
        if net.used[p]:
            if current:
                runs.append([*current, p])
            current = []
        else:
            current = current or ([pixels[k - 1]] if k else [])
            current.append(p)
    if current:
        runs.append(current)
    return [r for r in runs if len(r) * net.grid.step > 1_000.0]


def _village_roads(net: Network, villages: dict[str, Point], city: BaseGeometry, short: dict[str, str]) -> None:
    """Each village (outside the city) is joined to the nearest road; farthest villages first, so a
    long road is laid once and nearer villages branch off it."""
    acc = accumulate(net.cost, net.used)
    pred = predecessors(acc, net.cost)
    todo = [(code, p) for code, p in villages.items() if not city.contains(p)]
    todo.sort(key=lambda t: -acc[net.grid.cell(t[1].x, t[1].y)])
    for code, point in todo:
        start = net.grid.cell(point.x, point.y)
        if net.used[start]:
            continue
        pixels = backtrack(pred, start, stop=net.used)
        length = len(pixels) * net.grid.step
        town = short[code[:9]]
        if length > 3_000.0:
            _add_branch(net, f"乡道{town}—{short[code]}线", "township", 2, pixels, point)
        else:
            _add_branch(net, f"{short[code]}村道", "village", 1, pixels, point)


def _add_branch(net: Network, name: str, road_class: str, lanes: int, pixels: list[tuple[int, int]],
                start: Point | None) -> None:
    """A branch from ``start`` (or its first pixel) to the road its last pixel lies on."""
    if len(pixels) < 2:
        return
    coords = [net.grid.centre(r, c) for r, c in pixels]
    if start is not None:
        coords[0] = (start.x, start.y)
    line = smooth_line(coords, simplify=60.0 if road_class == "village" else 100.0)
    end = net.snap(Point(line.coords[-1]))
    begin = net.snap(Point(line.coords[0])) if start is None else Point(line.coords[0])
    line = LineString([begin.coords[0], *line.coords[1:-1], end.coords[0]])
    net.add(name, road_class, lanes, pixels[:-1], line)


def city_streets(city: BaseGeometry, seat: Point, elevation: Callable[[np.ndarray, np.ndarray], np.ndarray],
                 spacing: float = 550.0, max_height: float = 130.0) -> list[RoadLine]:
    """A street grid over the city's valley floor, turned to follow the river through the seat."""
    angle = np.radians(-32.0)
    u = np.array([np.cos(angle), np.sin(angle)])  # along the river (NW–SE)
    v = np.array([-u[1], u[0]])
    half = 6_000.0
    out: list[RoadLine] = []
    for names, axis, across in ((STREETS_EW, u, v), (STREETS_NS, v, u)):
        k = 0
        for off in np.arange(-half, half + 1, spacing):
            centre = np.array([seat.x, seat.y]) + across * off
            street = LineString([centre - axis * half, centre + axis * half]).intersection(city)
            parts = [p for line in shapely.get_parts(street) for p in _low_runs(line, elevation, max_height)]
            if not parts or k >= len(names):
                continue
            lanes = 6 if names[k].endswith("大道") else (4 if k % 3 == 0 else 2)
            out.append(RoadLine(names[k], "urban", lanes, shapely.MultiLineString(parts)))
            k += 1
    return out


def _low_runs(line: BaseGeometry, elevation: Callable[[np.ndarray, np.ndarray], np.ndarray],
              max_height: float) -> list[LineString]:
    """The stretches of a straight street on the valley floor, at least 300 m long."""
    if line.length < 300.0:
        return []
    n = int(line.length // 50.0) + 1
    pts = shapely.line_interpolate_point(cast(LineString, line), np.linspace(0.0, line.length, n))
    xy = shapely.get_coordinates(pts)
    low = elevation(xy[:, 0], xy[:, 1]) < max_height
    runs, start = [], None
    for k, ok in enumerate([*low, False]):
        if ok and start is None:
            start = k
        elif not ok and start is not None:
            if k - 1 - start >= 6:
                runs.append(LineString(xy[start:k]))
            start = None
    return runs

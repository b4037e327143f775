"""The park's synthetic boundary, street grid and parcels.

Everything is laid out in a local metric frame (u along the valley, v across it) rotated into
EPSG:4549, so parcels are true rectangles and their areas exact; the boundary is the union of the
kept street blocks, which keeps every parcel inside the park.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
import shapely
from shapely import STRtree

from geodata.demo.placement import as_multipolygons, lonlat_xy, metric_xy, to_metric

PARK_NAME = "新昌高新技术产业园区"
# On the floor of the 新昌江 valley 4.5–9 km east-south-east of the county seat (120.900E 29.505N),
# past the eastern edge of the town: the floor lies at about 75–100 m there and is about 1 km wide,
# with the river and the through roads running along it. Whatever the seed, geography routes the
# river along the park's south-west side (RIVER_OFFSET_M), grades the park's floor flat (see
# ``hydro.park_carvers``), gives the zone's land to 羽林街道 (PARK_TOWNSHIP) and places no village or
# community centre in it.
PARK_CENTRE = (120.965, 29.4825)
PARK_TOWNSHIP = "330624001"  # 羽林街道
HALF_LENGTH, HALF_WIDTH = 2400.0, 560.0  # superellipse semi-axes (m): the zone is about 5.2 km²
ROTATION_DEG = -38.0  # the valley runs WNW–ESE here (u grows upstream, away from the town)
RIVER_OFFSET_M = -(HALF_WIDTH + 150.0)  # geography routes 新昌江 along the park's south-west side
STREET_M, AVENUE_M = 24.0, 40.0
THROUGH_ROADS = ("expressway", "national", "provincial")  # they cross the park; lesser roads stop at its edge
SUPERELLIPSE_AREA = 3.708 * HALF_LENGTH * HALF_WIDTH  # n = 4
PARCELS_PER_BLOCK = 0.12 + 0.88 * 2 * 3.0  # whole-block parcels, else two rows of ~3

EW_NAMES_NORTH = ("科创大道", "园区北路", "高新北路", "智造路", "梅溪东路")
EW_NAMES_SOUTH = ("泰和路", "园区南路", "高新南路", "江滨东路", "沿江路")
NUMERALS = "一二三四五六七八九十"


def _numeral(i: int) -> str:
    return NUMERALS[i - 1] if i <= 10 else f"十{NUMERALS[i - 11]}" if i < 20 else str(i)


def ew_street_name(b: int) -> str:
    """Streets across the valley axis: boundary 0 is the central avenue."""
    if b == 0:
        return "新昌大道东路"
    names = EW_NAMES_NORTH if b > 0 else EW_NAMES_SOUTH
    return names[abs(b) - 1] if abs(b) <= len(names) else f"纬{_numeral(abs(b))}路"


@lru_cache(maxsize=1)
def _centre() -> tuple[float, float]:
    e, n = metric_xy(np.array([PARK_CENTRE[0]]), np.array([PARK_CENTRE[1]]))
    return float(e[0]), float(n[0])


def local_to_lonlat(geoms: np.ndarray) -> np.ndarray:
    """Park-local metric geometries (u along the valley, v across) → lon/lat."""
    ce, cn = _centre()
    t = math.radians(ROTATION_DEG)

    def fn(xy: np.ndarray) -> np.ndarray:
        u, v = xy[:, 0], xy[:, 1]
        e, n = ce + u * math.cos(t) - v * math.sin(t), cn + u * math.sin(t) + v * math.cos(t)
        return np.column_stack(lonlat_xy(e, n))

    return np.asarray(shapely.transform(geoms, fn), dtype=object)


def park_axis(offset_m: float = 0.0) -> tuple[tuple[float, float], ...]:
    """Lon/lat of the upstream (east-south-east) end, the middle and the town end of the park's long
    axis, or of a parallel ``offset_m`` to the north-east (negative: south-west) of it."""
    pts = local_to_lonlat(np.asarray(shapely.points([HALF_LENGTH, 0.0, -HALF_LENGTH], offset_m), dtype=object))
    return tuple((float(shapely.get_x(p)), float(shapely.get_y(p))) for p in pts)


@lru_cache(maxsize=1)
def park_zone() -> shapely.Polygon:
    """The land reserved for the park at any scale (lon/lat): the park boundary always lies inside it,
    so stages that run before the park can keep homes and villages' roads out of it."""
    a = np.linspace(0, 2 * np.pi, 257)[:-1]
    c, s = np.cos(a), np.sin(a)
    u = HALF_LENGTH * np.sign(c) * np.abs(c) ** 0.5
    v = HALF_WIDTH * np.sign(s) * np.abs(s) ** 0.5
    zone = shapely.buffer(shapely.Polygon(np.column_stack([u, v])), STREET_M, join_style="mitre")
    return local_to_lonlat(np.array([zone], dtype=object))[0]


@dataclass(frozen=True)
class Layout:
    boundary: shapely.MultiPolygon  # lon/lat
    parcels: pd.DataFrame  # local geometry and attributes; see ``build_layout``
    streets: pd.DataFrame  # name, road_class, lanes, geom (lon/lat MultiLineString)

    def to_lonlat(self, u: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        pts = local_to_lonlat(np.asarray(shapely.points(u, v), dtype=object))
        return shapely.get_x(pts), shapely.get_y(pts)

    def local_to_lonlat(self, geoms: np.ndarray) -> np.ndarray:
        return local_to_lonlat(geoms)


def _blocks(n_target: int) -> pd.DataFrame:
    # Only blocks wholly inside the zone are kept, so the count only roughly follows the area: refine the size.
    n_blocks = max(4.0, n_target / PARCELS_PER_BLOCK)
    block_area = SUPERELLIPSE_AREA * 0.8 / n_blocks
    best = _grid(block_area)
    for _ in range(8):
        ratio = len(best) / n_blocks
        if abs(ratio - 1) < 0.04:
            break
        block_area *= min(max(ratio, 0.5), 2.0)  # none fit at all: halve
        best = _grid(block_area)
    return best


def _grid(block_area: float) -> pd.DataFrame:
    depth = math.sqrt(block_area / 1.9)
    length = 1.9 * depth
    pitch_u, pitch_v = length + STREET_M, depth + STREET_M
    cols = math.ceil(HALF_LENGTH / pitch_u) + 1
    rows = math.ceil(HALF_WIDTH / pitch_v) + 1
    out = []
    for j in range(-rows, rows):
        v0 = AVENUE_M / 2 + j * pitch_v if j >= 0 else -AVENUE_M / 2 + (j + 1) * pitch_v - depth
        for k in range(-cols, cols):
            u0 = STREET_M / 2 + k * pitch_u
            far_u, far_v = max(abs(u0), abs(u0 + length)), max(abs(v0), abs(v0 + depth))
            if (far_u / HALF_LENGTH) ** 4 + (far_v / HALF_WIDTH) ** 4 <= 1.0:  # wholly inside the zone
                out.append((j, k, u0, u0 + length, v0, v0 + depth))
    return pd.DataFrame(out, columns=["row", "col", "u0", "u1", "v0", "v1"])


def build_layout(n_target: int, rng: np.random.Generator) -> Layout:
    """Blocks between streets, each split into parcels; attributes follow development from the west."""
    blocks = _blocks(n_target)
    rows: list[tuple[int, int, int, float, float, float, float, int]] = []
    for row, col, u0, u1, v0, v1 in zip(*(blocks[c].tolist() for c in ("row", "col", "u0", "u1", "v0", "v1")),
                                         strict=True):
        if rng.random() < 0.12:
            rows.append((row, col, -1, u0, u1, v0, v1, row))
            continue
        vm = (v0 + v1) / 2
        for half, (va, vb, street) in enumerate(((v0, vm, row), (vm, v1, row + 1))):
            k = int(rng.choice([2, 3, 4], p=[0.3, 0.4, 0.3]))
            cuts = u0 + np.concatenate([[0.0], np.cumsum(rng.dirichlet(np.full(k, 6.0)))]) * (u1 - u0)
            for i in range(k):
                rows.append((row, col, half, float(cuts[i]), float(cuts[i + 1]), va, vb, street))
    p = pd.DataFrame(rows, columns=["row", "col", "half", "u0", "u1", "v0", "v1", "street"])
    n = len(p)
    local = shapely.box(p["u0"].to_numpy(), p["v0"].to_numpy(), p["u1"].to_numpy(), p["v1"].to_numpy())
    p["area_m2"] = np.round(shapely.area(local), 1)
    p["side"] = np.where(p["half"] == 1, "S", "N")  # which side of its street the parcel lies on
    p["street_name"] = [ew_street_name(int(s)) for s in p["street"]]

    u_mid = (p["u0"] + p["u1"]).to_numpy() / 2
    frac = (u_mid - u_mid.min()) / max(float(np.ptp(u_mid)), 1.0)
    q = np.argsort(np.argsort(frac + rng.normal(0, 0.06, n))) / max(n - 1, 1)
    near_avenue = np.abs((p["v0"] + p["v1"]).to_numpy() / 2) < 250
    use = rng.choice(["industrial", "warehouse", "commercial", "green"], size=n, p=[0.77, 0.10, 0.06, 0.07])
    use[(use == "commercial") & ~near_avenue & (rng.random(n) < 0.5)] = "industrial"
    status = np.where(q > 0.88, "vacant", np.where(q > 0.78, "under_construction", "developed"))
    idle = (status == "developed") & (use != "green") & (rng.random(n) < 0.06)
    status[idle] = "idle"
    year = np.clip(np.round(2005 + q / 0.78 * 19 + rng.normal(0, 1.0, n)), 2005, 2024)
    year = np.where(status == "under_construction", rng.choice([2024, 2025], size=n), year)
    planned = np.select(
        [use == "industrial", use == "warehouse", use == "commercial"],
        [rng.uniform(1.2, 2.0, n), rng.uniform(1.0, 1.5, n), rng.uniform(2.0, 3.5, n)], 0.0)
    ratio = np.select([status == "developed", status == "idle", status == "under_construction"],
                      [rng.uniform(0.55, 1.05, n), rng.uniform(0.2, 0.5, n), rng.uniform(0.0, 0.3, n)], 0.0)
    p["land_use"] = use
    p["status"] = status
    p["planned_far"] = np.round(planned, 1)
    p["actual_far"] = np.round(planned * ratio, 2)
    p["year_developed"] = [None if s == "vacant" else int(y) for s, y in zip(status, year, strict=True)]
    p["code"] = [f"XCGX-{r + 20:02d}{c + 20:02d}-{i + 1:02d}" for i, (r, c) in
                 enumerate(zip(p["row"], p["col"], strict=True))]

    p["geom"] = as_multipolygons(local_to_lonlat(local))
    block_boxes = shapely.box(blocks["u0"].to_numpy(), blocks["v0"].to_numpy(), blocks["u1"].to_numpy(),
                              blocks["v1"].to_numpy())
    outline = shapely.union_all(shapely.buffer(block_boxes, STREET_M / 2 + 0.5, join_style="mitre"))
    boundary = local_to_lonlat(np.array([outline], dtype=object))[0]
    boundary = shapely.MultiPolygon(list(getattr(boundary, "geoms", [boundary])))
    return Layout(boundary, p, _streets(blocks))


def _streets(blocks: pd.DataFrame) -> pd.DataFrame:
    """Centre lines of the streets between (and around) the kept blocks."""
    lines: list[tuple[str, str, int, shapely.LineString]] = []
    b = blocks
    for j in range(int(b["row"].min()), int(b["row"].max()) + 2):
        adj = b[b["row"].isin([j - 1, j])]
        if adj.empty:
            continue
        if j in set(b["row"]):
            v = float(b.loc[b["row"] == j, "v0"].iloc[0])
            v -= (AVENUE_M if j == 0 else STREET_M) / 2
        else:
            v = float(b.loc[b["row"] == j - 1, "v1"].iloc[0]) + STREET_M / 2
        u0, u1 = float(adj["u0"].min()) - STREET_M / 2, float(adj["u1"].max()) + STREET_M / 2
        lines.append((ew_street_name(j), "urban", 6 if j == 0 else 4, shapely.LineString([(u0, v), (u1, v)])))
    cols = sorted(set(b["col"]))
    for i, k in enumerate(range(cols[0], cols[-1] + 2)):
        adj = b[b["col"].isin([k - 1, k])]
        u = float(b.loc[b["col"] == k, "u0"].iloc[0]) - STREET_M / 2 if k in cols else \
            float(b.loc[b["col"] == k - 1, "u1"].iloc[0]) + STREET_M / 2
        v0, v1 = float(adj["v0"].min()) - STREET_M / 2, float(adj["v1"].max()) + STREET_M / 2
        lines.append((f"工业园区{_numeral(i + 1)}路", "urban", 2, shapely.LineString([(u, v0), (u, v1)])))
    geoms = local_to_lonlat(np.array([g for *_, g in lines], dtype=object))
    return pd.DataFrame({
        "name": [n for n, *_ in lines],
        "road_class": [c for _, c, *_ in lines],
        "lanes": [w for _, _, w, _ in lines],
        "geom": [shapely.MultiLineString([g]) for g in geoms],
    })


def keep_corridors_green(layout: Layout, lines: np.ndarray, clearance_m: float = 30.0) -> int:
    """Parcels that a river or a through road crosses become green belt: nothing is built on a river.
    Returns how many parcels changed."""
    if not len(lines):
        return 0
    p = layout.parcels
    tree = STRtree(to_metric(np.asarray(p["geom"].to_numpy(), dtype=object)))
    hit = np.unique(tree.query(to_metric(lines), predicate="dwithin", distance=clearance_m)[1])
    p.loc[hit, "land_use"] = "green"
    p.loc[hit, ["planned_far", "actual_far"]] = 0.0
    p.loc[p.index.isin(hit) & (p["status"] == "idle"), "status"] = "developed"
    return len(hit)

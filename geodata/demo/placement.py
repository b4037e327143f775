"""Spatial helpers shared by the park and operations stages.

Every generated point must lie in the grid cell (and township) it is filed under, so points are
located against the stage inputs rather than trusted; sampling is vectorised with shapely 2.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer
from shapely import STRtree

SOURCE = "demo generator (synthetic)"
CST = timezone(timedelta(hours=8))  # China Standard Time: daily rhythms are local
SEAT = (120.90017, 29.50528)  # 新昌 county seat (GeoNames 1789201)
M_PER_DEG_LAT = 110_574.0

_FWD = Transformer.from_crs("EPSG:4490", "EPSG:4549", always_xy=True)
_INV = Transformer.from_crs("EPSG:4549", "EPSG:4490", always_xy=True)


def reference_now(now: datetime | None = None) -> pd.Timestamp:
    """The current hour (UTC): relative timestamps are offsets from it, so they stay reproducible."""
    ts = pd.Timestamp(now if now is not None else datetime.now(UTC))
    ts = ts.tz_localize(UTC) if ts.tzinfo is None else ts.tz_convert(UTC)
    return ts.floor("h")


def metric_xy(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    e, n = _FWD.transform(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
    return np.asarray(e), np.asarray(n)


def lonlat_xy(e: np.ndarray, n: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    lon, lat = _INV.transform(np.asarray(e, dtype=float), np.asarray(n, dtype=float))
    return np.asarray(lon), np.asarray(lat)


def _apply(geoms: Any, fn: Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]) -> Any:
    return shapely.transform(geoms, lambda xy: np.column_stack(fn(xy[:, 0], xy[:, 1])))


def to_metric(geoms: Any) -> Any:
    return _apply(geoms, metric_xy)


def to_lonlat(geoms: Any) -> Any:
    return _apply(geoms, lonlat_xy)


def as_multipolygons(geoms: np.ndarray) -> np.ndarray:
    geoms = np.asarray(geoms, dtype=object)
    return np.asarray(shapely.multipolygons(geoms, indices=np.arange(len(geoms))), dtype=object)


def jitter(x: np.ndarray, y: np.ndarray, sigma_m: float | np.ndarray,
           rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Move lon/lat points by a normal offset given in metres."""
    dx = rng.normal(0.0, 1.0, len(x)) * sigma_m
    dy = rng.normal(0.0, 1.0, len(x)) * sigma_m
    return (x + dx / (M_PER_DEG_LAT * np.cos(np.radians(y))), y + dy / M_PER_DEG_LAT)


def distance_m(x: np.ndarray, y: np.ndarray, x0: float, y0: float) -> np.ndarray:
    return np.hypot((x - x0) * M_PER_DEG_LAT * np.cos(np.radians(y0)), (y - y0) * M_PER_DEG_LAT)


def geom_array(frame: pd.DataFrame, column: str = "geom") -> np.ndarray:
    return np.asarray(frame[column].to_numpy(), dtype=object)


@dataclass(frozen=True)
class Geography:
    """Grid cells and townships of the stage inputs, with lookups from points to them."""

    cell_code: np.ndarray
    cell_geom: np.ndarray
    cell_village: np.ndarray
    cell_town: np.ndarray
    town_code: np.ndarray
    town_geom: np.ndarray
    town_x: np.ndarray  # label points
    town_y: np.ndarray
    names: dict[str, str]  # admin code → name
    county_geom: Any
    cell_tree: STRtree
    town_tree: STRtree

    @classmethod
    def from_tables(cls, tables: dict[str, pd.DataFrame]) -> Geography:
        admin = tables["admin_area"]
        grid = tables["grid_cell"].sort_values("code", ignore_index=True)
        parent = dict(zip(admin["code"], admin["parent_code"], strict=True))
        towns = admin[admin["level"] == "township"].sort_values("code", ignore_index=True)
        county = admin[admin["level"] == "county"]
        cell_geom = geom_array(grid)
        town_geom = geom_array(towns)
        shapely.prepare(cell_geom)
        shapely.prepare(town_geom)
        label = geom_array(towns, "label_point")
        cell_village = grid["village_code"].to_numpy(dtype=object)
        county_geom = (geom_array(county)[0] if len(county)
                       else shapely.union_all(town_geom))
        return cls(
            cell_code=grid["code"].to_numpy(dtype=object),
            cell_geom=cell_geom,
            cell_village=cell_village,
            cell_town=np.array([parent[v] for v in cell_village], dtype=object),
            town_code=towns["code"].to_numpy(dtype=object),
            town_geom=town_geom,
            town_x=shapely.get_x(label),
            town_y=shapely.get_y(label),
            names=dict(zip(admin["code"], admin["name"], strict=True)),
            county_geom=county_geom,
            cell_tree=STRtree(cell_geom),
            town_tree=STRtree(town_geom),
        )

    def locate_cells(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Index of the grid cell containing each point, -1 where none does."""
        return _locate(self.cell_tree, x, y)

    def locate_towns(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return _locate(self.town_tree, x, y)

    def nearest_cells(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        idx = self.cell_tree.query_nearest(shapely.points(x, y), all_matches=False)
        out = np.full(len(x), -1, dtype=np.int64)
        out[idx[0]] = idx[1]
        return out

    def town_of(self, code: str) -> int:
        return int(np.flatnonzero(self.town_code == code)[0])

    def cells_near(self, x0: float, y0: float, k: int, town: str | None = None) -> np.ndarray:
        """The ``k`` cells (of one township, if given) whose centres lie closest to a point."""
        pool = np.flatnonzero(self.cell_town == town) if town is not None else np.arange(len(self.cell_code))
        if not len(pool):
            pool = np.arange(len(self.cell_code))
        c = shapely.centroid(self.cell_geom[pool])
        d = distance_m(shapely.get_x(c), shapely.get_y(c), x0, y0)
        return pool[np.argsort(d, kind="stable")[:k]]

    def sample_in_cells(self, cells: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        return sample_in(self.cell_geom[cells], rng)

    def sample_in_towns(self, towns: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        return sample_in(self.town_geom[towns], rng)

    def settle(self, x: np.ndarray, y: np.ndarray, fallback_x: np.ndarray | None = None,
               fallback_y: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Cell index per point; points outside every cell fall back to their source point, then -1."""
        x, y = np.array(x, dtype=float), np.array(y, dtype=float)
        cell = self.locate_cells(x, y)
        if fallback_x is not None and fallback_y is not None:
            miss = cell < 0
            x[miss], y[miss] = fallback_x[miss], fallback_y[miss]
            cell[miss] = self.locate_cells(x[miss], y[miss])
        return x, y, cell


def _locate(tree: STRtree, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    out = np.full(len(x), -1, dtype=np.int64)
    if not len(x):
        return out
    hits = tree.query(shapely.points(x, y), predicate="within")
    out[hits[0]] = hits[1]
    return out


def sample_in(geoms: np.ndarray, rng: np.random.Generator, rounds: int = 60) -> tuple[np.ndarray, np.ndarray]:
    """One uniform random point inside each geometry (rejection sampling in its bounding box)."""
    n = len(geoms)
    bounds = shapely.bounds(geoms)
    x = np.empty(n)
    y = np.empty(n)
    todo = np.arange(n)
    for _ in range(rounds):
        if not len(todo):
            break
        b = bounds[todo]
        tx = b[:, 0] + rng.random(len(todo)) * (b[:, 2] - b[:, 0])
        ty = b[:, 1] + rng.random(len(todo)) * (b[:, 3] - b[:, 1])
        ok = shapely.contains_xy(geoms[todo], tx, ty)
        x[todo[ok]], y[todo[ok]] = tx[ok], ty[ok]
        todo = todo[~ok]
    if len(todo):  # slivers: any interior point will do
        p = shapely.point_on_surface(geoms[todo])
        x[todo], y[todo] = shapely.get_x(p), shapely.get_y(p)
    return x, y


def sample_on_lines(geoms: np.ndarray, weights: np.ndarray, n: int,
                    rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Points along lines, picking lines with probability ∝ weight; returns x, y, line index."""
    if not len(geoms) or n <= 0:
        return np.empty(0), np.empty(0), np.empty(0, dtype=np.int64)
    p = np.asarray(weights, dtype=float)
    pick = rng.choice(len(geoms), size=n, p=p / p.sum())
    pts = shapely.line_interpolate_point(geoms[pick], rng.random(n), normalized=True)
    return shapely.get_x(pts), shapely.get_y(pts), pick


@dataclass(frozen=True)
class AddressPool:
    """Standard addresses as sampling weights for 'where people are' and for nearest-address lookups."""

    ids: np.ndarray
    x: np.ndarray
    y: np.ndarray
    text: np.ndarray
    town: np.ndarray
    tree: STRtree | None

    @classmethod
    def from_tables(cls, tables: dict[str, pd.DataFrame]) -> AddressPool:
        frame = tables.get("standard_address")
        if frame is None or frame.empty:
            empty = np.empty(0)
            return cls(empty.astype(np.int64), empty, empty, empty.astype(object), empty.astype(object), None)
        geoms = geom_array(frame)
        return cls(
            ids=frame["id"].to_numpy(dtype=np.int64),
            x=shapely.get_x(geoms),
            y=shapely.get_y(geoms),
            text=frame["full_text"].to_numpy(dtype=object),
            town=frame["town_code"].to_numpy(dtype=object),
            tree=STRtree(geoms),
        )

    def __len__(self) -> int:
        return len(self.ids)

    def sample(self, n: int, rng: np.random.Generator, mask: np.ndarray | None = None) -> np.ndarray:
        pool = np.flatnonzero(mask) if mask is not None else np.arange(len(self.ids))
        if not len(pool):
            return np.empty(0, dtype=np.int64)
        return pool[rng.integers(0, len(pool), n)]

    def nearest(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Position (not id) of the nearest address to each point; -1 without addresses."""
        out = np.full(len(x), -1, dtype=np.int64)
        if self.tree is None or not len(x):
            return out
        idx = self.tree.query_nearest(shapely.points(x, y), all_matches=False)
        out[idx[0]] = idx[1]
        return out


def local_times(now: pd.Timestamp, days_back: np.ndarray, hour_local: np.ndarray) -> pd.DatetimeIndex:
    """UTC instants ``days_back`` whole local days before today at a local clock time (fractional hours);
    any that would fall after ``now`` move back a day."""
    today_local = (now.tz_convert(CST)).normalize()
    t = (today_local - pd.to_timedelta(np.asarray(days_back, dtype=np.int64), unit="D")
         + pd.to_timedelta(np.round(np.asarray(hour_local) * 3600), unit="s"))
    t = t.where(t <= now, t - pd.Timedelta(days=1))
    return pd.DatetimeIndex(t).tz_convert(UTC)


def diurnal_hours(rng: np.random.Generator, n: int, profile: np.ndarray) -> np.ndarray:
    """Fractional local clock hours drawn from a 24-value activity profile."""
    p = np.asarray(profile, dtype=float)
    return rng.choice(24, size=n, p=p / p.sum()) + rng.random(n)


DAYTIME = np.array([0.3, 0.2, 0.15, 0.15, 0.2, 0.5, 1.2, 2.5, 4.5, 5.5, 5.5, 4.8,
                    3.5, 4.0, 5.0, 5.2, 5.0, 4.2, 3.0, 2.4, 1.8, 1.2, 0.8, 0.5])


def table_frame(columns: dict[str, Any], synthetic: bool = True, source: str = SOURCE) -> pd.DataFrame:
    """A table frame with the provenance columns every synthetic model row carries."""
    out = pd.DataFrame(columns)
    out["is_synthetic"] = synthetic
    out["source"] = source
    return out


def nullable(values: Any) -> np.ndarray:
    """Object array with None for missing values: the loader passes them on as SQL NULL."""
    arr = np.asarray(values, dtype=object)
    out = np.empty(len(arr), dtype=object)
    for i, v in enumerate(arr):
        if isinstance(v, np.generic):
            v = v.item()
        out[i] = None if v is None or (isinstance(v, float) and np.isnan(v)) else v
    return out


def nullable_int(values: Any) -> np.ndarray:
    """Like ``nullable`` but every present value a Python int (NaN-padded float columns come back exact)."""
    out = nullable(values)
    for i, v in enumerate(out):
        if v is not None:
            out[i] = int(v)
    return out

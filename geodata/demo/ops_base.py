"""What every operations sub-stage reads: the geography, where people live, roads, rivers, enterprises."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely

from geodata.demo.enterprises import village_label
from geodata.demo.placement import SEAT, AddressPool, Geography, distance_m, geom_array, jitter, sample_on_lines

ROAD_WEIGHT = {"expressway": 0.3, "national": 2.0, "provincial": 2.0, "county": 1.5, "township": 1.0,
               "village": 0.6, "urban": 4.0}
SURNAMES = np.array(list("王陈张李吴徐周刘杨黄俞吕梁章竺石潘丁董袁何朱胡赵孙叶林郑金沈蒋"))


@dataclass(frozen=True)
class Located:
    """Points with their grid cell and, where they came from an address, that address's row position."""

    x: np.ndarray
    y: np.ndarray
    cell: np.ndarray
    address: np.ndarray  # position in AddressPool, -1 when none

    def take(self, keep: np.ndarray) -> Located:
        return Located(self.x[keep], self.y[keep], self.cell[keep], self.address[keep])

    def __len__(self) -> int:
        return len(self.x)


@dataclass(frozen=True)
class OpsInputs:
    geo: Geography
    addresses: AddressPool
    now: pd.Timestamp
    road_geom: np.ndarray
    road_class: np.ndarray
    road_name: np.ndarray
    river_geom: np.ndarray
    river_rank: np.ndarray
    river_name: np.ndarray
    enterprises: pd.DataFrame | None
    buildings: pd.DataFrame | None

    @classmethod
    def from_tables(cls, tables: dict[str, pd.DataFrame], now: pd.Timestamp) -> OpsInputs:
        road = tables.get("road", pd.DataFrame(columns=["geom", "road_class", "name"]))
        river = tables.get("river", pd.DataFrame(columns=["geom", "rank", "name"]))
        return cls(
            geo=Geography.from_tables(tables),
            addresses=AddressPool.from_tables(tables),
            now=now,
            road_geom=geom_array(road), road_class=road["road_class"].to_numpy(dtype=object),
            road_name=road["name"].to_numpy(dtype=object),
            river_geom=geom_array(river), river_rank=river["rank"].to_numpy(dtype=np.int64),
            river_name=river["name"].to_numpy(dtype=object),
            enterprises=tables.get("enterprise"),
            buildings=tables.get("building"),
        )

    def near_people(self, n: int, rng: np.random.Generator, sigma_m: float,
                    mask: np.ndarray | None = None) -> Located:
        """Points where people are: addresses (so many per household), jittered; cells uniformly if none."""
        if len(self.addresses):
            pos = self.addresses.sample(n, rng, mask)
            if len(pos):
                ax, ay = self.addresses.x[pos], self.addresses.y[pos]
                jx, jy = jitter(ax, ay, sigma_m, rng)
                x, y, cell = self.geo.settle(jx, jy, ax, ay)
                return Located(x, y, cell, pos)
        cells = rng.integers(0, len(self.geo.cell_code), n)
        x, y = self.geo.sample_in_cells(cells, rng)
        return Located(x, y, cells, np.full(n, -1, dtype=np.int64))

    def _along(self, geoms: np.ndarray, w: np.ndarray, n: int, rng: np.random.Generator,
               offset_m: float) -> tuple[Located, np.ndarray]:
        """Points beside lines; lines run on beyond the county, so points outside every cell are drawn
        again (a few rounds; any left over keep cell -1 for the caller to drop)."""
        x, y = np.zeros(n), np.zeros(n)
        cell = np.full(n, -1, dtype=np.int64)
        line = np.full(n, -1, dtype=np.int64)
        todo = np.arange(n)
        for _ in range(12):
            if not len(todo):
                break
            rx, ry, pick = sample_on_lines(geoms, w, len(todo), rng)
            jx, jy = jitter(rx, ry, offset_m, rng)
            x[todo], y[todo], cell[todo] = self.geo.settle(jx, jy, rx, ry)
            line[todo] = pick
            todo = todo[cell[todo] < 0]
        return Located(x, y, cell, np.full(n, -1, dtype=np.int64)), line

    def on_roads(self, n: int, rng: np.random.Generator, weights: dict[str, float],
                 offset_m: float = 6.0) -> tuple[Located, np.ndarray]:
        """Points beside roads (picked ∝ length × class weight) and the road index of each."""
        w = shapely.length(self.road_geom) * np.array([weights.get(c, 0.0) for c in self.road_class])
        if not len(w) or w.sum() <= 0:
            return self.near_people(n, rng, 20.0), np.full(n, -1, dtype=np.int64)
        return self._along(self.road_geom, w, n, rng, offset_m)

    def near_rivers(self, n: int, rng: np.random.Generator, offset_m: float, ranks: tuple[int, ...] = (1, 2)
                    ) -> tuple[Located, np.ndarray]:
        sel = np.flatnonzero(np.isin(self.river_rank, ranks))
        if not len(sel):
            return self.rural(n, rng), np.full(n, -1, dtype=np.int64)
        w = shapely.length(self.river_geom[sel]) * np.where(self.river_rank[sel] == 1, 2.0, 1.0)
        loc, pick = self._along(self.river_geom[sel], w, n, rng, offset_m)
        return loc, np.where(pick >= 0, sel[np.maximum(pick, 0)], -1)

    def rural(self, n: int, rng: np.random.Generator, min_km: float = 4.0) -> Located:
        """Points in the hills: cells weighted by distance from the county seat."""
        c = shapely.centroid(self.geo.cell_geom)
        d = distance_m(shapely.get_x(c), shapely.get_y(c), *SEAT) / 1000
        w = np.where(d >= min_km, d, 0.05 * d + 0.01)
        cells = rng.choice(len(w), size=n, p=w / w.sum())
        x, y = self.geo.sample_in_cells(cells, rng)
        return Located(x, y, cells, np.full(n, -1, dtype=np.int64))

    def in_seat(self, n: int, rng: np.random.Generator, radius_km: float = 3.0, sigma_m: float = 15.0) -> Located:
        if len(self.addresses):
            close = distance_m(self.addresses.x, self.addresses.y, *SEAT) <= radius_km * 1000
            if close.any():
                return self.near_people(n, rng, sigma_m, close)
        cells = self.geo.cells_near(SEAT[0], SEAT[1], max(1, min(12, len(self.geo.cell_code))))
        pick = cells[rng.integers(0, len(cells), n)]
        x, y = self.geo.sample_in_cells(pick, rng)
        return Located(x, y, pick, np.full(n, -1, dtype=np.int64))

    def cell_town(self, loc: Located) -> np.ndarray:
        return self.geo.cell_town[loc.cell]

    def village_name(self, loc: Located) -> np.ndarray:
        return np.array([village_label(self.geo.names[v]) for v in self.geo.cell_village[loc.cell]], dtype=object)

    def address_ids(self, loc: Located) -> np.ndarray:
        out = np.empty(len(loc), dtype=object)
        ok = loc.address >= 0
        out[~ok] = None
        out[ok] = [int(i) for i in self.addresses.ids[loc.address[ok]]]
        return out


def masked_reporters(rng: np.random.Generator, n: int) -> np.ndarray:
    """'王*' / '王**': the surname and one star per hidden character."""
    stars = np.where(rng.random(n) < 0.7, "**", "*")
    return np.char.add(SURNAMES[rng.integers(0, len(SURNAMES), n)].astype(str), stars).astype(object)

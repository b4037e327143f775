"""A small stand-in geography for testing the park and operations stages on their own.

Three rectangular townships around the county seat, two villages each, 3×3 grid cells per village,
a few roads and rivers, and some addresses and buildings with the columns the stages read.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from geodata.demo.context import DemoContext
from geodata.protect import DataProtector

WEST, EAST, SOUTH, NORTH = 120.84, 121.02, 29.44, 29.57
TOWNS = (  # code, name, kind, bbox
    ("330624001", "羽林街道", "街道", (WEST, 29.47, 120.92, NORTH)),
    ("330624003", "七星街道", "街道", (120.92, 29.47, EAST, NORTH)),
    ("330624108", "沙溪镇", "镇", (WEST, SOUTH, EAST, 29.47)),
)
VILLAGE_NAMES = ("临江社区居委会", "后岸村委会")


def _mp(box: tuple[float, float, float, float]) -> shapely.MultiPolygon:
    return shapely.MultiPolygon([shapely.box(*box)])


def fixture_tables(seed: int = 3) -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    admin: list[tuple[str, str, str, str, str | None, shapely.MultiPolygon]] = [
        ("330624", "county", "新昌县", "县", None, _mp((WEST, SOUTH, EAST, NORTH)))]
    cells = []
    for code, name, kind, (x0, y0, x1, y1) in TOWNS:
        admin.append((code, "township", name, kind, "330624", _mp((x0, y0, x1, y1))))
        xm = (x0 + x1) / 2
        for k, (vx0, vx1) in enumerate(((x0, xm), (xm, x1))):
            vcode = f"{code}{k + 1:03d}"
            admin.append((vcode, "village", VILLAGE_NAMES[k], "社区" if k == 0 else "村", code,
                          _mp((vx0, y0, vx1, y1))))
            xs, ys = np.linspace(vx0, vx1, 4), np.linspace(y1, y0, 4)
            for r in range(3):
                for c in range(3):
                    cells.append((f"{vcode}{r * 3 + c + 1:03d}", vcode,
                                  _mp((xs[c], ys[r + 1], xs[c + 1], ys[r]))))
    admin_df = pd.DataFrame(admin, columns=["code", "level", "name", "kind", "parent_code", "geom"])
    admin_df["label_point"] = shapely.point_on_surface(admin_df["geom"].to_numpy())
    grid = pd.DataFrame(cells, columns=["code", "village_code", "geom"])
    roads = pd.DataFrame({
        "id": [1, 2, 3, 4],
        "name": ["104国道", "上三线", "鼓山中路", "沙溪线"],
        "road_class": ["national", "provincial", "urban", "county"],
        "lanes": [4, 2, 4, 2],
        "geom": [shapely.MultiLineString([[(WEST, 29.50), (120.95, 29.51), (EAST, 29.53)]]),
                 shapely.MultiLineString([[(120.90, SOUTH), (120.905, 29.50), (120.89, NORTH)]]),
                 shapely.MultiLineString([[(120.89, 29.50), (120.91, 29.51), (120.90, 29.515)]]),
                 shapely.MultiLineString([[(120.90, 29.48), (121.0, 29.45)]])],
    })
    rivers = pd.DataFrame({
        "id": [1, 2],
        "name": ["新昌江", "黄泽江"],
        "rank": [1, 2],
        "geom": [shapely.MultiLineString([[(WEST, 29.48), (120.90, 29.497), (120.96, 29.50), (EAST, 29.52)]]),
                 shapely.MultiLineString([[(121.0, 29.56), (120.97, 29.51)]])],
    })
    # Addresses cluster around the seat, as people do.
    n = 400
    x = np.where(rng.random(n) < 0.7, rng.normal(120.90, 0.01, n), rng.uniform(WEST, EAST, n))
    y = np.where(rng.random(n) < 0.7, rng.normal(29.505, 0.006, n), rng.uniform(SOUTH, NORTH, n))
    x, y = np.clip(x, WEST + 1e-4, EAST - 1e-4), np.clip(y, SOUTH + 1e-4, NORTH - 1e-4)
    pts = np.asarray(shapely.points(x, y), dtype=object)
    tree = shapely.STRtree(grid["geom"].to_numpy())
    hit = tree.query(pts, predicate="within")
    cell = np.full(n, -1)
    cell[hit[0]] = hit[1]
    keep = cell >= 0
    pts, cell = pts[keep], cell[keep]
    grid_code = grid["code"].to_numpy()[cell]
    village = grid["village_code"].to_numpy()[cell]
    town = np.array([v[:9] for v in village])
    ids = np.arange(1, len(pts) + 1)
    addresses = pd.DataFrame({
        "id": ids, "code": [f"A{i}" for i in ids], "level": "house_number",
        "full_text": [f"浙江省绍兴市新昌县测试路{i}号" for i in ids],
        "town_code": town, "village_code": village, "grid_code": grid_code, "geom": pts,
    })
    b = ids[: len(ids) // 3]
    buildings = pd.DataFrame({
        "id": b, "code": [f"B{i}" for i in b], "address_id": b, "grid_code": grid_code[: len(b)],
        "use": rng.choice(["residential", "commercial", "public"], len(b)),
        "name": None, "floors": rng.integers(1, 12, len(b)), "height_m": 9.0,
        "year_built": rng.integers(1980, 2024, len(b)), "parcel_id": None,
        "geom": shapely.buffer(pts[: len(b)], 0.0001, cap_style="square"),
    })
    return {"admin_area": admin_df, "grid_cell": grid, "road": roads, "river": rivers,
            "standard_address": addresses, "building": buildings}


def fixture_context(scale: float = 0.1, seed: int = 11) -> DemoContext:
    ctx = DemoContext(seed=seed, scale=scale, data_dir=Path("/nonexistent"), protector=DataProtector(bytes(32)))
    for name, table in fixture_tables().items():
        ctx.tables[name] = table
        if "id" in table:
            ctx.ids(name, int(table["id"].max()))  # later stages continue after these ids
    return ctx


def model_columns(table: str) -> set[str]:
    """The columns a generator frame must have: the model's, less the server-set timestamps."""
    from geodata.models import Base

    return {c.name for c in Base.metadata.tables[table].columns} - {"created_at", "updated_at"}


def integer_columns(table: str) -> list[str]:
    from sqlalchemy import Integer

    from geodata.models import Base

    return [c.name for c in Base.metadata.tables[table].columns if isinstance(c.type, Integer)]


def loadable_int(value: object) -> bool:
    """COPY into an integer column needs an int (or NULL), not 2014.0."""
    return value is None or isinstance(value, int | np.integer)


def too_long(table: str, frame: pd.DataFrame) -> list[tuple[str, str]]:
    """Values longer than their String(n) column allows."""
    from sqlalchemy import String

    from geodata.models import Base

    out = []
    for c in Base.metadata.tables[table].columns:
        if isinstance(c.type, String) and c.type.length and c.name in frame:
            out += [(c.name, v) for v in frame[c.name].tolist() if isinstance(v, str) and len(v) > c.type.length]
    return out

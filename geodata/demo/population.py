"""Demo stage: buildings, standard addresses, houses (房) and residents (人) for every village.

At scale 1 the county gets about 150,000 households and 430,000 residents. The four 街道 round the
county seat are the densest; communities (社区) live mostly in apartment estates, villages in
detached houses clustered along their roads. Nobody builds on the industrial park's land
(``park_layout.park_zone``), whether or not the park stage has run. Everything is drawn from
``ctx.rng`` streams, so the plaintext is the same for a given seed and scale (only the encryption
nonces differ).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from geodata.demo import addressing, residents
from geodata.demo.context import DemoContext
from geodata.demo.names import community_name, stem
from geodata.demo.park_layout import park_zone
from geodata.demo.settlement import (
    M_PER_DEG_LAT,
    M_PER_DEG_LON_EQ,
    Blocks,
    Relief,
    Site,
    VillageNeeds,
    lay_out,
)

SOURCE = "demo generator (synthetic)"
HOUSEHOLDS = 150_000

# Rough shares of the county's households (plausible, not official figures).
TOWNSHIP_WEIGHT = {
    "南明街道": 21.0, "七星街道": 17.0, "羽林街道": 14.0, "澄潭街道": 10.0, "镜岭镇": 6.5, "儒岙镇": 6.5,
    "回山镇": 5.5, "沃洲镇": 5.0, "小将镇": 4.0, "沙溪镇": 3.5, "城南乡": 3.2, "东茗乡": 2.3,
}
KIND_WEIGHT = {"街道": 10.0, "镇": 5.0, "乡": 2.5}
SHOPS = np.array(["便民超市", "小吃店", "茶叶店", "五金店", "农资店", "理发店", "农家乐"])


def generate_population(ctx: DemoContext) -> None:
    villages = plan_villages(ctx, ctx.rng("population"))
    built = build_all(ctx, villages, ctx.rng("population.layout"))
    _uses(built, villages, ctx.rng("population.uses"))
    book = addressing.make_addresses(ctx, villages, built, ctx.rng("population.addresses"))
    homes = _houses(ctx, villages, built, book, ctx.rng("population.houses"))
    people, sizes = residents.make_residents(ctx, villages, homes, ctx.rng("population.residents"))
    occupied = homes["household"].to_numpy() >= 0
    homes.loc[occupied, "occupants"] = sizes[homes.loc[occupied, "household"].to_numpy()]
    ctx.add("standard_address", book.frame)
    ctx.add("building", _building_frame(villages, built, book))
    ctx.add("house", homes.drop(columns=["village", "household", "lon", "lat"]))
    ctx.add("resident", people)
    _count_grids(ctx, homes, people)


def _apportion(total: int, weights: np.ndarray) -> np.ndarray:
    """Integers proportional to ``weights`` summing exactly to ``total`` (largest remainder)."""
    raw = total * weights / weights.sum()
    out = np.floor(raw).astype(np.int64)
    out[np.argsort(-(raw - out), kind="stable")[: total - out.sum()]] += 1
    return out


def plan_villages(ctx: DemoContext, rng: np.random.Generator) -> pd.DataFrame:
    """One row per village or community (code order): households and the dwellings they need."""
    admin = ctx.tables["admin_area"]
    towns = admin[admin["level"] == "township"].sort_values("code")
    vil = admin[admin["level"] == "village"].sort_values("code").reset_index(drop=True)
    tw = np.array([TOWNSHIP_WEIGHT.get(n, KIND_WEIGHT.get(k, 4.0))
                   for n, k in zip(towns["name"], towns["kind"], strict=True)])
    has = towns["code"].isin(vil["parent_code"]).to_numpy()  # only townships with villages hold people
    per_town = dict(zip(towns["code"][has], _apportion(ctx.count(HOUSEHOLDS), tw[has]), strict=True))
    out = pd.DataFrame({"code": vil["code"], "town_code": vil["parent_code"], "name": vil["name"]})
    out["town"] = out["town_code"].map(dict(zip(towns["code"], towns["name"], strict=True)))
    out["community"] = out["name"].map(community_name)
    out["urban"] = (vil["kind"] == "社区").to_numpy() | out["name"].str.contains("社区|居委会").to_numpy()
    out["subdistrict"] = out["town"].str.endswith("街道").to_numpy(dtype=bool)
    n = len(out)
    urban, sub = out["urban"].to_numpy(), out["subdistrict"].to_numpy()
    weight = np.where(urban, np.where(sub, 5.0, 3.0), np.where(sub, 1.3, 1.0)) * rng.lognormal(0.0, 0.4, n)
    households = np.zeros(n, dtype=np.int64)
    for code, total in per_town.items():
        sel = np.flatnonzero(out["town_code"].to_numpy() == code)
        households[sel] = _apportion(int(total), weight[sel])
    # communities of the 街道 are apartment estates; a few 街道 villages have resettlement estates
    share = np.where(urban, np.where(sub, rng.uniform(0.8, 0.92, n), rng.uniform(0.45, 0.65, n)),
                     np.where(sub & (rng.random(n) < 0.5), rng.uniform(0.05, 0.15, n), 0.0))
    apt = np.round(households * share).astype(np.int64)
    # mountain villages empty out (空心村): many detached houses stand vacant
    vac_det = np.where(urban, rng.uniform(0.06, 0.12, n),
                       np.where(sub, rng.uniform(0.12, 0.20, n), rng.uniform(0.20, 0.34, n)))
    homes = np.ceil((households - apt) / (1 - vac_det)).astype(np.int64)
    shops = np.round(homes * np.where(urban, 0.10, rng.uniform(0.03, 0.06, n))).astype(np.int64)
    # family workshops (bearings, auto parts) in the villages of the plain, where the industry began
    workshops = np.round(homes * np.where(urban, 0.0, np.where(sub, 0.05, 0.02))).astype(np.int64)
    nonres = np.where(households > 0, 2 + shops + workshops, 0)
    out["households"], out["apt_households"], out["det_households"] = households, apt, households - apt
    out["apt_dwellings"] = np.ceil(apt / (1 - rng.uniform(0.10, 0.18, n))).astype(np.int64)
    out["homes"], out["shops"], out["workshops"] = homes, shops, workshops
    out["nonres"], out["detached"] = nonres, homes + nonres
    out["hamlets"] = np.where(urban, 0, np.minimum(4, (homes + nonres) // 150 + rng.integers(0, 2, n)))
    return out


@dataclass
class Built:
    """All buildings, village by village, apartments before detached; arrays aligned row by row.

    ``frame``: village (row in the plan), kind ('apt'/'det'), grid_code, group (estate or street
    within the village), number, floors, units, year, rank, area; ``_uses`` adds use, name, height
    and home (whether it holds a dwelling).
    """

    frame: pd.DataFrame
    rings: np.ndarray
    centre: np.ndarray
    ids: np.ndarray


def build_all(ctx: DemoContext, villages: pd.DataFrame, rng: np.random.Generator) -> Built:
    grid = ctx.tables["grid_cell"].sort_values("code")
    cells = {code: (g["code"].tolist(), g["geom"].tolist()) for code, g in grid.groupby("village_code")}
    admin = ctx.tables["admin_area"]
    outline_of: dict[str, Any] = dict(zip(admin["code"], admin["geom"], strict=True))
    label_of: dict[str, Any] = dict(zip(admin["code"], admin["label_point"], strict=True))
    roads, keep_out = _tree(ctx, ["road"]), _tree(ctx, ["river"], extra=[park_zone()])
    relief = _relief(ctx)
    frames, rings, centres = [], [], []
    for i, row in enumerate(villages.to_dict("records")):
        if row["households"] == 0 or row["code"] not in cells:
            continue
        codes, geoms = cells[row["code"]]
        outline, label = outline_of[row["code"]], label_of[row["code"]]
        site = Site(outline, geoms, (label.x, label.y), _near(roads, outline), _near(keep_out, outline), relief)
        needs = VillageNeeds(int(row["apt_dwellings"]), int(row["detached"]), int(row["hamlets"]), bool(row["urban"]))
        apt, det = lay_out(rng, site, needs)
        for kind, blocks in (("apt", apt), ("det", det)):
            frames.append(_frame(blocks, i, kind, codes))
            rings.append(blocks.rings)
            centres.append(blocks.centre)
    frame = pd.concat(frames, ignore_index=True)
    return Built(frame, np.concatenate(rings), np.concatenate(centres), ctx.ids("building", len(frame)))


def _frame(blocks: Blocks, village: int, kind: str, codes: list[str]) -> pd.DataFrame:
    return pd.DataFrame({
        "village": village, "kind": kind, "grid_code": np.asarray(codes, dtype=object)[blocks.cell],
        "group": blocks.group, "number": blocks.number, "floors": blocks.floors, "units": blocks.units,
        "year": blocks.year, "rank": blocks.rank, "area": blocks.area,
    })


def _relief(ctx: DemoContext) -> Relief | None:
    """The terrain stage's DEM (when there is one), so that houses keep to the valley floors."""
    dem = ctx.tables.get("dem")
    if dem is None or dem.empty or int(dem["epsg"].iloc[0]) != 4490:
        return None
    path = ctx.data_dir / str(dem["path"].iloc[0])
    if not path.exists():
        return None
    import rasterio  # only here: the rest of the stage needs no raster library

    with rasterio.open(path) as src:
        elevation = src.read(1).astype(np.float64)
        t = src.transform
    lat = t.f + t.e * elevation.shape[0] / 2
    gy, gx = np.gradient(elevation, abs(t.e) * M_PER_DEG_LAT, t.a * M_PER_DEG_LON_EQ * np.cos(np.radians(lat)))
    return Relief(elevation, np.degrees(np.arctan(np.hypot(gx, gy))), t.c, t.f, t.a, -t.e)


def _tree(ctx: DemoContext, tables: list[str],
          extra: list[BaseGeometry] | None = None) -> tuple[shapely.STRtree, np.ndarray] | None:
    geoms = [g for t in tables if t in ctx.tables for g in ctx.tables[t]["geom"]] + (extra or [])
    if not geoms:
        return None
    arr = np.asarray(geoms, dtype=object)
    return shapely.STRtree(arr), arr


def _near(tree: tuple[shapely.STRtree, np.ndarray] | None, outline: BaseGeometry) -> BaseGeometry | None:
    if tree is None:
        return None
    hits = tree[0].query(shapely.buffer(shapely.envelope(outline), 0.004))
    return shapely.GeometryCollection(list(tree[1][np.sort(hits)])) if len(hits) else None


def _uses(built: Built, villages: pd.DataFrame, rng: np.random.Generator) -> None:
    """Each village's hall and 文化礼堂 (or 党群服务中心) nearest its centre, shops near it, workshops
    towards the edge, homes everywhere else."""
    f = built.frame
    n = len(f)
    use = np.where(rng.random(n) < 0.1, "mixed", "residential").astype(object)
    name = np.full(n, None, dtype=object)
    det = f["kind"].to_numpy() == "det"
    village, rank = f["village"].to_numpy(), f["rank"].to_numpy()
    floors, year = f["floors"].to_numpy().copy(), f["year"].to_numpy().copy()
    order = np.lexsort((rank, village))
    order = order[det[order]]
    starts = np.searchsorted(village[order], np.unique(village[order]))
    plan = villages.to_dict("records")
    for rows in np.split(order, starts[1:]):
        v = plan[int(village[rows[0]])]
        place, is_urban, shops, workshops = str(v["community"]), bool(v["urban"]), int(v["shops"]), int(v["workshops"])
        second = 1 + int(rng.integers(0, min(5, len(rows) - 1)))
        hall, centre = rows[0], rows[second]
        use[[hall, centre]] = "public"
        name[hall] = place + ("居民委员会" if is_urban else "村民委员会")
        name[centre] = place + ("党群服务中心" if is_urban else "文化礼堂")
        floors[[hall, centre]] = rng.integers(2, 4, 2)
        year[[hall, centre]] = rng.integers(1998, 2023, 2)
        rest = np.delete(rows, [0, second])
        picked = np.zeros(0, dtype=np.int64)
        if shops + workshops:
            picked = rng.choice(len(rest), size=shops + workshops, replace=False,
                                p=_edge_weights(len(rest), shops, workshops, rng))
        shop_rows, work_rows = rest[picked[:shops]], rest[picked[shops:]]
        use[shop_rows] = "commercial"
        name[shop_rows] = [stem(place) + s for s in SHOPS[rng.integers(0, len(SHOPS), len(shop_rows))]]
        floors[shop_rows] = rng.integers(1, 4, len(shop_rows))
        use[work_rows] = "industrial"
        floors[work_rows] = rng.integers(1, 3, len(work_rows))
        homes = np.setdiff1d(rest, np.concatenate([shop_rows, work_rows]))
        use[homes] = np.where(rng.random(len(homes)) < (0.3 if is_urban else 0.05), "mixed", "residential")
    f["use"], f["floors"], f["year"], f["name"] = use, floors, year, name
    f["height"] = np.round(floors * 3.0 + rng.uniform(0.3, 1.5, n), 1)  # storeys plus roof
    f["home"] = (use == "residential") | (use == "mixed")


def _edge_weights(n: int, shops: int, workshops: int, rng: np.random.Generator) -> np.ndarray:
    """Shops crowd the centre (low rank), workshops the edge; a smooth mix so neither is exclusive."""
    position = (np.arange(n) + 0.5) / n
    w = (shops * np.exp(-4 * position) + workshops * np.exp(-4 * (1 - position))) / max(shops + workshops, 1)
    w = w * rng.uniform(0.5, 1.5, n)
    return w / w.sum()


def _building_frame(villages: pd.DataFrame, built: Built, book: addressing.Book) -> pd.DataFrame:
    f = built.frame
    apt = (f["kind"] == "apt").to_numpy()
    name = f["name"].to_numpy().copy()
    name[apt] = [f"{e}{b}幢" for e, b in zip(book.building_estate[apt], f["number"].to_numpy()[apt], strict=True)]
    village = f["village"].to_numpy()
    seq = pd.Series(village).groupby(village).cumcount().to_numpy() + 1
    codes = villages["code"].to_numpy()[village]
    return pd.DataFrame({
        "id": built.ids, "code": [f"JZ{v}{k:05d}" for v, k in zip(codes, seq, strict=True)],
        "name": name, "address_id": book.building_address, "grid_code": f["grid_code"].to_numpy(),
        "use": f["use"].to_numpy(), "floors": f["floors"].to_numpy(), "height_m": f["height"].to_numpy(),
        "year_built": f["year"].to_numpy(), "parcel_id": None, "geom": shapely.polygons(built.rings),
        "is_synthetic": True, "source": SOURCE,
    })


def _houses(ctx: DemoContext, villages: pd.DataFrame, built: Built, book: addressing.Book,
            rng: np.random.Generator) -> pd.DataFrame:
    """One house per flat and per detached home; the village's households fill them, the rest stand vacant."""
    d = book.dwellings
    f = built.frame
    brow = d["building"].to_numpy()
    village = f["village"].to_numpy()[brow]
    apt = (f["kind"] == "apt").to_numpy()[brow]
    n = len(d)
    area, floors, units = (f[c].to_numpy()[brow] for c in ("area", "floors", "units"))
    floor_area = np.where(apt, area / (2 * units) * rng.uniform(0.85, 0.92, n),
                          area * floors * rng.uniform(0.8, 0.9, n))
    want = np.stack([villages["det_households"].to_numpy(), villages["apt_households"].to_numpy()], axis=1).ravel()
    key = village * 2 + apt
    order = np.lexsort((rng.random(n), key))
    position = np.arange(n) - np.searchsorted(key[order], key[order])
    occupied = np.zeros(n, dtype=bool)
    occupied[order] = position < want[key[order]]
    urban = villages["urban"].to_numpy()[village]
    p_rent = np.where(apt, 0.25, np.where(urban, 0.12, 0.06))
    tenure = np.where(~occupied, "vacant", np.where(rng.random(n) < p_rent, "rented", "owner_occupied"))
    household = np.full(n, -1, dtype=np.int64)
    household[occupied] = np.arange(occupied.sum())
    codes = villages["code"].to_numpy()[village]
    seq = pd.Series(village).groupby(village).cumcount().to_numpy() + 1
    return pd.DataFrame({
        "id": ctx.ids("house", n), "code": [f"FW{v}{k:05d}" for v, k in zip(codes, seq, strict=True)],
        "building_id": built.ids[brow], "address_id": d["address_id"].to_numpy(),
        "grid_code": f["grid_code"].to_numpy()[brow], "tenure": tenure, "floor_area_m2": np.round(floor_area, 1),
        "occupants": 0, "is_synthetic": True, "source": SOURCE,
        "village": village, "household": household, "lon": d["lon"].to_numpy(), "lat": d["lat"].to_numpy(),
    })


def _count_grids(ctx: DemoContext, homes: pd.DataFrame, people: pd.DataFrame) -> None:
    grid = ctx.tables["grid_cell"].copy()
    households = homes.loc[homes["household"] >= 0, "grid_code"].value_counts()
    persons = people["grid_code"].value_counts()
    grid["household_count"] = grid["code"].map(households).fillna(0).astype(np.int64)
    grid["resident_count"] = grid["code"].map(persons).fillna(0).astype(np.int64)
    ctx.tables["grid_cell"] = grid

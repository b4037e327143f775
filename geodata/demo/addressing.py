"""Standard addresses (GA/T 2000.32) for the demo buildings, with their parent chain.

Levels and parents: 街路巷 or 村民小组 (level ``road``) ← 门牌号 of a detached building or of an
estate's gate (``house_number``) ← 楼栋 of an apartment block (``building``) ← 单元 (``unit``) ←
户室 (``room``). A 组 stands where a 街路巷 would: villages that number houses by group have
``group_name`` instead of ``road``, and ``full_text`` spells the group in that place.

Codes are ``<12-digit village code><6-digit sequence><level letter>``: J 街路巷, M 门牌, L 楼栋,
D 单元, S 户室; the sequence counts per village and level.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import shapely

from geodata.demo.names import estate_names, road_names, stem

if TYPE_CHECKING:
    from geodata.demo.context import DemoContext
    from geodata.demo.population import Built

PREFIX = "浙江省绍兴市新昌县"
LEVEL_LETTER = {"road": "J", "house_number": "M", "building": "L", "unit": "D", "room": "S"}
ESTATE_ROAD_KEY = 10_000  # street keys are small group numbers; estate-only roads sit above them


@dataclass
class Book:
    frame: pd.DataFrame  # standard_address rows
    building_address: np.ndarray  # per building row: its 门牌 (detached) or 楼栋 (apartment) address id
    building_estate: np.ndarray  # per building row: estate name or None
    dwellings: pd.DataFrame  # building (row), address_id, lon, lat: one row per house


def make_addresses(ctx: DemoContext, villages: pd.DataFrame, built: Built, rng: np.random.Generator) -> Book:
    f = built.frame
    x, y = built.centre[:, 0], built.centre[:, 1]
    det = np.flatnonzero((f["kind"] == "det").to_numpy())
    apt = np.flatnonzero((f["kind"] == "apt").to_numpy())
    streets, det_key, det_no = _streets(rng, villages, f, det, x, y)
    estates, extra_roads = _estates(rng, villages, f, apt, x, y, streets)
    roads = pd.concat([streets, extra_roads], ignore_index=True)
    village, grid, number, year = (f[c].to_numpy() for c in ("village", "grid_code", "number", "year"))
    floors, units = f["floors"].to_numpy()[apt], f["units"].to_numpy()[apt]

    # record order: roads, detached 门牌, estate gates, 楼栋, 单元, 户室; parents come first
    unit_block = np.repeat(np.arange(len(apt)), units)
    room_block = np.repeat(np.arange(len(apt)), units * floors * 2)
    sizes = [len(roads), len(det), len(estates), len(apt), len(unit_block), len(room_block)]
    ids = ctx.ids("standard_address", sum(sizes))
    road_ids, det_ids, gate_ids, bld_ids, unit_ids, room_ids = np.split(ids, np.cumsum(sizes)[:-1])

    road_row = _lookup(roads, village[det], det_key)
    est_row = _lookup(estates, village[apt], f["group"].to_numpy()[apt])
    gate_road = _lookup(roads, estates["village"].to_numpy(), estates["road_key"].to_numpy())
    road_name, group_name = roads["road"].to_numpy(), roads["group_name"].to_numpy()
    pieces = [
        _piece(villages, "road", roads["village"], roads["grid_code"], roads["x"], roads["y"],
               parent=None, valid_year=np.full(len(roads), 2019), road=road_name, group=group_name),
        _piece(villages, "house_number", village[det], grid[det], x[det], y[det],
               parent=road_ids[road_row], valid_year=np.maximum(year[det], 2019), road=road_name[road_row],
               group=group_name[road_row], house_number=[f"{k}号" for k in det_no]),
        _piece(villages, "house_number", estates["village"], estates["grid_code"], estates["x"], estates["y"],
               parent=road_ids[gate_road], valid_year=np.maximum(estates["year"], 2019),
               road=road_name[gate_road], group=group_name[gate_road], house_number=estates["house_number"],
               gate_estate=estates["name"]),
    ]
    # each 楼栋, 单元 and 户室 repeats its estate's gate address; ``at`` picks the block of each record
    e_road = road_name[gate_road][est_row]
    e_no, e_name = estates["house_number"].to_numpy()[est_row], estates["name"].to_numpy()[est_row]
    bld = np.array([f"{k}幢" for k in number[apt]], dtype=object)
    unit_no = np.arange(len(unit_block)) - np.searchsorted(unit_block, unit_block) + 1
    k = np.arange(len(room_block)) - np.searchsorted(room_block, room_block)
    per_unit = 2 * floors[room_block]
    r_unit, r_floor, r_flat = k // per_unit + 1, (k % per_unit) // 2 + 1, k % 2 + 1
    unit_start = np.cumsum(units) - units
    for level, at, parent, extra in (
        ("building", np.arange(len(apt)), gate_ids[est_row], {}),
        ("unit", unit_block, bld_ids[unit_block], {"unit": [f"{u}单元" for u in unit_no]}),
        ("room", room_block, unit_ids[unit_start[room_block] + r_unit - 1], {
            "unit": [f"{u}单元" for u in r_unit],
            "room": [f"{a}{b:02d}室" for a, b in zip(r_floor, r_flat, strict=True)],
            "room_short": [f"{u}-{a}{b:02d}" for u, a, b in zip(r_unit, r_floor, r_flat, strict=True)]}),
    ):
        rows = apt[at]
        pieces.append(_piece(villages, level, village[rows], grid[rows], x[rows], y[rows], parent=parent,
                             valid_year=np.maximum(year[rows], 2019), road=e_road[at], house_number=e_no[at],
                             estate=e_name[at], building=bld[at], bld_no=number[rows], **extra))
    frame = pd.concat(pieces, ignore_index=True)
    frame.insert(0, "id", ids)
    frame["valid_from"] = _dates(rng, frame.pop("valid_year").to_numpy())
    _codes(frame)

    building_address = np.empty(len(f), dtype=np.int64)
    building_address[det], building_address[apt] = det_ids, bld_ids
    estate = np.full(len(f), None, dtype=object)
    estate[apt] = e_name
    home = f["home"].to_numpy()[det]
    rows = np.concatenate([apt[room_block], det[home]])
    dwellings = pd.DataFrame({"building": rows, "address_id": np.concatenate([room_ids, det_ids[home]]),
                              "lon": x[rows], "lat": y[rows]})
    return Book(frame, building_address, estate, dwellings)


def _lookup(table: pd.DataFrame, village: np.ndarray, key: np.ndarray) -> np.ndarray:
    """Row of ``table`` for each (village, key) pair."""
    index = pd.MultiIndex.from_arrays([table["village"].to_numpy(), table["key"].to_numpy()])
    return index.get_indexer(pd.MultiIndex.from_arrays([village, key]))


def _representative(x: np.ndarray, y: np.ndarray) -> int:
    """The member nearest the group's mean: a real spot inside the village, unlike the mean itself."""
    return int(np.argmin(np.hypot(x - x.mean(), y - y.mean())))


def _streets(rng: np.random.Generator, villages: pd.DataFrame, f: pd.DataFrame, det: np.ndarray,
             x: np.ndarray, y: np.ndarray) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Road-level rows (one per named lane or 村民小组), and each detached building's row key and number.

    A village keeps a believable count of them (6–14 groups, at most 12–24 named lanes): neighbouring
    lanes of the layout merge, and a merged one numbers its houses afresh along the old lanes."""
    rows = []
    village, lane, number = (f[c].to_numpy()[det] for c in ("village", "group", "number"))
    key, house_no = lane.copy(), number.copy()
    grid = f["grid_code"].to_numpy()
    for v in np.unique(village):
        in_v = np.flatnonzero(village == v)
        lanes = int(lane[in_v].max()) + 1
        urban = bool(villages.at[v, "urban"])
        by_road = urban or rng.random() < 0.55  # the others number their houses by 村民小组
        n = min(lanes, int(rng.integers(12, 25) if by_road else rng.integers(6, 15)))
        if n < lanes:  # lanes are ordered hamlet by hamlet, band by band: merge runs of neighbours
            key[in_v] = lane[in_v] * n // lanes
            order = in_v[np.lexsort((number[in_v], lane[in_v], key[in_v]))]
            sorted_key = key[order]
            house_no[order] = np.arange(len(order)) - np.searchsorted(sorted_key, sorted_key) + 1
        names = road_names(rng, str(villages.at[v, "community"]), n, urban=urban)
        for g in range(n):
            members = in_v[key[in_v] == g]
            r = det[members[_representative(x[det[members]], y[det[members]])]]
            rows.append((v, g, names[g] if by_road else None, None if by_road else f"{g + 1}组",
                         grid[r], x[r], y[r], int(house_no[members].max())))
    columns = ["village", "key", "road", "group_name", "grid_code", "x", "y", "max_no"]
    return pd.DataFrame(rows, columns=columns), key, house_no


def _estates(rng: np.random.Generator, villages: pd.DataFrame, f: pd.DataFrame, apt: np.ndarray,
             x: np.ndarray, y: np.ndarray, streets: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One row per estate (with its gate's road and 门牌), and the roads made just for estate gates."""
    village, group = f["village"].to_numpy()[apt], f["group"].to_numpy()[apt]
    grid, year = f["grid_code"].to_numpy(), f["year"].to_numpy()
    keys = pd.DataFrame({"v": village, "g": group}).drop_duplicates().to_numpy()
    names = iter(estate_names(rng, len(keys)))
    next_no = dict(zip(zip(streets["village"], streets["key"], strict=True), streets["max_no"] + 1, strict=True))
    rows, extra = [], []
    for v in np.unique(keys[:, 0]):
        groups = keys[keys[:, 0] == v, 1]
        named = streets[(streets["village"] == v) & streets["road"].notna()]
        # without named streets the estates get roads of their own, named after the place
        own_roads = [] if len(named) else road_names(rng, str(villages.at[v, "community"]), len(groups), urban=True)
        for i, g in enumerate(groups):
            name = next(names)
            members = apt[(village == v) & (group == g)]
            r = members[_representative(x[members], y[members])]
            if len(named):
                s = int(np.argmin(np.hypot(named["x"].to_numpy() - x[r], named["y"].to_numpy() - y[r])))
                road_key = int(named["key"].iat[s])
                number = next_no[(v, road_key)]
                next_no[(v, road_key)] = number + 1
            else:
                road_key = ESTATE_ROAD_KEY + int(g)
                extra.append((v, road_key, own_roads[i], None, grid[r], x[r], y[r], 0))
                number = 2 * int(rng.integers(0, 100)) + 1
            rows.append((v, int(g), name, road_key, f"{number}号", grid[r], x[r], y[r], int(year[members].min())))
    columns = ["village", "key", "name", "road_key", "house_number", "grid_code", "x", "y", "year"]
    extra_frame = pd.DataFrame(extra, columns=["village", "key", "road", "group_name", "grid_code", "x", "y", "max_no"])
    return pd.DataFrame(rows, columns=columns), extra_frame


def _as_array(values: object, n: int) -> np.ndarray:
    if values is None:
        return np.full(n, None, dtype=object)
    arr = np.asarray(values, dtype=object)
    return arr if arr.shape == (n,) else np.full(n, values, dtype=object)


def _piece(villages: pd.DataFrame, level: str, village: object, grid: object, x: object, y: object, *,
           parent: np.ndarray | None, valid_year: object, road: object = None, group: object = None,
           house_number: object = None, estate: object = None, building: object = None, unit: object = None,
           room: object = None, gate_estate: object = None, bld_no: object = None,
           room_short: object = None) -> pd.DataFrame:
    v = np.asarray(village, dtype=np.int64)
    n = len(v)
    comp = {
        "town": villages["town"].to_numpy()[v], "community": villages["community"].to_numpy()[v],
        "road": _as_array(road, n), "group_name": _as_array(group, n),
        "house_number": _as_array(house_number, n), "estate": _as_array(estate, n),
        "building": _as_array(building, n), "unit": _as_array(unit, n), "room": _as_array(room, n),
    }
    way = np.where(pd.isna(comp["road"]), comp["group_name"], comp["road"])
    texts = {k: np.where(pd.isna(a), "", a).astype(object) for k, a in comp.items()}
    texts["road_or_group"] = np.where(pd.isna(way), "", way).astype(object)
    local = texts["community"] + texts["road_or_group"] + texts["house_number"] + texts["estate"]
    local = local + texts["building"] + texts["unit"] + texts["room"]
    full = PREFIX + texts["town"] + local
    short = "新昌县" + texts["town"] + local
    aliases = _aliases(level, short, local, texts, comp, gate_estate, bld_no, room_short)
    return pd.DataFrame({
        "code": None, "level": level, "full_text": full, "province": "浙江省", "city": "绍兴市",
        "county": "新昌县", **comp, "aliases": aliases,
        "parent_id": _as_array(parent, n) if parent is not None else np.full(n, None, dtype=object),
        "town_code": villages["town_code"].to_numpy()[v], "village_code": villages["code"].to_numpy()[v],
        "grid_code": np.asarray(grid, dtype=object), "status": "active", "valid_year": np.asarray(valid_year),
        "valid_to": None, "geom": shapely.points(np.asarray(x, dtype=float), np.asarray(y, dtype=float)),
        "is_synthetic": True, "source": "demo generator (synthetic)",
    })


def _aliases(level: str, short: np.ndarray, local: np.ndarray, t: dict[str, np.ndarray], comp: dict[str, np.ndarray],
             gate_estate: object, bld_no: object, room_short: object) -> list[list[str]]:
    """The form without province and city, the form from the community down, and how people say it."""
    if level == "room":
        talk = [f"{e}{b}-{r}" for e, b, r in zip(t["estate"], np.asarray(bld_no), np.asarray(room_short),
                                                 strict=True)]  # 鼓山花苑3-2-501
        said = t["estate"] + t["building"] + t["unit"] + t["room"]
        return [[a, b, c, d] for a, b, c, d in zip(short, local, said, talk, strict=True)]
    if level == "unit":
        said = t["estate"] + t["building"] + t["unit"]
        return [[a, b, c] for a, b, c in zip(short, local, said, strict=True)]
    if level == "building":
        talk = [f"{e}{b}号楼" for e, b in zip(t["estate"], np.asarray(bld_no), strict=True)]
        return [[a, b, c, d] for a, b, c, d in zip(short, local, t["estate"] + t["building"], talk, strict=True)]
    if level == "house_number" and gate_estate is not None:
        est = np.asarray(gate_estate, dtype=object)
        return [[a, b, e, c + e] for a, b, e, c in zip(short, local, est, t["community"], strict=True)]
    if level == "house_number":
        stems = np.array([stem(c) for c in comp["community"]], dtype=object)
        said = np.where(pd.isna(comp["road"]), stems + t["road_or_group"], t["road"]) + t["house_number"]
        return [[a, b, c] for a, b, c in zip(short, local, said, strict=True)]
    return [[a, b] for a, b in zip(short, local, strict=True)]


def _dates(rng: np.random.Generator, year: np.ndarray) -> np.ndarray:
    start = np.array([np.datetime64(f"{y}-01-01") for y in range(1900, 2031)])
    day = start[np.clip(year, 1900, 2030) - 1900] + rng.integers(0, 365, len(year)).astype("timedelta64[D]")
    latest = np.datetime64(date(2025, 6, 30))
    return np.minimum(day, latest).astype(object)


def _codes(frame: pd.DataFrame) -> None:
    letter = frame["level"].map(LEVEL_LETTER).to_numpy()
    seq = frame.groupby(["village_code", "level"], sort=False).cumcount().to_numpy() + 1
    frame["code"] = [f"{v}{k:06d}{c}" for v, k, c in zip(frame["village_code"], seq, letter, strict=True)]

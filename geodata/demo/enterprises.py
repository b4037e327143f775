"""Enterprises of the park and of the towns' industrial zones, each with a standard address and a
factory building, so that the 企 registry, the address base and the 3D map agree."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import shapely
from shapely import STRtree

from geodata.codes import USCC_CHARS, uscc_check_char
from geodata.demo.context import DemoContext
from geodata.demo.park_layout import Layout, park_zone
from geodata.demo.park_names import (
    CHAINS,
    ECONOMICS,
    INDUSTRY_CLASSES,
    PARK_CHAIN_P,
    TOWN_CHAIN_P,
    company_name,
    short_name,
    trade_names,
)
from geodata.demo.placement import Geography, geom_array, metric_xy, nullable_int, table_frame, to_lonlat

MU_M2 = 666.67
COUNTY_PREFIX = "330624"
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def org_code_check(body8: str) -> str:
    """GB 11714 check character of an 8-character organisation code body."""
    total = sum((int(c) if c.isdigit() else ord(c) - 55) * w for c, w in zip(body8, ORG_WEIGHTS, strict=True))
    c9 = 11 - total % 11
    return "X" if c9 == 10 else "0" if c9 == 11 else str(c9)


def make_uscc(rng: np.random.Generator, founded: int) -> str:
    """91 (enterprise) + county + organisation code with its own check + GB 32100 check character.

    Firms registered after the 2015 reform got 'MA…' organisation codes; older ones kept numeric ones.
    """
    if founded >= 2015:
        body = "MA2" + "".join(USCC_CHARS[i] for i in rng.integers(0, len(USCC_CHARS), 5))
    else:
        body = str(int(rng.choice([1, 7]))) + "".join(str(d) for d in rng.integers(0, 10, 7))
    first17 = "91" + COUNTY_PREFIX + body + org_code_check(body)
    return first17 + uscc_check_char(first17)


def size_class(employees: np.ndarray, revenue_wan: np.ndarray) -> np.ndarray:
    """工信部联企业〔2011〕300号 thresholds for industry (both conditions must hold)."""
    return np.select(
        [(employees >= 1000) & (revenue_wan >= 40000), (employees >= 300) & (revenue_wan >= 2000),
         (employees >= 20) & (revenue_wan >= 300)],
        ["large", "medium", "small"], "micro")


def village_label(name: str) -> str:
    for suffix in ("居委会", "村委会"):
        if name.endswith(suffix):
            base = name[: -len(suffix)]
            return base if base.endswith(("社区", "村")) else base + ("社区" if suffix == "居委会" else "村")
    return name


def town_stem(name: str) -> str:
    for suffix in ("街道", "镇", "乡"):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


@dataclass(frozen=True)
class Enterprises:
    frame: pd.DataFrame
    chain: np.ndarray
    in_park: np.ndarray


def _economics(rng: np.random.Generator, chain: np.ndarray, in_park: np.ndarray) -> pd.DataFrame:
    n = len(chain)
    by_chain = {c: [cl for cl in INDUSTRY_CLASSES if cl.chain == c] for c in CHAINS}
    code = np.empty(n, dtype=object)
    for c, classes in by_chain.items():
        sel = np.flatnonzero(chain == c)
        w = np.array([cl.weight for cl in classes])
        code[sel] = np.array([cl.code for cl in classes])[rng.choice(len(classes), len(sel), p=w / w.sum())]
    # Tea is grown on the hills, not in the park: park 'tea' firms process it.
    code[in_park & (code == "0164")] = "1530"
    econ = [ECONOMICS[c] for c in chain]
    output = np.array([e.median_output_wan for e in econ]) * rng.lognormal(0, 1.2, n)
    output = np.clip(output, 60, 120000)
    # A few leading bearing, pharmaceutical and auto-parts groups dominate the park's output.
    leaders = np.flatnonzero(in_park & np.isin(chain, ["bearings", "pharma", "auto_parts"]))
    k = min(len(leaders), max(1, round(in_park.sum() * 0.017)))
    top = rng.choice(leaders, k, replace=False) if k else np.empty(0, dtype=np.int64)
    output[top] = rng.uniform(150000, 800000, k)
    employees = np.maximum(3, np.round(output / (np.array([e.output_per_employee_wan for e in econ])
                                                 * rng.lognormal(0, 0.3, n)))).astype(np.int64)
    founded = np.clip(2025 - np.round(rng.gamma(2.0, 6.0, n)), 1985, 2025).astype(np.int64)
    founded[top] = rng.integers(1985, 2004, k)
    return pd.DataFrame({
        "industry_code": code,
        "output": np.round(output, 1),
        "employees": employees,
        "size": size_class(employees, output),
        "tax": np.round(output * np.array([e.tax_rate for e in econ]) * rng.lognormal(0, 0.35, n), 1),
        "energy": np.round(output * np.array([e.tce_per_wan for e in econ]) * rng.lognormal(0, 0.3, n), 1),
        "founded": founded,
    })


def _place_in_park(rng: np.random.Generator, layout: Layout, output: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Parcel row per park firm: the biggest firms get whole parcels (largest first), the rest share
    standard factory parcels."""
    p = layout.parcels
    elig = np.flatnonzero((p["status"] == "developed").to_numpy() & (p["land_use"] != "green").to_numpy())
    order = elig[np.argsort(-(p["area_m2"].to_numpy()[elig] * rng.lognormal(0, 0.3, len(elig))), kind="stable")]
    firms = np.argsort(-output, kind="stable")
    n_anchor = min(len(firms), int(0.55 * len(order)))
    parcel = np.empty(len(output), dtype=np.int64)
    parcel[firms[:n_anchor]] = order[:n_anchor]
    rest, spare = firms[n_anchor:], order[n_anchor:] if len(order) > n_anchor else order
    parcel[rest] = spare[np.arange(len(rest)) % len(spare)]
    share = np.bincount(parcel, minlength=len(p))[parcel]
    return parcel, share


def _park_footprints(rng: np.random.Generator, layout: Layout, parcel: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Non-overlapping rectangles, one per firm, in strips across its parcel (local frame)."""
    p = layout.parcels
    u0, u1 = p["u0"].to_numpy()[parcel], p["u1"].to_numpy()[parcel]
    v0, v1 = p["v0"].to_numpy()[parcel], p["v1"].to_numpy()[parcel]
    order = pd.Series(np.arange(len(parcel))).groupby(parcel).cumcount().to_numpy()
    k = np.bincount(parcel, minlength=len(p))[parcel]
    width = (u1 - u0) / k
    su0 = u0 + order * width
    mu = np.maximum(4.0, width * rng.uniform(0.08, 0.15, len(parcel)))
    mv = np.maximum(5.0, (v1 - v0) * rng.uniform(0.15, 0.25, len(parcel)))
    boxes = shapely.box(su0 + mu, v0 + mv, su0 + width - mu, v1 - mv)
    coverage = shapely.area(boxes) / ((u1 - u0) * (v1 - v0) / k)
    return layout.local_to_lonlat(boxes), coverage


def _town_sites(geo: Geography, rng: np.random.Generator, towns: np.ndarray, land_m2: np.ndarray,
                existing: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """Footprints near each town's centre, where its industrial zone is, clear of the park zone, of
    the buildings already standing and of each other; returns footprints and their grid cells."""
    tree = STRtree(existing) if existing is not None and len(existing) else None
    zone = park_zone()
    boxes = np.empty(len(towns), dtype=object)
    cells = np.empty(len(towns), dtype=np.int64)
    placed: list[Any] = []
    for i, t in enumerate(towns):
        side = float(np.sqrt(land_m2[i] * 0.45))
        for attempt in range(60):  # widen the search ring as the zone fills up
            near = geo.cells_near(geo.town_x[t], geo.town_y[t], 4 + attempt, geo.town_code[t])
            cell = near[rng.integers(0, len(near))]
            x, y = geo.sample_in_cells(np.array([cell]), rng)
            e, n = metric_xy(x, y)
            box = to_lonlat(shapely.box(e[0] - side / 2, n[0] - side * 0.35, e[0] + side / 2, n[0] + side * 0.35))
            clear = not zone.intersects(box) and not any(box.intersects(b) for b in placed)
            if clear and (tree is None or not len(tree.query(box, predicate="intersects"))):
                break
        boxes[i], cells[i] = box, cell
        placed.append(box)
    return boxes, cells


def build_enterprises(ctx: DemoContext, geo: Geography, layout: Layout, park_id: int, parcel_ids: np.ndarray,
                      rng: np.random.Generator) -> Enterprises:
    n_park, n_town = ctx.count(300, minimum=8), ctx.count(200, minimum=4)
    n = n_park + n_town
    in_park = np.arange(n) < n_park
    chain = np.concatenate([rng.choice(CHAINS, n_park, p=PARK_CHAIN_P), rng.choice(CHAINS, n_town, p=TOWN_CHAIN_P)])
    eco = _economics(rng, chain, in_park)
    p = layout.parcels

    parcel, share = _place_in_park(rng, layout, eco["output"].to_numpy()[:n_park])
    boxes, coverage = _park_footprints(rng, layout, parcel)
    land_mu = np.empty(n)
    land_mu[:n_park] = p["area_m2"].to_numpy()[parcel] / MU_M2 / share
    land_mu[n_park:] = np.clip(eco["output"].to_numpy()[n_park:] / rng.uniform(150, 400, n_town), 3, 200)
    far = p["actual_far"].to_numpy()[parcel]
    floors = np.clip(np.round(far / coverage), 1, 6).astype(np.int64)
    use = p["land_use"].to_numpy()[parcel]
    floors[use == "warehouse"] = np.minimum(floors[use == "warehouse"], 2)

    towns = rng.integers(0, len(geo.town_code), n_town)
    existing = ctx.tables.get("building")
    town_boxes, cells = _town_sites(geo, rng, towns, land_mu[n_park:] * MU_M2,
                                    None if existing is None else geom_array(existing))

    footprint = np.concatenate([boxes, town_boxes])
    centre = shapely.centroid(footprint)
    x, y = shapely.get_x(centre), shapely.get_y(centre)
    cell = geo.locate_cells(x, y)
    cell[:n_park] = np.where(cell[:n_park] < 0, geo.nearest_cells(x[:n_park], y[:n_park]), cell[:n_park])
    cell[n_park:] = np.where(cell[n_park:] < 0, cells, cell[n_park:])
    grid_code = geo.cell_code[cell]
    town_code = geo.cell_town[cell]
    village_code = geo.cell_village[cell]

    founded = eco["founded"].to_numpy()
    moved = np.full(n, None, dtype=object)
    year_dev = np.nan_to_num(p["year_developed"].to_numpy(dtype=float)[parcel], nan=2025).astype(np.int64)
    moved[:n_park] = np.minimum(np.maximum(founded[:n_park], year_dev) + rng.integers(0, 3, n_park), 2025)
    floors_all = np.concatenate([floors, rng.integers(1, 4, n_town)])
    use_all = np.concatenate([use, np.full(n_town, "industrial")])

    names, usccs = _identities(rng, eco, n)
    road, number = _house_numbers(rng, layout, parcel, x, y, geo, town_code, n_park)
    ent_ids = ctx.ids("enterprise", n)
    addr_ids = ctx.ids("standard_address", n)
    bld_ids = ctx.ids("building", n)
    settled = np.array([m if m is not None else f for m, f in zip(moved, founded, strict=True)], dtype=np.int64)
    town_name = np.array([geo.names[t] for t in town_code], dtype=object)
    in_park_text = np.where(in_park, "高新园区", "")
    ctx.add("standard_address", table_frame({
        "id": addr_ids,
        "code": [f"E{i}" for i in addr_ids],
        "level": "house_number",
        "full_text": [f"浙江省绍兴市新昌县{t}{r}{h}" for t, r, h in zip(town_name, road, number, strict=True)],
        "province": "浙江省", "city": "绍兴市", "county": "新昌县",
        "town": town_name,
        "community": [village_label(geo.names[v]) for v in village_code],
        "group_name": None, "road": road, "house_number": number,
        "estate": None, "building": None, "unit": None, "room": None,
        "aliases": [[nm, f"新昌县{r}{h}", f"{pk}{r}{h}" if pk else f"{t}{r}{h}"]
                    for nm, r, h, pk, t in zip(names, road, number, in_park_text, town_name, strict=True)],
        "parent_id": None,
        "town_code": town_code, "village_code": village_code, "grid_code": grid_code,
        "status": "active",
        "valid_from": [date(int(s), int(m), int(d)) for s, m, d in
                       zip(settled, rng.integers(1, 13, n), rng.integers(1, 29, n), strict=True)],
        "valid_to": None,
        "geom": shapely.points(x, y),
    }))
    ctx.add("building", table_frame({
        "id": bld_ids,
        "code": [f"EB{i}" for i in bld_ids],
        "name": [f"{short_name(nm)}{'综合楼' if u == 'commercial' else '厂房'}" for nm, u in zip(names, use_all,
                                                                                            strict=True)],
        "address_id": addr_ids,
        "grid_code": grid_code,
        "use": np.where(use_all == "commercial", "commercial", "industrial"),
        "floors": floors_all,
        "height_m": np.round(floors_all * np.where(use_all == "commercial", 3.6, rng.uniform(4.5, 6.0, n)) + 1.0, 1),
        "year_built": settled,
        "parcel_id": nullable_int(np.concatenate([parcel_ids[parcel], np.full(n_town, None)])),
        "geom": footprint,
    }))
    ent = table_frame({
        "id": ent_ids, "uscc": usccs, "name": names,
        "industry_code": eco["industry_code"].to_numpy(), "size": eco["size"].to_numpy(),
        "founded_year": founded, "moved_in_year": nullable_int(moved),
        "employees": eco["employees"].to_numpy(), "output_value_wan": eco["output"].to_numpy(),
        "tax_wan": eco["tax"].to_numpy(), "energy_tce": eco["energy"].to_numpy(),
        "land_mu": np.round(land_mu, 2),
        "park_id": nullable_int([park_id if f else None for f in in_park]),
        "parcel_id": nullable_int(np.concatenate([parcel_ids[parcel], np.full(n_town, None)])),
        "address_id": addr_ids, "grid_code": grid_code, "geom": shapely.points(x, y),
    })
    ctx.add("enterprise", ent)
    return Enterprises(ent, chain, in_park)


def _identities(rng: np.random.Generator, eco: pd.DataFrame, n: int) -> tuple[list[str], list[str]]:
    trades = trade_names(rng)
    names: list[str] = []
    seen: set[str] = set()
    usccs: list[str] = []
    issued: set[str] = set()
    large = (eco["size"] == "large").to_numpy()
    codes = eco["industry_code"].to_numpy(dtype=object)
    founded = eco["founded"].to_numpy()
    for i in range(n):
        j = i
        name = company_name(rng, trades[j % len(trades)], str(codes[i]), bool(large[i]))
        while name in seen:
            j += n
            name = company_name(rng, trades[j % len(trades)] + ("新" if j >= len(trades) else ""),
                                str(codes[i]), bool(large[i]))
        seen.add(name)
        names.append(name)
        code = make_uscc(rng, int(founded[i]))
        while code in issued:
            code = make_uscc(rng, int(founded[i]))
        issued.add(code)
        usccs.append(code)
    return names, usccs


def _house_numbers(rng: np.random.Generator, layout: Layout, parcel: np.ndarray, x: np.ndarray, y: np.ndarray,
                   geo: Geography, town_code: np.ndarray, n_park: int) -> tuple[np.ndarray, np.ndarray]:
    """Odd numbers on one side of a street, even on the other, rising west → east; unique per road."""
    n = len(x)
    road = np.empty(n, dtype=object)
    p = layout.parcels
    road[:n_park] = p["street_name"].to_numpy()[parcel]
    side = np.empty(n, dtype=object)
    side[:n_park] = p["side"].to_numpy()[parcel]
    for i in range(n_park, n):
        stem = town_stem(geo.names[town_code[i]])
        road[i] = f"{stem}工业区{'一二'[int(rng.integers(0, 2))]}路"
        side[i] = "N" if rng.random() < 0.5 else "S"
    e, _ = metric_xy(x, y)
    key = pd.DataFrame({"road": road, "side": side, "e": e})
    number = np.empty(n, dtype=np.int64)
    for _, idx in key.groupby(["road", "side"]).groups.items():
        pos = np.asarray(idx)[np.argsort(key.loc[idx, "e"].to_numpy(), kind="stable")]
        steps = rng.integers(1, 6, len(pos))
        base = np.cumsum(steps) * 2
        number[pos] = base - (key.loc[pos, "side"].to_numpy() == "N")
    return road, np.array([f"{k}号" for k in number], dtype=object)


"""Things (物) of grid governance: hydrants, cameras, manholes, streetlights, elevators, hazard sources
and gas stations, placed where people, roads or the hazards are."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import shapely

from geodata.demo.context import DemoContext
from geodata.demo.ops_base import Located, OpsInputs
from geodata.demo.park_names import short_name
from geodata.demo.placement import jitter, table_frame

COUNTS = {"hydrant": 1800, "camera": 2200, "manhole": 1500, "streetlight": 1300, "elevator": 1000,
          "hazard_source": 160, "gas_station": 40}
PREFIX = {"hydrant": "XF", "camera": "SP", "manhole": "JG", "streetlight": "LD", "elevator": "DT",
          "hazard_source": "WX", "gas_station": "JY"}
LABEL = {"hydrant": "消火栓", "camera": "视频监控", "manhole": "窨井盖", "streetlight": "路灯", "elevator": "电梯"}
LIGHTING = {"urban": 6.0, "national": 1.5, "provincial": 1.5, "county": 1.0, "township": 0.5, "village": 0.3}
MAIN_ROADS = {"national": 3.0, "provincial": 2.5, "county": 1.2, "expressway": 1.0, "urban": 1.0}
CHEMICAL_CODES = ("2614", "2710", "2761", "2720")


@dataclass
class Batch:
    loc: Located
    attrs: list[dict[str, Any]]
    names: np.ndarray | None = None  # None: village + label + number
    risk: np.ndarray | None = None
    status: np.ndarray | None = None


def _pick(rng: np.random.Generator, options: tuple[Any, ...], n: int, p: tuple[float, ...] | None = None) -> list[Any]:
    idx = rng.choice(len(options), size=n, p=p)
    return [options[i] for i in idx]


def _inspected(rng: np.random.Generator, now: pd.Timestamp, n: int) -> list[str]:
    days = rng.integers(10, 400, n)
    return [(now - pd.Timedelta(days=int(d))).strftime("%Y-%m-%d") for d in days]


def _hydrants(ops: OpsInputs, rng: np.random.Generator, n: int) -> Batch:
    loc = ops.near_people(n, rng, 35.0)
    kind = _pick(rng, ("地上式", "地下式"), n, (0.8, 0.2))
    pressure = np.round(rng.uniform(0.15, 0.45, n), 2)
    dates = _inspected(rng, ops.now, n)
    return Batch(loc, [{"type": k, "pressure_mpa": float(p), "diameter_mm": 100 if k == "地下式" else 150,
                        "last_inspection": d} for k, p, d in zip(kind, pressure, dates, strict=True)])


def _cameras(ops: OpsInputs, rng: np.random.Generator, n: int) -> Batch:
    m = int(n * 0.6)
    a = ops.near_people(m, rng, 25.0)
    b, _ = ops.on_roads(n - m, rng, MAIN_ROADS | {"urban": 4.0, "township": 0.8}, 8.0)
    loc = Located(*(np.concatenate([getattr(a, f), getattr(b, f)]) for f in ("x", "y", "cell", "address")))
    kind = _pick(rng, ("枪机", "球机", "人脸卡口", "车辆卡口"), n, (0.5, 0.25, 0.1, 0.15))
    res = _pick(rng, ("200万像素", "400万像素", "800万像素"), n, (0.3, 0.5, 0.2))
    platform = _pick(rng, ("雪亮工程", "天网", "交通监控"), n, (0.6, 0.25, 0.15))
    status = np.where(rng.random(n) < 0.03, "offline", "normal")
    return Batch(loc, [{"type": k, "resolution": r, "platform": p}
                       for k, r, p in zip(kind, res, platform, strict=True)], status=status)


def _manholes(ops: OpsInputs, rng: np.random.Generator, n: int) -> Batch:
    m = int(n * 0.7)
    a, _ = ops.on_roads(m, rng, LIGHTING, 3.0)
    b = ops.near_people(n - m, rng, 20.0)
    loc = Located(*(np.concatenate([getattr(a, f), getattr(b, f)]) for f in ("x", "y", "cell", "address")))
    kind = _pick(rng, ("雨水", "污水", "通信", "电力", "燃气", "给水"), n, (0.3, 0.3, 0.15, 0.1, 0.05, 0.1))
    smart = rng.random(n) < 0.25
    return Batch(loc, [{"type": k, "material": "球墨铸铁" if s else "复合材料", "smart_cover": bool(s)}
                       for k, s in zip(kind, smart, strict=True)])


def _streetlights(ops: OpsInputs, rng: np.random.Generator, n: int) -> Batch:
    loc, _ = ops.on_roads(n, rng, LIGHTING, 10.0)
    power = _pick(rng, (60, 100, 150, 250), n, (0.3, 0.35, 0.25, 0.1))
    return Batch(loc, [{"type": "LED", "power_w": int(p), "pole_m": int(8 + p // 60)} for p in power],
                 status=np.where(rng.random(n) < 0.04, "fault", "normal"))


def _elevators(ops: OpsInputs, rng: np.random.Generator, n: int) -> Batch:
    b = ops.buildings
    if b is None or b.empty:
        loc = ops.near_people(n, rng, 5.0)
        bid: list[Any] = [None] * n
        use = np.full(n, "residential", dtype=object)
    else:
        geoms = np.asarray(b["geom"].to_numpy(), dtype=object)
        use_all = b["use"].to_numpy(dtype=object)
        # Taller (hence larger) blocks are the ones with lifts; factories have goods lifts.
        w = shapely.area(geoms) ** 2 * np.select([use_all == "commercial", use_all == "industrial"], [2.0, 0.5], 1.0)
        pick = rng.choice(len(geoms), size=n, p=w / w.sum())
        pt = shapely.point_on_surface(geoms[pick])
        px, py = shapely.get_x(pt), shapely.get_y(pt)
        x, y, cell = ops.geo.settle(px, py)
        loc = Located(x, y, cell, np.full(n, -1, dtype=np.int64))
        bid = [int(i) for i in b["id"].to_numpy()[pick]]
        use = use_all[pick]
    kind = np.where(use == "industrial", "载货电梯", np.where(rng.random(n) < 0.1, "自动扶梯", "乘客电梯"))
    dates = _inspected(rng, ops.now, n)
    reg = rng.integers(0, 10**6, n)
    return Batch(loc, [{"type": str(k), "building_id": i, "reg_no": f"3110330624{2005 + r % 20}{r:06d}",
                        "last_inspection": d} for k, i, r, d in zip(kind, bid, reg, dates, strict=True)],
                 status=np.where(rng.random(n) < 0.02, "fault", "normal"))


def _hazards(ops: OpsInputs, rng: np.random.Generator, n: int) -> Batch:
    parts: list[Located] = []
    attrs: list[dict[str, Any]] = []
    names: list[str] = []
    risks: list[int] = []
    e = ops.enterprises
    chem = (np.flatnonzero(np.isin(e["industry_code"].to_numpy(dtype=object), CHEMICAL_CODES))
            if e is not None else np.empty(0, dtype=np.int64))
    n_chem = min(len(chem), int(n * 0.35))
    if n_chem:
        pick = rng.choice(chem, n_chem, replace=False)
        assert e is not None
        ep = np.asarray(e["geom"].to_numpy(), dtype=object)[pick]
        jx, jy = jitter(shapely.get_x(ep), shapely.get_y(ep), 15.0, rng)
        x, y, cell = ops.geo.settle(jx, jy, shapely.get_x(ep), shapely.get_y(ep))
        parts.append(Located(x, y, cell, np.full(n_chem, -1, dtype=np.int64)))
        e_name, e_id = e["name"].to_numpy(dtype=object), e["id"].to_numpy()
        for i in pick:
            names.append(f"{short_name(str(e_name[i]))}危险化学品储存场所")
            attrs.append({"type": "危险化学品储存场所", "enterprise_id": int(e_id[i]),
                          "chemicals": _pick(rng, ("甲醇", "乙醇", "丙酮", "甲苯", "盐酸", "液氨", "二氯甲烷"), 2)})
        risks += _pick(rng, (1, 2, 3), n_chem, (0.15, 0.4, 0.45))
    n_geo = int((n - n_chem) * 0.6)
    parts.append(ops.rural(n_geo, rng))
    kinds = _pick(rng, ("滑坡", "崩塌", "泥石流", "地面塌陷"), n_geo, (0.55, 0.3, 0.1, 0.05))
    names += [f"地质灾害隐患点（{k}）" for k in kinds]
    attrs += [{"type": "地质灾害隐患点", "hazard": k, "households_threatened": int(h)}
              for k, h in zip(kinds, rng.integers(1, 40, n_geo), strict=True)]
    risks += _pick(rng, (2, 3, 4), n_geo, (0.1, 0.3, 0.6))
    n_rest = n - n_chem - n_geo
    parts.append(ops.near_people(n_rest, rng, 30.0))
    kinds = _pick(rng, ("液化石油气供应站", "人员密集场所", "有限空间作业场所"), n_rest, (0.35, 0.4, 0.25))
    names += list(kinds)
    attrs += [{"type": k} for k in kinds]
    risks += _pick(rng, (3, 4), n_rest, (0.4, 0.6))
    loc = Located(*(np.concatenate([getattr(p, f) for p in parts]) for f in ("x", "y", "cell", "address")))
    return Batch(loc, attrs, names=np.array(names, dtype=object), risk=np.array(risks, dtype=np.int64))


def _gas_stations(ops: OpsInputs, rng: np.random.Generator, n: int) -> Batch:
    loc, _ = ops.on_roads(n, rng, MAIN_ROADS, 25.0)
    brand = _pick(rng, ("中国石化", "中国石油", "浙江石油", "民营"), n, (0.5, 0.25, 0.15, 0.1))
    place = ops.village_name(loc)
    names = np.array([f"{b if b != '民营' else '新昌县'}{v.removesuffix('社区').removesuffix('村')}加油站"
                      for b, v in zip(brand, place, strict=True)], dtype=object)
    return Batch(loc, [{"brand": b, "tanks": int(t), "capacity_m3": int(t) * 30}
                       for b, t in zip(brand, rng.integers(3, 7, n), strict=True)], names=names)


BUILDERS: dict[str, Callable[[OpsInputs, np.random.Generator, int], Batch]] = {
    "hydrant": _hydrants, "camera": _cameras, "manhole": _manholes, "streetlight": _streetlights,
    "elevator": _elevators, "hazard_source": _hazards, "gas_station": _gas_stations,
}


def build_things(ctx: DemoContext, ops: OpsInputs) -> None:
    frames = []
    for kind, base in COUNTS.items():
        rng = ctx.rng(f"operations.things.{kind}")
        n = ctx.count(base)
        batch = BUILDERS[kind](ops, rng, n)
        keep = batch.loc.cell >= 0  # outside every grid cell (beyond the county): dropped
        loc = batch.loc.take(keep)
        m = len(loc)
        ids = ctx.ids("thing", m)
        village = ops.village_name(loc)
        if batch.names is not None:
            names = batch.names[keep]
        else:
            seq = pd.Series(village).groupby(village).cumcount().to_numpy() + 1
            names = np.array([f"{v}{LABEL[kind]}{s}号" for v, s in zip(village, seq, strict=True)], dtype=object)
        risk = np.full(m, None, dtype=object)
        if kind == "hazard_source" and batch.risk is not None:
            risk[:] = [int(r) for r in batch.risk[keep]]
        frames.append(table_frame({
            "id": ids,
            "code": [f"{PREFIX[kind]}{i:07d}" for i in ids],
            "kind": kind,
            "name": names,
            "status": batch.status[keep] if batch.status is not None else "normal",
            "risk_level": risk,
            "attrs": [a for a, k in zip(batch.attrs, keep, strict=True) if k],
            "address_id": ops.address_ids(loc),
            "grid_code": ops.geo.cell_code[loc.cell],
            "geom": shapely.points(loc.x, loc.y),
        }))
    ctx.add("thing", pd.concat(frames, ignore_index=True))

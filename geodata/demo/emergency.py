"""Emergency preparedness (应急准备): rescue teams, warehouses and equipment per township, shelters,
and the county's contingency plans."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import shapely

from geodata.demo.context import DemoContext
from geodata.demo.enterprises import town_stem, village_label
from geodata.demo.ops_base import Located, OpsInputs
from geodata.demo.placement import SEAT, table_frame
from geodata.demo.plans_text import PLANS, plan_content

ROMAN = ("Ⅰ", "Ⅱ", "Ⅲ", "Ⅳ")
COUNTY_STORE = {"沙袋": (20000, "只"), "救生衣": (1500, "件"), "冲锋舟": (12, "艘"), "帐篷": (600, "顶"),
                "折叠床": (1500, "张"), "棉被": (3000, "条"), "发电机": (40, "台"), "抽水泵": (60, "台"),
                "应急照明灯": (800, "盏"), "方便食品": (2000, "箱"), "饮用水": (3000, "箱")}
FLOOD_STORE = {"沙袋": (50000, "只"), "编织袋": (30000, "只"), "救生衣": (2000, "件"), "救生圈": (800, "只"),
               "冲锋舟": (20, "艘"), "橡皮艇": (15, "艘"), "抽水泵": (120, "台"), "土工布": (20000, "平方米")}
TOWN_STORE = {"沙袋": (2000, "只"), "救生衣": (100, "件"), "帐篷": (30, "顶"), "棉被": (200, "条"),
              "发电机": (3, "台"), "应急照明灯": (60, "盏"), "灭火器": (100, "具"), "风力灭火机": (10, "台")}
EQUIPMENT = (("移动式排涝泵", "排涝", "台"), ("大功率发电机组", "电力保障", "台"), ("冲锋舟", "水上救援", "艘"),
             ("挖掘机", "工程抢险", "台"), ("油锯及风力灭火机组", "森林消防", "套"))


def _stock(rng: np.random.Generator, base: dict[str, tuple[int, str]]) -> dict[str, Any]:
    return {k: {"qty": int(max(1, round(q * rng.uniform(0.6, 1.4)))), "unit": u} for k, (q, u) in base.items()}


def build_resources(ctx: DemoContext, ops: OpsInputs) -> None:
    rng = ctx.rng("operations.resources")
    geo = ops.geo
    seat_town = geo.locate_towns(np.array([SEAT[0]]), np.array([SEAT[1]]))[0]
    seat_code = geo.town_code[seat_town] if seat_town >= 0 else geo.town_code[0]
    main_rivers = ops.river_geom[ops.river_rank == 1]
    on_river: np.ndarray = np.zeros(len(geo.town_code), dtype=bool)
    if len(main_rivers):
        crossing = np.asarray(shapely.intersects(geo.town_geom[:, None], main_rivers[None, :]), dtype=bool)
        on_river = np.asarray(crossing.any(axis=1))
    by_people = np.array([(ops.addresses.town == t).sum() for t in geo.town_code]) if len(ops.addresses) else \
        np.ones(len(geo.town_code))
    rows: list[tuple[str, str, str | None, int | None, dict[str, Any], str]] = []
    for i, (code, name) in enumerate((c, geo.names[c]) for c in geo.town_code):
        rows += [("team", f"{name}民兵应急排", "综合救援", int(rng.integers(30, 51)), {}, code),
                 ("team", f"{name}应急救援队", "综合救援", int(rng.integers(20, 41)), {}, code),
                 ("team", f"{name}{'卫生服务中心' if name.endswith('街道') else '卫生院'}医疗救护队", "医疗救护",
                  int(rng.integers(8, 16)), {}, code),
                 ("warehouse", f"{name}应急物资储备点", None, None, _stock(rng, TOWN_STORE), code)]
        if code != seat_code:
            rows.append(("team", f"{name}森林消防半专业队", "森林消防", int(rng.integers(15, 31)), {}, code))
        if on_river[i]:
            rows.append(("team", f"{name}水上救援队", "水上救援", int(rng.integers(10, 21)), {}, code))
        for k in rng.choice(len(EQUIPMENT), int(rng.integers(1, 4)), replace=False):
            item, specialty, unit = EQUIPMENT[k]
            qty = int(rng.integers(1, 4))
            rows.append(("equipment", f"{name}{item}", specialty, qty * 2, {item: {"qty": qty, "unit": unit}}, code))
    big = [geo.town_code[j] for j in np.argsort(-by_people, kind="stable") if geo.town_code[j] != seat_code][:3]
    rows += [("team", f"新昌县消防救援大队{town_stem(geo.names[c])}消防救援站", "消防", int(rng.integers(20, 31)),
              {}, c) for c in big]
    rows += [
        ("team", "新昌县消防救援大队城区特勤站", "消防", 45, {}, seat_code),
        ("team", "新昌县森林消防大队", "森林消防", 40, {}, seat_code),
        ("team", "新昌县人民医院医疗救护队", "医疗救护", 30, {}, seat_code),
        ("team", "国网新昌县供电公司电力抢修队", "电力抢修", 30, {}, seat_code),
        ("team", "新昌县通信保障应急队", "通信保障", 15, {}, seat_code),
        ("team", "新昌县蓝天救援队", "社会救援", 40, {}, seat_code),
        ("team", "新昌县危险化学品应急救援队", "危化品", 20, {}, seat_code),
        ("warehouse", "新昌县应急物资储备库", None, None, _stock(rng, COUNTY_STORE), seat_code),
        ("warehouse", "新昌县防汛物资仓库", None, None, _stock(rng, FLOOD_STORE), seat_code),
        ("equipment", "应急通信指挥车", "通信保障", 4, {"应急通信指挥车": {"qty": 1, "unit": "辆"}}, seat_code),
        ("equipment", "大流量排涝泵车", "排涝", 6, {"排涝泵车": {"qty": 2, "unit": "辆"}}, seat_code),
        ("equipment", "无人机侦察装备", "侦察", 4, {"无人机": {"qty": 6, "unit": "架"}}, seat_code),
    ]
    town = np.array([r[5] for r in rows], dtype=object)
    x, y = _near_centre(ops, rng, town, seat_code)
    ids = ctx.ids("emergency_resource", len(rows))
    ctx.add("emergency_resource", table_frame({
        "id": ids,
        "code": [f"ER{t}{i:04d}" for t, i in zip(town, ids, strict=True)],
        "kind": [r[0] for r in rows], "name": [r[1] for r in rows], "specialty": [r[2] for r in rows],
        "personnel": np.array([r[3] for r in rows], dtype=object), "inventory": [r[4] for r in rows],
        "town_code": town, "geom": shapely.points(x, y),
    }))


def _near_centre(ops: OpsInputs, rng: np.random.Generator, town: np.ndarray,
                 seat_code: str) -> tuple[np.ndarray, np.ndarray]:
    """A point in one of the few grid cells nearest the township centre (the seat for the seat town)."""
    geo = ops.geo
    cells = np.empty(len(town), dtype=np.int64)
    for i, t in enumerate(town):
        j = geo.town_of(t)
        cx, cy = SEAT if t == seat_code else (geo.town_x[j], geo.town_y[j])
        near = geo.cells_near(cx, cy, 3, t)
        cells[i] = near[rng.integers(0, len(near))]
    return geo.sample_in_cells(cells, rng)


def build_shelters(ctx: DemoContext, ops: OpsInputs) -> None:
    rng = ctx.rng("operations.shelters")
    geo = ops.geo
    n_towns = len(geo.town_code)
    n = ctx.count(60, minimum=n_towns)
    people = np.array([(ops.addresses.town == t).sum() for t in geo.town_code], dtype=float) + 1.0
    per_town = np.ones(n_towns, dtype=np.int64) + rng.multinomial(n - n_towns, people / people.sum())
    seat_town = geo.locate_towns(np.array([SEAT[0]]), np.array([SEAT[1]]))[0]
    rows = []
    seen: set[str] = set()
    for j, k in enumerate(per_town):
        code = geo.town_code[j]
        stem = town_stem(geo.names[code])
        mask = ops.addresses.town == code
        if mask.any():
            loc = ops.near_people(int(k), rng, 40.0, mask)
        else:  # nobody registered there (yet): anywhere in the township
            cells = np.flatnonzero(geo.cell_town == code)
            cells = cells[rng.integers(0, len(cells), int(k))] if len(cells) else rng.integers(0, len(geo.cell_code),
                                                                                              int(k))
            sx, sy = geo.sample_in_cells(cells, rng)
            loc = Located(sx, sy, cells, np.full(int(k), -1, dtype=np.int64))
        for i in range(int(k)):
            kind = "school" if i == 0 else str(rng.choice(["school", "community_centre", "square", "gym"],
                                                          p=[0.4, 0.35, 0.2, 0.05]))
            if kind == "gym" and j != seat_town:
                kind = "community_centre"
            village = village_label(geo.names[geo.cell_village[loc.cell[i]]]) if loc.cell[i] >= 0 else stem
            name = {"school": f"{stem}{['中心小学', '初级中学', '中学'][i]}" if i < 3 else f"{village}小学",
                    "community_centre": f"{village}{'社区服务中心' if village.endswith('社区') else '文化礼堂'}",
                    "square": f"{stem}文化广场" if i < 2 else f"{village}公园",
                    "gym": "新昌县体育馆"}[kind]
            base = name
            while name in seen:
                name = f"{base}（{len([s for s in seen if s.startswith(base)]) + 1}）"
            seen.add(name)
            capacity = {"school": (300, 1500), "community_centre": (100, 400), "square": (2000, 8000),
                        "gym": (1500, 3000)}[kind]
            rows.append((name, kind, int(round(rng.uniform(*capacity), -1)), loc.x[i], loc.y[i], loc.cell[i]))
    frame = pd.DataFrame(rows, columns=["name", "kind", "capacity", "x", "y", "cell"])
    frame = frame[frame["cell"] >= 0]
    x, y = frame["x"].to_numpy(), frame["y"].to_numpy()
    town = geo.locate_towns(x, y)
    town_code = np.where(town >= 0, geo.town_code[np.maximum(town, 0)], geo.cell_town[frame["cell"].to_numpy()])
    nearest = ops.addresses.nearest(x, y)
    ids = ctx.ids("shelter", len(frame))
    ctx.add("shelter", table_frame({
        "id": ids,
        "code": [f"BN{t}{i:04d}" for t, i in zip(town_code, ids, strict=True)],
        "name": frame["name"].to_numpy(), "kind": frame["kind"].to_numpy(),
        "capacity": frame["capacity"].to_numpy(), "occupancy": 0, "town_code": town_code,
        "address_id": np.array([int(ops.addresses.ids[a]) if a >= 0 else None for a in nearest], dtype=object),
        "geom": shapely.points(x, y),
    }))


def build_plans(ctx: DemoContext) -> None:
    ctx.add("contingency_plan", table_frame({
        "id": ctx.ids("contingency_plan", len(PLANS)),
        "code": [p.code for p in PLANS], "title": [p.title for p in PLANS],
        "category": [p.category for p in PLANS], "subtype": [p.subtype for p in PLANS],
        "owner_unit": [p.owner_unit for p in PLANS], "version": [p.version for p in PLANS],
        "effective_on": [p.effective_on for p in PLANS],
        "response_levels": [dict(zip(ROMAN, p.levels, strict=True)) for p in PLANS],
        "content": [plan_content(p) for p in PLANS],
    }))

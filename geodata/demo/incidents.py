"""Emergencies (突发事件) over three years in the four national categories, with their response log;
a few are still being handled today, one follows the recent rainstorm."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely

from geodata.demo.context import DemoContext
from geodata.demo.lifecycle import log_frame, run
from geodata.demo.ops_base import Located, OpsInputs, masked_reporters
from geodata.demo.placement import CST, DAYTIME, diurnal_hours, jitter, local_times, table_frame

STAGES = ("reported", "verified", "responding", "recovering", "closed")
ROMAN = ("", "Ⅰ", "Ⅱ", "Ⅲ", "Ⅳ")
LEVEL_NAMES = ("", "特别重大", "重大", "较大", "一般")
WET = (0.3, 0.3, 0.6, 1.0, 1.5, 3.0, 3.0, 2.0, 1.5, 0.5, 0.3, 0.3)  # plum rains and typhoons
FLAT = (1.0,) * 12


@dataclass(frozen=True)
class Subtype:
    name: str
    category: str
    weight: float
    season: tuple[float, ...]
    where: str  # river / rural / road / people / seat / industry / chemical
    respond_h: tuple[float, float]  # responding → recovering
    recover_d: tuple[float, float]  # recovering → closed
    responder: str


SUBTYPES = (
    Subtype("暴雨洪涝", "natural_disaster", 8, WET, "river", (6, 48), (3, 20), "县防汛防台抗旱指挥部"),
    Subtype("台风", "natural_disaster", 3, (0, 0, 0, 0, 0.2, 0.5, 2, 3, 2, 0.3, 0, 0), "people", (12, 48), (3, 15),
            "县防汛防台抗旱指挥部"),
    Subtype("山体滑坡", "natural_disaster", 5, WET, "rural", (12, 96), (7, 40), "县自然资源和规划局"),
    Subtype("森林火灾", "natural_disaster", 5, (2, 3, 3, 2.5, 0.5, 0.1, 0.1, 0.3, 0.5, 1, 1.5, 2), "rural", (3, 24),
            (2, 10), "县森林消防大队"),
    Subtype("道路交通事故", "accident", 30, FLAT, "road", (1, 4), (1, 10), "县公安局交警大队"),
    Subtype("火灾", "accident", 18, (1.6, 1.5, 1.2, 1, 0.8, 0.7, 0.8, 0.8, 0.8, 1, 1.3, 1.6), "people", (1, 6), (2, 15),
            "县消防救援大队"),
    Subtype("危化品泄漏", "accident", 2, FLAT, "chemical", (2, 12), (5, 30), "县应急管理局"),
    Subtype("生产安全事故", "accident", 8, FLAT, "industry", (2, 8), (5, 30), "县应急管理局"),
    Subtype("食物中毒", "public_health", 3, (0.5, 0.5, 0.7, 1, 1.3, 1.6, 1.8, 1.8, 1.3, 1, 0.6, 0.5), "people",
            (12, 72), (3, 14), "县市场监督管理局"),
    Subtype("传染病", "public_health", 3, (2, 2, 1.5, 1, 0.7, 0.5, 0.5, 0.5, 0.7, 1, 1.5, 2), "people", (48, 240),
            (7, 30), "县疾病预防控制中心"),
    Subtype("群体性事件", "social_security", 3, FLAT, "seat", (2, 12), (3, 20), "县公安局"),
    Subtype("治安事件", "social_security", 12, FLAT, "people", (1, 8), (1, 10), "县公安局"),
)
BY_NAME = {s.name: s for s in SUBTYPES}
# Today's open incidents: subtype, status, hours before now (the landslide follows the rainstorm).
ACTIVE = (("道路交通事故", "reported", 0.4), ("火灾", "verified", 1.5), ("生产安全事故", "responding", 3.0),
          ("山体滑坡", "responding", None), ("暴雨洪涝", "recovering", None))
CHANNELS = np.array(["110转警", "119报警", "12345热线", "乡镇（街道）上报", "基层网格员上报"], dtype=object)


def _when(rng: np.random.Generator, now: pd.Timestamp, subtypes: np.ndarray) -> pd.DatetimeIndex:
    """Occurrence times over the last three years following each subtype's season."""
    n = len(subtypes)
    days = np.empty(n, dtype=np.int64)
    todo = np.arange(n)
    today = now.tz_convert(CST).normalize()
    while len(todo):
        d = rng.integers(1, 3 * 365, len(todo))
        month = (today - pd.to_timedelta(d, unit="D")).month.to_numpy() - 1
        w = np.array([BY_NAME[s].season[m] / max(BY_NAME[s].season) for s, m in zip(subtypes[todo], month,
                                                                                       strict=True)])
        ok = rng.random(len(todo)) < w
        days[todo[ok]] = d[ok]
        todo = todo[~ok]
    return local_times(now, days, diurnal_hours(rng, n, DAYTIME))


def _places(ops: OpsInputs, rng: np.random.Generator, subtypes: np.ndarray) -> tuple[Located, np.ndarray]:
    """A point per incident suited to its kind, and the road (index) where there is one."""
    n = len(subtypes)
    x, y = np.zeros(n), np.zeros(n)
    cell = np.full(n, -1, dtype=np.int64)
    addr = np.full(n, -1, dtype=np.int64)
    road = np.full(n, -1, dtype=np.int64)
    where = np.array([BY_NAME[s].where for s in subtypes])
    e = ops.enterprises
    for kind in np.unique(where):
        sel = np.flatnonzero(where == kind)
        m = len(sel)
        if kind == "river":
            loc, _ = ops.near_rivers(m, rng, 120.0)
        elif kind == "rural":
            loc = ops.rural(m, rng)
        elif kind == "road":
            loc, road[sel] = ops.on_roads(m, rng, {"national": 3, "provincial": 3, "county": 2, "urban": 2,
                                                   "township": 1, "expressway": 1}, 4.0)
        elif kind == "seat":
            loc = ops.in_seat(m, rng)
        elif kind in ("industry", "chemical") and e is not None and len(e):
            codes = e["industry_code"].to_numpy(dtype=object)
            pool = np.flatnonzero(np.isin(codes, ("2614", "2710", "2761"))) if kind == "chemical" else np.arange(len(e))
            pool = pool if len(pool) else np.arange(len(e))
            pt = np.asarray(e["geom"].to_numpy(), dtype=object)[rng.choice(pool, m)]
            px, py = shapely.get_x(pt), shapely.get_y(pt)
            jx, jy = jitter(px, py, 10.0, rng)
            lx, ly, lc = ops.geo.settle(jx, jy, px, py)
            loc = Located(lx, ly, lc, np.full(m, -1, dtype=np.int64))
        else:
            loc = ops.near_people(m, rng, 20.0)
        x[sel], y[sel], cell[sel], addr[sel] = loc.x, loc.y, loc.cell, loc.address
    lost = np.flatnonzero(cell < 0)  # lines that barely touch the county: somewhere people are instead
    if len(lost):
        loc = ops.near_people(len(lost), rng, 20.0)
        x[lost], y[lost], cell[lost], addr[lost], road[lost] = loc.x, loc.y, loc.cell, loc.address, -1
    return Located(x, y, cell, addr), road


def build_incidents(ctx: DemoContext, ops: OpsInputs, rain_peak: pd.Timestamp) -> None:
    rng = ctx.rng("operations.incidents")
    now = ops.now
    n_hist = ctx.count(400, minimum=12) - len(ACTIVE)
    w = np.array([s.weight for s in SUBTYPES])
    hist = np.array([s.name for s in SUBTYPES], dtype=object)[rng.choice(len(SUBTYPES), n_hist, p=w / w.sum())]
    subtypes = np.concatenate([hist, np.array([a[0] for a in ACTIVE], dtype=object)])
    n = len(subtypes)
    occurred_hist = _when(rng, now, hist)
    # The flood struck at the rain's peak, the landslide a few hours later.
    active_at = pd.DatetimeIndex([
        now - pd.Timedelta(hours=h) if h is not None
        else rain_peak + pd.Timedelta(hours=1 if s == "暴雨洪涝" else 5) for s, _, h in ACTIVE]).tz_convert("UTC")
    occurred = pd.DatetimeIndex(occurred_hist.append(active_at))
    reported = occurred + pd.to_timedelta(np.round(rng.uniform(2, 30, n) * 60), unit="s")
    spec = [BY_NAME[s] for s in subtypes]
    dur = np.column_stack([
        rng.uniform(10, 40, n) / 60, rng.uniform(5, 30, n) / 60,
        np.array([rng.uniform(*s.respond_h) for s in spec]), np.array([rng.uniform(*s.recover_d) for s in spec]) * 24,
    ])
    stop = np.full(n, len(STAGES) - 1)
    false_alarm = np.zeros(n, dtype=bool)
    false_alarm[:n_hist] = rng.random(n_hist) < 0.04
    stop[false_alarm] = 0
    for i, (_, state, _) in enumerate(ACTIVE):
        k = STAGES.index(state)
        j = n_hist + i
        stop[j] = k
        elapsed = (now - reported[j]).total_seconds() / 3600
        dur[j, :k] = np.minimum(dur[j, :k], elapsed / (k + 1))  # every stage up to k has happened by now
    life = run(reported, dur, STAGES, now, stop)
    fa_at = reported + pd.to_timedelta(np.round(dur[:, 0] * 3600), unit="s")
    false_alarm &= fa_at <= now
    status = np.where(false_alarm, "false_alarm", life.status)

    loc, road = _places(ops, rng, subtypes)
    town = ops.geo.locate_towns(loc.x, loc.y)
    town_code = np.where(town >= 0, ops.geo.town_code[np.maximum(town, 0)], ops.geo.cell_town[loc.cell])
    town_name = np.array([ops.geo.names[t] for t in town_code], dtype=object)
    village = ops.village_name(loc)
    severity = rng.choice([1, 2, 3, 4], n, p=[0.0, 0.005, 0.125, 0.87])
    severity[np.isin(subtypes, ("暴雨洪涝", "台风")) & (rng.random(n) < 0.3)] = 3
    casualties = _casualties(rng, subtypes, severity)
    title = np.array([
        f"{ops.road_name[r]}{t}段{s}" if r >= 0 else f"{t}{v}{s}"
        for r, t, v, s in zip(road, town_name, village, subtypes, strict=True)], dtype=object)
    local = occurred.tz_convert(CST)
    ids = ctx.ids("incident", n)
    ctx.add("incident", table_frame({
        "id": ids,
        "code": [f"SJ{d}{i:04d}" for d, i in zip(local.strftime("%Y%m%d"), ids, strict=True)],
        "category": [s.category for s in spec],
        "subtype": subtypes,
        "severity": severity,
        "status": status,
        "title": title,
        "description": [_describe(t, s, c, sev, when) for t, s, c, sev, when in
                        zip(title, subtypes, casualties, severity, local.strftime("%m月%d日%H时%M分"), strict=True)],
        "occurred_at": occurred,
        "reported_at": reported,
        "closed_at": life.at("closed").where(status == "closed", fa_at.where(false_alarm)),
        "town_code": town_code,
        "address_id": ops.address_ids(loc),
        "reporter_masked": masked_reporters(rng, n),
        "casualties": casualties,
        "geom": shapely.points(loc.x, loc.y),
    }))

    commander = np.array([f"cmd-{t}" for t in town_code], dtype=object)
    responder = np.array([s.responder for s in spec], dtype=object)
    channel = CHANNELS[rng.integers(0, len(CHANNELS), n)]
    actors = {"reported": np.full(n, "县应急指挥中心", dtype=object), "verified": commander, "responding": responder,
              "recovering": commander, "closed": np.full(n, "县应急管理局", dtype=object), "false_alarm": commander}
    notes = {
        "reported": np.array([f"{c}：{t}" for c, t in zip(channel, title, strict=True)], dtype=object),
        "verified": np.array([f"核实情况属实，启动{ROMAN[s]}级应急响应" for s in severity], dtype=object),
        "responding": np.array([f"{r}到场处置" for r in responder], dtype=object),
        "recovering": np.full(n, "现场处置完毕，转入善后恢复", dtype=object),
        "closed": np.full(n, "善后工作完成，事件办结", dtype=object),
        "false_alarm": np.full(n, "经现场核实为误报，解除", dtype=object),
    }
    ctx.add("incident_log", log_frame(ctx, "incident_log", "incident_id", ids, life, actors, notes,
                                      ("false_alarm", false_alarm, fa_at)))


def _casualties(rng: np.random.Generator, subtypes: np.ndarray, severity: np.ndarray) -> list[dict[str, int]]:
    out = []
    for s, sev in zip(subtypes, severity, strict=True):
        heavy = sev <= 3
        deaths = int(rng.integers(1, 4)) if heavy and rng.random() < 0.5 else int(rng.random() < 0.05)
        if s in ("群体性事件", "传染病", "台风", "暴雨洪涝", "山体滑坡") and not heavy:
            deaths = 0
        injured = int(rng.poisson(6 if heavy else 1.2)) if s not in ("森林火灾", "群体性事件") else 0
        if s == "食物中毒":
            injured = int(rng.integers(3, 40))
        evacuated = int(rng.integers(20, 800)) if s in ("暴雨洪涝", "台风", "山体滑坡", "危化品泄漏") else 0
        out.append({"deaths": deaths, "injured": injured, "missing": 0, "evacuated": evacuated})
    return out


def _describe(title: str, subtype: str, c: dict[str, int], severity: int, when: str) -> str:
    loss = "未造成人员伤亡" if not (c["deaths"] or c["injured"]) else \
        f"造成{c['deaths']}人死亡、{c['injured']}人受伤" if c["deaths"] else f"造成{c['injured']}人受伤"
    moved = f"，转移安置群众{c['evacuated']}人" if c["evacuated"] else ""
    return (f"{when}，{title}。事件{loss}{moved}。按{ROMAN[severity]}级（{LEVEL_NAMES[severity]}）"
            f"突发事件处置，相关部门和属地乡镇（街道）已开展{subtype}应急处置工作。")

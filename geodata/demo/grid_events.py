"""Grid events (事) and their closed loop: reported → accepted → dispatched → handling → resolved → closed."""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely

from geodata.demo.context import DemoContext
from geodata.demo.lifecycle import log_frame, run
from geodata.demo.ops_base import OpsInputs, masked_reporters
from geodata.demo.placement import CST, DAYTIME, diurnal_hours, local_times, table_frame

STAGES = ("reported", "accepted", "dispatched", "handling", "resolved", "closed")
CATEGORIES = ("矛盾纠纷", "安全隐患", "环境卫生", "违章建筑", "道路设施", "消防通道", "食品安全", "其他")
CATEGORY_P = (0.15, 0.18, 0.25, 0.08, 0.12, 0.07, 0.05, 0.10)
TITLES = {
    "矛盾纠纷": ("邻里宅基地边界纠纷", "邻里噪声扰民纠纷", "家庭赡养纠纷", "劳资欠薪纠纷", "土地承包经营纠纷",
             "物业服务费纠纷", "山林权属纠纷"),
    "安全隐患": ("电动自行车楼道充电", "私拉乱接电线", "老旧房屋墙体开裂", "店铺液化气瓶违规存放", "工地临边防护缺失",
             "河道护栏损坏", "山塘坝体渗水"),
    "环境卫生": ("生活垃圾未及时清运", "河道漂浮垃圾", "房前屋后乱堆乱放", "污水直排", "露天焚烧垃圾",
             "公厕卫生脏乱", "建筑垃圾乱倒"),
    "违章建筑": ("私自搭建彩钢棚", "违规加层建房", "占用耕地建房", "阳台违规外扩"),
    "道路设施": ("路面坑洼破损", "窨井盖缺失", "路灯不亮", "交通标志损坏", "人行道板松动", "桥梁护栏松动"),
    "消防通道": ("消防通道被车辆占用", "楼道堆放杂物堵塞通道", "消火栓被遮挡", "安全出口锁闭"),
    "食品安全": ("无证经营小吃摊", "餐馆后厨卫生差", "销售过期食品", "农村家宴未报备"),
    "其他": ("流浪犬伤人隐患", "广告牌松动", "群众政策咨询", "独居老人需帮扶", "夜间施工扰民"),
}
DEPTS = {
    "矛盾纠纷": ("司法所", "人民调解委员会", "综治中心"), "安全隐患": ("应急管理站", "消防工作站", "住建站"),
    "环境卫生": ("环卫所", "生态环境站"), "违章建筑": ("综合行政执法中队", "自然资源所"),
    "道路设施": ("交通管理站", "住建站", "供电所"), "消防通道": ("消防工作站", "综合行政执法中队"),
    "食品安全": ("市场监管所",), "其他": ("村（社区）两委", "综合信息指挥室"),
}
PRIORITY_P = (0.05, 0.15, 0.60, 0.20)  # 1 urgent … 4 routine
SLA_H = np.array([0, 4, 24, 72, 168])
CHANNELS = np.array(["网格员巡查发现", "群众通过浙里办上报", "12345热线转办", "基层治理四平台推送"], dtype=object)


def _choice(rng: np.random.Generator, options: tuple[str, ...], n: int) -> np.ndarray:
    return np.array(options, dtype=object)[rng.integers(0, len(options), n)]


def build_grid_events(ctx: DemoContext, ops: OpsInputs, workers: dict[str, str]) -> None:
    rng = ctx.rng("operations.grid_events")
    n = ctx.count(20000, minimum=50)
    now = ops.now
    loc = ops.near_people(n, rng, 15.0)
    keep = loc.cell >= 0
    loc = loc.take(keep)
    n = len(loc)
    category = np.array(CATEGORIES, dtype=object)[rng.choice(len(CATEGORIES), n, p=CATEGORY_P)]
    priority = rng.choice([1, 2, 3, 4], n, p=PRIORITY_P)
    reported = local_times(now, rng.integers(0, 365, n), diurnal_hours(rng, n, DAYTIME))
    sla = SLA_H[priority].astype(float)
    dur = np.column_stack([
        rng.lognormal(np.log(0.3), 0.8, n), rng.lognormal(np.log(0.6), 0.8, n),
        rng.lognormal(np.log(3.0), 1.0, n), sla * rng.lognormal(np.log(0.35), 0.7, n),
        rng.lognormal(np.log(8.0), 0.8, n),
    ])
    rejected = rng.random(n) < 0.03
    stuck = ~rejected & (rng.random(n) < 0.015)  # never resolved: these turn overdue
    stop = np.where(rejected, 0, np.where(stuck, 3, len(STAGES) - 1))
    life = run(reported, dur, STAGES, now, stop)
    reject_at = reported + pd.to_timedelta(np.round(dur[:, 0] * 3600), unit="s")
    rejected &= reject_at <= now
    status = np.where(rejected, "rejected", life.status)

    ids = ctx.ids("grid_event", n)
    town = ops.cell_town(loc)
    town_name = np.array([ops.geo.names[t] for t in town], dtype=object)
    grid_code = ops.geo.cell_code[loc.cell]
    village = ops.village_name(loc)
    title = np.array([TITLES[c][i % len(TITLES[c])] for c, i in zip(category, rng.integers(0, 99, n), strict=True)],
                     dtype=object)
    channel = CHANNELS[rng.choice(len(CHANNELS), n, p=[0.55, 0.25, 0.12, 0.08])]
    place = np.where(loc.address >= 0,
                     [str(ops.addresses.text[a]).removeprefix("浙江省绍兴市新昌县") if a >= 0 else ""
                      for a in loc.address], village)
    dept = np.array([f"{t}{d}" for t, d in zip(town_name, [DEPTS[c][i % len(DEPTS[c])] for c, i in
                                                            zip(category, rng.integers(0, 99, n), strict=True)],
                                                strict=True)], dtype=object)
    closed_at = life.at("closed").where(status == "closed", reject_at.where(rejected))
    day = reported.tz_convert(CST).strftime("%Y%m%d")
    ctx.add("grid_event", table_frame({
        "id": ids,
        "code": [f"GE{d}{i:06d}" for d, i in zip(day, ids, strict=True)],
        "category": category,
        "title": title,
        "description": [f"{c}：{p}{t}，请及时处置。" for c, p, t in zip(channel, place, title, strict=True)],
        "status": status,
        "priority": priority,
        "grid_code": grid_code,
        "address_id": ops.address_ids(loc),
        "reporter_masked": masked_reporters(rng, n),
        "reported_at": reported,
        "due_at": reported + pd.to_timedelta(sla, unit="h"),
        "closed_at": closed_at,
        "geom": shapely.points(loc.x, loc.y),
    }))

    commander = np.array([f"cmd-{t}" for t in town], dtype=object)
    by_channel = {CHANNELS[1]: "浙里办", CHANNELS[2]: "12345热线", CHANNELS[3]: "基层治理四平台"}
    reporter = np.array([workers.get(g, f"网格员{g[-3:]}") if c == CHANNELS[0] else by_channel[c]
                         for c, g in zip(channel, grid_code, strict=True)], dtype=object)
    actors = {"reported": reporter, "accepted": commander, "dispatched": commander, "handling": dept,
              "resolved": dept, "closed": commander, "rejected": commander}
    notes = {
        "reported": channel,
        "accepted": np.full(n, "镇街综合信息指挥室已受理", dtype=object),
        "dispatched": np.array([f"派发至{d}，限期办理" for d in dept], dtype=object),
        "handling": np.array([f"{d}已到场处置" for d in dept], dtype=object),
        "resolved": np.full(n, "已处置完毕，现场已整改", dtype=object),
        "closed": np.where(rng.random(n) < 0.9, "网格员回访核实，群众满意，办结", "经核实已办结"),
        "rejected": np.full(n, "经核实不属于网格事项，已告知上报人", dtype=object),
    }
    ctx.add("grid_event_log", log_frame(ctx, "grid_event_log", "event_id", ids, life, actors, notes,
                                        ("rejected", rejected, reject_at)))

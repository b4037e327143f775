"""Monitoring (监测预警): sensors and three days of 10-minute readings up to the current hour, with one
rainstorm passing over the county, and the warnings that storm triggered."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import shapely

from geodata.demo.context import DemoContext
from geodata.demo.enterprises import town_stem
from geodata.demo.ops_base import Located, OpsInputs
from geodata.demo.placement import CST, SEAT, distance_m, table_frame
from geodata.demo.sensor_series import (
    fume_series,
    parking_series,
    rain_series,
    river_series,
    traffic_series,
    weather_series,
)

STEP_MIN = 10
N_STEPS = 3 * 24 * 60 // STEP_MIN
METRICS = {
    "rain_gauge": {"rain": "mm"},
    "river_level": {"water_level": "m"},
    "weather_station": {"temperature": "°C", "pressure": "hPa", "humidity": "%", "wind_speed": "m/s",
                        "wind_dir": "°", "rain": "mm"},
    "fume_monitor": {"fume": "mg/m³", "nmhc": "mg/m³"},
    "traffic_counter": {"volume": "veh/10min", "speed": "km/h"},
    "parking_lot": {"occupied": "spaces", "free": "spaces"},
}
COUNTS = {"rain_gauge": (40, 3), "river_level": (15, 2), "weather_station": (12, 1), "fume_monitor": (30, 2),
          "traffic_counter": (20, 2), "parking_lot": (15, 2)}
PARKING = ("人民广场地下停车场", "大佛寺景区停车场", "县人民医院停车场", "新昌客运中心停车场", "鼓山公园停车场",
           "七星农贸市场停车场", "江滨公园停车场", "县行政中心停车场", "城东商业综合体停车场", "县体育馆停车场")
RESTAURANT = ("饭店", "面馆", "酒家", "小吃店", "炒年糕店", "土菜馆", "排档")
MAIN_ROADS = {"national": 3.0, "provincial": 3.0, "expressway": 1.0, "county": 1.0, "urban": 1.5}


@dataclass(frozen=True)
class RainEvent:
    start: pd.Timestamp
    peak: pd.Timestamp
    end: pd.Timestamp
    centre: tuple[float, float]
    total_mm: float  # at the storm centre

    def factor(self, x: np.ndarray, y: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Share of the centre's rain that falls at each point."""
        d = distance_m(x, y, *self.centre) / 1000
        return (0.3 + 0.7 * np.exp(-(d**2) / (2 * 12.0**2))) * rng.lognormal(0, 0.15, len(x))


def rain_event(ctx: DemoContext, ops: OpsInputs) -> RainEvent:
    """Offsets from now are drawn from the seed, so the storm always sits at the same place in the window."""
    rng = ctx.rng("operations.rain")
    start = ops.now - pd.Timedelta(minutes=STEP_MIN * round(rng.uniform(34, 44) * 60 / STEP_MIN))
    hours = rng.uniform(14, 18)
    t = int(rng.integers(0, len(ops.geo.town_code)))
    step = f"{STEP_MIN}min"
    return RainEvent(start, (start + pd.Timedelta(hours=hours * rng.uniform(0.4, 0.6))).round(step),
                     (start + pd.Timedelta(hours=hours)).round(step),
                     (float(ops.geo.town_x[t]), float(ops.geo.town_y[t])), float(rng.uniform(85, 110)))


@dataclass
class Placed:
    kind: str
    loc: Located
    names: list[str]
    attrs: dict[str, np.ndarray]


def _spread(ops: OpsInputs, rng: np.random.Generator, n: int) -> Located:
    """Every township first, then cells by area: gauge networks cover the whole county."""
    geo = ops.geo
    area = shapely.area(geo.cell_geom)
    first = [np.flatnonzero(geo.cell_town == t) for t in geo.town_code]
    cells = [int(rng.choice(c)) for c in first if len(c)][:n]
    cells += list(rng.choice(len(area), n - len(cells), p=area / area.sum()))
    pick = np.array(cells, dtype=np.int64)
    x, y = geo.sample_in_cells(pick, rng)
    return Located(x, y, pick, np.full(n, -1, dtype=np.int64))


def _place(ctx: DemoContext, ops: OpsInputs, rng: np.random.Generator, kind: str) -> Placed:
    base, minimum = COUNTS[kind]
    n = ctx.count(base, minimum=minimum)
    geo = ops.geo
    attrs: dict[str, np.ndarray] = {}
    if kind == "rain_gauge":
        loc = _spread(ops, rng, n)
        names = [f"{v.removesuffix('社区').removesuffix('村')}雨量站" for v in ops.village_name(loc)]
    elif kind == "river_level":
        loc, river = ops.near_rivers(n, rng, 3.0)
        stems = [town_stem(geo.names[t]) for t in geo.cell_town[np.maximum(loc.cell, 0)]]
        names = [f"{ops.river_name[r] if r >= 0 else ''}{s}水位站" for r, s in zip(river, stems, strict=True)]
        attrs["rank"] = np.where(river >= 0, ops.river_rank[np.maximum(river, 0)], 2)
    elif kind == "weather_station":
        anchors = [SEAT] + [(geo.town_x[j], geo.town_y[j]) for j in range(len(geo.town_code))]
        anchors = [anchors[i % len(anchors)] for i in range(n)]
        cells = np.array([geo.cells_near(ax, ay, 1)[0] for ax, ay in anchors])
        x, y = geo.sample_in_cells(cells, rng)
        loc = Located(x, y, cells, np.full(n, -1, dtype=np.int64))
        names = ["新昌国家基本气象站"] + [f"{town_stem(geo.names[t])}自动气象站" for t in geo.cell_town[cells[1:]]]
    elif kind == "fume_monitor":
        loc = ops.in_seat(n, rng, 2.5, 10.0)
        owners = [f"{'老小阿新'[i % 4]}{s}家{RESTAURANT[i % len(RESTAURANT)]}"
                  for i, s in enumerate(rng.choice(list("王陈俞吕张梁章潘石"), n))]
        names = [f"{o}油烟在线监测" for o in owners]
    elif kind == "traffic_counter":
        loc, road = ops.on_roads(n, rng, MAIN_ROADS, 0.0)
        cls = np.where(road >= 0, ops.road_class[np.maximum(road, 0)], "urban")
        attrs["capacity"] = np.select([np.isin(cls, ["national", "provincial", "expressway"]), cls == "urban"],
                                      [rng.uniform(220, 300, n), rng.uniform(150, 220, n)], rng.uniform(80, 130, n))
        attrs["free_kmh"] = np.select([cls == "expressway", np.isin(cls, ["national", "provincial"]), cls == "urban"],
                                      [100.0, 70.0, 45.0], 55.0)
        village = ops.village_name(loc)
        names = [f"{ops.road_name[r] if r >= 0 else ''}{v}交通流量监测点" for r, v in zip(road, village, strict=True)]
    else:
        loc = ops.in_seat(n, rng, 2.5, 20.0)
        names = [PARKING[i] if i < len(PARKING) else f"{v}公共停车场" for i, v in enumerate(ops.village_name(loc))]
        attrs["capacity"] = np.round(rng.uniform(80, 600, n), -1)
    return Placed(kind, loc, names, attrs)


def build_sensors(ctx: DemoContext, ops: OpsInputs, rain: RainEvent) -> None:
    rng = ctx.rng("operations.sensors")
    times = pd.date_range(end=ops.now, periods=N_STEPS, freq=f"{STEP_MIN}min")
    frames, readings = [], []
    river_state: dict[str, Any] = {}
    for kind in METRICS:
        placed = _place(ctx, ops, rng, kind)
        keep = placed.loc.cell >= 0
        loc = placed.loc.take(keep)
        names = [nm for nm, k in zip(placed.names, keep, strict=True) if k]
        attrs = {k: v[keep] for k, v in placed.attrs.items()}
        n = len(loc)
        ids = ctx.ids("sensor", n)
        series, thresholds = _series(kind, rng, times, loc, attrs, rain, ops)
        town = ops.geo.locate_towns(loc.x, loc.y)
        town_code = np.where(town >= 0, ops.geo.town_code[np.maximum(town, 0)], ops.geo.cell_town[loc.cell])
        frames.append(table_frame({
            "id": ids, "code": [f"{kind[:2].upper()}{i:05d}" for i in ids], "kind": kind, "name": names,
            "metrics": [dict(METRICS[kind]) for _ in range(n)], "thresholds": thresholds, "status": "online",
            "town_code": town_code, "geom": shapely.points(loc.x, loc.y),
        }))
        for metric, values in series.items():
            readings.append(pd.DataFrame({
                "sensor_id": np.repeat(ids, len(times)), "metric": metric,
                "observed_at": np.tile(times.to_numpy(), n), "value": np.round(values, 2).ravel(),
            }))
        if kind == "river_level":
            # As stored (rounded), so that the warnings can be re-derived from readings and thresholds.
            river_state |= {"ids": ids, "names": names, "town": town_code,
                            "level": np.round(series["water_level"], 2),
                            "warn": np.array([t["water_level"]["warn"] for t in thresholds]),
                            "alarm": np.array([t["water_level"]["alarm"] for t in thresholds])}
        if kind == "rain_gauge":
            river_state["gauge_rain"] = np.round(series["rain"], 2)
    ctx.add("sensor", pd.concat(frames, ignore_index=True))
    out = pd.concat(readings, ignore_index=True)
    out["observed_at"] = pd.DatetimeIndex(out["observed_at"]).tz_convert("UTC")
    out["is_synthetic"] = True
    out["ingest_id"] = None  # generated, not ingested through the API: no client id, no receipt time
    out["received_at"] = None
    ctx.add("reading", out)
    build_warnings(ctx, ops, rain, times, river_state)


def _series(kind: str, rng: np.random.Generator, times: pd.DatetimeIndex, loc: Located,
            attrs: dict[str, np.ndarray], rain: RainEvent, ops: OpsInputs
            ) -> tuple[dict[str, np.ndarray], list[dict[str, Any]]]:
    n = len(loc)
    if kind == "rain_gauge":
        f = rain.factor(loc.x, loc.y, rng)
        f = f / f.max() if n else f  # the wettest gauge sits under the storm's core
        return {"rain": rain_series(rng, times, f, rain)}, [
            {"rain": {"warn": 8.0, "alarm": 16.0}, "rain_1h": {"warn": 30.0, "alarm": 50.0},
             "rain_24h": {"warn": 50.0, "alarm": 100.0}} for _ in range(n)]
    if kind == "river_level":
        f = rain.factor(loc.x, loc.y, rng)
        level, warn, alarm = river_series(rng, times, f, attrs["rank"], rain)
        return {"water_level": level}, [{"water_level": {"warn": round(float(w), 2), "alarm": round(float(a), 2)}}
                                        for w, a in zip(warn, alarm, strict=True)]
    if kind == "weather_station":
        return weather_series(rng, times, rain.factor(loc.x, loc.y, rng), rain), [
            {"temperature": {"warn": 35.0, "alarm": 37.0}, "wind_speed": {"warn": 10.8, "alarm": 17.2},
             "rain": {"warn": 8.0, "alarm": 16.0}} for _ in range(n)]
    if kind == "fume_monitor":
        return fume_series(rng, times, n), [{"fume": {"warn": 1.5, "alarm": 2.0}, "nmhc": {"warn": 8.0, "alarm": 10.0}}
                                            for _ in range(n)]
    if kind == "traffic_counter":
        cap = attrs["capacity"]
        return traffic_series(rng, times, cap, attrs["free_kmh"], rain), [
            {"volume": {"warn": round(float(c) * 0.85), "alarm": round(float(c))},
             "speed": {"warn": 20.0, "alarm": 10.0}} for c in cap]
    cap = attrs["capacity"]
    return parking_series(rng, times, cap), [{"occupied": {"warn": round(float(c) * 0.9), "alarm": int(c)}}
                                             for c in cap]


def build_warnings(ctx: DemoContext, ops: OpsInputs, rain: RainEvent, times: pd.DatetimeIndex,
                   river: dict[str, Any]) -> None:
    """Warnings issued from what the sensors saw: rainstorm blue then yellow, rivers above warning level."""
    rows: list[dict[str, Any]] = []
    county = ops.geo.county_geom
    county = county if county.geom_type == "MultiPolygon" else shapely.MultiPolygon([county])
    now = ops.now
    local = times.tz_convert(CST)
    blue_at = rain.start + pd.Timedelta(hours=1)
    yellow_at = None
    gauge = river.get("gauge_rain")
    if gauge is not None and len(gauge):
        six_h = pd.DataFrame(gauge.T).rolling(36, min_periods=1).sum().to_numpy().max(axis=1)
        hit = np.flatnonzero(six_h >= 50.0)
        yellow_at = times[hit[0]] if len(hit) else None
    lift = rain.end + pd.Timedelta(hours=2)
    if blue_at <= now:
        when = blue_at.tz_convert(CST)
        rows.append({"kind": "rainstorm", "level": "blue", "sensor_id": None, "town_code": None, "area": county,
                     "issued_at": blue_at,
                     "lifted_at": yellow_at if yellow_at is not None else (lift if lift <= now else None),
                     "message": f"新昌县气象台{when:%m月%d日%H时%M分}发布暴雨蓝色预警信号：预计未来12小时内"
                                "我县大部分地区降雨量将达50毫米以上，请注意防范山洪、地质灾害和城市内涝。"})
    if yellow_at is not None:
        when = yellow_at.tz_convert(CST)
        rows.append({"kind": "rainstorm", "level": "yellow", "sensor_id": None, "town_code": None, "area": county,
                     "issued_at": yellow_at, "lifted_at": lift if lift <= now else None,
                     "message": f"新昌县气象台{when:%m月%d日%H时%M分}将暴雨蓝色预警信号升级为黄色："
                                "过去6小时我县部分乡镇降雨量已达50毫米以上，预计强降雨仍将持续，"
                                "请做好山洪、地质灾害和小流域洪水防范工作。"})
    for i in range(len(river.get("ids", []))):
        level, warn, alarm = river["level"][i], river["warn"][i], river["alarm"][i]
        above = np.flatnonzero(level >= warn)
        if not len(above):
            continue
        first, last = above[0], above[-1]
        town = river["town"][i]
        rows.append({
            "kind": "river_level", "level": "orange" if level.max() >= alarm else "yellow",
            "sensor_id": int(river["ids"][i]), "town_code": town,
            "area": ops.geo.town_geom[ops.geo.town_of(town)],
            "issued_at": times[first], "lifted_at": times[last + 1] if last + 1 < len(times) else None,
            "message": f"{river['names'][i]}{local[first]:%m月%d日%H时%M分}水位{level[first]:.2f}米，"
                       f"达到或超过警戒水位（{warn:.2f}米），最高水位{level.max():.2f}米。请沿江乡镇（街道）加强巡查，做好人员转移准备。",
        })
    if not rows:
        return
    out = pd.DataFrame(rows)
    out.insert(0, "id", ctx.ids("warning", len(out)))
    out["sensor_id"] = np.array([None if v is None or v != v else int(v) for v in out["sensor_id"]], dtype=object)
    out["issued_at"] = pd.DatetimeIndex(out["issued_at"]).tz_convert("UTC")
    out["lifted_at"] = pd.DatetimeIndex(out["lifted_at"]).tz_convert("UTC")
    ctx.add("warning", table_frame({str(k): v for k, v in out.items()}))

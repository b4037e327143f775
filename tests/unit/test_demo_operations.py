"""The operations stage on a stand-in geography: keys, places, life cycles, time series and indicators."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pytest
import shapely

from geodata.demo.context import DemoContext
from geodata.demo.grid_events import CATEGORIES
from geodata.demo.incidents import SUBTYPES
from geodata.demo.operations import generate_operations
from geodata.demo.park import generate_park
from geodata.demo.placement import SOURCE
from tests.unit.demo_fixture import fixture_context, integer_columns, loadable_int, model_columns, too_long

pytestmark = pytest.mark.unit

NOW = datetime(2026, 11, 29, 9, 30, tzinfo=UTC)
HOUR = pd.Timestamp("2026-11-29 09:00", tz="UTC")
TABLES = ("thing", "grid_event", "grid_event_log", "incident", "incident_log", "emergency_resource", "shelter",
          "contingency_plan", "sensor", "reading", "warning", "kpi_definition", "kpi_value")
LOGGED = (("grid_event", "grid_event_log", "event_id", "reported_at"),
          ("incident", "incident_log", "incident_id", "reported_at"))
PLAN_KPIS = [  # name, unit, baseline 2020, target 2022, target 2025, note
    ("掌上办公比例", "%", 70, 80, 90, None),
    ("机关内部“最多跑一次”事项覆盖率", "%", 70, 80, 98, None),
    ("政务服务“一网通办”率", "%", 80, 85, 90, ">85 (2022), >90 (2025)"),
    ("掌上政务服务事项覆盖率", "%", 97.21, 98, 99, None),
    ("掌上执法率", "%", 90, 95, 100, None),
    ("数据编目率", "%", 80, 95, 100, None),
    ("数据归集率", "%", 80, 90, 100, None),
    ("数据共享实现率", "%", 80, 90, 100, None),
    ("政务网络核心带宽", "Gbps", 10, 20, 50, None),
    ("数据更新率", "%", 70, 80, 90, None),
]


def _run(scale: float = 0.25, now: datetime = NOW, seed: int = 11) -> DemoContext:
    c = fixture_context(scale=scale, seed=seed)
    generate_park(c, now=now)
    generate_operations(c, now=now)
    return c


@pytest.fixture(scope="module")
def ctx() -> DemoContext:
    return _run()


def _geoms(frame: pd.DataFrame, column: str = "geom") -> np.ndarray:
    return np.asarray(frame[column].to_numpy(), dtype=object)


@pytest.mark.parametrize("table", TABLES)
def test_frames_have_exactly_the_model_columns(ctx: DemoContext, table: str) -> None:
    assert set(ctx.tables[table].columns) == model_columns(table)


@pytest.mark.parametrize("table", TABLES)
def test_integer_columns_hold_ints(ctx: DemoContext, table: str) -> None:
    for column in integer_columns(table):
        bad = [v for v in ctx.tables[table][column].tolist() if not loadable_int(v)]
        assert not bad, (column, bad[:3])


@pytest.mark.parametrize("table", TABLES)
def test_strings_fit_their_columns(ctx: DemoContext, table: str) -> None:
    assert not too_long(table, ctx.tables[table])


@pytest.mark.parametrize("table", TABLES)
def test_ids_and_codes_are_unique(ctx: DemoContext, table: str) -> None:
    frame = ctx.tables[table]
    for column in ("id", "code"):
        if column in frame:
            assert frame[column].is_unique, column


@pytest.mark.parametrize("table", ["thing", "grid_event"])
def test_points_lie_in_their_grid_cell(ctx: DemoContext, table: str) -> None:
    frame = ctx.tables[table]
    cells = ctx.tables["grid_cell"].set_index("code")
    assert frame["grid_code"].isin(cells.index).all()
    assert shapely.contains(_geoms(cells.loc[frame["grid_code"]]), _geoms(frame)).all()


@pytest.mark.parametrize("table", ["incident", "emergency_resource", "shelter", "sensor"])
def test_points_lie_in_their_township(ctx: DemoContext, table: str) -> None:
    frame = ctx.tables[table]
    admin = ctx.tables["admin_area"]
    towns = admin[admin["level"] == "township"].set_index("code")
    assert frame["town_code"].isin(towns.index).all()
    assert shapely.contains(_geoms(towns.loc[frame["town_code"]]), _geoms(frame)).all()


def test_foreign_keys_exist(ctx: DemoContext) -> None:
    t = ctx.tables
    addresses = set(t["standard_address"]["id"])
    for table in ("thing", "grid_event", "incident", "shelter"):
        assert set(t[table]["address_id"].dropna()) <= addresses, table
    assert set(t["grid_event_log"]["event_id"]) <= set(t["grid_event"]["id"])
    assert set(t["incident_log"]["incident_id"]) <= set(t["incident"]["id"])
    sensors = set(t["sensor"]["id"])
    assert set(t["reading"]["sensor_id"]) <= sensors
    assert set(t["warning"]["sensor_id"].dropna()) <= sensors
    assert set(t["warning"]["town_code"].dropna()) <= set(t["admin_area"]["code"])
    assert set(t["kpi_value"]["kpi_code"]) == set(t["kpi_definition"]["code"])
    enterprise_ids = {a["enterprise_id"] for a in t["thing"]["attrs"] if "enterprise_id" in a}
    assert enterprise_ids <= set(t["enterprise"]["id"])


@pytest.mark.parametrize(("parent", "log", "key", "start"), LOGGED)
def test_logs_tell_each_life_cycle_in_order(ctx: DemoContext, parent: str, log: str, key: str, start: str) -> None:
    p = ctx.tables[parent].set_index("id")
    lg = ctx.tables[log]
    assert (lg["at"] <= pd.Timestamp(NOW)).all()
    assert lg.groupby(key)["at"].apply(lambda s: s.is_monotonic_increasing).all()
    assert lg["id"].is_monotonic_increasing
    first = lg.groupby(key).head(1).set_index(key)
    last = lg.groupby(key).tail(1).set_index(key)
    assert (first["to_status"] == "reported").all() and first["from_status"].isna().all()
    assert (first["at"] == p.loc[first.index, start]).all()
    assert (last["to_status"] == p.loc[last.index, "status"]).all()
    chained = lg["from_status"].iloc[1:].to_numpy()
    previous = lg["to_status"].iloc[:-1].to_numpy()
    same = lg[key].iloc[1:].to_numpy() == lg[key].iloc[:-1].to_numpy()
    assert (chained[same] == previous[same]).all()
    ended = p[p["status"].isin(["closed", "rejected", "false_alarm"])]
    assert (ended["closed_at"] == last.loc[ended.index, "at"]).all()
    assert p.loc[~p.index.isin(ended.index), "closed_at"].isna().all()


def test_grid_events_are_mostly_closed_with_some_open_and_overdue(ctx: DemoContext) -> None:
    e = ctx.tables["grid_event"]
    assert len(e) == 5000
    assert set(e["category"]) == set(CATEGORIES)
    assert (e["status"] == "closed").mean() > 0.85
    open_ = ~e["status"].isin(["closed", "rejected"])
    assert open_.any() and (open_ & (e["due_at"] < pd.Timestamp(NOW))).any()
    assert (e["reported_at"] >= pd.Timestamp(NOW) - pd.Timedelta(days=366)).all()
    assert e["reporter_masked"].str.fullmatch(r"[\u4e00-\u9fff]\*{1,2}").all()


def test_incidents_cover_the_national_categories(ctx: DemoContext) -> None:
    i = ctx.tables["incident"]
    assert set(i["category"]) == {"natural_disaster", "accident", "public_health", "social_security"}
    assert set(i["subtype"]) <= {s.name for s in SUBTYPES}
    assert i["severity"].between(1, 4).all() and (i["severity"] >= 3).mean() > 0.9
    active = i[~i["status"].isin(["closed", "false_alarm"])]
    today = active[active["occurred_at"] >= pd.Timestamp(NOW) - pd.Timedelta(days=1)]
    assert len(today) >= 3 and set(today["status"]) >= {"reported", "verified", "responding"}
    assert (i["occurred_at"] >= pd.Timestamp(NOW) - pd.Timedelta(days=3 * 366)).all()
    assert (i["occurred_at"] <= i["reported_at"]).all()
    assert i["casualties"].map(lambda c: set(c) == {"deaths", "injured", "missing", "evacuated"}).all()


def test_resources_shelters_and_plans(ctx: DemoContext) -> None:
    r = ctx.tables["emergency_resource"]
    towns = set(ctx.tables["admin_area"].query("level == 'township'")["code"])
    assert set(r["town_code"]) == towns
    assert set(r["kind"]) == {"team", "warehouse", "equipment"}
    assert (r.loc[r["kind"] == "team", "personnel"] > 0).all()
    assert r.loc[r["kind"] == "warehouse", "inventory"].map(lambda d: "沙袋" in d).all()
    s = ctx.tables["shelter"]
    assert (s["occupancy"] == 0).all() and (s["capacity"] > 0).all()
    assert set(s["town_code"]) == towns
    p = ctx.tables["contingency_plan"]
    assert len(p) >= 15 and "新昌县防汛防台应急预案" in set(p["title"])
    assert p["response_levels"].map(lambda d: list(d) == ["Ⅰ", "Ⅱ", "Ⅲ", "Ⅳ"]).all()
    assert p["content"].str.len().min() > 300


def test_thing_kinds_and_risk_levels(ctx: DemoContext) -> None:
    t = ctx.tables["thing"]
    assert set(t["kind"]) == {"hydrant", "camera", "hazard_source", "elevator", "manhole", "streetlight",
                              "gas_station"}
    hazard = t["kind"] == "hazard_source"
    assert t.loc[hazard, "risk_level"].isin([1, 2, 3, 4]).all()
    assert t.loc[~hazard, "risk_level"].isna().all()


def test_readings_every_ten_minutes_for_three_days_up_to_this_hour(ctx: DemoContext) -> None:
    r = ctx.tables["reading"]
    assert not r.duplicated(["sensor_id", "metric", "observed_at"]).any()
    assert str(r["observed_at"].dt.tz) == "UTC"
    assert r["observed_at"].max() == HOUR
    assert r["observed_at"].min() == HOUR - pd.Timedelta(minutes=10 * 431)
    metrics = ctx.tables["sensor"].set_index("id")["metrics"]
    per_series = r.groupby(["sensor_id", "metric"]).size()
    assert (per_series == 432).all()
    assert {(s, m) for s, m in per_series.index} == {(s, m) for s, ms in metrics.items() for m in ms}


def test_readings_are_plausible(ctx: DemoContext) -> None:
    r = ctx.tables["reading"]
    by = r.groupby("metric")["value"]
    assert by.min()["rain"] >= 0 and by.max()["humidity"] <= 100 and by.min()["free"] >= 0
    assert 0 < by.mean()["temperature"] < 25  # late November in Zhejiang
    assert 990 < by.mean()["pressure"] < 1035
    hour = r["observed_at"].dt.tz_convert("Asia/Shanghai").dt.hour
    fume = r[r["metric"] == "fume"]
    assert fume[hour[fume.index].between(11, 12)]["value"].mean() > 5 * fume[hour[fume.index] < 5]["value"].mean()


def test_warnings_follow_the_rain(ctx: DemoContext) -> None:
    w = ctx.tables["warning"]
    storms = w[w["kind"] == "rainstorm"].sort_values("issued_at")
    assert list(storms["level"]) == ["blue", "yellow"]
    assert storms["lifted_at"].tolist()[0] == storms["issued_at"].tolist()[1]
    assert (w["issued_at"] <= pd.Timestamp(NOW)).all()
    rain = ctx.tables["reading"].query("metric == 'rain'")
    wet = rain[rain["value"] > 0]["observed_at"]
    assert wet.min() <= storms["issued_at"].tolist()[0] <= wet.max()
    sensors = ctx.tables["sensor"].set_index("id")
    levels = ctx.tables["reading"].query("metric == 'water_level'")
    level_at = dict(zip(zip(levels["sensor_id"], levels["observed_at"], strict=True), levels["value"], strict=True))
    rivers = w[w["kind"] == "river_level"]
    assert len(rivers) >= 1
    for sensor, issued in zip(rivers["sensor_id"], rivers["issued_at"], strict=True):
        warn = sensors["thresholds"].to_dict()[sensor]["water_level"]["warn"]
        assert level_at[(sensor, issued)] >= warn


def test_kpi_definitions_are_the_plan_s_ten_indicators(ctx: DemoContext) -> None:
    k = ctx.tables["kpi_definition"].sort_values("sort_order")
    notes = [n if isinstance(n, str) else None for n in k["target_note"]]
    got = [(*row, note) for row, note in zip(
        k[["name", "unit", "baseline_2020", "target_2022", "target_2025"]].itertuples(index=False), notes, strict=True)]
    assert got == PLAN_KPIS
    assert not k["is_synthetic"].any()
    assert (k["source"] == "Xinchang 14th five-year digital-government plan").all()
    assert k["lead_unit"].str.startswith("县").all() and k["name_en"].str.len().min() > 10


def test_kpi_history_is_monthly_and_moves_towards_the_targets(ctx: DemoContext) -> None:
    v = ctx.tables["kpi_value"]
    d = ctx.tables["kpi_definition"].set_index("code")
    local = v["observed_at"].dt.tz_convert("Asia/Shanghai")
    assert local.min() == pd.Timestamp("2020-01-01", tz="Asia/Shanghai")
    assert local.max() == pd.Timestamp("2026-11-01", tz="Asia/Shanghai")
    assert (v.groupby("kpi_code").size() == 83).all()
    for code, s in v.sort_values("observed_at").groupby("kpi_code")["value"]:
        row = d.loc[code]
        assert s.iloc[0] <= row["baseline_2020"] + 0.5
        assert abs(s.iloc[-1] - row["target_2025"]) <= 0.1 * row["target_2025"]
        if row["unit"] == "%":
            assert s.max() <= 100


def test_provenance(ctx: DemoContext) -> None:
    for table in ("thing", "grid_event", "incident", "emergency_resource", "shelter", "contingency_plan", "sensor",
                  "warning"):
        f = ctx.tables[table]
        assert f["is_synthetic"].all() and (f["source"] == SOURCE).all(), table
    assert ctx.tables["reading"]["is_synthetic"].all() and ctx.tables["kpi_value"]["is_synthetic"].all()


def test_a_day_later_everything_moves_by_a_day() -> None:
    """History is anchored to local calendar days (its clock times stay realistic), readings to the hour."""
    a = _run(scale=0.05)
    b = _run(scale=0.05, now=datetime(2026, 11, 30, 9, 5, tzinfo=UTC))
    day = pd.Timedelta(days=1)
    for table, column in (("grid_event", "reported_at"), ("grid_event_log", "at"), ("reading", "observed_at"),
                          ("warning", "issued_at")):
        assert (b.tables[table][column] - a.tables[table][column] == day).all(), table
    for metric in ("rain", "water_level", "temperature"):
        assert (a.tables["reading"].query("metric == @metric")["value"].to_numpy()
                == b.tables["reading"].query("metric == @metric")["value"].to_numpy()).all(), metric
    same = ["geom", "attrs"]  # attrs hold inspection dates, which move too
    pd.testing.assert_frame_equal(a.tables["thing"].drop(columns=same), b.tables["thing"].drop(columns=same))


def test_an_hour_later_history_stays_and_readings_move() -> None:
    """Incidents follow the seasons of the calendar, so their history is fixed for the day."""
    a = _run(scale=0.05)
    b = _run(scale=0.05, now=datetime(2026, 11, 29, 10, 5, tzinfo=UTC))
    hour = pd.Timedelta(hours=1)
    assert (b.tables["reading"]["observed_at"] - a.tables["reading"]["observed_at"] == hour).all()
    rain = "metric == 'rain'"
    assert (a.tables["reading"].query(rain)["value"].to_numpy() == b.tables["reading"].query(rain)["value"].to_numpy()
            ).all()
    shift = b.tables["incident"]["occurred_at"] - a.tables["incident"]["occurred_at"]
    active = a.tables["incident"]["status"].isin(["reported", "verified", "responding", "recovering"]).to_numpy()
    assert (shift[~active] == pd.Timedelta(0)).all() and (shift[active] == hour).all()

"""The park stage on a stand-in geography: codes, keys, geometry and the yearly/monthly figures agree."""

from __future__ import annotations

from datetime import UTC, date, datetime

import numpy as np
import pandas as pd
import pytest
import shapely

from geodata.codes import is_valid_uscc
from geodata.demo.context import DemoContext
from geodata.demo.enterprises import org_code_check
from geodata.demo.park import generate_park
from geodata.demo.placement import SOURCE, to_metric
from tests.unit.demo_fixture import fixture_context, integer_columns, loadable_int, model_columns, too_long

pytestmark = pytest.mark.unit

NOW = datetime(2026, 11, 29, 9, 30, tzinfo=UTC)
OWN_TABLES = ("park", "industry_class", "park_parcel", "enterprise", "park_project", "energy_record",
              "material_trade")


@pytest.fixture(scope="module")
def ctx() -> DemoContext:
    c = fixture_context(scale=1.0)
    generate_park(c, now=NOW)
    return c


def _added(ctx: DemoContext, table: str, prefix: str) -> pd.DataFrame:
    """Rows this stage added to a table shared with other stages (recognised by their code prefix)."""
    t = ctx.tables[table]
    return t[t["code"].str.startswith(prefix)]


def _geoms(frame: pd.DataFrame, column: str = "geom") -> np.ndarray:
    return np.asarray(frame[column].to_numpy(), dtype=object)


@pytest.mark.parametrize("table", OWN_TABLES)
def test_frames_have_exactly_the_model_columns(ctx: DemoContext, table: str) -> None:
    assert set(ctx.tables[table].columns) == model_columns(table)


@pytest.mark.parametrize("table", [*OWN_TABLES, "standard_address", "building"])
def test_integer_columns_hold_ints(ctx: DemoContext, table: str) -> None:
    frame = ctx.tables[table] if table in OWN_TABLES else _added(ctx, table, "E")
    for column in integer_columns(table):
        bad = [v for v in frame[column].tolist() if not loadable_int(v)]
        assert not bad, (column, bad[:3])


@pytest.mark.parametrize("table", [*OWN_TABLES, "standard_address", "building", "road"])
def test_strings_fit_their_columns(ctx: DemoContext, table: str) -> None:
    assert not too_long(table, ctx.tables[table])


def test_unified_social_credit_codes_are_valid_and_unique(ctx: DemoContext) -> None:
    uscc = ctx.tables["enterprise"]["uscc"]
    assert uscc.is_unique
    for code in uscc:
        assert is_valid_uscc(code), code
        assert code.startswith("91330624")
        assert org_code_check(code[8:16]) == code[16], code


def test_enterprise_names_are_unique_chinese_company_names(ctx: DemoContext) -> None:
    names = ctx.tables["enterprise"]["name"]
    assert names.is_unique
    assert names.str.endswith("公司").all()


def test_enterprise_foreign_keys_exist(ctx: DemoContext) -> None:
    e, t = ctx.tables["enterprise"], ctx.tables
    assert e["industry_code"].isin(t["industry_class"]["code"]).all()
    assert e["address_id"].isin(t["standard_address"]["id"]).all()
    assert e["grid_code"].isin(t["grid_cell"]["code"]).all()
    in_park = e[e["park_id"].notna()]
    assert in_park["park_id"].isin(t["park"]["id"]).all()
    parcels = t["park_parcel"].set_index("id")
    assert in_park["parcel_id"].isin(parcels.index).all()
    assert (parcels.loc[in_park["parcel_id"].astype(int), "status"] == "developed").all()
    assert len(in_park) == 300 and len(e) == 500
    assert not (in_park["industry_code"] == "0164").any()  # tea is grown outside the park


def test_other_foreign_keys_exist(ctx: DemoContext) -> None:
    t = ctx.tables
    ent, parcels = set(t["enterprise"]["id"]), set(t["park_parcel"]["id"])
    p = t["park_project"]
    assert set(p["parcel_id"]) <= parcels
    assert set(p["enterprise_id"].dropna()) <= ent
    assert set(t["energy_record"]["enterprise_id"]) <= ent
    trades = t["material_trade"]
    assert set(trades["seller_id"]) <= ent
    assert set(trades["buyer_id"].dropna()) <= ent
    assert (trades["buyer_id"].isna() == trades["buyer_name"].notna()).all()
    b = _added(ctx, "building", "EB")
    assert set(b["address_id"]) <= set(t["standard_address"]["id"])
    assert set(b["parcel_id"].dropna()) <= parcels
    assert set(t["park_parcel"]["park_id"]) == set(t["park"]["id"])
    admin = t["admin_area"]
    assert t["park"]["town_code"].iat[0] in set(admin.loc[admin["level"] == "township", "code"])


def test_ids_continue_after_other_stages(ctx: DemoContext) -> None:
    for table in ("standard_address", "building", "road"):
        assert ctx.tables[table]["id"].is_unique, table
    assert _added(ctx, "standard_address", "E")["code"].is_unique


def test_points_lie_in_their_grid_cell_and_codes_nest(ctx: DemoContext) -> None:
    cells = ctx.tables["grid_cell"].set_index("code")
    for frame in (ctx.tables["enterprise"], _added(ctx, "standard_address", "E")):
        cell_geoms = _geoms(cells.loc[frame["grid_code"]])
        assert shapely.contains(cell_geoms, _geoms(frame)).all()
    a = _added(ctx, "standard_address", "E")
    assert (a["village_code"] == cells.loc[a["grid_code"], "village_code"].to_numpy()).all()
    assert (a["town_code"] == a["village_code"].str[:9]).all()


def test_addresses_are_standard_house_numbers(ctx: DemoContext) -> None:
    a = _added(ctx, "standard_address", "E")
    assert (a["level"] == "house_number").all()
    assert (a["full_text"] == "浙江省绍兴市新昌县" + a["town"] + a["road"] + a["house_number"]).all()
    assert not a.duplicated(["road", "house_number"]).any()
    assert a["house_number"].str.fullmatch(r"\d+号").all()
    assert a["aliases"].map(len).min() >= 2


def test_parcels_tile_the_park_without_overlap(ctx: DemoContext) -> None:
    park = _geoms(ctx.tables["park"])[0]
    parcels = _geoms(ctx.tables["park_parcel"])
    assert shapely.contains(park, parcels).all()
    metric = to_metric(parcels)
    assert np.isclose(shapely.area(shapely.union_all(metric)), shapely.area(metric).sum(), rtol=1e-6)
    assert np.allclose(ctx.tables["park_parcel"]["area_m2"], shapely.area(metric), rtol=1e-3)
    km2 = shapely.area(to_metric(park)) / 1e6
    assert 3 < km2 < 8
    assert 200 <= len(parcels) <= 320


def test_park_lies_east_of_the_county_seat(ctx: DemoContext) -> None:
    c = shapely.centroid(_geoms(ctx.tables["park"])[0])
    # in the 新昌江 valley 4.5–9 km east-south-east of the seat (120.900E 29.505N), beyond the town
    assert 120.945 < shapely.get_x(c) < 120.985 and 29.47 < shapely.get_y(c) < 29.495


def test_buildings_stand_inside_their_parcel(ctx: DemoContext) -> None:
    b = _added(ctx, "building", "EB")
    b = b[b["parcel_id"].notna()]
    parcels = ctx.tables["park_parcel"].set_index("id")
    assert shapely.contains(_geoms(parcels.loc[b["parcel_id"].astype(int)]), _geoms(b)).all()
    assert b["floors"].between(1, 6).all()
    assert (b["height_m"] > 0).all()


def test_buildings_on_a_shared_parcel_do_not_overlap(ctx: DemoContext) -> None:
    b = _added(ctx, "building", "EB")
    geoms = to_metric(_geoms(b))
    assert np.isclose(shapely.area(shapely.union_all(geoms)), shapely.area(geoms).sum(), rtol=1e-6)


def test_the_park_was_developed_from_the_west(ctx: DemoContext) -> None:
    p = ctx.tables["park_parcel"]
    built = p[p["year_developed"].notna()]
    x = shapely.get_x(shapely.centroid(_geoms(built)))
    assert np.corrcoef(x, built["year_developed"].astype(float))[0, 1] > 0.7
    assert built["year_developed"].between(2005, 2025).all()
    assert set(p["status"]) == {"developed", "under_construction", "idle", "vacant"}
    assert (p.loc[p["status"] == "vacant", "actual_far"] == 0).all()


def test_a_few_large_firms_dominate_output(ctx: DemoContext) -> None:
    out = ctx.tables["enterprise"]["output_value_wan"].sort_values(ascending=False)
    assert out.head(10).sum() > 0.4 * out.sum()
    assert set(ctx.tables["enterprise"]["size"]) <= {"large", "medium", "small", "micro"}


def test_land_comes_from_the_parcel_area(ctx: DemoContext) -> None:
    e = ctx.tables["enterprise"]
    e = e[e["parcel_id"].notna()]
    area = ctx.tables["park_parcel"].set_index("id").loc[e["parcel_id"].astype(int), "area_m2"].to_numpy()
    share = e.groupby("parcel_id")["id"].transform("count").to_numpy()
    assert np.allclose(e["land_mu"], area / 666.67 / share, atol=0.01)


def test_monthly_records_add_up_to_the_yearly_figures(ctx: DemoContext) -> None:
    r = ctx.tables["energy_record"]
    months = sorted(r["month"].unique())
    assert len(months) == 24 and months[-1] == date(2026, 10, 1)
    last_year = r[r["month"] >= months[-12]].groupby("enterprise_id")[["output_value_wan", "tax_wan"]].sum()
    e = ctx.tables["enterprise"].set_index("id").loc[last_year.index]
    assert np.allclose(last_year["output_value_wan"], e["output_value_wan"], rtol=0.01, atol=0.1)
    assert np.allclose(last_year["tax_wan"], e["tax_wan"], rtol=0.01, atol=0.1)
    assert (r[["electricity_kwh", "gas_m3", "water_t"]] >= 0).all().all()
    assert not r.duplicated(["enterprise_id", "month"]).any()


def test_projects_have_a_consistent_life_cycle(ctx: DemoContext) -> None:
    p = ctx.tables["park_project"]
    today = date(2026, 11, 29)
    assert (p["signed_on"] <= p["planned_start"]).all()
    assert (p["planned_start"] < p["planned_finish"]).all()
    done = p["stage"] == "in_production"
    assert p.loc[done, "actual_finish"].notna().all() and p.loc[~done, "actual_finish"].isna().all()
    assert (p.loc[done, "actual_finish"] <= today).all()
    delayed = (p["stage"] == "under_construction") & (p["planned_finish"] < today)
    assert delayed.sum() >= 1
    assert (p["investment_done_wan"] <= p["investment_planned_wan"] * 1.1).all()
    assert p["code"].is_unique


def test_trades_are_recent_and_plausible(ctx: DemoContext) -> None:
    t = ctx.tables["material_trade"]
    assert len(t) == 2000
    now = pd.Timestamp(NOW)
    assert (t["traded_at"] <= now).all() and (t["traded_at"] >= now - pd.Timedelta(days=366)).all()
    assert (t["quantity_t"] > 0).all() and (t["amount_wan"] > 0).all()
    assert (t["seller_id"] != t["buyer_id"]).all()
    price = t["amount_wan"] / t["quantity_t"]
    steel = price[t["material"] == "轴承钢"]
    api = price[t["material"] == "原料药"]
    assert steel.median() < 1 < 10 < api.median()


def test_provenance_columns(ctx: DemoContext) -> None:
    ic = ctx.tables["industry_class"]
    assert not ic["is_synthetic"].any() and (ic["source"] == "GB/T 4754-2017").all()
    assert {"3451", "3670", "2710", "2720", "2740", "1530", "3551"} <= set(ic["code"])
    assert set(ic["chain_position"]) == {"upstream", "midstream", "downstream"}
    for table in OWN_TABLES[:1] + OWN_TABLES[2:]:
        f = ctx.tables[table]
        assert f["is_synthetic"].all() and (f["source"] == SOURCE).all(), table


def test_same_seed_same_park() -> None:
    a, b = fixture_context(scale=0.2), fixture_context(scale=0.2)
    generate_park(a, now=NOW)
    generate_park(b, now=NOW)
    for table in ("park_parcel", "enterprise", "material_trade", "park_project"):
        pd.testing.assert_frame_equal(a.tables[table].drop(columns="geom", errors="ignore"),
                                      b.tables[table].drop(columns="geom", errors="ignore"))

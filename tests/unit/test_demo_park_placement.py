"""The park and the town on the real geography, stages run as the loader runs them: homes, addresses
and village centres keep off the park's land, lesser roads stop at its edge and no two buildings overlap."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import rasterio
import shapely

from geodata.demo.context import DemoContext
from geodata.demo.districts import COUNTY_SEAT
from geodata.demo.loader import stages
from geodata.demo.park_layout import PARK_TOWNSHIP, THROUGH_ROADS, park_zone
from geodata.demo.placement import metric_xy, to_metric
from geodata.demo.terrain import DEM_PATH
from geodata.protect import DataProtector

pytestmark = pytest.mark.unit

SEED, SCALE = 7, 0.05


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> tuple[DemoContext, pd.DataFrame]:
    """The county up to the park stage, and the roads as they were before the park added its streets."""
    ctx = DemoContext(seed=SEED, scale=SCALE, data_dir=tmp_path_factory.mktemp("county"),
                      protector=DataProtector(bytes(32)))
    before_park = pd.DataFrame()
    for name, stage in stages():
        if name == "park":
            before_park = ctx.tables["road"].copy()
        if name == "operations":
            break
        stage(ctx)
    return ctx, before_park


def _geoms(frame: pd.DataFrame, column: str = "geom") -> np.ndarray:
    return np.asarray(frame[column].to_numpy(), dtype=object)


def _population(ctx: DemoContext) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Buildings and addresses the population stage made (enterprise rows have E/EB codes)."""
    b, a = ctx.tables["building"], ctx.tables["standard_address"]
    return b[b["code"].str.startswith("JZ")], a[~a["code"].str.startswith("E")]


def test_no_home_or_address_stands_on_the_park(county: tuple[DemoContext, pd.DataFrame]) -> None:
    ctx, _ = county
    buildings, addresses = _population(ctx)
    assert len(buildings) > 1000 and len(addresses) > 1000
    parcels = shapely.STRtree(_geoms(ctx.tables["park_parcel"]))
    assert parcels.query(_geoms(buildings), predicate="intersects").size == 0
    assert parcels.query(_geoms(addresses), predicate="intersects").size == 0
    # nor anywhere on the land kept for it
    zone = park_zone()
    assert not shapely.intersects(zone, _geoms(buildings)).any()
    assert not shapely.intersects(zone, _geoms(addresses)).any()


def test_no_building_outside_the_park_touches_a_park_street(county: tuple[DemoContext, pd.DataFrame]) -> None:
    ctx, before_park = county
    streets = ctx.tables["road"].iloc[len(before_park):]
    assert len(streets) >= 4
    b = ctx.tables["building"]
    others = _geoms(b[b["parcel_id"].isna()])
    assert shapely.STRtree(_geoms(streets)).query(others, predicate="intersects").size == 0


def test_no_two_buildings_overlap(county: tuple[DemoContext, pd.DataFrame]) -> None:
    ctx, _ = county
    b = ctx.tables["building"]
    assert b["parcel_id"].notna().sum() >= 8  # the park's factories are among them
    g = _geoms(b)
    pairs = shapely.STRtree(g).query(g, predicate="intersects")
    pairs = pairs[:, pairs[0] < pairs[1]]
    overlap = shapely.area(shapely.intersection(g[pairs[0]], g[pairs[1]]))
    assert not (overlap > 0).any(), b["code"].to_numpy()[pairs[:, overlap > 0].T][:5].tolist()


def test_park_buildings_keep_off_roads_and_rivers(county: tuple[DemoContext, pd.DataFrame]) -> None:
    ctx, before_park = county
    b = ctx.tables["building"]
    factories = _geoms(b[b["parcel_id"].notna()])
    lines = np.concatenate([_geoms(before_park), _geoms(ctx.tables["river"])])
    assert shapely.STRtree(lines).query(factories, predicate="intersects").size == 0


def test_park_lies_in_one_township_holding_no_village_centre(county: tuple[DemoContext, pd.DataFrame]) -> None:
    ctx, _ = county
    assert ctx.tables["park"]["town_code"].tolist() == [PARK_TOWNSHIP]
    admin = ctx.tables["admin_area"].set_index("code")
    town = admin.at[PARK_TOWNSHIP, "geom"]
    zone = park_zone()
    assert to_metric(zone.difference(town)).area < 1.0
    assert to_metric(ctx.tables["park"]["geom"].iloc[0].difference(town)).area < 1.0
    assert not shapely.within(_geoms(admin, "label_point"), zone).any()


def test_lesser_roads_stop_at_the_park_edge(county: tuple[DemoContext, pd.DataFrame]) -> None:
    _, roads = county
    lesser = roads[~roads["road_class"].isin(THROUGH_ROADS)]
    inside = shapely.intersection(to_metric(_geoms(lesser)), to_metric(park_zone()))
    assert shapely.length(inside).max() < 1.0


def test_park_sits_on_the_valley_floor_east_of_the_seat(county: tuple[DemoContext, pd.DataFrame]) -> None:
    ctx, _ = county
    centres = shapely.centroid(_geoms(ctx.tables["park_parcel"]))
    x, y = shapely.get_x(centres), shapely.get_y(centres)
    with rasterio.open(Path(ctx.data_dir) / DEM_PATH) as src:
        elevation = np.array([v[0] for v in src.sample(zip(x, y, strict=True))])
    assert elevation.max() < 150 and np.median(elevation) < 110  # the town's basin lies at about 60 m
    e, n = metric_xy(x, y)
    seat_e, seat_n = metric_xy(np.array([COUNTY_SEAT[0]]), np.array([COUNTY_SEAT[1]]))
    assert (e > seat_e + 3000).all() and (np.hypot(e - seat_e, n - seat_n) < 10_000).all()

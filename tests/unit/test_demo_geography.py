"""The demo county's geography and DEM: tiling, nesting, numbering, determinism, elevation range."""

from __future__ import annotations

from itertools import combinations
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import rasterio
import rasterio.mask
import shapely
from pyproj import Transformer

from geodata import reference_data
from geodata.demo.context import DemoContext
from geodata.demo.geography import generate_geography, reading_order
from geodata.demo.terrain import DEM_PATH, generate_terrain
from geodata.protect import DataProtector
from tests.unit.demo_fixture import model_columns

pytestmark = pytest.mark.unit

SEED = 7
_TO_METRIC = Transformer.from_crs(4490, 4549, always_xy=True)


def metric(geom: shapely.Geometry) -> shapely.Geometry:
    return shapely.transform(geom, lambda c: np.column_stack(_TO_METRIC.transform(c[:, 0], c[:, 1])))


def make_context(data_dir: Path, seed: int = SEED) -> DemoContext:
    return DemoContext(seed=seed, scale=0.05, data_dir=data_dir, protector=DataProtector(bytes(32)))


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> DemoContext:
    ctx = make_context(tmp_path_factory.mktemp("geo"))
    generate_geography(ctx)
    generate_terrain(ctx)
    return ctx


def level(ctx: DemoContext, name: str) -> pd.DataFrame:
    admin = ctx.tables["admin_area"]
    return admin[admin["level"] == name]


def test_frames_have_exactly_the_model_columns(county: DemoContext) -> None:
    for table in ("admin_area", "grid_cell", "place_point", "river", "road", "dem"):
        assert set(county.tables[table].columns) == model_columns(table), table


def test_twelve_townships_and_292_villages_with_real_codes(county: DemoContext) -> None:
    towns, villages = level(county, "township"), level(county, "village")
    assert sorted(towns["code"]) == sorted(t.code for t in reference_data.townships())
    assert sorted(villages["code"]) == sorted(v.code for v in reference_data.villages())
    assert (villages["code"].str[:9] == villages["parent_code"]).all()
    assert set(towns["kind"]) == {"街道", "镇", "乡"}
    assert towns["alias_code"].str.len().eq(12).all()


def test_townships_tile_the_county(county: DemoContext) -> None:
    outline = metric(level(county, "county")["geom"].iloc[0])
    towns = [metric(g) for g in level(county, "township")["geom"]]
    assert abs(sum(t.area for t in towns) - outline.area) / outline.area < 0.005
    assert shapely.union_all(towns).symmetric_difference(outline).area / outline.area < 0.001
    overlap = sum(a.intersection(b).area for a, b in combinations(towns, 2))
    assert overlap < 1.0  # m²: shared edges, no overlaps


def test_each_township_is_one_piece_holding_its_seat(county: DemoContext) -> None:
    places = county.tables["place_point"]
    seats = places[places["is_synthetic"] & (places["kind"] == "town")].set_index("name")["geom"]
    for _, town in level(county, "township").iterrows():
        assert len(town["geom"].geoms) == 1, town["name"]
        assert town["geom"].contains(seats[town["name"]]), town["name"]
        assert town["geom"].contains(town["label_point"])


def test_central_streets_are_small_and_rural_towns_large(county: DemoContext) -> None:
    area = level(county, "township").set_index("name")["area_km2"]
    assert area[["羽林街道", "南明街道", "七星街道"]].max() < 100
    assert area[["回山镇", "小将镇", "镜岭镇", "儒岙镇"]].min() > 100


def test_villages_tile_their_township(county: DemoContext) -> None:
    villages = level(county, "village")
    for _, town in level(county, "township").iterrows():
        mine = [metric(g) for g in villages.loc[villages["parent_code"] == town["code"], "geom"]]
        outline = metric(town["geom"])
        assert all(v.difference(outline).area < 1.0 for v in mine), town["name"]
        assert abs(sum(v.area for v in mine) - outline.area) < 1.0, town["name"]


def test_urban_communities_are_smaller_than_rural_villages(county: DemoContext) -> None:
    villages = level(county, "village")
    by_kind = villages.groupby("kind")["area_km2"].median()
    assert by_kind["社区"] < by_kind["村"] / 2


def test_every_grid_cell_lies_in_exactly_one_village(county: DemoContext) -> None:
    cells, villages = county.tables["grid_cell"], level(county, "village")
    assert 1_000 <= len(cells) <= 1_600
    assert set(cells["village_code"]) == set(villages["code"])
    own = villages.set_index("code")["geom"]
    tree = shapely.STRtree(villages["geom"].to_numpy())
    for code, village_code, geom in zip(cells["code"], cells["village_code"], cells["geom"], strict=True):
        assert code[:12] == village_code and len(code) == 15
        assert metric(geom).difference(metric(own[village_code])).area < 1.0, code
        for k in tree.query(geom, predicate="intersects"):
            other = villages.iloc[k]
            if other["code"] != village_code:
                assert metric(geom).intersection(metric(other["geom"])).area < 1.0, (code, other["code"])


def test_grid_cells_are_numbered_north_to_south_then_west_to_east(county: DemoContext) -> None:
    for village_code, cells in county.tables["grid_cell"].groupby("village_code"):
        cells = cells.sort_values("code")
        assert list(cells["code"].str[12:]) == [f"{k:03d}" for k in range(1, len(cells) + 1)], village_code
        centroids = shapely.centroid(cells["geom"].to_numpy())
        lon, lat = shapely.get_x(centroids), shapely.get_y(centroids)
        assert list(reading_order(lon, lat)) == list(range(len(cells))), village_code


def test_reading_order_rule() -> None:
    # 4 cells → 2 rows of 2: the northern pair first, each row west to east
    lon = np.array([1.0, 0.0, 1.0, 0.0])
    lat = np.array([0.0, 0.0, 1.0, 1.0])
    assert list(reading_order(lon, lat)) == [3, 2, 1, 0]


def test_grid_cell_counts_start_empty(county: DemoContext) -> None:
    cells = county.tables["grid_cell"]
    assert (cells["household_count"] == 0).all() and (cells["resident_count"] == 0).all()
    assert cells["worker_username"].isna().all()
    assert cells["name"].str.contains("第").all()


def test_real_rows_are_marked_real_and_sourced(county: DemoContext) -> None:
    assert not level(county, "county")["is_synthetic"].iloc[0]
    assert level(county, "township")["is_synthetic"].all() and level(county, "township")["boundary_synthetic"].all()
    places = county.tables["place_point"]
    real = places[places["source"].str.startswith("GeoNames")]
    assert len(real) == 10 and not real["is_synthetic"].any()
    assert (places["kind"] == "county_seat").sum() == 1
    rivers = county.tables["river"].set_index("name")
    assert not rivers.loc["澄潭江", "is_synthetic"] and "GSHHG" in rivers.loc["澄潭江", "source"]
    assert rivers.loc["新昌江", "rank"] == 1
    for table in ("admin_area", "grid_cell", "place_point", "river", "road", "dem"):
        assert county.tables[table]["source"].str.len().gt(0).all(), table


def test_geometry_types(county: DemoContext) -> None:
    tables = county.tables
    assert {g.geom_type for g in tables["admin_area"]["geom"]} == {"MultiPolygon"}
    assert {g.geom_type for g in tables["grid_cell"]["geom"]} == {"MultiPolygon"}
    assert {g.geom_type for g in tables["river"]["geom"]} == {"MultiLineString"}
    assert {g.geom_type for g in tables["road"]["geom"]} == {"MultiLineString"}
    assert all(shapely.is_valid(tables["admin_area"]["geom"].to_numpy()))
    assert all(shapely.is_valid(tables["grid_cell"]["geom"].to_numpy()))


def test_road_network_has_every_class_and_reaches_every_township_seat(county: DemoContext) -> None:
    roads = county.tables["road"]
    assert set(roads["road_class"]) == {"expressway", "national", "provincial", "county", "township", "village",
                                        "urban"}
    network = metric(shapely.union_all(roads.loc[roads["road_class"] != "expressway", "geom"].to_numpy()))
    places = county.tables["place_point"]
    for seat in places.loc[places["is_synthetic"], "geom"]:
        assert network.distance(metric(seat)) < 500.0


def test_same_seed_same_geography(county: DemoContext, tmp_path: Path) -> None:
    again = make_context(tmp_path)
    generate_geography(again)
    for table in ("admin_area", "grid_cell", "place_point", "river", "road"):
        a, b = county.tables[table], again.tables[table]
        assert a.drop(columns=[c for c in a.columns if c in ("geom", "label_point")]).equals(
            b.drop(columns=[c for c in b.columns if c in ("geom", "label_point")])), table
        assert all(shapely.equals_exact(a["geom"].to_numpy(), b["geom"].to_numpy(), 0.0)), table


def test_dem_covers_the_county_within_30_to_1000_m(county: DemoContext) -> None:
    outline = level(county, "county")["geom"].iloc[0]
    row = county.tables["dem"].iloc[0]
    assert row["path"] == DEM_PATH and row["epsg"] == 4490
    with rasterio.open(county.data_dir / DEM_PATH) as src:
        assert src.crs.to_epsg() == 4490 and src.block_shapes[0] == (256, 256)
        assert (src.width, src.height) == (row["width"], row["height"])
        b = src.bounds
        minx, miny, maxx, maxy = outline.bounds
        assert b.left < minx and b.bottom < miny and b.right > maxx and b.top > maxy
        assert abs(src.res[0] * 111_000 * np.cos(np.radians(29.4)) - 30) < 10
        values, _ = rasterio.mask.mask(src, [outline], crop=True, filled=False)
        seat = next(src.sample([(120.90017, 29.50528)]))[0]
    inside = values.compressed()
    assert inside.min() >= 30 and inside.max() <= 1000
    assert inside.max() > 700 and np.percentile(inside, 5) < 150  # ridges and valleys
    assert 40 <= seat <= 80  # the county seat sits on the 新昌江 valley floor
    assert row["footprint"].contains(outline)


def test_same_seed_same_dem(county: DemoContext, tmp_path: Path) -> None:
    again = make_context(tmp_path)
    again.tables.update({k: county.tables[k] for k in ("river", "place_point")})
    generate_terrain(again)
    with rasterio.open(county.data_dir / DEM_PATH) as a, rasterio.open(tmp_path / DEM_PATH) as b:
        assert np.array_equal(a.read(1), b.read(1))

"""The loaded demo county is consistent: tiling, nesting, references, codes, DEM."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import rasterio
import rasterio.mask
from shapely import wkb
from sqlalchemy import text

from geodata.codes import is_valid_id_number, is_valid_uscc
from geodata.protect import DataProtector


def scalar(engine, sql: str, **params):
    with engine.connect() as conn:
        return conn.execute(text(sql), params).scalar()


@pytest.fixture(scope="module")
def engine(demo_database):
    return demo_database["engine"]


def test_twelve_townships_and_292_villages(engine) -> None:
    assert scalar(engine, "SELECT count(*) FROM admin_area WHERE level='township'") == 12
    assert scalar(engine, "SELECT count(*) FROM admin_area WHERE level='village'") == 292
    assert scalar(engine, "SELECT count(*) FROM admin_area WHERE level='county' AND code='330624'") == 1


def test_townships_tile_the_county_area(engine) -> None:
    county = scalar(engine, "SELECT ST_Area(ST_Transform(geom, 4549)) FROM admin_area WHERE level='county'")
    towns = scalar(engine, "SELECT sum(ST_Area(ST_Transform(geom, 4549))) FROM admin_area WHERE level='township'")
    assert abs(towns - county) / county < 0.005


def test_townships_do_not_overlap(engine) -> None:
    overlap = scalar(engine, """
        SELECT coalesce(sum(ST_Area(ST_Transform(ST_Intersection(a.geom, b.geom), 4549))), 0)
        FROM admin_area a JOIN admin_area b
          ON a.level = 'township' AND b.level = 'township' AND a.code < b.code AND a.geom && b.geom
         AND ST_Intersects(a.geom, b.geom)""")
    assert overlap < 1000  # m² over the whole county: boundaries shared, not overlapping


def test_townships_leave_no_gap_inside_the_county(engine) -> None:
    gap = scalar(engine, """
        SELECT ST_Area(ST_Transform(ST_Difference(c.geom, t.u), 4549))
        FROM admin_area c, (SELECT ST_Union(geom) AS u FROM admin_area WHERE level='township') t
        WHERE c.level = 'county'""")
    county = scalar(engine, "SELECT ST_Area(ST_Transform(geom, 4549)) FROM admin_area WHERE level='county'")
    assert gap / county < 0.001


def test_every_village_lies_in_its_township(engine) -> None:
    outside = scalar(engine, """
        SELECT count(*) FROM admin_area v JOIN admin_area t ON t.code = v.parent_code
        WHERE v.level = 'village'
          AND ST_Area(ST_Transform(ST_Difference(v.geom, t.geom), 4549)) > 1""")
    assert outside == 0
    assert scalar(engine, "SELECT count(*) FROM admin_area WHERE level='village' AND left(code, 9) <> parent_code") == 0


def test_every_grid_cell_lies_in_exactly_one_village(engine) -> None:
    assert scalar(engine, "SELECT count(*) FROM grid_cell") > 290
    outside_own = scalar(engine, """
        SELECT count(*) FROM grid_cell g JOIN admin_area v ON v.code = g.village_code
        WHERE ST_Area(ST_Transform(ST_Difference(g.geom, v.geom), 4549)) > 1""")
    assert outside_own == 0
    in_other = scalar(engine, """
        SELECT count(*) FROM grid_cell g JOIN admin_area v
          ON v.level = 'village' AND v.code <> g.village_code AND v.geom && g.geom
        WHERE ST_Area(ST_Transform(ST_Intersection(g.geom, v.geom), 4549)) > 1""")
    assert in_other == 0


@pytest.mark.parametrize(("child", "column", "parent"), [
    ("standard_address", "grid_code", "grid_cell.code"),
    ("standard_address", "town_code", "admin_area.code"),
    ("resident", "address_id", "standard_address.id"),
    ("resident", "house_id", "house.id"),
    ("resident", "grid_code", "grid_cell.code"),
    ("house", "building_id", "building.id"),
    ("building", "address_id", "standard_address.id"),
    ("enterprise", "address_id", "standard_address.id"),
    ("enterprise", "industry_code", "industry_class.code"),
    ("grid_event", "grid_code", "grid_cell.code"),
    ("incident", "town_code", "admin_area.code"),
])
def test_references_point_at_existing_rows(engine, child: str, column: str, parent: str) -> None:
    ptable, pcol = parent.split(".")
    assert scalar(engine, f"SELECT count(*) FROM {child}") > 0  # noqa: S608
    orphans = scalar(engine, f"""
        SELECT count(*) FROM {child} c LEFT JOIN {ptable} p ON p.{pcol} = c.{column}
        WHERE c.{column} IS NOT NULL AND p.{pcol} IS NULL""")  # noqa: S608
    assert orphans == 0


def test_addresses_lie_in_their_grid_cell(engine) -> None:
    misplaced = scalar(engine, """
        SELECT count(*) FROM standard_address a JOIN grid_cell g ON g.code = a.grid_code
        WHERE NOT ST_DWithin(a.geom::geography, g.geom::geography, 1)""")
    assert misplaced == 0


def test_address_codes_agree_with_grid_nesting(engine) -> None:
    wrong = scalar(engine, """
        SELECT count(*) FROM standard_address
        WHERE grid_code IS NOT NULL AND (left(grid_code, 12) <> village_code OR left(village_code, 9) <> town_code)""")
    assert wrong == 0


def test_every_uscc_has_a_valid_check_character(engine) -> None:
    with engine.connect() as conn:
        codes = [r[0] for r in conn.execute(text("SELECT uscc FROM enterprise"))]
    assert len(codes) >= 10
    assert [c for c in codes if not is_valid_uscc(c)] == []


def test_every_id_number_is_valid_and_stored_protected(engine, demo_database) -> None:
    protector = DataProtector(demo_database["key"])
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT id_number_enc, id_number_masked, id_number_hmac FROM resident")).all()
    assert len(rows) > 1000
    for enc, masked, mac in rows:
        number = protector.decrypt(bytes(enc), context=b"resident.id_number")
        assert is_valid_id_number(number), number
        assert masked == number[:6] + "********" + number[-4:]
        assert bytes(mac) == protector.lookup_hash(number)
        assert number.encode() not in bytes(enc)


def test_households_and_residents_scale(engine, demo_database) -> None:
    scale = demo_database["params"].scale
    residents = scalar(engine, "SELECT count(*) FROM resident")
    households = scalar(engine, "SELECT count(DISTINCT household_no) FROM resident")
    assert 0.8 * 430_000 * scale < residents < 1.2 * 430_000 * scale
    assert 0.8 * 150_000 * scale < households < 1.2 * 150_000 * scale


def test_grid_counts_match_residents(engine) -> None:
    mismatched = scalar(engine, """
        SELECT count(*) FROM grid_cell g
        LEFT JOIN (SELECT grid_code, count(*) n FROM resident GROUP BY grid_code) r ON r.grid_code = g.code
        WHERE g.resident_count <> coalesce(r.n, 0)""")
    assert mismatched == 0


def test_every_synthetic_table_is_labelled(engine) -> None:
    for table in ("grid_cell", "standard_address", "building", "resident", "enterprise", "incident", "sensor"):
        assert scalar(engine, f"SELECT count(*) FROM {table} WHERE NOT is_synthetic") == 0, table  # noqa: S608
    assert scalar(engine, "SELECT bool_and(NOT is_synthetic) FROM place_point WHERE source LIKE 'GeoNames%'")


def test_ten_plan_indicators(engine) -> None:
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT name, baseline_2020, target_2022, target_2025 FROM kpi_definition ORDER BY sort_order")).all()
    assert len(rows) == 10
    by_name = {r[0]: r[1:] for r in rows}
    assert by_name["掌上政务服务事项覆盖率"] == (97.21, 98, 99)
    assert by_name["政务网络核心带宽"] == (10, 20, 50)


def test_dem_covers_the_county_within_30_to_1000_m(engine, demo_database) -> None:
    with engine.connect() as conn:
        path = conn.execute(text("SELECT path FROM dem WHERE name='xinchang_dem_30m'")).scalar_one()
        county = wkb.loads(bytes(conn.execute(
            text("SELECT ST_AsBinary(geom) FROM admin_area WHERE level='county'")).scalar_one()))
    with rasterio.open(Path(demo_database["data_dir"]) / path) as src:
        b = src.bounds
        minx, miny, maxx, maxy = county.bounds
        assert b.left <= minx and b.bottom <= miny and b.right >= maxx and b.top >= maxy
        assert abs(src.res[0] * 111_000 * np.cos(np.radians(29.4)) - 30) < 10
        values, _ = rasterio.mask.mask(src, [county], crop=True, filled=False)
    inside = values.compressed()
    assert inside.size > 1_000_000
    assert inside.min() >= 30 and inside.max() <= 1000
    assert inside.max() - inside.min() > 400  # real relief: valleys and ridges


def test_no_two_buildings_overlap(engine) -> None:
    assert scalar(engine, "SELECT count(*) FROM building WHERE parcel_id IS NOT NULL") > 0  # the park's too
    overlapping = scalar(engine, """
        SELECT count(*) FROM building a JOIN building b
          ON a.id < b.id AND a.geom && b.geom AND ST_Intersects(a.geom, b.geom)
         AND ST_Area(ST_Intersection(a.geom, b.geom)) > 0""")
    assert overlapping == 0


def test_homes_and_their_addresses_keep_off_the_park(engine) -> None:
    assert scalar(engine, "SELECT count(*) FROM park_parcel") > 0
    homes_on_parcels = scalar(engine, """
        SELECT count(*) FROM building b JOIN park_parcel p ON b.geom && p.geom AND ST_Intersects(b.geom, p.geom)
        WHERE b.use IN ('residential', 'mixed')""")
    assert homes_on_parcels == 0
    others_on_parcels = scalar(engine, """
        SELECT count(*) FROM building b JOIN park_parcel p ON b.geom && p.geom AND ST_Intersects(b.geom, p.geom)
        WHERE b.parcel_id IS NULL""")
    assert others_on_parcels == 0  # nothing but the park's own factories stands on its parcels
    addresses_on_parcels = scalar(engine, """
        SELECT count(*) FROM standard_address a JOIN park_parcel p ON a.geom && p.geom AND ST_Intersects(a.geom, p.geom)
        LEFT JOIN enterprise e ON e.address_id = a.id
        WHERE e.id IS NULL""")
    assert addresses_on_parcels == 0


def test_the_park_lies_in_the_township_it_names(engine) -> None:
    outside = scalar(engine, """
        SELECT ST_Area(ST_Transform(ST_Difference(p.geom, t.geom), 4549))
        FROM park p JOIN admin_area t ON t.code = p.town_code AND t.level = 'township'""")
    assert outside is not None and outside < 1.0

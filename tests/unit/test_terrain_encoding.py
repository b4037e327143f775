"""Terrain maths: Terrarium encoding, hillshade, tile bounds; DEM warping and basemap drawing without a DB."""

from __future__ import annotations

import io
import math
from pathlib import Path

import mercantile
import numpy as np
import pytest
import rasterio
import shapely
from PIL import Image
from rasterio.enums import Resampling
from rasterio.transform import from_origin

from geodata.errors import NotFound, ValidationFailed
from geodata.rasters import DemReader
from geodata.repositories.basemap import EXTENT, TileFeatures
from twin import basemap, terrain
from twin.terrain import TileId


def test_terrarium_round_trip_is_exact_to_a_256th_of_a_metre() -> None:
    heights = np.random.default_rng(0).uniform(-500, 9000, size=(64, 64))
    decoded = terrain.terrarium_decode(terrain.terrarium_encode(heights))
    assert np.abs(decoded - heights).max() <= 1 / 512 + 1e-9  # rounded to the nearest 1/256 m


def test_terrarium_known_values() -> None:
    rgb = terrain.terrarium_encode(np.array([[0.0, 100.5, -1.0]]))
    assert rgb[0, 0].tolist() == [128, 0, 0]
    assert rgb[0, 1].tolist() == [128, 100, 128]
    assert rgb[0, 2].tolist() == [127, 255, 0]


def test_terrarium_maps_nan_to_sea_level_and_clamps() -> None:
    decoded = terrain.terrarium_decode(terrain.terrarium_encode(np.array([[np.nan, -1e6, 1e6]])))
    assert decoded[0, 0] == 0
    assert decoded[0, 1] == -32768
    assert decoded[0, 2] == pytest.approx(32768 - 1 / 256)


def test_hillshade_of_a_plane_is_uniform() -> None:
    yy, xx = np.mgrid[0:50, 0:60]
    plane = 3.0 * xx - 2.0 * yy + 100
    shade = terrain.hillshade(plane, cell_m=30.0)
    assert np.ptp(shade) < 1e-9
    flat = terrain.hillshade(np.full((10, 10), 250.0), cell_m=30.0, altitude_deg=45)
    assert flat == pytest.approx(np.full((10, 10), math.sin(math.radians(45))))


def test_hillshade_lights_north_west_slopes() -> None:
    yy, xx = np.mgrid[0:20, 0:20].astype(float)
    rising_to_south_east = (xx + yy) * 10.0  # faces north-west
    rising_to_north_west = -(xx + yy) * 10.0
    assert terrain.hillshade(rising_to_south_east, 30.0).mean() > terrain.hillshade(rising_to_north_west, 30.0).mean()


@pytest.mark.parametrize(("z", "x", "y"), [(0, 0, 0), (9, 427, 212), (14, 13674, 6796), (15, 32767, 0)])
def test_tile_bounds_match_mercantile(z: int, x: int, y: int) -> None:
    expected = mercantile.xy_bounds(x, y, z)
    assert TileId(z, x, y).bounds == pytest.approx(tuple(expected), abs=1e-6)


def test_tile_centre_latitude_and_ground_cell() -> None:
    tile = TileId(*[int(v) for v in (12, 3423, 1701)])
    lon_lat = mercantile.bounds(tile.x, tile.y, tile.z)
    mid = (lon_lat.south + lon_lat.north) / 2
    assert tile.center_lat == pytest.approx(mid, abs=0.01)
    assert tile.ground_cell_m(256) == pytest.approx(tile.size_m / 256 * math.cos(math.radians(tile.center_lat)))


def test_tile_parsing_rejects_bad_input() -> None:
    assert TileId.parse("9", "427", "212", (5, 15)) == TileId(9, 427, 212)
    with pytest.raises(ValidationFailed):
        TileId.parse("nine", "1", "1", (5, 15))
    with pytest.raises(NotFound):
        TileId.parse("16", "0", "0", (5, 15))
    with pytest.raises(NotFound):
        TileId.parse("9", "512", "0", (5, 15))
    with pytest.raises(NotFound):
        TileId.parse("9", "0", "-1", (5, 15))


def test_dashes_are_anchored_to_the_world_not_the_line() -> None:
    line = np.array([[0.0, 10.0], [100.0, 10.0]])
    forward = basemap.dash_runs([line], (0.0, 0.0), on=4.0, period=10.0)
    backward = basemap.dash_runs([line[::-1]], (0.0, 0.0), on=4.0, period=10.0)
    key = sorted(tuple(sorted(r[:, 0].round(6))) for r in forward)
    assert key == sorted(tuple(sorted(r[:, 0].round(6))) for r in backward)
    # the same line seen from the neighbouring tile (shifted canvas origin) dashes at the same world x
    shifted = basemap.dash_runs([line - [50.0, 0.0]], (50.0, 0.0), on=4.0, period=10.0)
    assert sorted(tuple(sorted((r[:, 0] + 50).round(6))) for r in shifted) == key


RES = 1 / 3600
WEST, NORTH = 120.8, 29.6


def _planar(col: np.ndarray, row: np.ndarray) -> np.ndarray:
    return 200 + 0.5 * col + 0.8 * row


def _planar_dem(path: Path) -> None:
    width, height = 400, 300
    cols, rows = np.meshgrid(np.arange(width), np.arange(height))
    with rasterio.open(path, "w", driver="GTiff", width=width, height=height, count=1, dtype="float32",
                       crs="EPSG:4490", transform=from_origin(WEST, NORTH, RES, RES), nodata=-9999) as ds:
        ds.write(_planar(cols, rows).astype("float32"), 1)


def test_dem_reader_warps_a_plane_and_fills_beyond_its_edge(tmp_path: Path) -> None:
    path = tmp_path / "dem.tif"
    _planar_dem(path)
    reader = DemReader(path)
    m = mercantile.tile(120.85, 29.57, 14)
    tile = TileId(14, m.x, m.y)
    elev = reader.read(tile.bounds, 64, 64, Resampling.bilinear)
    # bilinear interpolation of a plane is the plane: compare at the output pixel centres
    minx, _, _, maxy = tile.bounds
    step = tile.size_m / 64
    mx = minx + (np.arange(64) + 0.5) * step
    my = maxy - (np.arange(64) + 0.5) * step
    lon = np.degrees(mx / 6378137.0)
    lat = np.degrees(np.arctan(np.sinh(my / 6378137.0)))
    expected = _planar((lon[None, :] - WEST) / RES - 0.5, (NORTH - lat[:, None]) / RES - 0.5)
    assert np.abs(elev - expected).max() < 0.15  # GDAL's approximate transformer: ≤ 1/8 source pixel
    far = mercantile.tile(110.0, 20.0, 9)  # nowhere near the DEM: the surrounding plain
    outside = reader.read(TileId(9, far.x, far.y).bounds, 16, 16, Resampling.bilinear)
    assert np.ptp(outside) < 1e-3
    assert outside[0, 0] == pytest.approx(reader.base_m, abs=1e-3)
    near = mercantile.tile(120.9, 29.62, 14)  # straddles the DEM's northern edge: no cliff
    edge = reader.read(TileId(14, near.x, near.y).bounds, 64, 64, Resampling.bilinear)
    assert np.isfinite(edge).all()
    assert np.abs(np.diff(edge, axis=0)).max() < 10
    reader.close()


def _features() -> TileFeatures:
    e = EXTENT
    return TileFeatures(
        roads=[("expressway", shapely.LineString([(0, e / 2), (e, e / 3)])),
               ("village", shapely.LineString([(e / 4, 0), (e / 3, e)]))],
        rivers=[(1, shapely.LineString([(0, 0), (e, e)]))],
        boundaries=[("township", shapely.LineString([(e / 2, 0), (e / 2, e)])),
                    ("county", shapely.LineString([(0, e * 0.8), (e, e * 0.8)]))],
        county=[shapely.box(0, 0, e, e * 0.8)],
    )


def test_basemap_renders_a_256_png_that_differs_by_style() -> None:
    tile = TileId(14, 13675, 6796)
    yy, xx = np.mgrid[0:68, 0:68]
    relief = basemap.ReliefGrid(elev=(300 + 5 * np.sin(xx / 6) * yy).astype(float), cells=64, cell_m=33.0)
    images = {}
    for name in ("dark", "light"):
        png = basemap.render_basemap(basemap.style_named(name), tile, _features(), relief)
        image = Image.open(io.BytesIO(png))
        assert image.format == "PNG" and image.size == (256, 256)
        images[name] = np.asarray(image.convert("RGB"), dtype=float)
    assert images["dark"].mean() < 100 < images["light"].mean()
    with pytest.raises(NotFound):
        basemap.style_named("sepia")

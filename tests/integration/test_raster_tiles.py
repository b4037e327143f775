"""Terrain (Terrarium) and basemap tiles over HTTP, checked against the source DEM and each other."""

from __future__ import annotations

import io
from pathlib import Path

import mercantile
import numpy as np
import pytest
import rasterio
from PIL import Image
from rasterio.warp import transform
from sqlalchemy import text

from cockpit.api import raster_tiles
from twin import terrain
from twin.terrain import terrarium_decode

SEAT = (120.905, 29.50)  # 新昌县城 (羽林/南明街道)
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "basemap"


@pytest.fixture(scope="module")
def raster_client(client):
    terrain.reset_state()
    return client


def dem_file(demo_database) -> Path:
    with demo_database["engine"].connect() as conn:
        rel = conn.execute(text("SELECT path FROM dem WHERE name = 'xinchang_dem_30m'")).scalar_one()
    return Path(demo_database["data_dir"]) / rel


def png(response) -> np.ndarray:
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "image/png"
    image = Image.open(io.BytesIO(response.data))
    assert image.size == (256, 256)
    return np.asarray(image.convert("RGB"))


@pytest.mark.parametrize("zoom", [12, 14])
def test_terrain_tile_over_the_seat_matches_the_dem(raster_client, demo_database, zoom: int) -> None:
    t = mercantile.tile(*SEAT, zoom)
    heights = terrarium_decode(png(raster_client.get(f"/tiles/terrain/{t.z}/{t.x}/{t.y}.png")))
    b = mercantile.xy_bounds(t)
    step = (b.right - b.left) / 256
    mx, my = np.meshgrid(b.left + (np.arange(256) + 0.5) * step, b.top - (np.arange(256) + 0.5) * step)
    with rasterio.open(dem_file(demo_database)) as ds:
        lon, lat = transform("EPSG:3857", ds.crs, mx.ravel(), my.ravel())
        expected = np.array([v[0] for v in ds.sample(zip(lon, lat, strict=True))], dtype=float).reshape(256, 256)
    # rasterio.sample takes the containing DEM cell, the tile interpolates bilinearly: the gap is
    # at most half a cell's rise, and small wherever the ground is smooth.
    error = np.abs(heights - expected)
    assert np.median(error) < 2.0
    assert np.percentile(error, 95) < 10.0
    assert heights.min() >= 30 and heights.max() <= 1000


def test_terrain_tile_far_outside_the_dem_is_flat(raster_client) -> None:
    t = mercantile.tile(118.0, 27.0, 9)
    heights = terrarium_decode(png(raster_client.get(f"/tiles/terrain/{t.z}/{t.x}/{t.y}.png")))
    assert np.ptp(heights) < 0.01


def test_basemap_tile_differs_between_dark_and_light(raster_client) -> None:
    t = mercantile.tile(*SEAT, 12)
    dark = png(raster_client.get(f"/tiles/basemap/dark/{t.z}/{t.x}/{t.y}.png")).astype(float)
    light = png(raster_client.get(f"/tiles/basemap/light/{t.z}/{t.x}/{t.y}.png")).astype(float)
    assert dark.mean() < 90 < 160 < light.mean()
    assert dark.std() > 3 and light.std() > 3  # relief and features, not a flat fill


@pytest.mark.parametrize("path", ["/tiles/terrain/12/{x}/{y}.png", "/tiles/basemap/dark/12/{x}/{y}.png"])
def test_etag_revalidation_gets_304(raster_client, path: str) -> None:
    t = mercantile.tile(*SEAT, 12)
    url = path.format(x=t.x, y=t.y)
    first = raster_client.get(url)
    assert first.status_code == 200
    assert first.headers["Cache-Control"] == raster_tiles.CACHE_CONTROL and "max-age" in raster_tiles.CACHE_CONTROL
    etag = first.headers["ETag"]
    again = raster_client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == etag


def test_editing_a_road_changes_the_basemap_etag(raster_client, demo_database) -> None:
    t = mercantile.tile(*SEAT, 12)
    url = f"/tiles/basemap/light/{t.z}/{t.x}/{t.y}.png"
    before = raster_client.get(url).headers["ETag"]
    with demo_database["engine"].begin() as conn:
        conn.execute(text("UPDATE road SET name = name WHERE id = (SELECT min(id) FROM road)"))
    terrain.reset_state()  # skip the few seconds the data version is trusted
    after = raster_client.get(url, headers={"If-None-Match": before})
    assert after.status_code == 200
    assert after.headers["ETag"] != before


@pytest.mark.parametrize(("url", "status"), [
    ("/tiles/terrain/abc/1/2.png", 400),
    ("/tiles/terrain/12/1.5/2.png", 400),
    ("/tiles/terrain/25/0/0.png", 404),
    ("/tiles/terrain/3/0/0.png", 404),
    ("/tiles/terrain/12/4096/0.png", 404),
    ("/tiles/terrain/12/0/-1.png", 404),
    ("/tiles/basemap/dark/19/0/0.png", 404),
    ("/tiles/basemap/sepia/12/3423/1701.png", 404),
])
def test_bad_tiles_get_a_json_reason(raster_client, url: str, status: int) -> None:
    response = raster_client.get(url)
    assert response.status_code == status
    body = response.get_json()
    assert body["error"] in ("invalid_input", "not_found")
    assert body["message"]


def _mosaic(client, style: str, z: int, centre: mercantile.Tile, n: int) -> np.ndarray:
    rows = []
    for j in range(n):
        row = [png(client.get(f"/tiles/basemap/{style}/{z}/{centre.x - n // 2 + i}/{centre.y - n // 2 + j}.png"))
               for i in range(n)]
        rows.append(np.concatenate(row, axis=1))
    return np.concatenate(rows, axis=0)


@pytest.mark.parametrize("style", ["dark", "light"])
def test_basemap_mosaics_join_without_seams(raster_client, style: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    county = _mosaic(raster_client, style, 10, mercantile.tile(121.0, 29.37, 10), 3)
    seat = _mosaic(raster_client, style, 14, mercantile.tile(*SEAT, 14), 2)
    Image.fromarray(county).save(ARTIFACTS / f"{style}_z10_county_3x3.png")
    Image.fromarray(seat).save(ARTIFACTS / f"{style}_z14_seat_2x2.png")
    for image in (county, seat):
        img = image.astype(float)
        # a seam would make the pixel steps across tile edges stand out among all pixel steps
        for steps in (np.abs(np.diff(img, axis=0)).mean(axis=(1, 2)), np.abs(np.diff(img, axis=1)).mean(axis=(0, 2))):
            typical = max(2 * float(np.median(steps)), float(np.percentile(steps, 95))) + 1.0
            assert all(steps[e - 1] <= typical for e in range(256, image.shape[0], 256))


def test_concurrent_requests_get_the_same_tiles(raster_client) -> None:
    from concurrent.futures import ThreadPoolExecutor

    centre = mercantile.tile(*SEAT, 13)
    urls = [f"/tiles/terrain/13/{centre.x + dx}/{centre.y + dy}.png" for dx in (-1, 0, 1) for dy in (-1, 0, 1)]
    urls += [u.replace("/terrain/", "/basemap/dark/") for u in urls[:4]]
    terrain.reset_state()
    sequential = [raster_client.get(u).data for u in urls]
    terrain.reset_state()
    with ThreadPoolExecutor(max_workers=6) as pool:  # DEM handles are pooled, never shared mid-read
        concurrent = list(pool.map(lambda u: raster_client.get(u).data, urls))
    assert concurrent == sequential

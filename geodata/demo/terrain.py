"""Demo stage 2: a ~30 m DEM of the county as a GeoTIFF, plus its ``dem`` metadata row.

The elevation model (``relief``) follows the real ETOPO5 trend (lower W/NW, ridges E/S), adds
ridged fractal mountains, and carves valleys along the rivers of the ``river`` table and basins at
the seats of the ``place_point`` table, so run it after geography. Values stay within 30–1000 m.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import rasterio
from rasterio.transform import from_origin
from shapely.geometry import box

from geodata import reference_data
from geodata.demo.context import DemoContext
from geodata.demo.hydro import carvers_from_tables
from geodata.demo.relief import MX, MY, Relief, to_local

DEM_NAME = "xinchang_dem_30m"
DEM_PATH = f"dem/{DEM_NAME}.tif"  # relative to the data directory
PIXEL_DEG = 0.0003  # ≈ 29 m east-west, 33 m north-south at 29.4° N
MARGIN_M = 2_000.0
CARVE_STEP = 8  # valley distances every 8 pixels (~250 m), interpolated between
SOURCE = ("synthetic: ETOPO5 trend (NOAA, via Debian ferret-datasets) + ridged fractal noise, "
          "valleys carved along the river table")


def dem_window() -> tuple[float, float, int, int]:
    """West, north, width and height of the DEM: the county bbox plus the margin, on the pixel grid."""
    minx, miny, maxx, maxy = reference_data.county_outline().bounds
    west = np.floor((minx - MARGIN_M / MX) / PIXEL_DEG) * PIXEL_DEG
    north = np.ceil((maxy + MARGIN_M / MY) / PIXEL_DEG) * PIXEL_DEG
    width = int(np.ceil((maxx + MARGIN_M / MX - west) / PIXEL_DEG))
    height = int(np.ceil((north - (miny - MARGIN_M / MY)) / PIXEL_DEG))
    return float(west), float(north), width, height


def generate_terrain(ctx: DemoContext) -> None:
    relief = Relief(ctx.rng("terrain"))
    carvers = carvers_from_tables(relief, ctx.tables["river"], ctx.tables["place_point"])
    west, north, width, height = dem_window()
    lons = west + (np.arange(width) + 0.5) * PIXEL_DEG
    lats = north - (np.arange(height) + 0.5) * PIXEL_DEG
    xs, _ = to_local(lons, np.zeros(width))  # the local frame is separable: x from lon, y from lat
    _, ys = to_local(np.zeros(height), lats)
    z = relief.grid(xs, ys, carvers, carve_step=CARVE_STEP).astype(np.float32)

    path = ctx.data_dir / DEM_PATH
    path.parent.mkdir(parents=True, exist_ok=True)
    profile = dict(driver="GTiff", width=width, height=height, count=1, dtype="float32", crs="EPSG:4490",
                   transform=from_origin(west, north, PIXEL_DEG, PIXEL_DEG), tiled=True, blockxsize=256,
                   blockysize=256, compress="deflate", predictor=3)
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(z, 1)
        dst.set_band_description(1, "elevation (m), synthetic")
        dst.update_tags(source=SOURCE, synthetic="true")

    south, east = north - height * PIXEL_DEG, west + width * PIXEL_DEG
    ctx.add("dem", pd.DataFrame([dict(
        id=int(ctx.ids("dem", 1)[0]), name=DEM_NAME, path=DEM_PATH, epsg=4490,
        resolution_m=round(float(np.sqrt(PIXEL_DEG * MX * PIXEL_DEG * MY)), 1), width=width, height=height,
        min_m=float(z.min()), max_m=float(z.max()), footprint=box(west, south, east, north),
        is_synthetic=True, source=SOURCE)]))

"""Heights from the DEM at given points (for labels and other inline 3D positions)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import rasterio
from sqlalchemy import text

from geodata.db import get_engine
from geodata.settings import get_settings


def dem_path(name: str = "xinchang_dem_30m") -> Path | None:
    with get_engine().connect() as conn:
        rel = conn.execute(text("SELECT path FROM dem WHERE name = :n"), {"n": name}).scalar()
    return None if rel is None else get_settings().data_dir / rel


def sample(points: Sequence[tuple[float, float]]) -> list[float]:
    """DEM heights (m) at lon/lat points; 0 where there is no DEM (nothing loaded, or outside it)."""
    path = dem_path()
    if path is None or not path.exists() or not points:
        return [0.0] * len(points)
    with rasterio.open(path) as ds:
        values = np.array([v[0] for v in ds.sample(points, masked=True)], dtype=object)
    return [0.0 if (v is np.ma.masked or v is None) else float(v) for v in values]

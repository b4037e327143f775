"""The real reference data vendored in ``geodata/reference`` (see PROVENANCE.md there)."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

REFERENCE_DIR = Path(__file__).resolve().parent / "reference"
COUNTY_CODE = "330624"
COUNTY_NAME = "新昌县"


@dataclass(frozen=True)
class Township:
    code: str  # NBS-2023, 9 digits (matches the village codes)
    mca_code: str  # MCA-2025, 12 digits, kept as an alias
    name: str

    @property
    def kind(self) -> str:
        return self.name[-2:] if self.name.endswith("街道") else self.name[-1]


@dataclass(frozen=True)
class Village:
    code: str
    town_code: str
    name: str

    @property
    def kind(self) -> str:
        return "社区" if "社区" in self.name or self.name.endswith("居委会") else "村"


@dataclass(frozen=True)
class Place:
    name_en: str
    names_zh: tuple[str, ...]
    lon: float
    lat: float


@dataclass(frozen=True)
class EtopoGrid:
    lon: np.ndarray
    lat: np.ndarray
    elev_m: np.ndarray  # shape (len(lat), len(lon)); lat ascending


def _read_json(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((REFERENCE_DIR / name).read_text(encoding="utf-8"))
    return data


@lru_cache(maxsize=1)
def county_outline() -> BaseGeometry:
    """The detailed outline (1,299 vertices, WGS84 ≈ CGCS2000), made valid."""
    data = _read_json("xinchang_county_amap_wgs84.geojson")
    geoms = [shape(f["geometry"]) for f in data["features"]]
    return shapely.make_valid(shapely.union_all(geoms))


@lru_cache(maxsize=1)
def townships() -> tuple[Township, ...]:
    with (REFERENCE_DIR / "xinchang_townships.csv").open(encoding="utf-8") as fh:
        return tuple(Township(r["code_nbs2023"], r["code_mca"], r["name"]) for r in csv.DictReader(fh))


@lru_cache(maxsize=1)
def villages() -> tuple[Village, ...]:
    with (REFERENCE_DIR / "xinchang_villages_nbs2023.csv").open(encoding="utf-8") as fh:
        return tuple(Village(r["code_nbs2023"], r["town_code"], r["name"]) for r in csv.DictReader(fh))


@lru_cache(maxsize=1)
def places() -> tuple[Place, ...]:
    data = _read_json("xinchang_geonames_points.geojson")
    out = []
    for f in data["features"]:
        lon, lat = f["geometry"]["coordinates"]
        p = f["properties"]
        out.append(Place(p["name"], tuple(p.get("name_zh") or ()), float(lon), float(lat)))
    return tuple(out)


@lru_cache(maxsize=1)
def real_rivers() -> tuple[BaseGeometry, ...]:
    data = _read_json("xinchang_area_wdb2_rivers.geojson")
    return tuple(shape(f["geometry"]) for f in data["features"])


@lru_cache(maxsize=1)
def etopo() -> EtopoGrid:
    data = _read_json("xinchang_etopo5_subset.json")
    return EtopoGrid(np.array(data["lon"]), np.array(data["lat"]), np.array(data["elev_m"], dtype=float))

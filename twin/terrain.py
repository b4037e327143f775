"""Terrain maths and the terrain tile service: web-mercator tiles, Terrarium encoding, hillshade, tints.

Terrarium (the encoding of the AWS/Mapzen terrain tiles, read by deck.gl's TerrainLayer):
``height = R * 256 + G + B / 256 - 32768`` metres, so heights are exact to 1/256 m.
"""

from __future__ import annotations

import hashlib
import io
import math
import threading
import time
from collections.abc import Callable, Container, Sequence
from dataclasses import dataclass

import numpy as np
from PIL import Image
from rasterio.enums import Resampling

from geodata import rasters
from geodata.cache import ByteLRU, TileCache
from geodata.errors import NotFound, ValidationFailed
from geodata.repositories import basemap as repo
from geodata.settings import get_settings

TILE_SIZE = 256
WEB_MERCATOR_HALF = math.pi * 6378137.0  # 20037508.34 m
TERRAIN_ZOOMS = (5, 15)  # beyond 15 the 30 m DEM is only interpolated; clients overzoom instead
DEM_NAME = "xinchang_dem_30m"
TERRARIUM_OFFSET = 32768.0
STATE_TTL_S = 2.0  # how long the DEM lookup and data versions are trusted before asking the DB again


@dataclass(frozen=True)
class TileId:
    z: int
    x: int
    y: int

    @classmethod
    def parse(cls, z: str, x: str, y: str, zooms: tuple[int, int]) -> TileId:
        """Validate path segments: non-integers are bad input (400), tiles outside the pyramid don't exist (404)."""
        try:
            zi, xi, yi = int(z), int(x), int(y)
        except ValueError as exc:
            raise ValidationFailed("tile coordinates z/x/y must be integers") from exc
        if not zooms[0] <= zi <= zooms[1]:
            raise NotFound(f"zoom {zi} is outside this tile set's range {zooms[0]}–{zooms[1]}")
        n = 2**zi
        if not (0 <= xi < n and 0 <= yi < n):
            raise NotFound(f"tile {zi}/{xi}/{yi} does not exist: x and y must be in 0–{n - 1} at zoom {zi}")
        return cls(zi, xi, yi)

    @property
    def size_m(self) -> float:
        return 2 * WEB_MERCATOR_HALF / 2**self.z

    @property
    def bounds(self) -> rasters.Bounds:
        """EPSG:3857 bounds (minx, miny, maxx, maxy)."""
        minx = -WEB_MERCATOR_HALF + self.x * self.size_m
        maxy = WEB_MERCATOR_HALF - self.y * self.size_m
        return minx, maxy - self.size_m, minx + self.size_m, maxy

    def padded_bounds(self, grid: int, pad: int) -> rasters.Bounds:
        """Bounds grown by ``pad`` cells of a ``grid``-cell tile: room for gradients and filters at the edges."""
        d = self.size_m / grid * pad
        minx, miny, maxx, maxy = self.bounds
        return minx - d, miny - d, maxx + d, maxy + d

    @property
    def center_lat(self) -> float:
        _, miny, _, maxy = self.bounds
        return math.degrees(math.atan(math.sinh((miny + maxy) / 2 / 6378137.0)))

    def ground_cell_m(self, grid: int) -> float:
        """True ground size of one cell of a ``grid``-cell tile (mercator metres shrink by cos(latitude))."""
        return self.size_m / grid * math.cos(math.radians(self.center_lat))


def terrarium_encode(elev: np.ndarray) -> np.ndarray:
    """Heights (m) → uint8 RGB (H, W, 3). NaN becomes 0 m; values are clamped to the encodable range."""
    v = np.nan_to_num(np.asarray(elev, dtype=np.float64), nan=0.0) + TERRARIUM_OFFSET
    v = np.clip(v, 0.0, 65536.0 - 1.0 / 256)
    scaled = np.floor(v * 256.0 + 0.5).astype(np.int64)  # in units of 1/256 m, rounded
    scaled = np.minimum(scaled, 65536 * 256 - 1)
    rgb = np.stack([scaled >> 16, (scaled >> 8) & 0xFF, scaled & 0xFF], axis=-1)
    return rgb.astype(np.uint8)


def terrarium_decode(rgb: np.ndarray) -> np.ndarray:
    rgb = np.asarray(rgb, dtype=np.float64)
    return rgb[..., 0] * 256.0 + rgb[..., 1] + rgb[..., 2] / 256.0 - TERRARIUM_OFFSET


def hillshade(elev: np.ndarray, cell_m: float, azimuth_deg: float = 315.0, altitude_deg: float = 45.0,
              z_factor: float = 1.0) -> np.ndarray:
    """Lambertian shading in [0, 1] of a north-up grid (row 0 = north) with square cells of ``cell_m``.

    Azimuth is clockwise from north (315 = light from the north-west, the cartographic convention,
    so that valleys read as valleys); a flat surface gets sin(altitude).
    """
    z = np.asarray(elev, dtype=np.float64) * z_factor
    d_south, d_east = np.gradient(z, cell_m)  # rows run southwards
    nx, ny, nz = -d_east, d_south, np.ones_like(z)  # surface normal, (east, north, up)
    norm = np.sqrt(nx * nx + ny * ny + 1.0)
    az, alt = math.radians(azimuth_deg), math.radians(altitude_deg)
    lx, ly, lz = math.sin(az) * math.cos(alt), math.cos(az) * math.cos(alt), math.sin(alt)
    return np.clip((nx * lx + ny * ly + nz * lz) / norm, 0.0, 1.0)


ColorStops = Sequence[tuple[float, tuple[int, int, int]]]


def hypsometric_tint(elev: np.ndarray, stops: ColorStops) -> np.ndarray:
    """Heights → float RGB (H, W, 3) in 0–255, linear between the (height, colour) stops."""
    heights = np.array([h for h, _ in stops], dtype=np.float64)
    colours = np.array([c for _, c in stops], dtype=np.float64)
    flat = np.asarray(elev, dtype=np.float64)
    return np.stack([np.interp(flat, heights, colours[:, k]) for k in range(3)], axis=-1)


def png_bytes(rgb: np.ndarray, compress_level: int = 6) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(rgb, dtype=np.uint8)).save(buf, "PNG", compress_level=compress_level)
    return buf.getvalue()


# --- the DEM of the loaded dataset -------------------------------------------------------------

@dataclass(frozen=True)
class DemState:
    reader: rasters.DemReader
    meta: repo.DemFile

    @property
    def version(self) -> str:
        return f"{self.meta.path}:{self.reader.version.token}"


class _Ttl:
    """A value recomputed at most every ``seconds``: DB lookups per tile would cost more than the tile."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._lock = threading.Lock()
        self._values: dict[str, tuple[float, object]] = {}

    def get(self, key: str, compute: Callable[[], object]) -> object:
        now = time.monotonic()
        with self._lock:
            hit = self._values.get(key)
        if hit is not None and now - hit[0] < self.seconds:
            return hit[1]
        value = compute()
        with self._lock:
            self._values[key] = (now, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._values.clear()


_state = _Ttl(STATE_TTL_S)


def current_dem() -> DemState:
    meta = _state.get("dem", lambda: repo.dem_file(DEM_NAME))
    if not isinstance(meta, repo.DemFile):
        raise NotFound("no elevation model is loaded: run 'python app.py demo load'")
    reader = rasters.open_dem(get_settings().data_dir / meta.path)  # checks the file's mtime each call
    return DemState(reader, meta)


def data_versions() -> tuple[int, ...]:
    return _state.get("versions", repo.data_versions)  # type: ignore[return-value]


def reset_state() -> None:
    """Forget cached lookups and tiles (tests switch databases within one process)."""
    _state.clear()
    _cache_clear()


# --- tile delivery: ETags and the rendered-tile cache ---------------------------------------------

@dataclass(frozen=True)
class RasterTile:
    content: bytes | None  # None: the client's copy (If-None-Match) is current
    etag: str


RENDERER_VERSION = "1"  # bump when the encoding or the look changes, so browsers drop old copies
_cache: TileCache = ByteLRU(max_bytes=64 * 1024 * 1024)


def use_cache(cache: TileCache) -> None:
    """Swap the tile store (a shared Redis cache when running several worker processes)."""
    global _cache
    _cache = cache


def _cache_clear() -> None:
    clear = getattr(_cache, "clear", None)
    if callable(clear):
        clear()


def make_etag(*parts: object) -> str:
    raw = "/".join(str(p) for p in (RENDERER_VERSION, *parts))
    return hashlib.sha1(raw.encode(), usedforsecurity=False).hexdigest()[:24]


def deliver(etag: str, known_etags: Container[str], render: Callable[[], bytes]) -> RasterTile:
    """304 when the client has it, else the cached bytes, else render and remember."""
    if etag in known_etags:
        return RasterTile(None, etag)
    content = _cache.get(etag)
    if content is None:
        content = render()
        _cache.put(etag, content)
    return RasterTile(content, etag)


def terrain_tile(tile: TileId, known_etags: Container[str] = ()) -> RasterTile:
    dem = current_dem()
    etag = make_etag("terrain", tile.z, tile.x, tile.y, dem.version)
    return deliver(etag, known_etags, lambda: render_terrain(dem, tile))


def render_terrain(dem: DemState, tile: TileId) -> bytes:
    elev = dem.reader.read(tile.bounds, TILE_SIZE, TILE_SIZE, Resampling.bilinear)
    # Terrarium's fractional byte is noise to zlib: level 2 is ~6x faster than 6 for ~6 % more bytes.
    return png_bytes(terrarium_encode(elev), compress_level=2)

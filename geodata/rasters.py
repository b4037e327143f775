"""DEM windows warped into web-mercator tile grids with rasterio/GDAL, safe to call from many threads.

rasterio dataset handles must not be shared between threads, and the Flask dev server (like any
threaded WSGI server) runs requests concurrently, so handles live in a small pool: a request
borrows one, warps its tile and returns it. GDAL releases the GIL while warping, so a pool (rather
than one handle behind a lock) lets tiles render in parallel.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import rasterio
from rasterio.crs import CRS
from rasterio.enums import Resampling
from rasterio.io import DatasetReader
from rasterio.transform import from_bounds
from rasterio.warp import reproject, transform

from geodata.errors import NotFound

WEB_MERCATOR = CRS.from_epsg(3857)
Bounds = tuple[float, float, float, float]  # minx, miny, maxx, maxy

# Beyond the DEM the surface eases from the DEM's edge down to a plain over this distance, so that
# 3D terrain shows a gentle slope at the data's edge instead of a cliff down to 0 m.
EDGE_FALLOFF_M = 3_000.0
EDGE_SMOOTH_PX = 20.0
_M_PER_DEG = 111_320.0


@dataclass(frozen=True)
class FileVersion:
    mtime_ns: int
    size: int

    @property
    def token(self) -> str:
        return f"{self.mtime_ns:x}-{self.size:x}"


def file_version(path: Path) -> FileVersion:
    try:
        st = path.stat()
    except FileNotFoundError as exc:
        raise NotFound("the elevation model file is missing: run 'python app.py demo load'") from exc
    return FileVersion(st.st_mtime_ns, st.st_size)


class DemReader:
    """One DEM file: a pool of open handles plus what is needed to fill tiles beyond its edge."""

    def __init__(self, path: Path, pool_size: int = 4) -> None:
        self.path = path
        self.version = file_version(path)
        self._pool: queue.LifoQueue[DatasetReader] = queue.LifoQueue()
        self._pool_size = pool_size
        self._opened = 0
        self._lock = threading.Lock()
        self._closed = False
        with self._dataset() as ds:
            self.crs: CRS = ds.crs
            self.width, self.height = ds.width, ds.height
            self.transform = ds.transform
            self.nodata = ds.nodata
            self.bounds: Bounds = tuple(ds.bounds)
            self._edges = _read_edges(ds)
        west, south, east, north = self.bounds
        xs, ys = transform(self.crs, WEB_MERCATOR, [west, east], [south, north])
        self.bounds_3857: Bounds = (xs[0], ys[0], xs[1], ys[1])
        border = np.concatenate(self._edges)
        finite = border[np.isfinite(border)]
        self.base_m = float(np.percentile(finite, 10)) if finite.size else 0.0

    @contextmanager
    def _dataset(self) -> Iterator[DatasetReader]:
        ds = self._borrow()
        try:
            yield ds
        finally:
            if self._closed:
                ds.close()
            else:
                self._pool.put(ds)

    def _borrow(self) -> DatasetReader:
        if self._closed:  # replaced while this request was under way: a private handle, closed after use
            return rasterio.open(self.path)
        try:
            return self._pool.get_nowait()
        except queue.Empty:
            pass
        with self._lock:
            if self._opened < self._pool_size:
                self._opened += 1
                return rasterio.open(self.path)
        return self._pool.get()  # every handle is busy: wait for one

    def read(self, bounds: Bounds, width: int, height: int, resampling: Resampling) -> np.ndarray:
        """Elevation (float32, metres) on a ``width`` × ``height`` grid over EPSG:3857 ``bounds``.

        Pixels are areas (the grid's outer edges are ``bounds``). Every pixel gets a value: outside
        the DEM the edge value eased towards the surrounding plain, internal holes the plain.
        """
        out = np.full((height, width), np.nan, dtype=np.float32)
        dst_transform = from_bounds(*bounds, width=width, height=height)
        if _intersects(self.bounds_3857, bounds):
            with self._dataset() as ds:
                reproject(
                    source=rasterio.band(ds, 1), destination=out,
                    src_nodata=self.nodata, dst_transform=dst_transform, dst_crs=WEB_MERCATOR,
                    dst_nodata=np.nan, resampling=resampling, num_threads=1,
                )
        missing = ~np.isfinite(out)
        if missing.any():
            out[missing] = self._fill(dst_transform, missing)
        return out

    def _fill(self, dst_transform: rasterio.Affine, missing: np.ndarray) -> np.ndarray:
        rows, cols = np.nonzero(missing)
        mx, my = dst_transform @ (cols + 0.5, rows + 0.5)
        lon, lat = transform(WEB_MERCATOR, self.crs, mx, my)
        col, row = ~self.transform @ (np.asarray(lon), np.asarray(lat))
        col, row = np.asarray(col) - 0.5, np.asarray(row) - 0.5  # pixel-centre coordinates
        ccol = np.clip(col, 0, self.width - 1)
        crow = np.clip(row, 0, self.height - 1)
        outside = (ccol != col) | (crow != row)
        top, bottom, left, right = self._edges
        edge = np.where(row < 0, np.interp(ccol, np.arange(self.width), top),
                        np.where(row > self.height - 1, np.interp(ccol, np.arange(self.width), bottom),
                                 np.where(col < 0, np.interp(crow, np.arange(self.height), left),
                                          np.interp(crow, np.arange(self.height), right))))
        edge = np.where(np.isfinite(edge), edge, self.base_m)
        res_x, res_y = abs(self.transform.a), abs(self.transform.e)
        lat_rad = np.radians(np.asarray(lat))
        dist_m = _M_PER_DEG * np.hypot((col - ccol) * res_x * np.cos(lat_rad), (row - crow) * res_y)
        eased = self.base_m + (edge - self.base_m) * np.exp(-dist_m / EDGE_FALLOFF_M)
        return np.where(outside, eased, self.base_m).astype(np.float32)

    def close(self) -> None:
        self._closed = True
        while True:
            try:
                self._pool.get_nowait().close()
            except queue.Empty:
                return


def _read_edges(ds: DatasetReader) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Top, bottom, left and right pixel rows/columns as float arrays (NaN where nodata)."""
    from rasterio.windows import Window

    def strip(window: Window) -> np.ndarray:
        data = ds.read(1, window=window, masked=True).astype(np.float64)
        return np.ma.filled(data, np.nan).ravel()

    w, h = ds.width, ds.height
    edges = (strip(Window(0, 0, w, 1)), strip(Window(0, h - 1, w, 1)),
             strip(Window(0, 0, 1, h)), strip(Window(w - 1, 0, 1, h)))
    # Smoothed along the edge: the fill extends each edge value outwards, so pixel-scale detail
    # would become streaks in a hillshade.
    return tuple(_smooth(e, EDGE_SMOOTH_PX) for e in edges)  # type: ignore[return-value]


def _smooth(values: np.ndarray, sigma: float) -> np.ndarray:
    """Gaussian smoothing of a 1-D profile that ignores NaNs and keeps its ends unbiased."""
    radius = int(3 * sigma)
    kernel = np.exp(-0.5 * (np.arange(-radius, radius + 1) / sigma) ** 2)
    valid = np.isfinite(values)
    num = np.convolve(np.where(valid, values, 0.0), kernel, mode="same")
    den = np.convolve(valid.astype(np.float64), kernel, mode="same")
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 1e-6, num / den, np.nan)


def _intersects(a: Bounds, b: Bounds) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


_readers: dict[Path, DemReader] = {}
_readers_lock = threading.Lock()


def open_dem(path: Path) -> DemReader:
    """The process-wide reader of ``path``, reopened when the file has been replaced (demo reload)."""
    path = path.resolve()
    current = file_version(path)
    with _readers_lock:
        reader = _readers.get(path)
        if reader is not None and reader.version == current:
            return reader
        if reader is not None:
            reader.close()
        try:
            reader = DemReader(path)
        except rasterio.errors.RasterioIOError as exc:
            raise NotFound("the elevation model file cannot be read", detail=str(exc)) from exc
        _readers[path] = reader
        return reader

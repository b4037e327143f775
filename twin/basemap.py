"""Our own basemap texture: hillshaded, tinted relief with rivers, roads and boundaries baked in.

It is draped over deck.gl's TerrainLayer as its texture (vector features drawn flat would vanish
under 3D terrain; baked into the texture they follow it exactly) and shown flat in 2D mode.
Rendering is a pure function of the tile's features and elevation grid: drawn at 2× on a canvas a
little larger than the tile (so glows and dashes match across tile edges), then downsampled, which
antialiases every edge.
"""

from __future__ import annotations

import io
import math
from collections.abc import Container, Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from PIL import Image, ImageDraw, ImageFilter
from rasterio.enums import Resampling
from shapely.geometry.base import BaseGeometry

from geodata.errors import NotFound
from geodata.repositories import basemap as repo
from twin import terrain
from twin.terrain import ColorStops, RasterTile, TileId

BASEMAP_ZOOMS = (5, 18)
SCALE = 2  # supersampling factor
RENDER_PX = terrain.TILE_SIZE * SCALE
PAD = 24  # canvas margin (render px): beyond any glow's reach, inside the features' clip buffer
RELIEF_PAD = 2  # extra relief cells on each side for gradients and the upsampling filter
SUN_AZIMUTH, SUN_ALTITUDE = 315.0, 45.0
# The veil outside the county thickens over this distance from its boundary: the relief fades out
# well before the DEM ends (2 km beyond the county's bounding box), so the DEM's edge never shows.
VEIL_FADE_M = 1_500.0
VEIL_NODES = 33  # distance samples across a tile (corners shared with the neighbours: no seams)
RGBA = tuple[int, int, int, int]

# Zoom from which each class is drawn (style-independent: it is about legibility, not colour).
ROAD_MIN_ZOOM = {"expressway": 5, "national": 7, "provincial": 8, "county": 10, "township": 11,
                 "urban": 12, "village": 13}
ROAD_ORDER = ("village", "urban", "township", "county", "provincial", "national", "expressway")  # bottom → top
RIVER_MIN_ZOOM = {1: 5, 2: 9, 3: 11}
TOWNSHIP_MIN_ZOOM, VILLAGE_MIN_ZOOM = 8, 12

# Line widths in output pixels at a zoom, interpolated between stops (zoom, width).
Widths = tuple[tuple[float, float], ...]
ROAD_WIDTHS: dict[str, Widths] = {
    "expressway": ((5, 0.7), (9, 1.6), (12, 3.2), (15, 7.0), (18, 20.0)),
    "national": ((7, 0.6), (9, 1.2), (12, 2.6), (15, 6.0), (18, 17.0)),
    "provincial": ((8, 0.6), (10, 1.1), (12, 2.2), (15, 5.0), (18, 15.0)),
    "county": ((10, 0.7), (12, 1.5), (15, 4.0), (18, 12.0)),
    "township": ((11, 0.6), (13, 1.3), (15, 3.2), (18, 10.0)),
    "urban": ((12, 0.8), (14, 1.8), (16, 4.5), (18, 11.0)),
    "village": ((13, 0.6), (15, 1.5), (18, 6.0)),
}
RIVER_WIDTHS: dict[int, Widths] = {
    1: ((5, 0.6), (9, 1.4), (12, 2.8), (15, 7.0), (18, 22.0)),
    2: ((9, 0.6), (12, 1.4), (15, 3.5), (18, 10.0)),
    3: ((11, 0.5), (13, 0.9), (15, 1.8), (18, 5.0)),
}


@dataclass(frozen=True)
class Stroke:
    color: RGBA
    widths: Widths
    dash: tuple[float, float] | None = None  # (on, period) in output px, anchored to the world grid

    def width_at(self, z: int) -> float:
        return _width(self.widths, z)


def _width(widths: Widths, z: int) -> float:
    zs, ws = zip(*widths, strict=True)
    return float(np.interp(z, zs, ws))


@dataclass(frozen=True)
class BasemapStyle:
    name: str
    tint: ColorStops  # hypsometric colours by height (m)
    shade_strength: float  # how far shadows darken / lit slopes brighten
    highlight: tuple[int, int, int]  # added on sun-facing slopes
    outside: RGBA  # veil outside the county; alpha at its boundary
    outside_far: int  # veil alpha from VEIL_FADE_M out
    roads: dict[str, RGBA]
    road_casing: RGBA | None  # drawn under roads from CASING_ZOOM
    river: RGBA
    village: Stroke
    township: Stroke
    county: Stroke
    county_glow: RGBA


CASING_ZOOM = 11

DARK = BasemapStyle(
    name="dark",
    tint=((0, (8, 22, 36)), (150, (10, 32, 48)), (400, (15, 46, 62)), (700, (24, 62, 78)), (1000, (38, 84, 98))),
    shade_strength=0.85, highlight=(36, 80, 100), outside=(5, 12, 22, 150), outside_far=250,
    roads={"expressway": (255, 176, 72, 255), "national": (240, 132, 76, 245), "provincial": (226, 190, 110, 235),
           "county": (150, 176, 198, 220), "township": (118, 145, 168, 210), "urban": (140, 166, 190, 215),
           "village": (96, 122, 146, 200)},
    road_casing=(4, 10, 18, 200), river=(48, 150, 220, 235),
    village=Stroke((96, 150, 186, 110), ((12, 0.5), (15, 1.0), (18, 1.5)), dash=(2.0, 4.0)),
    township=Stroke((120, 205, 255, 190), ((8, 0.6), (11, 1.1), (15, 1.8), (18, 2.5)), dash=(6.0, 9.0)),
    county=Stroke((150, 232, 255, 255), ((5, 1.0), (9, 1.8), (12, 2.6), (18, 4.0))),
    county_glow=(40, 190, 255, 90),
)

LIGHT = BasemapStyle(
    name="light",
    tint=((0, (226, 236, 214)), (150, (214, 228, 196)), (400, (200, 216, 176)), (700, (222, 212, 178)),
          (1000, (238, 230, 214))),
    shade_strength=0.55, highlight=(30, 28, 20), outside=(240, 240, 234, 140), outside_far=245,
    roads={"expressway": (240, 140, 60, 255), "national": (247, 190, 95, 255), "provincial": (250, 218, 130, 255),
           "county": (255, 255, 255, 255), "township": (255, 255, 255, 255), "urban": (255, 255, 255, 255),
           "village": (255, 255, 255, 240)},
    road_casing=(150, 140, 125, 230), river=(110, 170, 226, 255),
    village=Stroke((150, 130, 175, 150), ((12, 0.5), (15, 1.0), (18, 1.5)), dash=(2.0, 4.0)),
    township=Stroke((125, 95, 160, 210), ((8, 0.6), (11, 1.1), (15, 1.8), (18, 2.5)), dash=(6.0, 9.0)),
    county=Stroke((100, 70, 140, 255), ((5, 1.0), (9, 1.8), (12, 2.6), (18, 4.0))),
    county_glow=(150, 120, 200, 90),
)

STYLES = {s.name: s for s in (DARK, LIGHT)}


def style_named(name: str) -> BasemapStyle:
    style = STYLES.get(name)
    if style is None:
        raise NotFound(f"unknown basemap style '{name}': use one of {', '.join(sorted(STYLES))}")
    return style


def feature_query(tile: TileId) -> repo.FeatureQuery:
    z = tile.z
    return repo.FeatureQuery(
        z=z, x=tile.x, y=tile.y,
        road_classes=tuple(c for c, mz in ROAD_MIN_ZOOM.items() if z >= mz),
        max_river_rank=max((r for r, mz in RIVER_MIN_ZOOM.items() if z >= mz), default=0),
        boundary_levels=tuple(lvl for lvl, mz in (("county", 0), ("township", TOWNSHIP_MIN_ZOOM),
                                                  ("village", VILLAGE_MIN_ZOOM)) if z >= mz),
        edge_margin=VEIL_FADE_M / math.cos(math.radians(tile.center_lat)) / tile.size_m,
        render_px=RENDER_PX,
    )


# --- relief --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ReliefGrid:
    """Elevation (m) on ``cells`` × ``cells`` cells across the tile plus ``RELIEF_PAD`` on every side."""

    elev: np.ndarray
    cells: int
    cell_m: float  # true ground size of a cell


def relief_cells(tile: TileId, dem_resolution_m: float) -> int:
    """Cells across the tile: no finer than ~0.75 DEM pixels (finer only interpolates) nor than the
    output pixels (the 2× canvas is for antialiasing edges; smooth relief gains nothing from it)."""
    wanted = tile.ground_cell_m(1) / (0.75 * dem_resolution_m)
    return int(min(terrain.TILE_SIZE, max(32, math.ceil(wanted))))


def relief_resampling(tile: TileId, cells: int, dem_resolution_m: float) -> Resampling:
    """Averaging where cells span several DEM pixels (an antialiasing filter, and cheap), a smooth
    spline where they are finer (bilinear would leave the DEM's grid as creases in the hillshade)."""
    return Resampling.average if tile.ground_cell_m(cells) > 1.5 * dem_resolution_m else Resampling.cubic_spline


def exaggeration(z: int) -> float:
    """Vertical exaggeration of the hillshade: coarse cells flatten slopes, so low zooms get more."""
    return float(np.clip(1.0 + 0.45 * (13 - z), 1.0, 4.0))


def relief_image(style: BasemapStyle, grid: ReliefGrid | None, z: int) -> Image.Image:
    """The tile's tinted, hillshaded relief at RENDER_PX × RENDER_PX."""
    if grid is None:
        return Image.new("RGB", (RENDER_PX, RENDER_PX), style.tint[0][1])
    shade = terrain.hillshade(grid.elev, grid.cell_m, SUN_AZIMUTH, SUN_ALTITUDE, exaggeration(z))
    rel = shade / math.sin(math.radians(SUN_ALTITUDE)) - 1.0  # 0 on flat ground, <0 in shadow
    factor = np.clip(1.0 + style.shade_strength * rel, 0.25, 1.6)[..., None]
    lit = np.clip(rel, 0.0, None)[..., None] * np.array(style.highlight, dtype=np.float64)
    rgb = np.clip(terrain.hypsometric_tint(grid.elev, style.tint) * factor + lit, 0, 255).astype(np.uint8)
    image = Image.fromarray(rgb, "RGB")
    p, n = RELIEF_PAD, grid.cells
    # The box reaches into the padding, so the bicubic filter sees real neighbours at tile edges.
    return image.resize((RENDER_PX, RENDER_PX), Image.Resampling.BICUBIC, box=(p, p, p + n, p + n))


# --- vector drawing ------------------------------------------------------------------------------

def _lines(geoms: Sequence[BaseGeometry], scale: float) -> Iterator[np.ndarray]:
    """Every linestring (of lines or polygon rings) as canvas coordinates."""
    for geom in geoms:
        for part in shapely.get_parts(geom):
            rings = [part.exterior, *part.interiors] if part.geom_type == "Polygon" else [part]
            for ring in rings:
                coords = np.asarray(ring.coords)[:, :2] * scale + PAD
                if len(coords) >= 2:
                    yield coords


def dash_runs(lines: Sequence[np.ndarray], origin: tuple[float, float], on: float, period: float) -> list[np.ndarray]:
    """Cut polylines into dashes anchored to world pixel positions, not to where a line starts.

    Each segment is measured along its dominant axis in world pixels, so a dash is on wherever that
    coordinate modulo ``period`` is below ``on``: the pattern continues across tile edges, and a
    boundary shared by two areas (drawn twice, in opposite directions) dashes identically.
    """
    if not lines:
        return []
    p0 = np.concatenate([c[:-1] for c in lines])
    d = np.concatenate([c[1:] for c in lines]) - p0
    axis = (np.abs(d[:, 1]) > np.abs(d[:, 0])).astype(np.int64)
    rows = np.arange(len(d))
    span = d[rows, axis]
    keep = span != 0
    p0, d, axis, span, rows = p0[keep], d[keep], axis[keep], span[keep], np.arange(int(keep.sum()))
    t0 = p0[rows, axis] + np.asarray(origin)[axis]
    lo, hi = np.minimum(t0, t0 + span), np.maximum(t0, t0 + span)
    k0 = np.floor(lo / period).astype(np.int64)
    counts = np.floor(hi / period).astype(np.int64) - k0 + 1
    seg = np.repeat(rows, counts)  # one entry per (segment, period) pair
    k = k0[seg] + np.arange(len(seg)) - np.repeat(np.cumsum(counts) - counts, counts)
    a, b = np.maximum(lo[seg], k * period), np.minimum(hi[seg], k * period + on)
    on_part = b > a
    seg, a, b = seg[on_part], a[on_part], b[on_part]
    ua, ub = (a - t0[seg]) / span[seg], (b - t0[seg]) / span[seg]
    starts = p0[seg] + d[seg] * ua[:, None]
    ends = p0[seg] + d[seg] * ub[:, None]
    return list(np.stack([starts, ends], axis=1))


def _stroke(draw: ImageDraw.ImageDraw, lines: Sequence[np.ndarray], color: RGBA, width: float,
            caps: bool = True) -> None:
    """Polylines of a (render px) width; sub-pixel widths become 1 px at proportionally less alpha."""
    if width < 1.0:
        color = (*color[:3], int(color[3] * width))
        width = 1.0
    w = round(width)
    r = w / 2
    for coords in lines:
        pts = [tuple(p) for p in coords.tolist()]
        draw.line(pts, fill=color, width=w, joint="curve" if w > 2 else None)
        if caps and w > 2:
            for x, y in (pts[0], pts[-1]):
                draw.ellipse((x - r, y - r, x + r, y + r), fill=color)


def _blur(img: Image.Image, radius: float) -> Image.Image:
    """Gaussian blur at half resolution: a glow has no fine detail, and it is 4× cheaper."""
    half = img.reduce(2).filter(ImageFilter.GaussianBlur(radius / 2))
    return half.resize(img.size, Image.Resampling.BILINEAR)


def _layer(size: int) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    img = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    return img, ImageDraw.Draw(img)


def render_basemap(style: BasemapStyle, tile: TileId, features: repo.TileFeatures,
                   relief: ReliefGrid | None) -> bytes:
    """One 256 × 256 PNG: relief, the veil outside the county, boundaries, rivers, roads, county outline."""
    z, size = tile.z, RENDER_PX + 2 * PAD
    scale = RENDER_PX / features.extent
    px = SCALE  # output px → render px
    origin = (tile.x * RENDER_PX - PAD, tile.y * RENDER_PX - PAD)  # canvas (0, 0) in world render px

    canvas = Image.new("RGBA", (size, size), (*style.tint[0][1], 255))
    canvas.paste(relief_image(style, relief, z), (PAD, PAD))

    canvas = _veil(canvas, style, tile, features, scale)

    by_level: dict[str, list[BaseGeometry]] = {}
    for level, geom in features.boundaries:
        by_level.setdefault(level, []).append(geom)

    for stroke, level in ((style.village, "village"), (style.township, "township")):
        if level in by_level and stroke.dash is not None:
            img, draw = _layer(size)
            on, period = stroke.dash[0] * px, stroke.dash[1] * px
            runs = dash_runs(list(_lines(by_level[level], scale)), origin, on, period)
            _stroke(draw, runs, stroke.color, stroke.width_at(z) * px, caps=False)
            canvas = Image.alpha_composite(canvas, img)

    county_lines = list(_lines(by_level.get("county", []), scale))
    county_w = style.county.width_at(z) * px
    if county_lines:
        img, draw = _layer(size)
        _stroke(draw, county_lines, style.county_glow, county_w * 4)
        canvas = Image.alpha_composite(canvas, _blur(img, county_w * 1.5))

    if features.rivers:
        img, draw = _layer(size)
        for rank in sorted({r for r, _ in features.rivers}, reverse=True):
            geoms = [g for r, g in features.rivers if r == rank]
            _stroke(draw, list(_lines(geoms, scale)), style.river, _width(RIVER_WIDTHS[rank], z) * px)
        canvas = Image.alpha_composite(canvas, img)

    if features.roads:
        canvas = _draw_roads(canvas, style, features.roads, z, scale)

    if county_lines:
        img, draw = _layer(size)
        _stroke(draw, county_lines, style.county.color, county_w)
        canvas = Image.alpha_composite(canvas, img)

    out = canvas.crop((PAD, PAD, PAD + RENDER_PX, PAD + RENDER_PX)).convert("RGB")
    out = out.resize((terrain.TILE_SIZE, terrain.TILE_SIZE), Image.Resampling.LANCZOS)
    buf = io.BytesIO()
    out.save(buf, "PNG", compress_level=3)
    return buf.getvalue()


def _veil(canvas: Image.Image, style: BasemapStyle, tile: TileId, features: repo.TileFeatures,
          scale: float) -> Image.Image:
    """Dim everything outside the county, more with distance from its boundary."""
    size = canvas.width
    inside = Image.new("L", (size, size), 0)
    draw = ImageDraw.Draw(inside)
    for geom in features.county:
        for poly in shapely.get_parts(geom):
            if poly.geom_type == "Polygon":
                draw.polygon([tuple(p) for p in (np.asarray(poly.exterior.coords) * scale + PAD).tolist()], fill=255)
                for hole in poly.interiors:
                    draw.polygon([tuple(p) for p in (np.asarray(hole.coords) * scale + PAD).tolist()], fill=0)
    if inside.getextrema() == (255, 255):
        return canvas  # wholly inside the county
    alpha = np.zeros((size, size))
    alpha[PAD:-PAD, PAD:-PAD] = veil_alpha(style, tile, features)
    outside = 1.0 - np.asarray(inside, dtype=np.float64) / 255.0
    veil = Image.new("RGBA", (size, size), style.outside)
    veil.putalpha(Image.fromarray(np.round(alpha * outside * 255).astype(np.uint8), "L"))
    return Image.alpha_composite(canvas, veil)


def veil_alpha(style: BasemapStyle, tile: TileId, features: repo.TileFeatures) -> np.ndarray:
    """Veil opacity (0–1) over the tile at render resolution, as if everywhere were outside the county.

    Distances to the boundary are taken on a coarse node grid whose outer nodes lie on the tile's
    edges, then interpolated bilinearly: neighbouring tiles agree along their shared edge.
    """
    near, far = style.outside[3] / 255, style.outside_far / 255
    if not features.county_edge:  # the boundary is farther than the fade: wholly outside, or inside (unveiled)
        return np.full((RENDER_PX, RENDER_PX), far)
    nodes = np.linspace(0.0, features.extent, VEIL_NODES)
    gx, gy = np.meshgrid(nodes, nodes)
    spacing = features.extent / (VEIL_NODES - 1)
    edge = shapely.simplify(shapely.union_all(features.county_edge), spacing / 8)  # plenty for a soft ramp
    units = shapely.distance(edge, shapely.points(gx.ravel(), gy.ravel())).reshape(gx.shape)
    metres = units * tile.ground_cell_m(features.extent)
    t = np.clip(metres / VEIL_FADE_M, 0.0, 1.0)
    grid = near + (far - near) * t * t * (3 - 2 * t)  # smoothstep
    centres = (np.arange(RENDER_PX) + 0.5) / RENDER_PX * (VEIL_NODES - 1)
    rows = np.array([np.interp(centres, np.arange(VEIL_NODES), r) for r in grid])  # along x
    return np.array([np.interp(centres, np.arange(VEIL_NODES), c) for c in rows.T]).T  # along y


def _draw_roads(canvas: Image.Image, style: BasemapStyle, roads: list[tuple[str, BaseGeometry]], z: int,
                scale: float) -> Image.Image:
    by_class = {c: list(_lines([g for k, g in roads if k == c], scale)) for c in ROAD_ORDER}
    widths = {c: _width(ROAD_WIDTHS[c], z) * SCALE for c in ROAD_ORDER}
    if style.road_casing is not None and z >= CASING_ZOOM:
        img, draw = _layer(canvas.width)
        for c in ROAD_ORDER:
            _stroke(draw, by_class[c], style.road_casing, widths[c] + 1.5 * SCALE)
        canvas = Image.alpha_composite(canvas, img)
    img, draw = _layer(canvas.width)
    for c in ROAD_ORDER:
        _stroke(draw, by_class[c], style.roads[c], widths[c])
    return Image.alpha_composite(canvas, img)


# --- the service ---------------------------------------------------------------------------------

def basemap_tile(style_name: str, tile: TileId, known_etags: Container[str] = ()) -> RasterTile:
    style = style_named(style_name)
    try:
        dem: terrain.DemState | None = terrain.current_dem()
    except NotFound:
        dem = None  # no DEM loaded yet: flat tint, the vectors still draw
    dem_version = dem.version if dem is not None else "no-dem"
    etag = terrain.make_etag("basemap", style.name, tile.z, tile.x, tile.y, dem_version, terrain.data_versions())
    return terrain.deliver(etag, known_etags, lambda: _render(style, tile, dem))


def _render(style: BasemapStyle, tile: TileId, dem: terrain.DemState | None) -> bytes:
    features = repo.tile_features(feature_query(tile))
    relief = None
    if dem is not None:
        cells = relief_cells(tile, dem.meta.resolution_m)
        grid = cells + 2 * RELIEF_PAD
        resampling = relief_resampling(tile, cells, dem.meta.resolution_m)
        elev = dem.reader.read(tile.padded_bounds(cells, RELIEF_PAD), grid, grid, resampling)
        relief = ReliefGrid(elev, cells, tile.ground_cell_m(cells))
    return render_basemap(style, tile, features, relief)

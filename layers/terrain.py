"""Terrain (3D mesh from our DEM tiles, draped with our basemap texture) and the flat basemap (2D)."""

from __future__ import annotations

from typing import Any

import pydeck as pdk

from layers.base import LayerSpec, MapParams, to_dict

TERRAIN = LayerSpec(
    id="terrain", title_zh="地形", title_en="Terrain", group="base", synthetic=True,
    min_zoom=6, max_zoom=15,
)
BASEMAP = LayerSpec(
    id="basemap", title_zh="底图", title_en="Basemap", group="base", synthetic=True, min_zoom=6, max_zoom=18,
)

# Terrarium: height = R * 256 + G + B / 256 - 32768
TERRARIUM = {"rScaler": 256, "gScaler": 1, "bScaler": 1 / 256, "offset": -32768}
BOUNDS = [120.55, 29.1, 121.4, 29.7]


def basemap_url(theme: str) -> str:
    return f"/tiles/basemap/{theme}/{{z}}/{{x}}/{{y}}.png"


def build_terrain(params: MapParams, load_options: dict[str, Any]) -> dict[str, Any]:
    layer = pdk.Layer(
        "TerrainLayer",
        id=TERRAIN.id,
        min_zoom=TERRAIN.min_zoom,
        max_zoom=14,  # the texture follows this zoom; the ~30 m DEM adds no relief detail beyond it
        elevation_decoder=TERRARIUM,
        mesh_max_error=4,
        material=False,  # the texture carries its own hillshade; mesh lighting would show facets
        bounds=BOUNDS,
        load_options=load_options,
        pickable=False,
    )
    return to_dict(layer, elevationData="/tiles/terrain/{z}/{x}/{y}.png", texture=basemap_url(params.theme))


def build_basemap(params: MapParams) -> dict[str, Any]:
    layer = pdk.Layer(
        "TileLayer", id=BASEMAP.id, min_zoom=BASEMAP.min_zoom, max_zoom=16, tile_size=256, extent=BOUNDS,
        pickable=False,
    )
    return to_dict(layer, data=basemap_url(params.theme))

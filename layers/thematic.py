"""Thematic vector-tile layers: 3D buildings, grid cells, standard addresses, population, enterprises."""

from __future__ import annotations

from typing import Any

import pydeck as pdk

from layers.base import DEPTH_ON_TOP, RGBA, LayerSpec, LegendItem, MapParams, lit, rgba, to_dict

BUILDING_COLOURS = {"dark": rgba("#f9c74f", 235), "light": rgba("#e09f3e", 235)}

BUILDINGS = LayerSpec(
    id="buildings", title_zh="三维建筑", title_en="3D buildings", group="thematic", min_zoom=12,
    tooltip="{code}\n{floors} 层 · {height_m} m", fields=("code", "use", "floors", "height_m"),
    legend=(LegendItem("建筑（高度拉伸）", "Buildings (extruded by height)", rgba("#f9c74f"), "extrusion"),),
)
GRID_CELLS = LayerSpec(
    id="grid-cells", title_zh="网格（常住人口）", title_en="Grid cells (residents)", group="thematic",
    min_zoom=10, default_visible=False, tooltip="{name}\n{code}\n常住人口 {resident_count}",
    fields=("code", "name", "resident_count"),
    legend=(LegendItem("网格", "Grid cell", rgba("#2a9d8f"), "fill"),),
)
ADDRESSES = LayerSpec(
    id="addresses", title_zh="标准地址", title_en="Standard addresses", group="thematic", min_zoom=10, personal=True,
    default_visible=False, tooltip="{full_text}", fields=("full_text", "code", "count"),
    legend=(LegendItem("标准地址", "Standard address", rgba("#b5179e"), "point"),),
)
POPULATION = LayerSpec(
    id="population", title_zh="人口分布（汇总）", title_en="Population (aggregated)", group="thematic", personal=True,
    min_zoom=8, default_visible=False, tooltip="常住人口 {residents}\n65岁以上 {over_65}",
    fields=("residents", "over_65"),
    legend=(LegendItem("人口（圆越大人越多）", "Residents (larger = more)", rgba("#e63946"), "point"),),
)
PARCELS = LayerSpec(
    id="parcels", title_zh="园区地块", title_en="Park parcels", group="thematic", min_zoom=11,
    tooltip="{code}\n{land_use} · {status_label}", fields=("code", "land_use", "status", "area_m2"),
    legend=(LegendItem("已开发", "Developed", rgba("#43aa8b"), "fill"), LegendItem("在建", "Under construction",
            rgba("#f9c74f"), "fill"), LegendItem("闲置低效", "Idle", rgba("#f94144"), "fill")),
)
ENTERPRISES = LayerSpec(
    id="enterprises", title_zh="企业", title_en="Enterprises", group="thematic", min_zoom=10,
    tooltip="{name}\n{uscc}", fields=("name", "uscc", "chain", "size"),
    legend=(LegendItem("企业", "Enterprise", rgba("#06d6a0"), "point"),),
)


def _mvt(spec: LayerSpec, source: str, load_options: dict[str, Any], raw: dict[str, Any] | None = None,
         **props: Any) -> dict[str, Any]:
    # binary=False: these layers read feature properties through field-path accessors (heights,
    # radii), which is what the GeoJSON path of MVTLayer hands them.
    layer = pdk.Layer("MVTLayer", id=spec.id, min_zoom=int(spec.min_zoom), max_zoom=16, pickable=True,
                      auto_highlight=True, binary=False, load_options=load_options, **props)
    return to_dict(layer, data=f"/tiles/{source}/{{z}}/{{x}}/{{y}}.mvt", **(raw or {}))


def build_buildings(params: MapParams, load_options: dict[str, Any]) -> dict[str, Any]:
    return _mvt(
        BUILDINGS, "buildings", load_options,
        get_fill_color=list(BUILDING_COLOURS[params.theme]),
        extruded=params.mode == "3d", get_elevation="properties.height_m", material=False,
        get_line_color=[0, 0, 0, 0], highlight_color=[255, 255, 255, 200], parameters=DEPTH_ON_TOP,
    )


def build_grid_cells(params: MapParams, load_options: dict[str, Any]) -> dict[str, Any]:
    return _mvt(
        GRID_CELLS, "grid_cells", load_options,
        get_fill_color=[42, 157, 143, 40], get_line_color=[140, 230, 210, 160], line_width_min_pixels=1,
        parameters=DEPTH_ON_TOP,
    )


def build_addresses(params: MapParams, load_options: dict[str, Any]) -> dict[str, Any]:
    return _mvt(
        ADDRESSES, "addresses", load_options, point_type=lit("circle"), get_fill_color=list(rgba("#b5179e", 220)),
        point_radius_units=lit("pixels"), get_point_radius=3, parameters=DEPTH_ON_TOP,
    )


def build_population(params: MapParams, load_options: dict[str, Any]) -> dict[str, Any]:
    return _mvt(
        POPULATION, "population", load_options,
        get_fill_color=list(rgba("#e63946", 190)), point_type=lit("circle"), point_radius_units=lit("pixels"),
        get_point_radius="properties.radius_px", parameters=DEPTH_ON_TOP,
    )


def build_enterprises(params: MapParams, load_options: dict[str, Any]) -> dict[str, Any]:
    return _mvt(
        ENTERPRISES, "enterprises", load_options, point_type=lit("circle"), get_fill_color=list(rgba("#06d6a0", 230)),
        get_line_color=[0, 0, 0, 200], line_width_min_pixels=1, point_radius_units=lit("pixels"), get_point_radius=5,
        parameters=DEPTH_ON_TOP,
    )



PARCEL_STATUS: dict[str, tuple[str, str, RGBA]] = {
    "developed": ("已开发", "Developed", rgba("#43aa8b", 150)),
    "under_construction": ("在建", "Under construction", rgba("#f9c74f", 160)),
    "vacant": ("空地", "Vacant", rgba("#adb5bd", 150)),
    "idle": ("闲置低效", "Idle", rgba("#f94144", 170)),
}


def build_parcels(params: MapParams, parcels: dict[str, Any]) -> dict[str, Any]:
    """Parcels inline (a few hundred polygons), coloured by status here rather than in the browser."""
    en = params.lang == "en"
    features = [{**f, "properties": {
        **f["properties"], "status_label": PARCEL_STATUS[f["properties"]["status"]][1 if en else 0],
        "fill": list(PARCEL_STATUS[f["properties"]["status"]][2])}}
        for f in parcels.get("features", []) if f["properties"]["status"] in PARCEL_STATUS]
    layer = pdk.Layer(
        "GeoJsonLayer", id=PARCELS.id, data={"type": "FeatureCollection", "features": features},
        get_fill_color="properties.fill", get_line_color=[255, 255, 255, 170], line_width_min_pixels=1,
        pickable=True, auto_highlight=True, parameters=DEPTH_ON_TOP,
    )
    return to_dict(layer)

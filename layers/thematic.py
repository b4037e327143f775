"""Thematic vector-tile layers: 3D buildings, grid cells, standard addresses, population, enterprises."""

from __future__ import annotations

from typing import Any

import pydeck as pdk

from layers.base import DEPTH_ON_TOP, LayerSpec, LegendItem, MapParams, lit, rgba, to_dict

BUILDINGS = LayerSpec(
    id="buildings", title_zh="三维建筑", title_en="3D buildings", group="thematic", min_zoom=12,
    tooltip="{code}\n{floors} 层 · {height_m} m", fields=("code", "use", "floors", "height_m"),
    legend=(LegendItem("建筑（按高度）", "Buildings (by height)", rgba("#f9c74f"), "ramp"),),
)
GRID_CELLS = LayerSpec(
    id="grid-cells", title_zh="网格（常住人口）", title_en="Grid cells (residents)", group="thematic",
    min_zoom=10, default_visible=False, tooltip="{name}\n{code}\n常住人口 {resident_count}",
    fields=("code", "name", "resident_count"),
    legend=(LegendItem("人口少 → 多", "fewer → more residents", rgba("#2a9d8f"), "ramp"),),
)
ADDRESSES = LayerSpec(
    id="addresses", title_zh="标准地址", title_en="Standard addresses", group="thematic", min_zoom=10,
    default_visible=False, tooltip="{full_text}", fields=("full_text", "code", "count"),
    legend=(LegendItem("标准地址", "Standard address", rgba("#b5179e"), "point"),),
)
POPULATION = LayerSpec(
    id="population", title_zh="人口分布（汇总）", title_en="Population (aggregated)", group="thematic",
    min_zoom=8, default_visible=False, tooltip="常住人口 {residents}\n65岁以上 {over_65}",
    fields=("residents", "over_65"),
    legend=(LegendItem("人口密度", "Population density", rgba("#e63946"), "ramp"),),
)
PARCELS = LayerSpec(
    id="parcels", title_zh="园区地块", title_en="Park parcels", group="thematic", min_zoom=11,
    tooltip="{code}\n{land_use} · {status}", fields=("code", "land_use", "status", "area_m2"),
    legend=(LegendItem("已开发 → 闲置", "developed → idle", rgba("#43aa8b"), "ramp"),),
)
ENTERPRISES = LayerSpec(
    id="enterprises", title_zh="企业", title_en="Enterprises", group="thematic", min_zoom=10,
    tooltip="{name}\n{uscc}", fields=("name", "uscc", "chain", "size"),
    legend=(LegendItem("企业", "Enterprise", rgba("#06d6a0"), "point"),),
)


def _mvt(spec: LayerSpec, source: str, load_options: dict[str, Any], raw: dict[str, Any] | None = None,
         **props: Any) -> dict[str, Any]:
    layer = pdk.Layer("MVTLayer", id=spec.id, min_zoom=int(spec.min_zoom), max_zoom=16, pickable=True,
                      auto_highlight=True, load_options=load_options, **props)
    return to_dict(layer, data=f"/tiles/{source}/{{z}}/{{x}}/{{y}}.mvt", **(raw or {}))


def build_buildings(params: MapParams, load_options: dict[str, Any]) -> dict[str, Any]:
    return _mvt(
        BUILDINGS, "buildings", load_options,
        raw={"getFillColor": "@@scale(YlOrRd, properties.height_m, 0, 60, 235)"},
        extruded=params.mode == "3d", get_elevation="properties.height_m", material=False,
        get_line_color=[0, 0, 0, 0], highlight_color=[255, 255, 255, 200], parameters=DEPTH_ON_TOP,
    )


def build_grid_cells(params: MapParams, load_options: dict[str, Any]) -> dict[str, Any]:
    return _mvt(
        GRID_CELLS, "grid_cells", load_options,
        raw={"getFillColor": "@@scale(YlGnBu, properties.resident_count, 0, 3000, 150)"},
        get_line_color=[255, 255, 255, 90], line_width_min_pixels=1, parameters=DEPTH_ON_TOP,
    )


def build_addresses(params: MapParams, load_options: dict[str, Any]) -> dict[str, Any]:
    return _mvt(
        ADDRESSES, "addresses", load_options, point_type=lit("circle"), get_fill_color=list(rgba("#b5179e", 220)),
        point_radius_units=lit("pixels"), get_point_radius=3, parameters=DEPTH_ON_TOP,
    )


def build_population(params: MapParams, load_options: dict[str, Any]) -> dict[str, Any]:
    return _mvt(
        POPULATION, "population", load_options,
        raw={"getFillColor": "@@scale(Reds, properties.residents, 0, 400, 210)"},
        point_type=lit("circle"), point_radius_units=lit("pixels"), get_point_radius=5, parameters=DEPTH_ON_TOP,
    )


def build_enterprises(params: MapParams, load_options: dict[str, Any]) -> dict[str, Any]:
    return _mvt(
        ENTERPRISES, "enterprises", load_options, point_type=lit("circle"), get_fill_color=list(rgba("#06d6a0", 230)),
        get_line_color=[0, 0, 0, 200], line_width_min_pixels=1, point_radius_units=lit("pixels"), get_point_radius=5,
        parameters=DEPTH_ON_TOP,
    )


def build_parcels(params: MapParams, load_options: dict[str, Any]) -> dict[str, Any]:
    # status_rank: 0 developed, 1 under construction, 2 vacant, 3 idle — idle land stands out in red
    return _mvt(
        PARCELS, "parcels", load_options,
        raw={"getFillColor": "@@scale(RdYlGn:reverse, properties.status_rank, 0, 3, 150)"},
        get_line_color=[255, 255, 255, 160], line_width_min_pixels=1, parameters=DEPTH_ON_TOP,
    )

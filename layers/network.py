"""Rivers and roads as vector tiles (overlays; the basemap texture also carries them, draped)."""

from __future__ import annotations

from typing import Any

import pydeck as pdk

from layers.base import DEPTH_ON_TOP, LayerSpec, LegendItem, MapParams, lit, rgba, to_dict

RIVERS = LayerSpec(
    id="rivers", flat_only=True, title_zh="河流", title_en="Rivers", group="base", tooltip="{name}",
    legend=(LegendItem("河流", "River", rgba("#3b6cff"), "line"),), fields=("name", "rank"),
)
ROADS = LayerSpec(
    id="roads", flat_only=True, title_zh="道路", title_en="Roads", group="base", tooltip="{name}\n{road_class}",
    legend=(LegendItem("道路", "Road", rgba("#f4a261"), "line"),), fields=("name", "road_class"),
)
COLOURS = {"dark": {"rivers": rgba("#3b6cff"), "roads": rgba("#f4a261", 220)},
           "light": {"rivers": rgba("#0077b6"), "roads": rgba("#e76f51", 220)}}


def _lines(spec: LayerSpec, params: MapParams, load_options: dict[str, Any], width: int | str) -> dict[str, Any]:
    layer = pdk.Layer(
        "MVTLayer", id=spec.id, min_zoom=6, max_zoom=14, get_line_color=list(COLOURS[params.theme][spec.id]),
        get_line_width=width, line_width_min_pixels=1, line_width_units=lit("pixels"), pickable=True,
        auto_highlight=True, highlight_color=[255, 255, 255, 160], load_options=load_options, parameters=DEPTH_ON_TOP,
        binary=False,  # road widths come from a feature property
    )
    return to_dict(layer, data=f"/tiles/{spec.id}/{{z}}/{{x}}/{{y}}.mvt")


def build_rivers(params: MapParams, load_options: dict[str, Any]) -> dict[str, Any]:
    return _lines(RIVERS, params, load_options, 2)


def build_roads(params: MapParams, load_options: dict[str, Any]) -> dict[str, Any]:
    return _lines(ROADS, params, load_options, "properties.width_px")  # by class: expressway widest

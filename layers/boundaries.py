"""Administrative boundaries: the county outline and townships inline, villages as vector tiles."""

from __future__ import annotations

from typing import Any

import pydeck as pdk

from layers.base import DEPTH_ON_TOP, RGBA, LayerSpec, LegendItem, MapParams, lit, rgba, to_dict

COUNTY = LayerSpec(
    id="county-outline", flat_only=True, title_zh="县界", title_en="County boundary", group="admin", synthetic=False,
    legend=(LegendItem("县界（真实）", "County boundary (real)", rgba("#ffd166"), "line"),),
)
TOWNSHIPS = LayerSpec(
    id="township-boundaries", flat_only=True, title_zh="乡镇街道界", title_en="Township boundaries", group="admin",
    legend=(LegendItem("乡镇街道界（模拟）", "Township boundary (synthetic)", rgba("#4cc9f0"), "line"),),
)
VILLAGES = LayerSpec(
    id="villages", title_zh="村社区", title_en="Villages and communities", group="admin",
    legend=(LegendItem("村社区（模拟边界）", "Village (synthetic boundary)", rgba("#90e0ef", 90), "fill"),),
    tooltip="{name}\n{code}", min_zoom=8, fields=("code", "name", "kind", "town_code"),
)

LINE = {"dark": {"county": rgba("#ffd166"), "township": rgba("#4cc9f0", 230), "village": rgba("#90e0ef", 150)},
        "light": {"county": rgba("#c1121f"), "township": rgba("#5a189a", 220), "village": rgba("#7b2cbf", 120)}}


def _outline(spec: LayerSpec, colour: RGBA, width: int, lines: dict[str, Any]) -> dict[str, Any]:
    layer = pdk.Layer(
        "GeoJsonLayer", id=spec.id, data=lines, stroked=True, filled=False, get_line_color=list(colour),
        line_width_min_pixels=width, pickable=False, parameters=DEPTH_ON_TOP,
    )
    return to_dict(layer)


def build_county(params: MapParams, outline: dict[str, Any]) -> dict[str, Any]:
    return _outline(COUNTY, LINE[params.theme]["county"], 3, outline)


def build_townships(params: MapParams, outlines: dict[str, Any]) -> dict[str, Any]:
    return _outline(TOWNSHIPS, LINE[params.theme]["township"], 2, outlines)


def build_villages(params: MapParams, load_options: dict[str, Any]) -> dict[str, Any]:
    line = list(LINE[params.theme]["village"])
    layer = pdk.Layer(
        "MVTLayer", id=VILLAGES.id, min_zoom=VILLAGES.min_zoom, max_zoom=14, unique_id_property=lit("code"),
        get_fill_color=[line[0], line[1], line[2], 28], get_line_color=line, line_width_min_pixels=1,
        pickable=True, auto_highlight=True, highlight_color=[255, 209, 102, 45],
        load_options=load_options, parameters=DEPTH_ON_TOP,
    )
    return to_dict(layer, data="/tiles/villages/{z}/{x}/{y}.mvt")

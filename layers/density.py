"""Aggregated density views (heatmap, 3D hexagons) from per-grid-cell resident counts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pydeck as pdk

from layers.base import DEPTH_ON_TOP, LayerSpec, LegendItem, MapParams, lit, rgba, to_dict

RAMP = [[255, 255, 178], [254, 217, 118], [254, 178, 76], [253, 141, 60], [240, 59, 32], [189, 0, 38]]

HEATMAP = LayerSpec(id="population-heatmap", title_zh="人口热力", title_en="Population heatmap", group="thematic",
                    personal=True,
                    default_visible=False,
                    legend=(LegendItem("人口热力（汇总）", "Population heat (aggregated)", rgba("#f03b20"), "ramp"),))
HEXAGONS = LayerSpec(id="population-hexagons", title_zh="人口六边形（三维）", title_en="Population hexagons (3D)",
                     group="thematic", default_visible=False, tooltip="常住人口 {elevationValue}", personal=True,
                     legend=(LegendItem("人口（1 km 六边形）", "Residents (1 km hexagons)", rgba("#fd8d3c"), "ramp"),))


def _points(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"position": [r["lon"], r["lat"]], "residents": r["residents"]} for r in rows]


def build_heatmap(params: MapParams, rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    layer = pdk.Layer(
        "HeatmapLayer", id=HEATMAP.id, data=_points(rows), get_position="position", get_weight="residents",
        radius_pixels=40, intensity=1, threshold=0.05, color_range=RAMP, parameters=DEPTH_ON_TOP,
    )
    return to_dict(layer)


def build_hexagons(params: MapParams, rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    layer = pdk.Layer(
        "HexagonLayer", id=HEXAGONS.id, data=_points(rows), get_position="position",
        get_elevation_weight="residents", get_color_weight="residents", elevation_aggregation=lit("SUM"),
        color_aggregation=lit("SUM"), radius=1000, elevation_scale=4, extruded=params.mode == "3d",
        coverage=0.85, color_range=RAMP, pickable=True, auto_highlight=True,
    )
    return to_dict(layer)

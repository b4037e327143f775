"""Every layer family, in drawing order (bottom → top), for the county map."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from layers import boundaries, labels, network, terrain, thematic
from layers.base import LayerSpec, MapParams

Built = tuple[LayerSpec, dict[str, Any]]


@dataclass(frozen=True)
class BaseMapData:
    county_outline: dict[str, Any]
    township_outlines: dict[str, Any]
    township_labels: list[dict[str, Any]]  # {"text", "position": [lon, lat, z], "code"}
    village_labels: list[dict[str, Any]]


ALL_SPECS: tuple[LayerSpec, ...] = (
    terrain.TERRAIN, terrain.BASEMAP, boundaries.VILLAGES, thematic.GRID_CELLS, boundaries.TOWNSHIPS,
    boundaries.COUNTY, network.RIVERS, network.ROADS, thematic.POPULATION, thematic.ADDRESSES,
    thematic.BUILDINGS, thematic.ENTERPRISES, labels.VILLAGE_LABELS, labels.TOWNSHIP_LABELS,
)


def county_map(params: MapParams, data: BaseMapData, load_options: dict[str, Any]) -> list[Built]:
    return [
        (terrain.TERRAIN, terrain.build_terrain(params, load_options)),
        (terrain.BASEMAP, terrain.build_basemap(params)),
        (boundaries.VILLAGES, boundaries.build_villages(params, load_options)),
        (thematic.GRID_CELLS, thematic.build_grid_cells(params, load_options)),
        (boundaries.TOWNSHIPS, boundaries.build_townships(params, data.township_outlines)),
        (boundaries.COUNTY, boundaries.build_county(params, data.county_outline)),
        (network.RIVERS, network.build_rivers(params, load_options)),
        (network.ROADS, network.build_roads(params, load_options)),
        (thematic.POPULATION, thematic.build_population(params, load_options)),
        (thematic.ADDRESSES, thematic.build_addresses(params, load_options)),
        (thematic.BUILDINGS, thematic.build_buildings(params, load_options)),
        (thematic.ENTERPRISES, thematic.build_enterprises(params, load_options)),
        (labels.VILLAGE_LABELS, labels.build(labels.VILLAGE_LABELS, params, data.village_labels, 12)),
        (labels.TOWNSHIP_LABELS, labels.build(labels.TOWNSHIP_LABELS, params, data.township_labels, 18)),
    ]

"""Every layer family, in drawing order (bottom → top), for the county map."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from layers import boundaries, density, emergency, labels, network, terrain, thematic
from layers.base import LayerSpec, MapParams

Built = tuple[LayerSpec, dict[str, Any]]
Rows = list[dict[str, Any]]


@dataclass(frozen=True)
class CountyMapData:
    county_outline: dict[str, Any]
    township_outlines: dict[str, Any]
    township_labels: Rows  # {"text", "position": [lon, lat, z], "code"}
    village_labels: Rows
    sensors: Rows = field(default_factory=list)
    incidents: Rows = field(default_factory=list)
    resources: Rows = field(default_factory=list)
    warnings: Rows = field(default_factory=list)
    alarms: Rows = field(default_factory=list)  # open sensor alarms with the sensor's lon/lat
    density: Rows = field(default_factory=list)
    parcels: dict[str, Any] = field(default_factory=lambda: {"type": "FeatureCollection", "features": []})


ALL_SPECS: tuple[LayerSpec, ...] = (
    terrain.TERRAIN, terrain.BASEMAP, boundaries.VILLAGES, thematic.GRID_CELLS, emergency.WARNINGS,
    thematic.PARCELS, boundaries.TOWNSHIPS, boundaries.COUNTY, network.RIVERS, network.ROADS,
    density.HEATMAP, density.HEXAGONS, thematic.POPULATION, thematic.ADDRESSES, thematic.BUILDINGS,
    thematic.ENTERPRISES, emergency.SENSORS, emergency.RESOURCES, emergency.INCIDENTS, emergency.ALARMS,
    labels.NEIGHBOUR_LABELS,
    labels.VILLAGE_LABELS, labels.TOWNSHIP_LABELS,
)


def county_map(params: MapParams, data: CountyMapData, load_options: dict[str, Any], *,
               personal: bool = True) -> list[Built]:
    """All layers, or (``personal=False``) none built from personal data, not even aggregated."""
    built: dict[str, dict[str, Any]] = {
        "terrain": terrain.build_terrain(params, load_options),
        "basemap": terrain.build_basemap(params),
        "villages": boundaries.build_villages(params, load_options),
        "grid-cells": thematic.build_grid_cells(params, load_options),
        "warnings": emergency.build_warnings(params, data.warnings),
        "parcels": thematic.build_parcels(params, data.parcels),
        "township-boundaries": boundaries.build_townships(params, data.township_outlines),
        "county-outline": boundaries.build_county(params, data.county_outline),
        "rivers": network.build_rivers(params, load_options),
        "roads": network.build_roads(params, load_options),
        "population-heatmap": density.build_heatmap(params, data.density),
        "population-hexagons": density.build_hexagons(params, data.density),
        "population": thematic.build_population(params, load_options),
        "addresses": thematic.build_addresses(params, load_options),
        "buildings": thematic.build_buildings(params, load_options),
        "enterprises": thematic.build_enterprises(params, load_options),
        "sensors": emergency.build_sensors(params, data.sensors),
        "resources": emergency.build_resources(params, data.resources),
        "incidents": emergency.build_incidents(params, data.incidents),
        "sensor-alarms": emergency.build_alarms(params, data.alarms),
        "neighbour-labels": labels.build_neighbours(params),
        "village-labels": labels.build(labels.VILLAGE_LABELS, params, data.village_labels, 12),
        "township-labels": labels.build(labels.TOWNSHIP_LABELS, params, data.township_labels, 18),
    }
    return [(spec, built[spec.id]) for spec in ALL_SPECS if personal or not spec.personal]

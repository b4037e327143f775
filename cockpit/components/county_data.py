"""The county map's inputs, gathered from the services once per page build (shared by the map pages)."""

from __future__ import annotations

from typing import Any

from layers import labels as label_layers
from layers.registry import CountyMapData
from twin import map_data


def map_inputs(personal: bool, *, alarms: list[dict[str, Any]] | None = None,
               warnings: list[dict[str, Any]] | None = None,
               incidents: list[dict[str, Any]] | None = None) -> CountyMapData:
    """``personal=False`` leaves out even aggregated personal data (population density); callers that
    already hold the live alarms, warnings and incidents pass them in instead of asking again."""
    townships: list[dict[str, Any]] = []
    villages: list[dict[str, Any]] = []
    for label in map_data.labels():
        row = {"text": label_layers.short_name(label.text), "position": [label.lon, label.lat, label.z],
               "code": label.code}
        (townships if label.level == "township" else villages).append(row)
    return CountyMapData(
        county_outline=map_data.county_outline(),
        township_outlines=map_data.township_outlines(),
        township_labels=townships,
        village_labels=villages,
        sensors=map_data.sensors(),
        incidents=map_data.incidents() if incidents is None else incidents,
        resources=map_data.resources(),
        warnings=map_data.warnings() if warnings is None else warnings,
        alarms=map_data.alarms() if alarms is None else alarms,
        density=map_data.population_density() if personal else [],
        parcels=map_data.park_parcels(),
    )

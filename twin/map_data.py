"""Data for the county map's inline layers: labels, outlines, the feature card behind a click."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from geodata.db import COUNTY_SCOPE
from geodata.errors import Forbidden, NotFound, ValidationFailed
from geodata.repositories import admin, elevation, map_layers, overview
from twin.auth import Principal

CODE_LENGTHS = {6, 9, 12}


@dataclass(frozen=True)
class Label:
    text: str
    lon: float
    lat: float
    level: str
    code: str
    z: float  # ground height, so labels sit on the 3D terrain


def labels() -> list[Label]:
    points = admin.label_points()
    heights = elevation.sample([(p.lon, p.lat) for p in points])
    return [Label(p.name, p.lon, p.lat, p.level, p.code, round(h, 1)) for p, h in zip(points, heights, strict=True)]


def county_outline() -> dict[str, Any]:
    return admin.outline_geojson("county", 0.0003)


def township_outlines() -> dict[str, Any]:
    return admin.outline_geojson("township", 0.0003)


def area_card(principal: Principal | None, code: str) -> dict[str, Any]:
    """Name, parent and resident/household totals of an area — inside the caller's jurisdiction only."""
    if not (code.isdigit() and len(code) in CODE_LENGTHS):
        raise ValidationFailed("an administrative code has 6, 9 or 12 digits")
    if principal is None or principal.data_scope is None:
        raise Forbidden("no access to area figures")
    if principal.data_scope != COUNTY_SCOPE and not code.startswith(principal.data_scope):
        raise Forbidden("该村社区不在您的辖区 / this area is outside your jurisdiction")
    card = admin.area_card(code)
    if card is None:
        raise NotFound(f"no administrative area with code {code}")
    return card


def sensors() -> list[dict[str, Any]]:
    return map_layers.sensors()


def _minutes(rows: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    """Timestamps as ISO text to the minute: what the map shows, and JSON-safe for the browser."""
    return [{**row, key: row[key].isoformat(timespec="minutes")} for row in rows]


def incidents() -> list[dict[str, Any]]:
    return _minutes(map_layers.open_incidents(), "occurred_at")


def resources() -> list[dict[str, Any]]:
    return map_layers.resources()


def warnings() -> list[dict[str, Any]]:
    return _minutes(map_layers.active_warnings(), "issued_at")


def alarms(limit: int = 500) -> list[dict[str, Any]]:
    """Open sensor alarms, worst first, at their sensors."""
    return _minutes(overview.sensor_alarms(limit), "issued_at")


def population_density() -> list[dict[str, Any]]:
    return map_layers.grid_density()


def park_parcels() -> dict[str, Any]:
    return map_layers.park_parcels()

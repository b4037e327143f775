"""Emergency one-map layers: sensors, incidents, rescue resources and shelters, active warnings.

Rows come from the services; positions and colours are computed here, in Python, so the browser
only reads fields (no expressions)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pydeck as pdk

from layers.base import DEPTH_ON_TOP, RGBA, LayerSpec, LegendItem, MapParams, lit, rgba, to_dict

SENSOR_COLOURS: dict[str, tuple[str, str, RGBA]] = {
    "rain_gauge": ("雨量站", "Rain gauge", rgba("#4895ef")),
    "river_level": ("水位站", "River level", rgba("#00b4d8")),
    "weather_station": ("气象站", "Weather station", rgba("#90be6d")),
    "fume_monitor": ("油烟监测", "Fume monitor", rgba("#adb5bd")),
    "traffic_counter": ("交通流量", "Traffic counter", rgba("#f8961e")),
    "parking_lot": ("停车场", "Parking lot", rgba("#b388eb")),
}
SEVERITY_COLOURS: dict[int, tuple[str, str, RGBA]] = {
    1: ("Ⅰ级 特别重大", "I  Extraordinary", rgba("#d00000")),
    2: ("Ⅱ级 重大", "II  Major", rgba("#f48c06")),
    3: ("Ⅲ级 较大", "III  Large", rgba("#ffba08")),
    4: ("Ⅳ级 一般", "IV  General", rgba("#3a86ff")),
}
RESOURCE_COLOURS: dict[str, tuple[str, str, RGBA]] = {
    "team": ("救援队伍", "Rescue team", rgba("#ef476f")),
    "warehouse": ("物资仓库", "Warehouse", rgba("#ffd166")),
    "equipment": ("装备", "Equipment", rgba("#06d6a0")),
    "shelter": ("避灾安置场所", "Shelter", rgba("#118ab2")),
}
WARNING_COLOURS: dict[str, tuple[str, str, RGBA]] = {
    "blue": ("蓝色预警", "Blue warning", rgba("#1e6fff", 90)),
    "yellow": ("黄色预警", "Yellow warning", rgba("#ffd000", 90)),
    "orange": ("橙色预警", "Orange warning", rgba("#ff8c00", 100)),
    "red": ("红色预警", "Red warning", rgba("#ff2020", 110)),
}


def _legend(table: dict[Any, tuple[str, str, RGBA]], shape: str) -> tuple[LegendItem, ...]:
    return tuple(LegendItem(zh, en, colour, shape) for zh, en, colour in table.values())  # type: ignore[arg-type]


SENSORS = LayerSpec(id="sensors", title_zh="感知设备", title_en="Sensors", group="thematic", default_visible=False,
                    tooltip="{name}\n{code}", legend=_legend(SENSOR_COLOURS, "point"))
INCIDENTS = LayerSpec(id="incidents", title_zh="突发事件", title_en="Incidents", group="thematic",
                      tooltip="{title}\n{severity_label} · {occurred_at}", legend=_legend(SEVERITY_COLOURS, "point"))
RESOURCES = LayerSpec(id="resources", title_zh="应急资源与避灾场所", title_en="Resources and shelters",
                      group="thematic", default_visible=False, tooltip="{name}\n{kind_label}",
                      legend=_legend(RESOURCE_COLOURS, "point"))
ALARMS = LayerSpec(id="sensor-alarms", title_zh="设备告警", title_en="Sensor alarms", group="thematic",
                   tooltip="{name}\n{level_label} · {message}", legend=_legend(
                       {k: v for k, v in WARNING_COLOURS.items() if k != "blue"}, "point"))
WARNINGS = LayerSpec(id="warnings", title_zh="预警范围", title_en="Active warnings", group="thematic",
                     tooltip="{level_label}\n{message}", legend=_legend(WARNING_COLOURS, "fill"))


def _points(spec: LayerSpec, rows: Sequence[dict[str, Any]], radius: int) -> dict[str, Any]:
    layer = pdk.Layer(
        "ScatterplotLayer", id=spec.id, data=list(rows), get_position="position", get_fill_color="color",
        get_line_color=[10, 10, 10, 220], stroked=True, line_width_min_pixels=1, radius_units=lit("pixels"),
        get_radius=radius, pickable=True, auto_highlight=True, parameters=DEPTH_ON_TOP,
    )
    return to_dict(layer)


def build_sensors(params: MapParams, rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    data = [{"code": r["code"], "name": r["name"], "position": [r["lon"], r["lat"]],
             "color": list(SENSOR_COLOURS[r["kind"]][2])} for r in rows if r["kind"] in SENSOR_COLOURS]
    return _points(SENSORS, data, 4)


def build_incidents(params: MapParams, rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    en = params.lang == "en"
    data = [{"code": r["code"], "title": r["title"], "occurred_at": r["occurred_at"],
             "severity_label": SEVERITY_COLOURS[r["severity"]][1 if en else 0], "position": [r["lon"], r["lat"]],
             "color": list(SEVERITY_COLOURS[r["severity"]][2])} for r in rows]
    return _points(INCIDENTS, data, 7)


def build_resources(params: MapParams, rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    en = params.lang == "en"
    data = [{"code": r["code"], "name": r["name"], "kind_label": RESOURCE_COLOURS[r["kind"]][1 if en else 0],
             "position": [r["lon"], r["lat"]], "color": list(RESOURCE_COLOURS[r["kind"]][2])}
            for r in rows if r["kind"] in RESOURCE_COLOURS]
    return _points(RESOURCES, data, 5)


ALARM_RADIUS = {"red": 16, "orange": 13, "yellow": 11, "blue": 9}


def build_alarms(params: MapParams, rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Sensors in alarm as bold rings in the warning colour, worst on top, so they read from across a room."""
    en = params.lang == "en"
    ordered = sorted((r for r in rows if r["level"] in WARNING_COLOURS), key=lambda r: ALARM_RADIUS[r["level"]])
    data = [{"code": r["code"], "name": r["name"], "message": r["message"],
             "level_label": WARNING_COLOURS[r["level"]][1 if en else 0], "position": [r["lon"], r["lat"]],
             "color": [*WARNING_COLOURS[r["level"]][2][:3], 255], "radius": ALARM_RADIUS[r["level"]]}
            for r in ordered]
    layer = pdk.Layer(
        "ScatterplotLayer", id=ALARMS.id, data=data, get_position="position", get_line_color="color",
        get_fill_color=[0, 0, 0, 0], stroked=True, filled=True, line_width_units=lit("pixels"),
        get_line_width=4, radius_units=lit("pixels"), get_radius="radius", pickable=True,
        parameters=DEPTH_ON_TOP,
    )
    return to_dict(layer)


def build_warnings(params: MapParams, rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    en = params.lang == "en"
    features = [{"type": "Feature", "geometry": r["area"], "properties": {
        "level_label": WARNING_COLOURS[r["level"]][1 if en else 0], "message": r["message"],
        "fill": list(WARNING_COLOURS[r["level"]][2]), "line": [*WARNING_COLOURS[r["level"]][2][:3], 230],
    }} for r in rows if r["level"] in WARNING_COLOURS]
    layer = pdk.Layer(
        "GeoJsonLayer", id=WARNINGS.id, data={"type": "FeatureCollection", "features": features},
        get_fill_color="properties.fill", get_line_color="properties.line", line_width_min_pixels=2,
        pickable=True, parameters=DEPTH_ON_TOP,
    )
    return to_dict(layer)

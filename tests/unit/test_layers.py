"""Layer specs: explicit ids, safe accessors only, and JSON snapshots of every layer family."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pydeck as pdk
import pytest

from layers.base import MapParams, UnsafeAccessor, check_accessors, lit, to_dict
from layers.registry import ALL_SPECS, CountyMapData, county_map

SNAPSHOTS = Path(__file__).parent / "snapshots"
LOAD = {"mvt": {"workerUrl": "/workers/mvt-worker.js"}, "terrain": {"workerUrl": "/workers/terrain-worker.js"}}
LINE = {"type": "LineString", "coordinates": [[120.8, 29.4], [120.9, 29.5]]}
POINT = {"lon": 120.9, "lat": 29.5}
DATA = CountyMapData(
    county_outline={"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": "330624", "name": "新昌县"}, "geometry": LINE}]},
    township_outlines={"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": "330624004", "name": "澄潭街道"}, "geometry": LINE}]},
    township_labels=[{"text": "澄潭街道", "position": [120.79, 29.45, 80.0], "code": "330624004"}],
    village_labels=[{"text": "临江社区", "position": [120.9, 29.5, 60.0], "code": "330624001001"}],
    sensors=[{"code": "S1", "kind": "rain_gauge", "name": "雨量站1", "status": "online", **POINT}],
    incidents=[{"code": "I1", "title": "道路交通事故", "category": "accident", "subtype": "道路交通事故",
                "severity": 4, "status": "reported", "occurred_at": "2026-11-29T08:00", **POINT}],
    resources=[{"code": "R1", "kind": "shelter", "name": "新昌中学", "capacity": 800, **POINT}],
    warnings=[{"id": 1, "kind": "rainstorm", "level": "yellow", "message": "暴雨黄色预警",
               "issued_at": "2026-11-29T07:00", "area": {"type": "Polygon", "coordinates": [
                   [[120.8, 29.4], [120.9, 29.4], [120.9, 29.5], [120.8, 29.4]]]}}],
    alarms=[{"code": "FU00001", "name": "江滨小吃店油烟监测", "level": "orange", "message": "油烟浓度 3.1 mg/m³",
             "issued_at": "2026-11-29T12:10", **POINT}],
    density=[{"code": "330624001001001", "residents": 120, **POINT}],
    parcels={"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": {
        "type": "Polygon", "coordinates": [[[120.95, 29.48], [120.96, 29.48], [120.96, 29.49], [120.95, 29.48]]]},
        "properties": {"code": "P-001", "land_use": "industrial", "status": "idle", "area_m2": 5000}}]},
)


def built(theme: str = "dark", mode: str = "3d") -> dict[str, dict]:
    return {spec.id: layer for spec, layer in county_map(MapParams(theme=theme, mode=mode), DATA, LOAD)}  # type: ignore[arg-type]


def test_every_spec_is_built_once_with_its_own_id() -> None:
    layers = county_map(MapParams(), DATA, LOAD)
    assert [spec.id for spec, _ in layers] == [spec.id for spec in ALL_SPECS]
    assert all(spec.id == layer["id"] for spec, layer in layers)
    assert len({spec.id for spec in ALL_SPECS}) == len(ALL_SPECS)


@pytest.mark.parametrize("theme", ["dark", "light"])
def test_layer_json_matches_snapshot(theme: str) -> None:
    current = json.dumps(built(theme), ensure_ascii=False, indent=1, sort_keys=True)
    path = SNAPSHOTS / f"county_map_{theme}.json"
    if os.environ.get("COCKPIT_UPDATE_SNAPSHOTS") or not path.exists():
        path.write_text(current + "\n", encoding="utf-8")
    assert current + "\n" == path.read_text(encoding="utf-8")


def test_tile_urls_are_local_templates_not_inlined_files() -> None:
    layers = built()
    assert layers["terrain"]["elevationData"] == "/tiles/terrain/{z}/{x}/{y}.png"
    assert layers["terrain"]["texture"] == "/tiles/basemap/dark/{z}/{x}/{y}.png"
    assert layers["villages"]["data"] == "/tiles/villages/{z}/{x}/{y}.mvt"
    text = json.dumps(layers)
    assert "http" not in text and "data:image" not in text


def test_mvt_and_terrain_layers_use_the_vendored_workers() -> None:
    for layer in built().values():
        if layer["@@type"] in ("MVTLayer", "TerrainLayer"):
            assert layer["loadOptions"] == LOAD, layer["id"]


def test_inline_points_have_precomputed_positions_and_colours() -> None:
    layers = built()
    for layer_id in ("sensors", "incidents", "resources"):
        row = layers[layer_id]["data"][0]
        assert row["position"] == [120.9, 29.5] and len(row["color"]) == 4, layer_id
    assert layers["incidents"]["data"][0]["severity_label"] == "Ⅳ级 一般"
    assert layers["warnings"]["data"]["features"][0]["properties"]["fill"][:3] == [255, 208, 0]
    assert layers["parcels"]["data"]["features"][0]["properties"]["fill"][:3] == [249, 65, 68]


def test_labels_carry_their_own_character_set() -> None:
    labels = built()["township-labels"]
    assert set("澄潭街道") <= set(labels["characterSet"])
    assert labels["getPosition"] == "@@=position"


@pytest.mark.parametrize("layer", [
    {"id": "a", "@@type": "ScatterplotLayer", "getPosition": "@@=[lng, lat]"},  # pydeck's list form draws nothing
    {"id": "b", "@@type": "ScatterplotLayer", "getRadius": "@@=d.size * 2"},  # needs eval
    {"id": "c", "@@type": "ScatterplotLayer", "radiusUnits": "@@=pixels"},  # not an accessor prop
    {"id": "d", "@@type": "ScatterplotLayer", "getFillColor": "@@scale(viridis, x; alert(1), 0, 1)"},
    {"id": "e", "@@type": "ScatterplotLayer", "data": {"nested": "@@function"}},
])
def test_unsupported_accessor_forms_are_rejected(layer: dict) -> None:
    with pytest.raises(UnsafeAccessor):
        check_accessors(layer)


def test_colour_scales_on_tiles_are_rejected() -> None:
    with pytest.raises(UnsafeAccessor, match="inline data"):
        check_accessors({"id": "t", "@@type": "MVTLayer", "data": "/tiles/x/{z}/{x}/{y}.mvt",
                         "getFillColor": "@@scale(YlOrRd, properties.h, 0, 60)"})


def test_supported_accessor_forms_pass() -> None:
    check_accessors({"id": "ok", "@@type": "GeoJsonLayer", "data": {}, "getElevation": "@@=properties.height_m",
                     "getFillColor": "@@scale(YlOrRd, properties.height_m, 0, 60, 235)"})


def test_pydeck_list_accessor_is_caught_when_building() -> None:
    with pytest.raises(UnsafeAccessor):
        to_dict(pdk.Layer("ScatterplotLayer", id="pts", data=[], get_position=["lng", "lat"]))


def test_unquoted_literal_is_caught_and_lit_fixes_it() -> None:
    with pytest.raises(UnsafeAccessor):
        to_dict(pdk.Layer("ScatterplotLayer", id="pts", data=[], radius_units="pixels"))
    fixed = to_dict(pdk.Layer("ScatterplotLayer", id="pts", data=[], radius_units=lit("pixels")))
    assert fixed["radiusUnits"] == "pixels"


def test_layers_need_explicit_ids() -> None:
    with pytest.raises(ValueError, match="explicit id"):
        to_dict(pdk.Layer("ScatterplotLayer", data=[], id=""))

"""Vector tiles from PostGIS, decoded with an independent decoder (mapbox-vector-tile)."""

from __future__ import annotations

import mapbox_vector_tile
import mercantile
import pytest
from sqlalchemy import text


def village_point(engine):
    with engine.connect() as conn:
        return conn.execute(text("""
            SELECT code, name, ST_X(label_point), ST_Y(label_point) FROM admin_area
            WHERE level = 'village' ORDER BY code LIMIT 1""")).one()


def fetch(client, layer: str, tile: mercantile.Tile, **headers):
    return client.get(f"/tiles/{layer}/{tile.z}/{tile.x}/{tile.y}.mvt", headers=headers)


def decode(body: bytes) -> dict:
    return mapbox_vector_tile.decode(body) if body else {}


@pytest.mark.parametrize("zoom", [10, 14, 16])
def test_village_tile_contains_the_village_under_its_label(client, demo_database, zoom: int) -> None:
    code, name, lon, lat = village_point(demo_database["engine"])
    response = fetch(client, "villages", mercantile.tile(lon, lat, zoom))
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.mapbox-vector-tile"
    features = decode(response.data)["villages"]["features"]
    assert {"code": code, "name": name}.items() <= next(
        f["properties"] for f in features if f["properties"]["code"] == code).items()


def test_county_tile_at_z10_has_townships_roads_and_rivers(client) -> None:
    tile = mercantile.tile(120.90, 29.50, 10)
    for layer in ("townships", "roads", "rivers"):
        layers = decode(fetch(client, layer, tile).data)
        assert layers[layer]["features"], layer


def test_buildings_carry_heights_at_z16(client, demo_database) -> None:
    with demo_database["engine"].connect() as conn:
        lon, lat = conn.execute(text("SELECT ST_X(ST_Centroid(geom)), ST_Y(ST_Centroid(geom)) FROM building "
                                     "ORDER BY id LIMIT 1")).one()
    features = decode(fetch(client, "buildings", mercantile.tile(lon, lat, 16)).data)["buildings"]["features"]
    assert features and all(f["properties"]["height_m"] > 0 for f in features)


@pytest.mark.parametrize("layer", ["addresses", "population", "villages", "townships"])
def test_z8_tile_of_dense_layers_stays_small(client, layer: str) -> None:
    response = fetch(client, layer, mercantile.tile(120.90, 29.50, 8))
    assert response.status_code == 200
    assert len(response.data) < 500_000
    if layer in ("addresses", "population"):
        # clustered below the detail zoom: at most one feature per 16-pixel cell of a 256-pixel tile
        assert 0 < len(decode(response.data)[layer]["features"]) <= (256 // 16 + 1) ** 2


def test_personal_data_never_reaches_the_population_tiles(client) -> None:
    layers = decode(fetch(client, "population", mercantile.tile(120.90, 29.50, 14)).data)
    keys = {k for f in layers["population"]["features"] for k in f["properties"]}
    assert keys == {"residents", "over_65", "radius_px"}


def test_second_request_with_etag_is_not_modified(client) -> None:
    tile = mercantile.tile(120.90, 29.50, 12)
    first = fetch(client, "villages", tile)
    assert first.headers["ETag"] and "max-age" in first.headers["Cache-Control"]
    second = fetch(client, "villages", tile, **{"If-None-Match": first.headers["ETag"]})
    assert second.status_code == 304
    assert second.data == b""


def test_an_edit_changes_the_next_tile(client, demo_database) -> None:
    engine = demo_database["engine"]
    code, name, lon, lat = village_point(engine)
    tile = mercantile.tile(lon, lat, 13)
    before = fetch(client, "villages", tile)
    try:
        with engine.begin() as conn:
            conn.execute(text("UPDATE admin_area SET name = :n WHERE code = :c"), {"n": name + "（改）", "c": code})
        after = fetch(client, "villages", tile, **{"If-None-Match": before.headers["ETag"]})
        assert after.status_code == 200
        assert after.headers["ETag"] != before.headers["ETag"]
        names = {f["properties"]["code"]: f["properties"]["name"] for f in decode(after.data)["villages"]["features"]}
        assert names[code] == name + "（改）"
    finally:
        with engine.begin() as conn:
            conn.execute(text("UPDATE admin_area SET name = :n WHERE code = :c"), {"n": name, "c": code})


def test_bad_tile_requests_get_clear_errors(client) -> None:
    assert client.get("/tiles/nope/1/0/0.mvt").status_code == 404
    bad = client.get("/tiles/villages/3/9/0.mvt")
    assert bad.status_code == 400 and "does not exist" in bad.get_json()["message"]


def test_tile_index_and_tilejson(client) -> None:
    index = client.get("/tiles").get_json()
    assert {"villages", "buildings", "addresses"} <= {entry["id"] for entry in index}
    tj = client.get("/tiles/buildings.json").get_json()
    assert tj["tilejson"] == "3.0.0" and tj["tiles"][0].endswith("/tiles/buildings/{z}/{x}/{y}.mvt")


@pytest.mark.parametrize("layer", sorted(__import__("geodata.repositories.tiles", fromlist=["SOURCES"]).SOURCES))
def test_every_tile_layer_serves_decodable_tiles_with_its_declared_fields(client, layer: str) -> None:
    from geodata.repositories.tiles import SOURCES

    source = SOURCES[layer]
    tile = mercantile.tile(120.95, 29.50, max(source.min_zoom, 12))
    response = fetch(client, layer, tile)
    assert response.status_code == 200
    for feature in decode(response.data).get(layer, {}).get("features", []):
        assert set(feature["properties"]) <= set(source.fields), layer

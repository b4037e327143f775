"""A crawl of what non-privileged roles can fetch: no 18-digit ID number, no 11-digit mobile number.

Covers every vector tile layer at several zooms over the whole county, the tile catalogue, the page
contents of every page and the village cards behind map clicks. The scan is over raw response bytes, so
it also catches personal data inside JSON, protobuf strings or HTML.
"""

from __future__ import annotations

import re

import mercantile
import pytest
from sqlalchemy import text

from geodata.repositories.tiles import SOURCES
from tests.integration.test_access_rules import page_route

ID_NUMBER = re.compile(rb"(?<![0-9A-Za-z])\d{6}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx]"
                       rb"(?![0-9A-Za-z])")
MOBILE = re.compile(rb"(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])")
ROLES = ["kiosk", "leader", "planner", "commander"]
COUNTY_BOUNDS = (120.70, 29.23, 121.23, 29.56)


def leaks(body: bytes) -> list[bytes]:
    return ID_NUMBER.findall(body) + MOBILE.findall(body)


def test_the_scanner_finds_what_it_looks_for() -> None:
    assert leaks(b'{"id":"330624198001011234","p":"13812345678"}')
    assert not leaks(b'{"uscc":"91330624MA2BCDEF1X","grid":"330624001001002","addr":"330624001001000123M"}')


def crawl_tiles() -> list[str]:
    urls = []
    for layer, source in SOURCES.items():
        for z in sorted({max(source.min_zoom, 10), 12, 14}):
            for tile in mercantile.tiles(*COUNTY_BOUNDS, zooms=z):
                if z <= 12 or (tile.x + tile.y) % 7 == 0:  # every tile up to z12, a spread sample above
                    urls.append(f"/tiles/{layer}/{tile.z}/{tile.x}/{tile.y}.mvt")
    return urls


@pytest.mark.parametrize("role", ROLES)
def test_no_personal_numbers_in_tiles(client_as, role: str) -> None:
    client = client_as(role)
    fetched = 0
    for url in crawl_tiles():
        response = client.get(url)
        if response.status_code == 200:
            fetched += 1
            assert not leaks(response.data), url
    assert fetched > 100


@pytest.mark.parametrize("role", ROLES)
def test_no_personal_numbers_in_pages_and_cards(client_as, demo_database, role: str) -> None:
    client = client_as(role)
    bodies = [client.get("/tiles").data, client.get("/_dash-layout").data]
    for path in ("/", "/map"):
        bodies.append(client.post("/_dash-update-component", json=page_route(path)).data)
    with demo_database["engine"].connect() as conn:
        villages = conn.execute(text("SELECT code FROM admin_area WHERE level='village' ORDER BY code")).scalars()
        codes = list(villages)[::10]
        for code in codes:
            bodies.append(client.post("/_dash-update-component", json={
                "output": "countymap-card.children", "outputs": {"id": "countymap-card", "property": "children"},
                "inputs": [{"id": "countymap-map-deck", "property": "clickInfo",
                            "value": {"layerId": "villages", "properties": {"code": code}}}],
                "changedPropIds": ["countymap-map-deck.clickInfo"],
                "state": [{"id": "app-lang", "property": "data", "value": "zh"}]}).data)
    assert sum(len(b) for b in bodies) > 10_000
    cards = bodies[-len(codes):]
    rendered = [code for code, card in zip(codes, cards, strict=True) if code.encode() in card]
    if role == "commander":  # own township only; others get a refusal, not the figures
        assert rendered and all(code[:9] == rendered[0][:9] for code in rendered)
        assert len(rendered) < len(codes)
    else:
        assert rendered == codes  # the cards were really rendered
    for body in bodies:
        assert not leaks(body)


def test_the_kiosk_map_carries_no_personal_layers(client_as) -> None:
    kiosk = client_as("kiosk").post("/_dash-update-component", json=page_route("/map")).get_data(as_text=True)
    planner = client_as("planner").post("/_dash-update-component", json=page_route("/map")).get_data(as_text=True)
    for layer_id in ('"population-heatmap"', '"population-hexagons"', '"population"', '"addresses"'):
        assert layer_id not in kiosk and layer_id in planner, layer_id

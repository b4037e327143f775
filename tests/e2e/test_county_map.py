"""The county map in a real headless Chromium: it draws, it is offline, it talks back to callbacks."""

from __future__ import annotations

import math

import pytest
from sqlalchemy import text

from cockpit.components.deckmap import COUNTY_HOME
from tests.e2e.browser import assert_drew, count_colour

pytestmark = pytest.mark.e2e

VIEWPORT = (1280, 800)
GOLD = (255, 209, 102)  # county outline, dark theme
CYAN = (76, 201, 240)  # township boundaries
RIVER = (59, 108, 255)
ROAD = (244, 162, 97)
LABEL = (240, 246, 252)
BASEMAP_RIVER = (48, 150, 220)  # rivers as baked into the dark basemap texture
BACKGROUND = (5, 11, 24)
HOSTILE = "<img src=x onerror=alert(1)><b>x</b>"


def pixel_of(lon: float, lat: float, box: dict, view: dict) -> tuple[float, float]:
    """Screen pixel of a point in a 2D (pitch 0, bearing 0) web-mercator view, as deck.gl computes it."""
    def merc(lo: float, la: float) -> tuple[float, float]:
        x = (lo + 180) / 360
        y = (1 - math.log(math.tan(math.radians(la)) + 1 / math.cos(math.radians(la))) / math.pi) / 2
        return x, y

    scale = 512 * 2 ** view["zoom"]
    (x, y), (cx, cy) = merc(lon, lat), merc(view["longitude"], view["latitude"])
    return box["x"] + box["width"] / 2 + (x - cx) * scale, box["y"] + box["height"] / 2 + (y - cy) * scale


@pytest.fixture(scope="module")
def hostile_village(e2e_database):
    """A village whose name is markup: the tooltip must show the tags as text."""
    with e2e_database["engine"].begin() as conn:
        code, lon, lat = conn.execute(text("""
            SELECT code, ST_X(label_point), ST_Y(label_point) FROM admin_area
            WHERE level = 'village' ORDER BY code DESC LIMIT 1""")).one()
        conn.execute(text("UPDATE admin_area SET name = :n WHERE code = :c"), {"n": HOSTILE, "c": code})
    return code, lon, lat


@pytest.fixture
def map_session(signed_in, hostile_village):
    def open_map(query: str = ""):
        session = signed_in(f"/map{query}", viewport=VIEWPORT)
        session.page.wait_for_selector("#countymap-map-deck canvas", timeout=60_000)
        session.wait_for_frames(20, timeout=90)
        session.wait_for_quiet(1500, timeout=120)
        return session

    return open_map


def deck_box(session) -> dict:
    box = session.page.locator("#countymap-map-deck").bounding_box()
    assert box and box["width"] > 400 and box["height"] > 300
    return box


def test_3d_county_map_draws_terrain_with_our_basemap_and_labels(map_session) -> None:
    session = map_session()
    shot = session.screenshot("county-map-3d-dark")
    box = deck_box(session)
    assert_drew(shot, {
        "rivers in the draped basemap": (BASEMAP_RIVER, 150, {"match": "hue", "hue_tolerance": 6}),
        "labels in Chinese": (LABEL, 400, {"tolerance": 10}),
    }, box=box)
    lit_share = 1 - count_colour(shot, BACKGROUND, 12, box) / (box["width"] * box["height"])
    assert lit_share > 0.25  # the county and its surroundings, not an empty canvas
    loaded = session.page.evaluate("""() => performance.getEntriesByType('resource').map(e => e.name)""")
    assert any("/tiles/terrain/" in u for u in loaded) and any("/tiles/basemap/dark/" in u for u in loaded)
    assert any(u.endswith(".mvt") for u in loaded)
    assert any("/fonts/" in u or "NotoSansSC" in u for u in loaded)
    session.assert_clean()


def test_2d_county_map_draws_boundaries_rivers_and_roads_from_vector_tiles(map_session) -> None:
    session = map_session("?mode=2d")
    shot = session.screenshot("county-map-2d-dark")
    assert_drew(shot, {
        "county outline": (GOLD, 300),
        "township boundaries": (CYAN, 300, {"match": "hue", "hue_tolerance": 8}),
        "rivers (MVT)": (RIVER, 150, {"match": "hue", "hue_tolerance": 6}),
        "roads (MVT)": (ROAD, 150, {"match": "hue", "hue_tolerance": 8}),
        "labels": (LABEL, 400, {"tolerance": 10}),
    }, box=deck_box(session))
    session.assert_clean()


def test_light_flat_map_draws_too(map_session) -> None:
    session = map_session("?theme=light&mode=2d")
    shot = session.screenshot("county-map-2d-light")
    assert_drew(shot, {"county outline": ((193, 18, 31), 300, {"match": "hue", "hue_tolerance": 8})},
                box=deck_box(session))
    session.assert_clean()


def test_clicking_a_village_returns_its_code_and_name(map_session, e2e_database) -> None:
    with e2e_database["engine"].connect() as conn:
        code, name, lon, lat = conn.execute(text("""
            SELECT code, name, ST_X(label_point), ST_Y(label_point) FROM admin_area
            WHERE level = 'village' AND name NOT LIKE '<%' ORDER BY area_km2 DESC LIMIT 1""")).one()
    session = map_session("?mode=2d")
    view = COUNTY_HOME.as_dict("2d")
    x, y = pixel_of(lon, lat, deck_box(session), view)
    session.page.mouse.move(x, y)
    session.wait(0.5)
    session.page.mouse.click(x, y)
    session.page.mouse.move(x + 1, y + 1)  # headless Chromium may deliver the click with the next move
    body = session.page.wait_for_selector("#countymap-card-body", timeout=15_000)
    assert body.get_attribute("data-code") == code
    assert session.page.inner_text("#countymap-card-name") == name
    session.screenshot("county-map-village-card")
    session.assert_clean()


def test_hover_tooltip_shows_markup_as_text(map_session, hostile_village) -> None:
    code, lon, lat = hostile_village
    session = map_session("?mode=2d")
    view = COUNTY_HOME.as_dict("2d")
    x, y = pixel_of(lon, lat, deck_box(session), view)
    dialogs: list[str] = []
    session.page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    tooltip = session.page.locator("#countymap-map-tooltip")
    for dx in (0, 2, -2, 4):
        session.page.mouse.move(x + dx, y + dx)
        session.wait(0.6)
        if tooltip.is_visible() and HOSTILE in tooltip.inner_text():
            break
    assert HOSTILE in tooltip.inner_text()
    assert code in tooltip.inner_text()
    assert tooltip.locator("b").count() == 0 and tooltip.locator("img").count() == 0  # text, not HTML
    session.page.mouse.click(x, y)  # the card behind the click shows the name as text too
    session.page.mouse.move(x + 1, y + 1)
    card = session.page.wait_for_selector("#countymap-card-name", timeout=15_000)
    assert card.inner_text() == HOSTILE and session.page.locator("#countymap-card img").count() == 0
    assert dialogs == []
    session.screenshot("county-map-hover-tooltip")
    session.assert_clean()


def test_layer_switcher_hides_and_shows_a_layer(map_session) -> None:
    session = map_session("?mode=2d")
    box = deck_box(session)
    rivers = {"match": "hue", "hue_tolerance": 6}

    def river_pixels(name: str) -> int:
        session.wait_for_quiet(800, timeout=30)
        return count_colour(session.screenshot(name), RIVER, 24, box, **rivers)

    shown = river_pixels("switcher-rivers-on")
    session.page.get_by_label("河流（2D）", exact=True).uncheck()
    hidden = river_pixels("switcher-rivers-off")
    session.page.get_by_label("河流（2D）", exact=True).check()
    again = river_pixels("switcher-rivers-on-again")
    assert shown > 150 and hidden < shown * 0.1 and again > shown * 0.8
    session.assert_clean()


def test_2d_3d_switch_and_reset_view(map_session) -> None:
    session = map_session()
    box = deck_box(session)

    def gold(name: str) -> int:
        session.wait_for_quiet(1000, timeout=60)
        return count_colour(session.screenshot(name), GOLD, 24, box)

    in_3d = gold("mode-3d")  # the flat county outline is not drawn over the relief
    session.page.get_by_label("2D", exact=True).check()
    in_2d = gold("mode-2d")
    assert in_3d < 50 < in_2d
    session.page.mouse.move(box["x"] + box["width"] * 0.4, box["y"] + box["height"] * 0.5)
    for _ in range(3):
        session.page.mouse.wheel(0, -400)
        session.wait(0.4)
    zoomed = gold("mode-2d-zoomed")
    session.page.locator("#countymap-map-reset").click()
    home = gold("mode-2d-reset")
    assert abs(home - in_2d) < 0.2 * in_2d and abs(zoomed - in_2d) > 0.2 * in_2d
    session.assert_clean()


def test_3d_zoom_stops_above_the_relief(map_session) -> None:
    """deck.gl's camera height ignores the relief; zoomed too deep it sinks into the hills and the map
    goes blank. The map must stop zooming in 3D before that and keep drawing the terrain."""
    session = map_session("?theme=light")
    box = deck_box(session)
    session.page.mouse.move(box["x"] + box["width"] * 0.4, box["y"] + box["height"] * 0.5)
    for _ in range(12):
        session.page.mouse.wheel(0, -400)
        session.wait(0.3)
    session.wait_for_quiet(1500, timeout=60)
    shot = session.screenshot("mode-3d-deep-zoom")
    clear_of_panels = {**box, "width": box["width"] * 0.7}
    page_background = count_colour(shot, (244, 246, 248), 6, clear_of_panels)
    assert page_background < 0.2 * clear_of_panels["width"] * box["height"]
    assert session.page.evaluate("() => window.deckmapViews['countymap-map-deck'].zoom") <= 15.5
    session.assert_clean()

"""The leaders' overview in Chromium: the wall sizes and a tablet, every indicator filled, the map drawn,
nothing from outside, no horizontal scrollbar; a posted reading shows on the screen within 5 seconds."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from tests.e2e.browser import count_colour
from tests.e2e.conftest import E2E_PASSWORD

pytestmark = pytest.mark.e2e

SIZES = [(3840, 2160), (1920, 1080), (1024, 768)]
BACKGROUND = (5, 11, 24)
REFLECT_WITHIN_S = 5.0


@pytest.fixture(scope="module")
def indicator_count(e2e_database) -> int:
    with e2e_database["engine"].connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM kpi_definition")).scalar_one())


def overflow(page) -> dict:
    return page.evaluate("""() => {
        const d = document.documentElement, p = document.getElementById('overview-page');
        return {docX: d.scrollWidth - d.clientWidth, docY: d.scrollHeight - d.clientHeight,
                pageX: p.scrollWidth - p.clientWidth, pageY: p.scrollHeight - p.clientHeight};
    }""")


@pytest.mark.parametrize(("width", "height"), SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_overview_fills_the_screen(signed_in, indicator_count: int, width: int, height: int) -> None:
    session = signed_in("/?tour=off", user="e2e-kiosk", viewport=(width, height))
    page = session.page
    page.wait_for_selector("#overview-map-deck canvas", timeout=90_000)
    page.wait_for_function("() => window.overviewTour && window.overviewTour.homed", timeout=30_000)
    session.wait_for_frames(5, timeout=90)
    page.wait_for_load_state("networkidle", timeout=90_000)  # the terrain tiles of the fitted view
    session.wait_for_quiet(1500, timeout=90)
    shot = session.screenshot(f"overview-{width}x{height}")

    numbers = page.locator(".kpi-card .kpi-number").all_inner_texts()
    assert len(numbers) == indicator_count == 10 and "—" not in numbers and all(n.strip() for n in numbers)
    for panel in ("totals", "warnings", "incidents-today", "events", "park", "feeds", "weather"):
        assert page.inner_text(f"#overview-{panel}").strip(), panel
    box = page.locator("#overview-map-deck").bounding_box()
    assert box and box["width"] > 300 and box["height"] > 250
    drawn = 1 - count_colour(shot, BACKGROUND, 12, box) / (box["width"] * box["height"])
    assert drawn > 0.2  # terrain and the county (no terrain: under 0.1), not an empty canvas

    spill = overflow(page)
    assert spill["docX"] <= 0 and spill["pageX"] <= 0, spill  # never a horizontal scrollbar
    if width >= 1920:
        assert spill["docY"] <= 0 and spill["pageY"] <= 0, spill  # a wall does not scroll at all
    else:
        targets = page.evaluate("""() => [...document.querySelectorAll('#overview-page button, .nav-link')]
            .map(e => e.getBoundingClientRect()).filter(r => r.width > 0).map(r => Math.min(r.width, r.height))""")
        assert targets and min(targets) >= 44  # touch targets on a tablet
    session.assert_clean()


def test_english_overview_has_no_chinese_labels(signed_in) -> None:
    session = signed_in("/?tour=off&lang=en", user="e2e-kiosk", viewport=(1920, 1080))
    page = session.page
    page.wait_for_selector(".kpi-card", timeout=60_000)
    # every label but the switch back, which names its language in that language (中文)
    headings = page.locator(".ov-panel h2, .ov-header h1, .kpi-state, .nav-pages .nav-link, #app-logout, "
                            ".ov-total, .ov-warning, .ov-feed-name, #overview-tour-toggle").all_inner_texts()
    assert page.inner_text("#app-lang-switch") == "中文"
    assert headings and not [h for h in headings if any("\u4e00" <= c <= "\u9fff" for c in h)], headings
    session.assert_clean()


def test_a_posted_reading_shows_within_five_seconds(signed_in, app_server, e2e_database) -> None:
    """A fume monitor's reading over the limit: the alarm list and the warning counter change."""
    import json
    import urllib.request

    with e2e_database["engine"].connect() as conn:
        code, name = conn.execute(text("""
            SELECT s.code, s.name FROM sensor s WHERE s.kind = 'fume_monitor'
              AND NOT EXISTS (SELECT 1 FROM warning w WHERE w.sensor_id = s.id AND w.lifted_at IS NULL)
              AND NOT EXISTS (  -- its newest reading must be ours, or no alarm is evaluated on it
                SELECT 1 FROM reading r WHERE r.sensor_id = s.id AND r.observed_at > now() - interval '2 minutes')
            ORDER BY s.code LIMIT 1""")).one()
    session = signed_in("/?tour=off", user="e2e-kiosk", viewport=(1920, 1080))
    page = session.page
    page.wait_for_selector("#overview-alarms", timeout=60_000)
    session.wait_for_quiet(1000, timeout=60)
    assert name not in page.inner_text("#overview-alarms")

    def post(path: str, body: dict, token: str | None = None) -> dict:
        request = urllib.request.Request(app_server.base_url + path, data=json.dumps(body).encode(),  # noqa: S310
                                         headers={"Content-Type": "application/json",
                                                  **({"Authorization": f"Bearer {token}"} if token else {})})
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (our own test server)
            return dict(json.load(response))

    token = post("/api/v1/auth/token", {"username": "e2e-feed", "password": E2E_PASSWORD,
                                        "scopes": ["feed.ingest"]})["access_token"]
    now = datetime.now(UTC).replace(microsecond=0).isoformat()
    answer = post("/api/v1/readings", {"readings": [
        {"id": f"e2e-{code}-{now}", "sensor": code, "metric": "fume", "observed_at": now, "value": 6.5}]}, token)
    posted = time.monotonic()
    assert answer["accepted"] == 1 and answer["alarms"], answer
    page.wait_for_function("(name) => document.getElementById('overview-alarms').innerText.includes(name)",
                           arg=name, timeout=REFLECT_WITHIN_S * 1000, polling=100)
    took = time.monotonic() - posted
    print(f"overview: a posted reading was on the screen after {took:.2f} s")  # shown with pytest -s
    session.screenshot("overview-after-alarm")
    assert took < REFLECT_WITHIN_S
    session.assert_clean()

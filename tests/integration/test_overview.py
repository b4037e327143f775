"""The overview's refresh path: unchanged data answers 204 to every screen; a posted reading changes what
the next refresh sends within 5 s; the aggregate is computed once per change however many screens ask."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from tests.integration.test_ingest import token_for
from twin import overview

REFRESH_OUTPUT = "overview-version.data"


def refresh_request(client, version: str | None) -> dict:
    callback = next(c for c in client.get("/_dash-dependencies").get_json()
                    if REFRESH_OUTPUT in c["output"] and not c.get("clientside_function"))
    parts = callback["output"].strip(".").split("...")
    return {"output": callback["output"],
            "outputs": [{"id": p.rsplit(".", 1)[0], "property": p.rsplit(".", 1)[1].split("@")[0]} for p in parts],
            "inputs": [{"id": "overview-tick", "property": "n_intervals", "value": 1}],
            "state": [{"id": s["id"], "property": s["property"],
                       "value": {"overview-version": version, "app-lang": "zh"}.get(s["id"])}
                      for s in callback["state"]],
            "changedPropIds": ["overview-tick.n_intervals"]}


def refresh(client, version: str | None):
    return client.post("/_dash-update-component", json=refresh_request(client, version))


def current_version(client) -> str:
    response = refresh(client, None)
    assert response.status_code == 200
    return str(response.get_json()["response"]["overview-version"]["data"])


def test_an_unchanged_screen_gets_204_and_a_new_one_the_panels(client_as) -> None:
    kiosk = client_as("kiosk")
    first = refresh(kiosk, None)
    assert first.status_code == 200
    body = first.get_json()["response"]
    assert {"overview-kpis", "overview-alarms", "overview-map-live", "overview-weather"} <= set(body)
    assert refresh(kiosk, body["overview-version"]["data"]).status_code == 204


def test_a_posted_reading_changes_the_next_refresh_within_five_seconds(client_as, anonymous, web_users,
                                                                       demo_database) -> None:
    kiosk = client_as("kiosk")
    with demo_database["engine"].connect() as conn:
        code, name = conn.execute(text("""
            SELECT s.code, s.name FROM sensor s WHERE s.kind = 'fume_monitor' AND NOT EXISTS (
                SELECT 1 FROM warning w WHERE w.sensor_id = s.id AND w.lifted_at IS NULL)
              AND NOT EXISTS (  -- its newest reading must be ours, or no alarm is evaluated on it
                SELECT 1 FROM reading r WHERE r.sensor_id = s.id AND r.observed_at > now() - interval '2 minutes')
            ORDER BY s.code DESC LIMIT 1""")).one()
    shown = current_version(kiosk)
    token = token_for(anonymous, web_users["dataadmin"], ["feed.ingest"])
    now = datetime.now(UTC).replace(microsecond=0).isoformat()
    posted = anonymous.post("/api/v1/readings", headers={"Authorization": f"Bearer {token}"}, json={
        "readings": [{"id": f"overview-{code}-{now}", "sensor": code, "metric": "fume", "observed_at": now,
                      "value": 7.0}]})
    assert posted.status_code == 200 and posted.get_json()["accepted"] == 1, posted.get_json()
    assert posted.get_json()["alarms"], posted.get_json()
    start = time.monotonic()
    while True:
        response = refresh(kiosk, shown)
        if response.status_code == 200:
            break
        assert time.monotonic() - start < 5.0, "the screen did not change within 5 s"
        time.sleep(0.25)
    alarms = json.dumps(response.get_json()["response"]["overview-alarms"], ensure_ascii=False)
    assert name in alarms


def test_many_screens_share_one_aggregate(client_as) -> None:
    kiosk, leader = client_as("kiosk"), client_as("leader")
    version = current_version(kiosk)
    before = overview.computations()
    for _ in range(25):  # 50 screens asking at once, county-wide roles share the aggregate
        assert refresh(kiosk, version).status_code in (200, 204)
        assert refresh(leader, version).status_code in (200, 204)
    assert overview.computations() - before <= 2  # at most a clock minute turning over meanwhile


def test_a_commander_screen_counts_their_township_only(client_as, demo_database, townships) -> None:
    commander, leader = client_as("commander"), client_as("leader")
    mine = refresh(commander, None).get_json()["response"]["overview-events"]["children"]
    county = refresh(leader, None).get_json()["response"]["overview-events"]["children"]

    def open_events(children: list) -> int:
        return int(children[0]["props"]["children"][0]["props"]["children"].replace(",", ""))

    with demo_database["engine"].connect() as conn:
        in_town = conn.execute(text("SELECT count(*) FROM grid_event WHERE left(grid_code, 9) = :t AND "
                                    "status NOT IN ('closed', 'rejected')"), {"t": townships[0]}).scalar_one()
    assert open_events(mine) == in_town < open_events(county)


@pytest.mark.parametrize("role", ["auditor", "sysadmin"])
def test_roles_without_the_map_get_no_overview_data(client_as, role: str) -> None:
    assert refresh(client_as(role), None).status_code == 403

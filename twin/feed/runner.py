"""The feed loop: fetch the sensors, then post one round per simulated minute until told to stop.

Simulated time starts at ``start`` (default: now) and runs ``speed`` times faster than the wall clock,
but never ahead of it: the API refuses readings from the future, so a fast replay from the past
(``--start -6h --speed 60``) catches up with the present and then continues live.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from twin.feed.client import Client, FeedHttpError, Transport, urllib_transport
from twin.feed.generators import Storm, indicator_items, round_items, storm_over
from twin.readings import CST

SCOPES = ["feed.ingest", "map.view"]  # post readings; read the sensor list and the indicators
MAX_BACK = timedelta(days=6)  # the API keeps readings up to 7 days old


@dataclass(frozen=True)
class FeedOptions:
    url: str = "http://127.0.0.1:8050"
    username: str | None = None
    password: str | None = None
    token: str | None = None
    speed: float = 1.0
    duration: float | None = None  # seconds of wall time; None = until interrupted
    storm: bool = False
    once: bool = False
    start: str | None = None  # ISO 8601 or relative to now: -6h, -90m, -2d


def parse_start(value: str | None, now: datetime) -> datetime:
    if not value:
        return now
    relative = re.fullmatch(r"-(\d+(?:\.\d+)?)([mhd])", value.strip())
    if relative:
        unit = {"m": "minutes", "h": "hours", "d": "days"}[relative.group(2)]
        moment = now - timedelta(**{unit: float(relative.group(1))})
    else:
        moment = datetime.fromisoformat(value)
        if moment.tzinfo is None:
            raise ValueError("--start needs a time zone, e.g. 2025-05-01T08:00+08:00, or a relative time like -6h")
    if moment > now or moment < now - MAX_BACK:
        raise ValueError("--start must lie within the last 6 days")
    return moment


def _minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


def run(options: FeedOptions, *, transport: Transport = urllib_transport,
        now: Callable[[], datetime] = lambda: datetime.now(UTC), sleep: Callable[[float], None] = time.sleep,
        out: Callable[[str], None] = print) -> int:
    real0 = now()
    stop_at = real0 + timedelta(seconds=options.duration) if options.duration else None

    def time_is_up() -> bool:
        return stop_at is not None and now() >= stop_at

    client = Client(options.url, transport, options.token, sleep=sleep, log=out, deadline=time_is_up)
    if not options.token:
        if not options.username or not options.password:
            out("feed: give --token (or COCKPIT_FEED_TOKEN) or --username and --password")
            return 2
        client.login(options.username, options.password, SCOPES)
    sensors: list[dict[str, Any]] = client.get("/api/v1/sensors")["sensors"]
    indicators: list[dict[str, Any]] = client.get("/api/v1/indicators")["indicators"]
    sim0 = _minute(parse_start(options.start, real0))
    storm = storm_over(sensors, sim0) if options.storm else None
    out(f"feed: {len(sensors)} sensors, {len(indicators)} indicators, from {sim0.astimezone(CST):%Y-%m-%d %H:%M} "
        f"at {options.speed:g}x" + (f", rainstorm until {storm.end.astimezone(CST):%H:%M}" if storm else ""))
    sim = sim0
    try:
        while True:
            wait = max((real0 + (sim - sim0) / options.speed - now()).total_seconds(), (sim - now()).total_seconds())
            if wait > 0:
                if stop_at is not None and now() + timedelta(seconds=wait) > stop_at:
                    break
                sleep(wait)
            post_round(client, sensors, indicators, sim, storm, options.once, out)
            if options.once or time_is_up():
                break
            sim += timedelta(minutes=1)
    except KeyboardInterrupt:
        out("feed: stopped")
    return 0


def post_round(client: Client, sensors: list[dict[str, Any]], indicators: list[dict[str, Any]], at: datetime,
               storm: Storm | None, every_kind: bool, out: Callable[[str], None]) -> dict[str, Any] | None:
    """Post one simulated minute (with ``every_kind``, also the ten-minute sensors at their last mark)."""
    readings = round_items(sensors, at, storm)
    if every_kind and at.minute % 10:
        mark = at - timedelta(minutes=at.minute % 10)
        readings += round_items([s for s in sensors if s["kind"] != "fume_monitor"], mark, storm)
    kpis = indicator_items(indicators, at)
    stamp = f"{at.astimezone(CST):%Y-%m-%d %H:%M}"
    try:
        result: dict[str, Any] = client.post("/api/v1/readings", {"readings": readings, "indicators": kpis,
                                                                  "synthetic": True})
    except FeedHttpError as exc:
        out(f"{stamp} {len(readings)} readings: refused: {exc}")
        return None
    for item in kpis:  # the next move starts from the value just posted
        for kpi in indicators:
            if kpi["code"] == item["code"]:
                kpi["value"] = item["value"]
    alarms = result.get("alarms") or []
    detail = ", ".join(f"{a['action']} {a['kind']} {a['level']} {a['sensor']}" for a in alarms[:3])
    first_reason = f" (first: {result['rejected'][0]['reason']})" if result.get("rejected") else ""
    out(f"{stamp} {len(readings)} readings, {len(kpis)} indicators: accepted {result['accepted']}, "
        f"duplicates {result['duplicates']}, rejected {len(result.get('rejected') or [])}{first_reason}, "
        f"alarms {len(alarms)}" + (f" [{detail}{' …' if len(alarms) > 3 else ''}]" if alarms else ""))
    return result

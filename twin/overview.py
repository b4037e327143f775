"""The leaders' overview: one aggregate of the whole live state, shared by every open screen.

Screens poll every few seconds. The aggregate is computed once per change of the underlying data (the
trigger-maintained data versions, read at most once a second) and per data scope (a commander's screen
counts their township only), then handed to every screen that asks — so the database work per refresh
does not grow with the number of screens. ``live_state()`` returns it; ``county_summary()`` stays for
callers that only want totals.
"""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from geodata import db
from geodata.repositories import overview as repo
from geodata.repositories.summary import table_counts
from geodata.repositories.tiles import data_versions
from twin import live, map_data
from twin.readings import CST

# The county totals (row counts of big tables) are recounted only when one of these changes, not on
# every new reading.
SUMMARY_TABLES = ("admin_area", "grid_cell", "resident", "house", "enterprise", "standard_address", "sensor")
LIVE_TABLES = ("reading", "kpi_value", "warning", "incident", "grid_event", "energy_record", *SUMMARY_TABLES)
VERSION_TTL_S = 1.0  # how stale the version check may be: bounds the reflection delay, not the work
RECENT = timedelta(days=30)
SERIES_HOURS = 24
# How often each feed reports; a feed is stale when its newest reading is older than twice that.
FEED_INTERVAL = {"fume_monitor": timedelta(minutes=1), "rain_gauge": timedelta(minutes=10),
                 "river_level": timedelta(minutes=10), "weather_station": timedelta(minutes=10),
                 "traffic_counter": timedelta(minutes=10), "parking_lot": timedelta(minutes=10)}


@dataclass(frozen=True)
class CountySummary:
    townships: int
    villages: int
    grid_cells: int
    residents: int
    households: int
    enterprises: int
    addresses: int
    sensors: int

    @property
    def empty(self) -> bool:
        return self.townships == 0


def county_summary() -> CountySummary:
    return CountySummary(**table_counts())


@dataclass(frozen=True)
class LiveState:
    version: str  # changes whenever anything shown changes; screens skip redrawing when it has not
    as_of: datetime
    summary: CountySummary
    indicators: list[dict[str, Any]]
    incidents: list[dict[str, Any]]  # per category × severity: today, open
    warnings: dict[str, dict[str, int]]  # level → {"areas", "sensors"}
    events: dict[str, Any]  # open, overdue, today's reported/closed, 30-day closure rate
    alarms: list[dict[str, Any]]
    area_warnings: list[dict[str, Any]]
    weather: dict[str, Any] | None
    feeds: list[dict[str, Any]]  # per sensor kind: count, alarming, newest, stale
    rain: list[tuple[datetime, float]]
    river: list[tuple[datetime, float]]
    park: dict[str, Any] | None
    open_incidents: list[dict[str, Any]] = field(default_factory=list)
    tour: dict[str, Any] = field(default_factory=dict)

    @property
    def map_signature(self) -> str:
        """Changes only when the map's live layers (alarms, area warnings, open incidents) would."""
        marks = [(a["code"], a["level"]) for a in self.alarms] + [(w["id"], w["level"]) for w in self.area_warnings] \
            + [(i["code"], i["status"], i["severity"]) for i in self.open_incidents]
        return hashlib.sha1(repr(marks).encode(), usedforsecurity=False).hexdigest()[:16]


@dataclass
class _Cache:
    lock: threading.Lock = field(default_factory=threading.Lock)
    checked_at: dict[str, float] = field(default_factory=dict)  # scope → monotonic time of the version check
    versions: dict[str, tuple[int, ...]] = field(default_factory=dict)
    states: dict[tuple[str, tuple[int, ...]], LiveState] = field(default_factory=dict)
    summaries: dict[tuple[str, tuple[int, ...]], CountySummary] = field(default_factory=dict)
    computed: int = 0  # how many times an aggregate was built (the benchmark reads it)


_cache = _Cache()


def live_state(now: datetime | None = None) -> LiveState:
    """The current aggregate for the caller's data scope, computed at most once per data change."""
    scope = db.current_scope() or "-"
    with _cache.lock:  # one screen computes; the others wait a moment and take the result
        t = time.monotonic()
        if t - _cache.checked_at.get(scope, -1e9) >= VERSION_TTL_S or scope not in _cache.versions:
            _cache.versions[scope] = data_versions(LIVE_TABLES)
            _cache.checked_at[scope] = t
        versions = _cache.versions[scope]
        key = (scope, versions)
        state = _cache.states.get(key)
        if state is None or _minute_changed(state, now):
            state = _compute(versions, now, _summary(scope, versions))
            _cache.states = {k: v for k, v in _cache.states.items() if k[0] != scope}  # old versions go
            _cache.states[key] = state
            _cache.computed += 1
        return state


def computations() -> int:
    return _cache.computed


def _minute_changed(state: LiveState, now: datetime | None) -> bool:
    # "today", "overdue" and staleness move with the clock even when no data changes
    current = now or datetime.now(UTC)
    return current - state.as_of >= timedelta(minutes=1)


def _summary(scope: str, versions: tuple[int, ...]) -> CountySummary:
    """Called under the cache lock."""
    key = (scope, versions[-len(SUMMARY_TABLES):])
    if key not in _cache.summaries:
        _cache.summaries = {k: v for k, v in _cache.summaries.items() if k[0] != scope}
        _cache.summaries[key] = county_summary()
    return _cache.summaries[key]


def _compute(versions: tuple[int, ...], now: datetime | None, summary: CountySummary) -> LiveState:
    now = now or datetime.now(UTC)
    day_start = now.astimezone(CST).replace(hour=0, minute=0, second=0, microsecond=0)
    warnings: dict[str, dict[str, int]] = {lvl: {"areas": 0, "sensors": 0} for lvl in ("red", "orange", "yellow",
                                                                                          "blue")}
    for row in repo.warning_counts():
        warnings[row["level"]] = {"areas": int(row["areas"]), "sensors": int(row["sensors"])}
    events = repo.grid_event_counts(day_start, now - RECENT, now)
    recent = int(events["recent"])
    events = {k: int(v) for k, v in events.items()} | {
        "closure_rate": round(int(events["recent_closed"]) / recent, 4) if recent else None}
    since = now - timedelta(hours=SERIES_HOURS)
    feeds = [{**f, "interval_s": int(FEED_INTERVAL[f["kind"]].total_seconds()),
              "stale": f["newest"] is None or now - f["newest"] > 2 * FEED_INTERVAL[f["kind"]]}
             for f in live.sensor_status(now) if f["kind"] in FEED_INTERVAL]
    return LiveState(
        version=f"{db.current_scope() or '-'}:{'.'.join(map(str, versions))}:{now:%Y%m%d%H%M}",
        as_of=now,
        summary=summary,
        indicators=live.indicators(now=now)["indicators"],
        incidents=[{k: (int(v) if k in ("today", "open", "severity") else v) for k, v in r.items()}
                   for r in repo.incident_counts(day_start)],
        warnings=warnings,
        events=events,
        alarms=map_data.alarms(),
        area_warnings=map_data.warnings(),
        weather=live.latest_weather(now),
        feeds=feeds,
        rain=[(r["hour"], float(r["value"])) for r in repo.hourly_series("rain_gauge", "rain", since,
                                                                             "sum_per_sensor")],
        river=[(r["hour"], float(r["value"])) for r in repo.hourly_series("river_level", "water_level", since,
                                                                              "max")],
        park=repo.park_month(),
        open_incidents=map_data.incidents(),
        tour=repo.tour_targets(),
    )


PLAN_START = datetime(2021, 1, 1, tzinfo=UTC)  # the 14th five-year plan runs 2021–2025
PLAN_END = datetime(2026, 1, 1, tzinfo=UTC)


def expected_progress(now: datetime) -> float:
    """Where an indicator on a straight line from the 2020 baseline to the 2025 target would be by now."""
    share = (now - PLAN_START) / (PLAN_END - PLAN_START)
    return max(0.0, min(1.0, share))


def kpi_state(indicator: dict[str, Any], now: datetime) -> str:
    """'reached' (2025 target met), 'on_track', 'behind' (more than 10 points short of the straight
    line), 'off_track' (more than 30 points short), or 'no_data'."""
    progress = indicator.get("progress")
    if progress is None or indicator.get("value") is None:
        return "no_data"
    if progress >= 1:
        return "reached"
    gap = expected_progress(now) - progress
    return "on_track" if gap <= 0.1 else "behind" if gap <= 0.3 else "off_track"

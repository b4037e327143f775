"""Demo stage 'operations': what the cockpit watches day to day.

Adds thing, grid_event(+_log), incident(+_log), emergency_resource, shelter, contingency_plan,
sensor, reading, warning, kpi_definition and kpi_value. Timestamps are offsets from the current
hour, drawn from the seed: two runs an hour apart give the same data shifted by an hour.
"""

from __future__ import annotations

from datetime import datetime

from geodata.demo.context import DemoContext
from geodata.demo.emergency import build_plans, build_resources, build_shelters
from geodata.demo.grid_events import build_grid_events
from geodata.demo.incidents import build_incidents
from geodata.demo.kpis import build_kpis
from geodata.demo.ops_base import OpsInputs
from geodata.demo.placement import reference_now
from geodata.demo.sensors import build_sensors, rain_event
from geodata.demo.things import build_things


def generate_operations(ctx: DemoContext, now: datetime | None = None) -> None:
    ops = OpsInputs.from_tables(ctx.tables, reference_now(now))
    grid = ctx.tables["grid_cell"]
    workers: dict[str, str] = {}
    if "worker_username" in grid:
        workers = {c: w for c, w in zip(grid["code"], grid["worker_username"], strict=True) if isinstance(w, str)}
    rain = rain_event(ctx, ops)
    build_things(ctx, ops)
    build_grid_events(ctx, ops, workers)
    build_incidents(ctx, ops, rain.peak)
    build_resources(ctx, ops)
    build_shelters(ctx, ops)
    build_plans(ctx)
    build_sensors(ctx, ops, rain)
    build_kpis(ctx, ops.now)

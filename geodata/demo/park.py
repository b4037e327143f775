"""Demo stage 'park': the 新昌高新技术产业园区 twin (孪生园区).

Adds park, industry_class, park_parcel, enterprise (with standard_address and building rows),
park_project, energy_record and material_trade, plus the park's streets to road.
"""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pandas as pd
import shapely

from geodata.demo.context import DemoContext
from geodata.demo.enterprises import build_enterprises
from geodata.demo.park_activity import build_energy, build_projects, build_trades
from geodata.demo.park_layout import PARK_NAME, THROUGH_ROADS, build_layout, keep_corridors_green
from geodata.demo.park_names import GB4754, INDUSTRY_CLASSES
from geodata.demo.placement import Geography, nullable_int, reference_now, table_frame


def generate_park(ctx: DemoContext, now: datetime | None = None) -> None:
    at = reference_now(now)
    geo = Geography.from_tables(ctx.tables)
    layout = build_layout(ctx.count(250, minimum=16), ctx.rng("park.layout"))
    rivers, roads = _corridors(ctx.tables)
    keep_corridors_green(layout, rivers, 30.0)
    keep_corridors_green(layout, roads, 5.0)

    centre = shapely.point_on_surface(layout.boundary)
    cx, cy = np.array([centre.x]), np.array([centre.y])
    town = geo.locate_towns(cx, cy)[0]
    town_code = geo.town_code[town] if town >= 0 else geo.cell_town[geo.nearest_cells(cx, cy)[0]]
    park_id = int(ctx.ids("park", 1)[0])
    ctx.add("park", table_frame({"id": [park_id], "name": [PARK_NAME], "town_code": [town_code],
                                 "geom": [layout.boundary]}))
    ctx.add("industry_class", table_frame({
        "code": [c.code for c in INDUSTRY_CLASSES],
        "name": [c.name for c in INDUSTRY_CLASSES],
        "chain": [c.chain for c in INDUSTRY_CLASSES],
        "chain_position": [c.position for c in INDUSTRY_CLASSES],
    }, synthetic=False, source=GB4754))

    p = layout.parcels
    parcel_ids = ctx.ids("park_parcel", len(p))
    ctx.add("park_parcel", table_frame({
        "id": parcel_ids,
        "code": p["code"].to_numpy(),
        "park_id": park_id,
        "land_use": p["land_use"].to_numpy(),
        "area_m2": p["area_m2"].to_numpy(),
        "status": p["status"].to_numpy(),
        "planned_far": p["planned_far"].to_numpy(),
        "actual_far": p["actual_far"].to_numpy(),
        "year_developed": nullable_int(p["year_developed"].to_numpy()),
        "geom": p["geom"].to_numpy(),
    }))
    # The streets the enterprises' addresses name belong on the base map too.
    streets = layout.streets
    ctx.add("road", table_frame({"id": ctx.ids("road", len(streets)), **{str(k): v for k, v in streets.items()}}))

    ents = build_enterprises(ctx, geo, layout, park_id, parcel_ids, ctx.rng("park.enterprises"))
    build_projects(ctx, ctx.rng("park.projects"), layout, parcel_ids, ents, at)
    build_energy(ctx, ctx.rng("park.energy"), ents, at)
    build_trades(ctx, ctx.rng("park.trades"), ents, at)


def _corridors(tables: dict[str, pd.DataFrame]) -> tuple[np.ndarray, np.ndarray]:
    """Rivers and through roads that may cross the park's land."""
    rivers = tables.get("river", pd.DataFrame({"rank": [], "geom": []}))
    roads = tables.get("road", pd.DataFrame({"road_class": [], "geom": []}))
    through = roads["road_class"].isin(THROUGH_ROADS).to_numpy()
    return (np.asarray(rivers["geom"].to_numpy()[(rivers["rank"] <= 2).to_numpy()], dtype=object),
            np.asarray(roads["geom"].to_numpy()[through], dtype=object))

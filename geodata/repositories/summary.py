"""Row counts for the overview (exact counts: these tables are small enough, or indexed)."""

from __future__ import annotations

from sqlalchemy import func, select

from geodata.db import get_engine
from geodata.models import AdminArea, Enterprise, GridCell, House, Resident, Sensor, StandardAddress


def table_counts() -> dict[str, int]:
    queries = {
        "townships": select(func.count()).select_from(AdminArea).where(AdminArea.level == "township"),
        "villages": select(func.count()).select_from(AdminArea).where(AdminArea.level == "village"),
        "grid_cells": select(func.count()).select_from(GridCell),
        "residents": select(func.count()).select_from(Resident),
        "households": select(func.count()).select_from(House).where(House.tenure != "vacant"),
        "enterprises": select(func.count()).select_from(Enterprise),
        "addresses": select(func.count()).select_from(StandardAddress),
        "sensors": select(func.count()).select_from(Sensor),
    }
    with get_engine().connect() as conn:
        return {name: int(conn.execute(q).scalar_one()) for name, q in queries.items()}

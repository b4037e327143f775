"""Demo loads are transactional and repeatable."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest
from sqlalchemy import text

from geodata.db import make_engine
from geodata.demo.loader import LoadReport, load
from geodata.migrate import upgrade

COUNTED = ("admin_area", "grid_cell", "standard_address", "resident", "enterprise", "reading")


def counts(engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in COUNTED}  # noqa: S608


@pytest.fixture
def fresh_engine(scratch_database):
    engine = make_engine(scratch_database())
    upgrade(engine)
    yield engine
    engine.dispose()


def test_a_second_load_replaces_the_first(fresh_engine, demo_database) -> None:
    ctx, params = demo_database["ctx"], demo_database["params"]
    load(fresh_engine, ctx, LoadReport(), params)
    first = counts(fresh_engine)
    load(fresh_engine, ctx, LoadReport(), params)
    assert counts(fresh_engine) == first
    assert all(n > 0 for n in first.values())
    with fresh_engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM dataset_load WHERE kind='demo'")).scalar_one() == 2


def test_a_failing_load_leaves_the_previous_data_untouched(fresh_engine, demo_database) -> None:
    ctx, params = demo_database["ctx"], demo_database["params"]
    load(fresh_engine, ctx, LoadReport(), params)
    before = counts(fresh_engine)
    broken_sensors = pd.concat([ctx.tables["sensor"], ctx.tables["sensor"].head(1)], ignore_index=True)
    broken = dataclasses.replace(ctx, tables={**ctx.tables, "sensor": broken_sensors})  # duplicate key
    with pytest.raises(Exception, match=r"duplicate key|unique"):
        load(fresh_engine, broken, LoadReport(), params)
    assert counts(fresh_engine) == before

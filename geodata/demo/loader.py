"""Generate the demo county and write it to the database in one transaction.

A load replaces every data table's content atomically: either the whole new county is there
afterwards or, on any error, the previous content is untouched. Running it twice is safe.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import shapely
from psycopg.types.json import Jsonb
from sqlalchemy import Engine, Integer, Table, text
from sqlalchemy.dialects.postgresql import JSONB

from geodata.demo.context import DemoContext
from geodata.errors import ValidationFailed
from geodata.models import SRID, Base
from geodata.protect import DataProtector

log = logging.getLogger(__name__)

# Tables a demo load owns. Users and the audit log are never touched by it.
KEEP_TABLES = {"app_user", "audit_log", "dataset_load", "data_version", "alembic_version"}
Stage = Callable[[DemoContext], None]


@dataclass(frozen=True)
class DemoParams:
    scale: float = 1.0
    seed: int = 42

    def __post_init__(self) -> None:
        if not (0 < self.scale <= 10):
            raise ValidationFailed("--scale must be greater than 0 and at most 10")
        if self.seed < 0:
            raise ValidationFailed("--seed must be a non-negative integer")


@dataclass
class LoadReport:
    rows: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


def stages() -> list[tuple[str, Stage]]:
    # Imported here so that importing the loader stays cheap (the CLI's --help must be fast).
    from geodata.demo.geography import generate_geography
    from geodata.demo.operations import generate_operations
    from geodata.demo.park import generate_park
    from geodata.demo.population import generate_population
    from geodata.demo.terrain import generate_terrain

    return [
        ("geography", generate_geography),
        ("terrain", generate_terrain),
        ("population", generate_population),
        ("park", generate_park),
        ("operations", generate_operations),
    ]


def generate(params: DemoParams, data_dir: Path, protector: DataProtector,
             progress: Callable[[str], None] = lambda _m: None) -> tuple[DemoContext, LoadReport]:
    ctx = DemoContext(seed=params.seed, scale=params.scale, data_dir=data_dir, protector=protector)
    report = LoadReport()
    for name, stage in stages():
        t0 = time.perf_counter()
        progress(f"generating {name} …")
        stage(ctx)
        report.seconds[name] = round(time.perf_counter() - t0, 2)
    return ctx, report


def load(engine: Engine, ctx: DemoContext, report: LoadReport, params: DemoParams,
         progress: Callable[[str], None] = lambda _m: None) -> LoadReport:
    tables = [t for t in Base.metadata.sorted_tables if t.name not in KEEP_TABLES]
    unknown = set(ctx.tables) - {t.name for t in tables}
    if unknown:
        raise ValueError(f"the generator produced tables the schema lacks: {sorted(unknown)}")
    t0 = time.perf_counter()
    raw = engine.raw_connection()
    try:
        with raw.cursor() as cur:  # type: ignore[attr-defined]
            cur.execute("SET LOCAL lock_timeout = '30s'")
            names = ", ".join(t.name for t in tables)
            cur.execute(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
            for table in tables:
                frame = ctx.tables.get(table.name)
                if frame is None or frame.empty:
                    continue
                progress(f"writing {table.name} ({len(frame):,} rows) …")
                report.rows[table.name] = _copy(cur, table, frame)
            for table in tables:
                _reset_sequence(cur, table)
            cur.execute(
                "INSERT INTO dataset_load (kind, seed, scale, loaded_at, row_counts) VALUES (%s, %s, %s, %s, %s)",
                ("demo", params.seed, params.scale, datetime.now(UTC), Jsonb(report.rows)),
            )
        raw.commit()
    except BaseException:
        raw.rollback()
        raise
    finally:
        raw.close()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("ANALYZE"))
    report.seconds["database"] = round(time.perf_counter() - t0, 2)
    return report


def _copy(cur: Any, table: Table, frame: pd.DataFrame) -> int:
    columns = [c for c in table.columns if c.name in frame.columns]
    missing = [c.name for c in table.columns
               if c.name not in frame.columns and not c.nullable and c.server_default is None
               and not (c.primary_key and c.autoincrement is True)]
    if missing:
        raise ValueError(f"{table.name}: generator frame lacks required columns {missing}")
    converted = [_column_values(frame[c.name], c) for c in columns]
    cols = ", ".join(c.name for c in columns)
    with cur.copy(f"COPY {table.name} ({cols}) FROM STDIN") as copy:
        for row in zip(*converted, strict=True):
            copy.write_row(row)
    return len(frame)


def _column_values(series: pd.Series, column: Any) -> Iterable[Any]:
    type_name = type(column.type).__name__
    if type_name == "Geometry":
        geoms = np.asarray(series.to_numpy(), dtype=object)
        geoms = shapely.set_srid(geoms, SRID)
        return list(shapely.to_wkb(geoms, hex=True, include_srid=True))
    if isinstance(column.type, JSONB):
        return [None if v is None else Jsonb(v) for v in series.tolist()]
    return list(_plain(series, integer=isinstance(column.type, Integer)))


def _plain(series: pd.Series, integer: bool = False) -> Iterator[Any]:
    """numpy scalars and pandas NA/NaT → Python values psycopg understands. In an ``integer`` column
    whole floats become ints: concatenating frames with missing values turns int columns into floats."""
    for v in series.tolist():
        if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NaT:
            yield None
        elif integer and isinstance(v, float) and v.is_integer():
            yield int(v)
        elif isinstance(v, pd.Timestamp):
            yield v.to_pydatetime()
        elif isinstance(v, np.ndarray):
            yield v.tolist()
        else:
            yield v


def _reset_sequence(cur: Any, table: Table) -> None:
    pk = list(table.primary_key.columns)
    if len(pk) != 1 or pk[0].type.python_type is not int or pk[0].autoincrement is False:
        return
    name = pk[0].name
    cur.execute("SELECT pg_get_serial_sequence(%s, %s)", (table.name, name))
    seq = cur.fetchone()[0]
    if seq:
        # identifiers come from the model metadata, never from input
        sql = f"SELECT setval(%s, COALESCE((SELECT max({name}) FROM {table.name}), 0) + 1, false)"  # noqa: S608
        cur.execute(sql, (seq,))

"""What has been loaded into this database (demo generator runs, imports)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, DateTime, Float, Integer, String, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from geodata.models.base import Base


class DatasetLoad(Base):
    __tablename__ = "dataset_load"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # demo / import
    seed: Mapped[int | None] = mapped_column(Integer)
    scale: Mapped[float | None] = mapped_column(Float)
    loaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    row_counts: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)


class DataVersion(Base):
    """Bumped by statement-level triggers on every write to a data table (migration 0002).

    Caches (vector tiles, aggregates) key on these numbers, so an edit invalidates exactly the
    entries that depend on the changed table, in every process, without a message bus.
    """

    __tablename__ = "data_version"

    table_name: Mapped[str] = mapped_column(String(63), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, default=0)
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

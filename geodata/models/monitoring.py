"""Sensors and their time series, warnings, and the plan's key indicators (KPIs)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, DateTime, Float, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from geodata.models.base import Base, SyntheticMixin, geometry_column

SENSOR_KINDS = ("rain_gauge", "river_level", "weather_station", "fume_monitor", "traffic_counter", "parking_lot")


class Sensor(SyntheticMixin, Base):
    __tablename__ = "sensor"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('rain_gauge','river_level','weather_station','fume_monitor','traffic_counter','parking_lot')",
            name="kind",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    name: Mapped[str] = mapped_column(String(100))
    metrics: Mapped[dict[str, Any]] = mapped_column(JSONB)  # metric -> unit
    thresholds: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    status: Mapped[str] = mapped_column(String(12), default="online")
    town_code: Mapped[str] = mapped_column(ForeignKey("admin_area.code"), index=True)
    geom: Mapped[Any] = geometry_column("POINT")


class Reading(Base):
    """One observation; the primary key makes ingest idempotent (re-sent readings are no-ops)."""

    __tablename__ = "reading"
    __table_args__ = (Index("ix_reading_observed_brin", "observed_at", postgresql_using="brin"),)

    sensor_id: Mapped[int] = mapped_column(ForeignKey("sensor.id", ondelete="CASCADE"), primary_key=True)
    metric: Mapped[str] = mapped_column(String(30), primary_key=True)
    observed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), primary_key=True)
    value: Mapped[float] = mapped_column(Float)
    is_synthetic: Mapped[bool] = mapped_column(default=True, server_default="true")
    # The client's id for the reading: re-sending it is a no-op even with a different time or value.
    ingest_id: Mapped[str | None] = mapped_column(String(80), unique=True)
    received_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Warning(SyntheticMixin, Base):
    __tablename__ = "warning"
    __table_args__ = (
        CheckConstraint("level IN ('blue','yellow','orange','red')", name="level"),
        # Live ingest may evaluate one sensor in two batches at once: the database keeps one open warning
        # per kind and sensor (migration 0006).
        Index("ux_warning_open_sensor_kind", "sensor_id", "kind", unique=True,
              postgresql_where=text("lifted_at IS NULL AND sensor_id IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))  # rainstorm / river_level / typhoon / fume …
    level: Mapped[str] = mapped_column(String(8), index=True)
    sensor_id: Mapped[int | None] = mapped_column(ForeignKey("sensor.id"), index=True)
    town_code: Mapped[str | None] = mapped_column(ForeignKey("admin_area.code"), index=True)
    message: Mapped[str] = mapped_column(Text)
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    lifted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    area: Mapped[Any] = geometry_column("MULTIPOLYGON", nullable=True)


class KpiDefinition(SyntheticMixin, Base):
    """The plan's main indicators (主要指标): baseline 2020, targets 2022 and 2025, lead unit."""

    __tablename__ = "kpi_definition"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(150))
    unit: Mapped[str] = mapped_column(String(10))
    baseline_2020: Mapped[float] = mapped_column(Float)
    target_2022: Mapped[float] = mapped_column(Float)
    target_2025: Mapped[float] = mapped_column(Float)
    target_note: Mapped[str | None] = mapped_column(String(40))  # e.g. '>85' where the plan says more than
    lead_unit: Mapped[str] = mapped_column(String(100))
    sort_order: Mapped[int] = mapped_column(Integer)


class KpiValue(Base):
    __tablename__ = "kpi_value"

    kpi_code: Mapped[str] = mapped_column(ForeignKey("kpi_definition.code", ondelete="CASCADE"), primary_key=True)
    observed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), primary_key=True)
    value: Mapped[float] = mapped_column(Float)
    is_synthetic: Mapped[bool] = mapped_column(default=True, server_default="true")
    ingest_id: Mapped[str | None] = mapped_column(String(80), unique=True)
    received_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

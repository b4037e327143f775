"""Grid governance: things (物) and grid events (事) with their closed-loop log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from geodata.models.base import Base, SyntheticMixin, geometry_column

GRID_EVENT_STATUSES = ("reported", "accepted", "dispatched", "handling", "resolved", "closed", "rejected")


class Thing(SyntheticMixin, Base):
    __tablename__ = "thing"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('hydrant','camera','hazard_source','elevator','manhole','streetlight','gas_station')",
            name="kind",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    name: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(20), default="normal")
    risk_level: Mapped[int | None] = mapped_column(Integer)  # hazard sources: 1 (major) … 4
    attrs: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    address_id: Mapped[int | None] = mapped_column(ForeignKey("standard_address.id"), index=True)
    grid_code: Mapped[str] = mapped_column(ForeignKey("grid_cell.code"), index=True)
    geom: Mapped[Any] = geometry_column("POINT")


class GridEvent(SyntheticMixin, Base):
    __tablename__ = "grid_event"
    __table_args__ = (
        CheckConstraint(
            "status IN ('reported','accepted','dispatched','handling','resolved','closed','rejected')",
            name="status",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    category: Mapped[str] = mapped_column(String(30), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), index=True)
    priority: Mapped[int] = mapped_column(Integer, default=3)
    grid_code: Mapped[str] = mapped_column(ForeignKey("grid_cell.code"), index=True)
    address_id: Mapped[int | None] = mapped_column(ForeignKey("standard_address.id"), index=True)
    reporter_masked: Mapped[str | None] = mapped_column(String(20))
    reported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    geom: Mapped[Any] = geometry_column("POINT")


class GridEventLog(Base):
    __tablename__ = "grid_event_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("grid_event.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    from_status: Mapped[str | None] = mapped_column(String(12))
    to_status: Mapped[str] = mapped_column(String(12))
    actor: Mapped[str] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)

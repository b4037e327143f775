"""Emergency one-map: incidents and their log, resources, shelters, contingency plans."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from geodata.models.base import Base, SyntheticMixin, geometry_column

INCIDENT_CATEGORIES = ("natural_disaster", "accident", "public_health", "social_security")


class Incident(SyntheticMixin, Base):
    __tablename__ = "incident"
    __table_args__ = (
        CheckConstraint(
            "category IN ('natural_disaster','accident','public_health','social_security')", name="category"
        ),
        CheckConstraint("severity BETWEEN 1 AND 4", name="severity"),  # 1 = Ⅰ特别重大 … 4 = Ⅳ一般
        CheckConstraint(
            "status IN ('reported','verified','responding','recovering','closed','false_alarm')", name="status"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    category: Mapped[str] = mapped_column(String(20), index=True)
    subtype: Mapped[str] = mapped_column(String(40))
    severity: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(12), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    reported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    town_code: Mapped[str] = mapped_column(ForeignKey("admin_area.code"), index=True)
    address_id: Mapped[int | None] = mapped_column(ForeignKey("standard_address.id"), index=True)
    reporter_masked: Mapped[str | None] = mapped_column(String(20))
    casualties: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    geom: Mapped[Any] = geometry_column("POINT")


class IncidentLog(Base):
    __tablename__ = "incident_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    from_status: Mapped[str | None] = mapped_column(String(12))
    to_status: Mapped[str] = mapped_column(String(12))
    actor: Mapped[str] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)


class EmergencyResource(SyntheticMixin, Base):
    """Rescue teams, material warehouses and major equipment."""

    __tablename__ = "emergency_resource"
    __table_args__ = (CheckConstraint("kind IN ('team','warehouse','equipment')", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[str] = mapped_column(String(12), index=True)
    name: Mapped[str] = mapped_column(String(100))
    specialty: Mapped[str | None] = mapped_column(String(40))
    personnel: Mapped[int | None] = mapped_column(Integer)
    inventory: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    town_code: Mapped[str] = mapped_column(ForeignKey("admin_area.code"), index=True)
    geom: Mapped[Any] = geometry_column("POINT")


class Shelter(SyntheticMixin, Base):
    __tablename__ = "shelter"
    __table_args__ = (CheckConstraint("occupancy >= 0 AND occupancy <= capacity", name="occupancy"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20))  # school / gym / square / community centre
    capacity: Mapped[int] = mapped_column(Integer)
    occupancy: Mapped[int] = mapped_column(Integer, default=0)
    town_code: Mapped[str] = mapped_column(ForeignKey("admin_area.code"), index=True)
    address_id: Mapped[int | None] = mapped_column(ForeignKey("standard_address.id"))
    geom: Mapped[Any] = geometry_column("POINT")


class ContingencyPlan(SyntheticMixin, Base):
    __tablename__ = "contingency_plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(20))
    subtype: Mapped[str | None] = mapped_column(String(40))
    owner_unit: Mapped[str] = mapped_column(String(100))
    version: Mapped[str] = mapped_column(String(20))
    effective_on: Mapped[date] = mapped_column(Date)
    response_levels: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    content: Mapped[str] = mapped_column(Text)

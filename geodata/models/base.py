"""Declarative base and column helpers shared by every model."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from geoalchemy2 import Geometry
from sqlalchemy import Boolean, DateTime, MetaData, String, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

SRID = 4490  # CGCS2000; within centimetres of WGS84
METRIC_SRID = 4549  # CGCS2000 / 3-degree Gauss-Kruger CM 120E

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def geometry_column(kind: str, *, nullable: bool = False) -> Any:
    """A CGCS2000 geometry column with a GiST index."""
    return mapped_column(Geometry(kind, srid=SRID, spatial_index=True), nullable=nullable)


class SyntheticMixin:
    """Every row says whether it is real reference data or generated demo data, and where it came from."""

    is_synthetic: Mapped[bool] = mapped_column(Boolean, default=True, server_default="true")
    source: Mapped[str] = mapped_column(String(200), default="demo generator", server_default="demo generator")


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )

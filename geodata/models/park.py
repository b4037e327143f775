"""The high-tech industrial park: parcels, enterprises, industries, projects, energy and trade."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import CheckConstraint, Date, DateTime, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from geodata.models.base import Base, SyntheticMixin, geometry_column


class Park(SyntheticMixin, Base):
    __tablename__ = "park"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    town_code: Mapped[str] = mapped_column(ForeignKey("admin_area.code"))
    geom: Mapped[Any] = geometry_column("MULTIPOLYGON")


class IndustryClass(SyntheticMixin, Base):
    """GB/T 4754-2017 classes used in the park, grouped into the county's industry chains."""

    __tablename__ = "industry_class"

    code: Mapped[str] = mapped_column(String(5), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    chain: Mapped[str] = mapped_column(String(30), index=True)  # bearings / auto_parts / pharma / tea …
    chain_position: Mapped[str] = mapped_column(String(12))  # upstream / midstream / downstream


class ParkParcel(SyntheticMixin, Base):
    __tablename__ = "park_parcel"
    __table_args__ = (
        CheckConstraint("status IN ('developed','under_construction','idle','vacant')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(30), unique=True)
    park_id: Mapped[int] = mapped_column(ForeignKey("park.id"), index=True)
    land_use: Mapped[str] = mapped_column(String(30))  # industrial / warehouse / commercial / green / road
    area_m2: Mapped[float] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(20))
    planned_far: Mapped[float] = mapped_column(Float)
    actual_far: Mapped[float] = mapped_column(Float)
    year_developed: Mapped[int | None] = mapped_column(Integer)
    geom: Mapped[Any] = geometry_column("MULTIPOLYGON")


class Enterprise(SyntheticMixin, Base):
    __tablename__ = "enterprise"
    __table_args__ = (
        CheckConstraint("uscc ~ '^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$'", name="uscc_format"),
        CheckConstraint("size IN ('large','medium','small','micro')", name="size"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uscc: Mapped[str] = mapped_column(String(18), unique=True)  # 统一社会信用代码, check char validated
    name: Mapped[str] = mapped_column(String(100), index=True)
    industry_code: Mapped[str] = mapped_column(ForeignKey("industry_class.code"), index=True)
    size: Mapped[str] = mapped_column(String(8))
    founded_year: Mapped[int] = mapped_column(Integer)
    moved_in_year: Mapped[int | None] = mapped_column(Integer)
    employees: Mapped[int] = mapped_column(Integer)
    output_value_wan: Mapped[float] = mapped_column(Float)  # 万元, last full year
    tax_wan: Mapped[float] = mapped_column(Float)
    energy_tce: Mapped[float] = mapped_column(Float)  # tonnes of coal equivalent
    land_mu: Mapped[float] = mapped_column(Float)
    park_id: Mapped[int | None] = mapped_column(ForeignKey("park.id"), index=True)
    parcel_id: Mapped[int | None] = mapped_column(ForeignKey("park_parcel.id"), index=True)
    address_id: Mapped[int] = mapped_column(ForeignKey("standard_address.id"), index=True)
    grid_code: Mapped[str] = mapped_column(ForeignKey("grid_cell.code"), index=True)
    geom: Mapped[Any] = geometry_column("POINT")


class ParkProject(SyntheticMixin, Base):
    __tablename__ = "park_project"
    __table_args__ = (
        CheckConstraint("stage IN ('signed','approved','under_construction','in_production')", name="stage"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(30), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    stage: Mapped[str] = mapped_column(String(20))
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprise.id"), index=True)
    parcel_id: Mapped[int | None] = mapped_column(ForeignKey("park_parcel.id"), index=True)
    investment_planned_wan: Mapped[float] = mapped_column(Float)
    investment_done_wan: Mapped[float] = mapped_column(Float)
    signed_on: Mapped[date] = mapped_column(Date)
    planned_start: Mapped[date] = mapped_column(Date)
    planned_finish: Mapped[date] = mapped_column(Date)
    actual_finish: Mapped[date | None] = mapped_column(Date)
    geom: Mapped[Any] = geometry_column("POINT")


class EnergyRecord(SyntheticMixin, Base):
    """Monthly resource use and output per enterprise (资源 / 能耗)."""

    __tablename__ = "energy_record"

    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), primary_key=True)
    month: Mapped[date] = mapped_column(Date, primary_key=True)
    electricity_kwh: Mapped[float] = mapped_column(Float)
    gas_m3: Mapped[float] = mapped_column(Float)
    water_t: Mapped[float] = mapped_column(Float)
    output_value_wan: Mapped[float] = mapped_column(Float)
    tax_wan: Mapped[float] = mapped_column(Float)


class MaterialTrade(SyntheticMixin, Base):
    """Material trading (材料交易) between enterprises inside and outside the park."""

    __tablename__ = "material_trade"

    id: Mapped[int] = mapped_column(primary_key=True)
    seller_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    buyer_id: Mapped[int | None] = mapped_column(ForeignKey("enterprise.id"), index=True)
    buyer_name: Mapped[str | None] = mapped_column(String(100))
    material: Mapped[str] = mapped_column(String(50))
    quantity_t: Mapped[float] = mapped_column(Float)
    amount_wan: Mapped[float] = mapped_column(Float)
    traded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    note: Mapped[str | None] = mapped_column(Text)

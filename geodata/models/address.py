"""Standard addresses (GA/T 2000.32 element levels), buildings, houses and residents."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import (
    ARRAY,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from geodata.models.base import Base, SyntheticMixin, TimestampMixin, geometry_column

ADDRESS_LEVELS = ("road", "house_number", "estate", "building", "unit", "room")


class StandardAddress(SyntheticMixin, TimestampMixin, Base):
    __tablename__ = "standard_address"
    __table_args__ = (
        CheckConstraint("status IN ('active','retired','pending')", name="status"),
        CheckConstraint(
            "level IN ('road','house_number','estate','building','unit','room')", name="level"
        ),
        Index("ix_standard_address_full_text_trgm", "full_text", postgresql_using="gin",
              postgresql_ops={"full_text": "gin_trgm_ops"}),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)  # stable: never reused or renumbered
    level: Mapped[str] = mapped_column(String(16))  # the finest element present
    full_text: Mapped[str] = mapped_column(Text)
    province: Mapped[str] = mapped_column(String(20), default="浙江省")
    city: Mapped[str] = mapped_column(String(20), default="绍兴市")
    county: Mapped[str] = mapped_column(String(20), default="新昌县")
    town: Mapped[str] = mapped_column(String(50))
    community: Mapped[str | None] = mapped_column(String(50))
    group_name: Mapped[str | None] = mapped_column(String(20))  # 组 (村民小组)
    road: Mapped[str | None] = mapped_column(String(50))
    house_number: Mapped[str | None] = mapped_column(String(20))
    estate: Mapped[str | None] = mapped_column(String(50))
    building: Mapped[str | None] = mapped_column(String(20))
    unit: Mapped[str | None] = mapped_column(String(20))
    room: Mapped[str | None] = mapped_column(String(20))
    aliases: Mapped[list[str]] = mapped_column(ARRAY(Text), default=list)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("standard_address.id"), index=True)
    town_code: Mapped[str] = mapped_column(ForeignKey("admin_area.code"), index=True)
    village_code: Mapped[str | None] = mapped_column(ForeignKey("admin_area.code"), index=True)
    grid_code: Mapped[str | None] = mapped_column(ForeignKey("grid_cell.code"), index=True)
    status: Mapped[str] = mapped_column(String(10), default="active")
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    geom: Mapped[Any] = geometry_column("POINT")


class Building(SyntheticMixin, Base):
    __tablename__ = "building"
    __table_args__ = (
        CheckConstraint("use IN ('residential','industrial','commercial','public','mixed')", name="use"),
        CheckConstraint("floors >= 1 AND height_m > 0", name="size"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str | None] = mapped_column(String(100))
    address_id: Mapped[int] = mapped_column(ForeignKey("standard_address.id"), index=True)
    grid_code: Mapped[str] = mapped_column(ForeignKey("grid_cell.code"), index=True)
    use: Mapped[str] = mapped_column(String(12))
    floors: Mapped[int] = mapped_column(Integer)
    height_m: Mapped[float] = mapped_column(Float)
    year_built: Mapped[int | None] = mapped_column(Integer)
    parcel_id: Mapped[int | None] = mapped_column(ForeignKey("park_parcel.id"), index=True)
    geom: Mapped[Any] = geometry_column("POLYGON")


class House(SyntheticMixin, Base):
    """A dwelling (房): one household's home, at a room- or house-number-level address."""

    __tablename__ = "house"
    __table_args__ = (CheckConstraint("tenure IN ('owner_occupied','rented','vacant')", name="tenure"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("building.id"), index=True)
    address_id: Mapped[int] = mapped_column(ForeignKey("standard_address.id"), index=True)
    grid_code: Mapped[str] = mapped_column(ForeignKey("grid_cell.code"), index=True)
    tenure: Mapped[str] = mapped_column(String(16))
    floor_area_m2: Mapped[float] = mapped_column(Float)
    occupants: Mapped[int] = mapped_column(Integer, default=0)


class Resident(SyntheticMixin, Base):
    """Personal data is never stored in clear: encrypted (AES-GCM) for authorised reads, an HMAC for
    exact lookup, and a masked form for everything that is shown by default."""

    __tablename__ = "resident"
    __table_args__ = (CheckConstraint("gender IN ('M','F')", name="gender"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name_enc: Mapped[bytes] = mapped_column(LargeBinary)
    name_masked: Mapped[str] = mapped_column(String(20))
    id_number_enc: Mapped[bytes] = mapped_column(LargeBinary)
    id_number_hmac: Mapped[bytes] = mapped_column(LargeBinary, unique=True)
    id_number_masked: Mapped[str] = mapped_column(String(18))
    phone_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    phone_masked: Mapped[str | None] = mapped_column(String(11))
    gender: Mapped[str] = mapped_column(String(1))
    birth_year: Mapped[int] = mapped_column(Integer, index=True)
    household_no: Mapped[str] = mapped_column(String(20), index=True)
    relation: Mapped[str] = mapped_column(String(10))  # 户主 / 配偶 / 子女 / 父母 / 其他
    house_id: Mapped[int] = mapped_column(ForeignKey("house.id"), index=True)
    address_id: Mapped[int] = mapped_column(ForeignKey("standard_address.id"), index=True)
    grid_code: Mapped[str] = mapped_column(ForeignKey("grid_cell.code"), index=True)
    tags: Mapped[list[str]] = mapped_column(ARRAY(String(20)), default=list)  # special groups: restricted
    geom: Mapped[Any] = geometry_column("POINT")

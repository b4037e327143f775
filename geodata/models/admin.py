"""Administrative areas, grid cells, and the physical base map (rivers, roads, places, DEM)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import CheckConstraint, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from geodata.models.base import Base, SyntheticMixin, geometry_column

ADMIN_LEVELS = ("county", "township", "village")


class AdminArea(SyntheticMixin, Base):
    """County (6-digit code), townships (9-digit NBS-2023) and villages/communities (12-digit)."""

    __tablename__ = "admin_area"
    __table_args__ = (
        CheckConstraint("level IN ('county','township','village')", name="level"),
        CheckConstraint(
            "(level='county' AND length(code)=6) OR (level='township' AND length(code)=9) "
            "OR (level='village' AND length(code)=12)",
            name="code_length",
        ),
    )

    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    level: Mapped[str] = mapped_column(String(10), index=True)
    name: Mapped[str] = mapped_column(String(100), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # 县 / 街道 / 镇 / 乡 / 社区 / 村
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("admin_area.code"), index=True)
    alias_code: Mapped[str | None] = mapped_column(String(12))  # MCA-2025 code where it differs
    boundary_synthetic: Mapped[bool] = mapped_column(default=True)  # names/codes real, boundaries generated
    area_km2: Mapped[float] = mapped_column(Float)
    geom: Mapped[Any] = geometry_column("MULTIPOLYGON")
    label_point: Mapped[Any] = geometry_column("POINT")


class GridCell(SyntheticMixin, Base):
    """A governance grid cell: exactly one village; code = village code + 3-digit number (W→E, N→S)."""

    __tablename__ = "grid_cell"
    __table_args__ = (CheckConstraint("length(code)=15 AND left(code, 12)=village_code", name="code_nesting"),)

    code: Mapped[str] = mapped_column(String(15), primary_key=True)
    village_code: Mapped[str] = mapped_column(ForeignKey("admin_area.code"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    worker_username: Mapped[str | None] = mapped_column(String(64))
    household_count: Mapped[int] = mapped_column(Integer, default=0)
    resident_count: Mapped[int] = mapped_column(Integer, default=0)
    area_km2: Mapped[float] = mapped_column(Float)
    geom: Mapped[Any] = geometry_column("MULTIPOLYGON")


class PlacePoint(SyntheticMixin, Base):
    __tablename__ = "place_point"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str | None] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(30))  # county_seat / town / village / landmark
    geom: Mapped[Any] = geometry_column("POINT")


class River(SyntheticMixin, Base):
    __tablename__ = "river"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    rank: Mapped[int] = mapped_column(Integer, default=1)  # 1 main river, 2 tributary, 3 stream
    geom: Mapped[Any] = geometry_column("MULTILINESTRING")


class Road(SyntheticMixin, Base):
    __tablename__ = "road"
    __table_args__ = (
        CheckConstraint(
            "road_class IN ('expressway','national','provincial','county','township','village','urban')",
            name="road_class",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    road_class: Mapped[str] = mapped_column(String(20), index=True)
    lanes: Mapped[int] = mapped_column(Integer, default=2)
    geom: Mapped[Any] = geometry_column("MULTILINESTRING")


class Dem(SyntheticMixin, Base):
    """Metadata of a DEM raster stored as a GeoTIFF file under the data directory."""

    __tablename__ = "dem"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    path: Mapped[str] = mapped_column(String(500))  # relative to the data directory
    epsg: Mapped[int] = mapped_column(Integer)
    resolution_m: Mapped[float] = mapped_column(Float)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    min_m: Mapped[float] = mapped_column(Float)
    max_m: Mapped[float] = mapped_column(Float)
    footprint: Mapped[Any] = geometry_column("POLYGON")

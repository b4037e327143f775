"""All models, imported so that ``Base.metadata`` is complete for alembic and the loaders."""

from geodata.models.address import Building, House, Resident, StandardAddress
from geodata.models.admin import AdminArea, Dem, GridCell, PlacePoint, River, Road
from geodata.models.base import METRIC_SRID, SRID, Base
from geodata.models.dataset import DatasetLoad, DataVersion
from geodata.models.emergency import ContingencyPlan, EmergencyResource, Incident, IncidentLog, Shelter
from geodata.models.governance import GridEvent, GridEventLog, Thing
from geodata.models.monitoring import KpiDefinition, KpiValue, Reading, Sensor, Warning
from geodata.models.park import (
    EnergyRecord,
    Enterprise,
    IndustryClass,
    MaterialTrade,
    Park,
    ParkParcel,
    ParkProject,
)
from geodata.models.security import AppUser, AuditLog, RevokedSession

__all__ = [
    "METRIC_SRID",
    "SRID",
    "AdminArea",
    "AppUser",
    "AuditLog",
    "Base",
    "Building",
    "ContingencyPlan",
    "DataVersion",
    "DatasetLoad",
    "Dem",
    "EmergencyResource",
    "EnergyRecord",
    "Enterprise",
    "GridCell",
    "GridEvent",
    "GridEventLog",
    "House",
    "Incident",
    "IncidentLog",
    "IndustryClass",
    "KpiDefinition",
    "KpiValue",
    "MaterialTrade",
    "Park",
    "ParkParcel",
    "ParkProject",
    "PlacePoint",
    "Reading",
    "Resident",
    "RevokedSession",
    "River",
    "Road",
    "Sensor",
    "Shelter",
    "StandardAddress",
    "Thing",
    "Warning",
]

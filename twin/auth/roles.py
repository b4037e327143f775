"""Roles, permissions and the authenticated principal. Pure data: no database, no web framework.

System, security and audit duties are separated: the system administrator manages users but sees no
data, the auditor reads the audit log and nothing else, the kiosk (video wall) sees the map but no
personal data at all.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from geodata.errors import ValidationFailed
from geodata.models.security import ROLES
from geodata.reference_data import COUNTY_CODE

__all__ = ["ANONYMOUS", "COUNTY_CODE", "COUNTY_SCOPE", "ROLES", "ROLE_PERMISSIONS", "Permission", "Principal",
           "check_scopes"]

COUNTY_SCOPE: Final = "county"  # geodata.db's scope for the whole county


class Permission(StrEnum):
    MAP_VIEW = "map.view"
    PERSONAL_MASKED = "personal.masked"  # see personal data, masked
    PERSONAL_UNMASK = "personal.unmask"  # unmask one record, with a stated reason (audited)
    PERSONAL_AGGREGATE = "personal.aggregate"  # counts and densities of people, no individuals
    INCIDENT_HANDLE = "incident.handle"
    EVENT_HANDLE = "event.handle"
    QUERY_RUN = "query.run"
    EXPORT = "export"
    IMPORT = "import"
    USERS_MANAGE = "users.manage"
    AUDIT_READ = "audit.read"
    FEED_INGEST = "feed.ingest"


P = Permission
ROLE_PERMISSIONS: Final[dict[str, frozenset[Permission]]] = {
    "leader": frozenset({P.MAP_VIEW, P.PERSONAL_AGGREGATE}),
    "commander": frozenset({P.MAP_VIEW, P.PERSONAL_MASKED, P.PERSONAL_UNMASK, P.INCIDENT_HANDLE,
                            P.EVENT_HANDLE, P.QUERY_RUN, P.EXPORT}),
    "grid_worker": frozenset({P.MAP_VIEW, P.PERSONAL_MASKED, P.EVENT_HANDLE}),
    "planner": frozenset({P.MAP_VIEW, P.PERSONAL_AGGREGATE, P.QUERY_RUN, P.EXPORT}),
    "dataadmin": frozenset({P.MAP_VIEW, P.IMPORT, P.FEED_INGEST}),  # data admins run the sensor feeds
    "sysadmin": frozenset({P.USERS_MANAGE}),
    "auditor": frozenset({P.AUDIT_READ}),
    "kiosk": frozenset({P.MAP_VIEW}),
}
assert set(ROLE_PERMISSIONS) == set(ROLES)

# Roles whose accounts may carry a TOTP second factor that is then always required at login.
ADMIN_ROLES: Final = frozenset({"sysadmin", "auditor"})


@dataclass(frozen=True)
class Principal:
    """Who is acting. Unauthenticated callers are represented by ``None`` (``ANONYMOUS``).

    ``jurisdiction_code``: '330624' (county) for county-wide roles, a 9-digit township for
    commanders, the 12-digit village for grid workers. ``grid_codes``: the grid cells a grid worker
    looks after; empty = every grid cell of their village. ``token_scopes``: None for a login session
    or a full-role token, else the permissions a bearer token was issued with.
    """

    username: str
    role: str
    display_name: str
    jurisdiction_code: str
    grid_codes: tuple[str, ...] = ()
    token_scopes: tuple[str, ...] | None = None

    def can(self, permission: Permission | str) -> bool:
        granted = permission in ROLE_PERMISSIONS.get(self.role, frozenset())
        return granted and (self.token_scopes is None or str(permission) in self.token_scopes)

    @property
    def permissions(self) -> frozenset[Permission]:
        return frozenset(p for p in ROLE_PERMISSIONS.get(self.role, frozenset()) if self.can(p))

    @property
    def town_code(self) -> str | None:
        """The 9-digit township this principal is confined to; None = the whole county.

        Only meaningful together with a permission check: a sysadmin's town_code is None too, but
        it may see no data at all. Use ``data_scope`` to scope database sessions.
        """
        if self.role in ("commander", "grid_worker"):
            return self.jurisdiction_code[:9]
        return None

    @property
    def village_code(self) -> str | None:
        return self.jurisdiction_code if self.role == "grid_worker" else None

    @property
    def data_scope(self) -> str | None:
        """The row-level-security scope for geodata.db.set_scope: 'county', a township code, or None
        (no data at all) for principals that may not see the map."""
        if not self.can(Permission.MAP_VIEW):
            return None
        town = self.town_code
        if town is None:
            return COUNTY_SCOPE
        return town if len(town) == 9 and town.isdigit() else None  # a broken record sees nothing


ANONYMOUS: Final = None  # the unauthenticated caller: every function taking a principal accepts None


def check_scopes(role: str, scopes: Iterable[str] | None) -> tuple[str, ...] | None:
    """Validate token scopes against a role: a non-empty subset of its permissions (None = the full role)."""
    if scopes is None:
        return None
    wanted = tuple(dict.fromkeys(str(s).strip() for s in scopes))
    if not wanted:
        raise ValidationFailed(
            "令牌至少需要一个权限范围 / a token needs at least one scope (or none for the full role)")
    known = {p.value for p in Permission}
    unknown = [s for s in wanted if s not in known]
    if unknown:
        raise ValidationFailed(f"未知的权限范围 / unknown scope(s): {', '.join(unknown)}")
    allowed = {p.value for p in ROLE_PERMISSIONS.get(role, frozenset())}
    beyond = [s for s in wanted if s not in allowed]
    if beyond:
        raise ValidationFailed(
            f"权限范围超出角色 {role} 的权限 / scope(s) beyond the permissions of role {role}: {', '.join(beyond)}")
    return tuple(sorted(wanted))

"""Authentication, authorisation and audit: framework-free (no Flask, no Dash).

    principal = authenticate("cmd-330624001", password, client_ip=ip)   # or principal_from_token(...)
    principal.can(Permission.EXPORT); principal.data_scope               # → geodata.db.set_scope
    audit(principal, "export", object_type="query", detail={"rows": 120})

Unauthenticated callers are ``None`` (``ANONYMOUS``); every function taking a principal accepts it
and grants it nothing. Errors: AuthFailed (401), AccountLocked (423) and SecondFactorRequired (401,
a subclass of AuthFailed like AccountLocked), Forbidden, ValidationFailed, Conflict — all in
geodata.errors.
"""

from __future__ import annotations

from typing import Any

from twin.auth.accounts import create_user, load_principal, set_totp, validate_jurisdiction, validate_username
from twin.auth.audit import audit, search_audit
from twin.auth.demo import DemoUser, check_demo_password, create_demo_users, demo_password, demo_users
from twin.auth.keys import server_secret
from twin.auth.login import LOCKOUT, LockoutPolicy, authenticate
from twin.auth.passwords import generate_password, validate_password
from twin.auth.roles import (
    ADMIN_ROLES,
    ANONYMOUS,
    COUNTY_CODE,
    COUNTY_SCOPE,
    ROLE_PERMISSIONS,
    ROLES,
    Permission,
    Principal,
    check_scopes,
)
from twin.auth.tokens import issue_token, principal_from_token

__all__ = [
    "ADMIN_ROLES",
    "ANONYMOUS",
    "COUNTY_CODE",
    "COUNTY_SCOPE",
    "DEMO_USERS",
    "LOCKOUT",
    "ROLES",
    "ROLE_PERMISSIONS",
    "DemoUser",
    "LockoutPolicy",
    "Permission",
    "Principal",
    "audit",
    "authenticate",
    "check_demo_password",
    "check_scopes",
    "create_demo_users",
    "create_user",
    "demo_password",
    "demo_users",
    "generate_password",
    "issue_token",
    "load_principal",
    "principal_from_token",
    "search_audit",
    "server_secret",
    "set_totp",
    "validate_jurisdiction",
    "validate_password",
    "validate_username",
]


def __getattr__(name: str) -> Any:
    # DEMO_USERS is built from the vendored code lists: read on first use, not at import time.
    if name == "DEMO_USERS":
        return demo_users()
    raise AttributeError(f"module 'twin.auth' has no attribute {name!r}")

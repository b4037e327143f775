"""Writing and searching the audit log (who, when, what, from where, result).

Details are scrubbed before they are stored: values under keys that name secrets are redacted,
and anything shaped like a resident ID number or a mobile number is masked.
"""

from __future__ import annotations

import ipaddress
import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection

from geodata.errors import Forbidden, ValidationFailed
from geodata.protect import mask_id_number, mask_phone
from geodata.repositories import audit as repo
from twin.auth.roles import Permission, Principal

OUTCOMES = frozenset({"ok", "failed", "locked", "denied"})
MAX_LIMIT = 1000
MAX_DETAIL_CHARS = 8000
_SECRET_KEY = re.compile(r"pass|token|secret|totp|otp|credential|authorization|cookie", re.IGNORECASE)
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


def audit(principal: Principal | None, action: str, *, object_type: str | None = None,
          object_id: str | int | None = None, outcome: str = "ok", client_ip: str | None = None,
          detail: dict[str, Any] | None = None, conn: Connection | None = None) -> None:
    """Record an action by ``principal`` (None = unauthenticated or the system itself).

    With ``conn`` the entry joins that transaction, so a rolled-back write leaves no 'ok' entry.
    """
    record(principal.username if principal else None, principal.role if principal else None, action,
           object_type=object_type, object_id=object_id, outcome=outcome, client_ip=client_ip,
           detail=detail if principal is None or principal.token_scopes is None
           else {**(detail or {}), "via": "token"},
           conn=conn)


def record(username: str | None, role: str | None, action: str, *, object_type: str | None = None,
           object_id: str | int | None = None, outcome: str = "ok", client_ip: str | None = None,
           detail: dict[str, Any] | None = None, at: datetime | None = None,
           conn: Connection | None = None) -> None:
    """Like ``audit`` for callers that only have a name (e.g. a login attempt for an unknown user)."""
    if outcome not in OUTCOMES:
        raise ValueError(f"audit outcome must be one of {sorted(OUTCOMES)}")
    if not action or len(action) > 50:
        raise ValueError("audit action must be 1-50 characters")
    entry = repo.AuditEntry(
        action=action, username=username[:64] if username else None, role=role,
        object_type=object_type[:40] if object_type else None,
        object_id=str(object_id)[:64] if object_id is not None else None,
        outcome=outcome, client_ip=_ip(client_ip), detail=scrub(detail or {}), at=at)
    repo.append(entry, conn)


def search_audit(principal: Principal | None, *, username: str | None = None, action: str | None = None,
                 since: datetime | None = None, until: datetime | None = None, limit: int = 200,
                 offset: int = 0, outcome: str | None = None, client_ip: str | None = None) -> list[dict[str, Any]]:
    """Entries newest first; needs audit.read. The search itself is audited."""
    filters = {"username": username, "action": action, "outcome": outcome,
               "since": since.isoformat() if since else None, "until": until.isoformat() if until else None}
    filters = {k: v for k, v in filters.items() if v is not None}
    if principal is None or not principal.can(Permission.AUDIT_READ):
        if principal is not None:
            audit(principal, "audit.search", outcome="denied", client_ip=client_ip, detail=filters)
        raise Forbidden("只有审计员可以查看审计日志 / only auditors may read the audit log")
    if not 1 <= limit <= MAX_LIMIT or offset < 0:
        raise ValidationFailed(f"limit must be 1-{MAX_LIMIT} and offset non-negative")
    if since and until and since > until:
        raise ValidationFailed("'since' must not be later than 'until'")
    rows = repo.search(repo.AuditFilter(username=username, action=action, outcome=outcome, since=since,
                                        until=until, limit=limit, offset=offset))
    audit(principal, "audit.search", client_ip=client_ip, detail={**filters, "rows": len(rows)})
    return rows


def scrub(detail: dict[str, Any]) -> dict[str, Any]:
    """A JSON-safe copy with secrets redacted and personal identifiers masked."""
    cleaned = _scrub(json.loads(json.dumps(detail, default=str, ensure_ascii=False)))
    if len(json.dumps(cleaned, ensure_ascii=False)) > MAX_DETAIL_CHARS:
        return {"truncated": True, "keys": sorted(cleaned)[:50]}
    return dict(cleaned)


def _scrub(value: Any, key: str = "") -> Any:
    if key and _SECRET_KEY.search(key):
        return "[redacted]"
    if isinstance(value, dict):
        return {str(k): _scrub(v, str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub(v) for v in value]
    if isinstance(value, str):
        value = _ID_NUMBER.sub(lambda m: mask_id_number(m.group()), value)
        return _MOBILE.sub(lambda m: mask_phone(m.group()), value)
    return value


def _ip(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


MIN_RETENTION_MONTHS = 6  # MLPS 2.0 level 3: audit records kept at least six months


def prune_audit(months: int, *, now: datetime | None = None) -> int:
    """Delete audit entries older than ``months`` (never fewer than six); the pruning is itself audited."""
    if months < MIN_RETENTION_MONTHS:
        raise ValidationFailed(f"audit entries must be kept at least {MIN_RETENTION_MONTHS} months")
    cutoff = (now or datetime.now(UTC)) - timedelta(days=31 * months)
    removed = repo.prune_before(cutoff)
    audit(None, "audit.prune", detail={"months": months, "cutoff": cutoff.isoformat(), "removed": removed})
    return removed

"""Health of the running system, as reported by /healthz."""

from __future__ import annotations

from typing import Any

from geodata.errors import CockpitError
from geodata.repositories.system import database_state


def health_report() -> dict[str, Any]:
    try:
        state = database_state()
    except CockpitError as exc:
        return {"status": "degraded", "db": "unavailable", "reason": exc.user_message}
    report: dict[str, Any] = {"status": "ok", "db": "ok", **state}
    if state.get("schema") != "current":
        report.update(status="degraded", reason="the database schema is not up to date: run 'python app.py db upgrade'")
    return report

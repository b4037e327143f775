"""Ingest of sensor readings and indicator values (POST /api/v1/readings), with threshold alarms.

One batch is one transaction: the good items are stored (re-sent ids and already stored
(sensor, metric, time) keys count as duplicates and change nothing), the sensors touched are evaluated
against their thresholds, warnings are raised, escalated or lifted, and one audit entry records the
counts. Bad items are reported with their reasons and never stop the good ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection

from geodata.errors import AuthFailed, Forbidden
from geodata.repositories import monitoring as repo
from twin.alarms import AlarmChange, OpenWarning, SensorState, evaluate
from twin.auth import Permission, Principal, audit
from twin.readings import KpiRef, Rejection, SensorRef, parse_batch, validate_indicators, validate_readings


@dataclass
class IngestResult:
    accepted: int = 0
    duplicates: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    alarms: list[AlarmChange] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"accepted": self.accepted, "duplicates": self.duplicates,
                "rejected": [r.as_dict() for r in self.rejected], "alarms": [a.as_dict() for a in self.alarms]}


def ingest(principal: Principal | None, body: Any, *, now: datetime | None = None,
           client_ip: str | None = None) -> IngestResult:
    """Validate and store one batch; see the module docstring. Needs feed.ingest."""
    if principal is None:
        raise AuthFailed("请先登录 / please sign in")
    if not principal.can(Permission.FEED_INGEST):
        raise Forbidden("没有数据接入权限 / you are not allowed to ingest readings")
    batch = parse_batch(body)
    moment = now or datetime.now(UTC)
    result = IngestResult()
    with repo.transaction() as conn:
        sensors = {s.code: s for s in (_sensor_ref(r) for r in repo.sensor_refs(conn))}
        readings, bad_readings = validate_readings(batch.readings, sensors, moment)
        kpis = {r["code"]: KpiRef(r["code"], r["unit"]) for r in repo.kpi_refs(conn)} if batch.indicators else {}
        indicators, bad_indicators = validate_indicators(batch.indicators, kpis, moment)
        result.rejected = bad_readings + bad_indicators
        stored = repo.insert_readings(conn, [(r.ingest_id, r.sensor_id, r.metric, r.observed_at, r.value)
                                             for r in readings], synthetic=batch.synthetic)
        stored_kpis = repo.insert_kpi_values(conn, [(i.ingest_id, i.code, i.observed_at, i.value)
                                                    for i in indicators], synthetic=batch.synthetic)
        result.accepted = len(stored) + len(stored_kpis)
        result.duplicates = len(readings) + len(indicators) - result.accepted
        touched = sorted({r.sensor_id for r in readings if r.ingest_id in stored})
        if touched:
            by_id = {s.id: s for s in sensors.values()}
            result.alarms = _apply_alarms(conn, [by_id[i] for i in touched], synthetic=batch.synthetic)
        audit(principal, "readings.ingest", object_type="reading", client_ip=client_ip, conn=conn, detail={
            "readings": len(batch.readings), "indicators": len(batch.indicators), "accepted": result.accepted,
            "duplicates": result.duplicates, "rejected": len(result.rejected),
            "alarms": {a: sum(1 for c in result.alarms if c.action == a) for a in ("raised", "escalated", "lifted")},
        })
    return result


def _sensor_ref(row: dict[str, Any]) -> SensorRef:
    return SensorRef(id=row["id"], code=row["code"], kind=row["kind"], name=row["name"], town_code=row["town_code"],
                     metrics=row["metrics"] or {}, thresholds=row["thresholds"] or {})


def _apply_alarms(conn: Connection, sensors: list[SensorRef], *, synthetic: bool) -> list[AlarmChange]:
    ids = [s.id for s in sensors]
    open_ = repo.open_warnings(conn, ids)  # locked first: a concurrent batch waits for this one
    latest = repo.latest_values(conn, ids)
    done: list[AlarmChange] = []
    for sensor in sensors:
        state = SensorState(
            id=sensor.id, code=sensor.code, name=sensor.name, kind=sensor.kind, town_code=sensor.town_code,
            metrics=sensor.metrics, thresholds=sensor.thresholds, latest=latest.get(sensor.id, {}),
            open={kind: OpenWarning(*w) for kind, w in open_.get(sensor.id, {}).items()}, capacity=sensor.capacity)
        for change in evaluate(state):
            if change.action == "raised":
                warning_id = repo.raise_warning(conn, kind=change.kind, level=change.level, sensor_id=sensor.id,
                                                town_code=sensor.town_code, message=change.message,
                                                issued_at=change.at, synthetic=synthetic)
                if warning_id is not None:
                    done.append(replace(change, warning_id=warning_id))
            elif change.warning_id is not None and (
                    repo.escalate_warning(conn, change.warning_id, change.level, change.message)
                    if change.action == "escalated" else repo.lift_warning(conn, change.warning_id, change.at)):
                done.append(change)
    return done

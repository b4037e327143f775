"""Live data: POST /api/v1/readings (ingest), GET /api/v1/indicators, GET /api/v1/sensors.

Access rules are in access.py (feed.ingest to post, map.view to read). The views only unpack the request
and call one service function; validation, storage and alarms live in twin.ingest and twin.live.
"""

from __future__ import annotations

from flask import Flask, jsonify, request
from flask.typing import ResponseReturnValue

from cockpit import auth
from geodata.errors import ValidationFailed
from geodata.models.monitoring import SENSOR_KINDS
from twin import live
from twin.ingest import ingest


def register(server: Flask) -> None:
    @server.post("/api/v1/readings", endpoint="readings_ingest")
    def readings_ingest() -> ResponseReturnValue:
        body = request.get_json(silent=True)
        if body is None:
            raise ValidationFailed('请求体须为 JSON / the body must be JSON: {"readings": [...], "indicators": [...]}')
        result = ingest(auth.current_principal(), body, client_ip=auth.client_ip())
        return _no_store(result.as_dict())

    @server.get("/api/v1/indicators", endpoint="indicators")
    def indicators() -> ResponseReturnValue:
        return _no_store(live.indicators())

    @server.get("/api/v1/sensors", endpoint="sensors")
    def sensors() -> ResponseReturnValue:
        kind = request.args.get("kind") or None
        if kind is not None and kind not in SENSOR_KINDS:
            raise ValidationFailed(f"未知的传感器类型 / unknown sensor kind; one of {', '.join(SENSOR_KINDS)}")
        return _no_store({"sensors": live.sensors(kind)})


def _no_store(payload: dict) -> ResponseReturnValue:
    response = jsonify(payload)
    response.headers["Cache-Control"] = "no-store"  # live values
    return response

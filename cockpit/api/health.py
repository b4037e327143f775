"""GET /healthz: liveness plus the state of the database."""

from __future__ import annotations

from flask import Flask, jsonify
from flask.typing import ResponseReturnValue

from twin.health import health_report


def register(server: Flask) -> None:
    @server.get("/healthz")
    def healthz() -> ResponseReturnValue:
        report = health_report()
        status = 200 if report["status"] == "ok" else 503
        response = jsonify(report)
        response.headers["Cache-Control"] = "no-store"
        return response, status

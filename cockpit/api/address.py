"""Standard-address matching and reverse geocoding over HTTP (DESIGN.md's contract).

    GET  /api/v1/address/match?q=…&limit=5         → {"match": {...} | null, "candidates": [...]}
    POST /api/v1/address/match  {"queries": [...]}  → {"results": [{"match", "candidates"}, …]} (≤ 1,000)
    GET  /api/v1/address/reverse?lon=…&lat=…[&radius=200&limit=5]
"""

from __future__ import annotations

from typing import Any

from flask import Flask, jsonify, request
from flask.typing import ResponseReturnValue

from cockpit import auth
from geodata.errors import ValidationFailed
from twin.address import service


def register(server: Flask) -> None:
    @server.get("/api/v1/address/match", endpoint="address_match")
    def address_match() -> ResponseReturnValue:
        query = request.args.get("q", "")
        [result] = service.match(auth.require_principal(), [query], limit=_number("limit", 5, int))
        return jsonify(result)

    @server.post("/api/v1/address/match", endpoint="address_match_batch")
    def address_match_batch() -> ResponseReturnValue:
        body = request.get_json(silent=True)
        if not isinstance(body, dict) or not isinstance(body.get("queries"), list):
            raise ValidationFailed('请以JSON提交 {"queries": [...]} / send JSON: {"queries": [...]}')
        limit = body.get("limit", 5)
        if not isinstance(limit, int):
            raise ValidationFailed("limit 应为整数 / limit must be an integer")
        return jsonify({"results": service.match(auth.require_principal(), body["queries"], limit=limit)})

    @server.get("/api/v1/address/reverse", endpoint="address_reverse")
    def address_reverse() -> ResponseReturnValue:
        if "lon" not in request.args or "lat" not in request.args:
            raise ValidationFailed("需要 lon 和 lat / lon and lat are required")
        return jsonify(service.reverse(auth.require_principal(), _number("lon", 0.0, float),
                                       _number("lat", 0.0, float), radius_m=_number("radius", 200.0, float),
                                       limit=_number("limit", 5, int)))


def _number(name: str, default: float, kind: type[int] | type[float]) -> Any:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        return kind(raw)
    except ValueError:
        raise ValidationFailed(f"{name} 应为数字 / {name} must be a number") from None

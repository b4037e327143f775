"""The resident registry over HTTP: masked search and cards; unmasking one record with a stated reason.

    GET  /api/v1/residents?village=…|grid=…|id_number=…&limit=&offset=   → {"total", "items": [masked …]}
    GET  /api/v1/residents/{id}                                          → a masked card
    POST /api/v1/residents/{id}/unmask  {"reason": "…"}                  → the card with clear values

Jurisdiction and masking are twin.people's (and the database's) business; this module only translates.
Unmask bodies must be JSON: a cross-site HTML form cannot send that without a CORS preflight.
"""

from __future__ import annotations

from flask import Flask, Response, jsonify, request
from flask.typing import ResponseReturnValue

from cockpit import auth
from geodata.errors import ValidationFailed
from twin.people import ResidentQuery, UnmaskRequest, resident_card, search_residents

ENDPOINTS = ("residents_search", "resident_card", "resident_unmask")


def register(server: Flask) -> None:
    @server.get("/api/v1/residents", endpoint="residents_search")
    def residents_search() -> ResponseReturnValue:
        query = ResidentQuery(village=_arg("village"), grid=_arg("grid"), id_number=_arg("id_number"),
                              limit=_int_arg("limit", 50), offset=_int_arg("offset", 0))
        return _private(jsonify(search_residents(auth.require_principal(), query, client_ip=auth.client_ip())))

    @server.get("/api/v1/residents/<int:resident_id>", endpoint="resident_card")
    def resident_card_view(resident_id: int) -> ResponseReturnValue:
        return _private(jsonify(resident_card(auth.require_principal(), resident_id, client_ip=auth.client_ip())))

    @server.post("/api/v1/residents/<int:resident_id>/unmask", endpoint="resident_unmask")
    def resident_unmask(resident_id: int) -> ResponseReturnValue:
        body = request.get_json(silent=True) if request.is_json else None
        if not isinstance(body, dict) or not isinstance(body.get("reason"), str):
            raise ValidationFailed('请以JSON提交查看原因 / send JSON: {"reason": "…"}')
        unmask = UnmaskRequest(reason=body["reason"][:500], client_ip=auth.client_ip())
        return _private(jsonify(resident_card(auth.require_principal(), resident_id, unmask)))


def _arg(name: str) -> str | None:
    value = request.args.get(name, "").strip()
    return value or None


def _int_arg(name: str, default: int) -> int:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ValidationFailed(f"{name} 应为整数 / {name} must be an integer") from None


def _private(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"  # personal data: never in any cache
    return response

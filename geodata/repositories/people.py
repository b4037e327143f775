"""Residents as stored: masked columns for display, ciphertexts only for an authorised unmask."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from geodata.db import get_engine

CARD = """
    SELECT r.id, r.name_masked, r.id_number_masked, r.phone_masked, r.gender, r.birth_year, r.relation,
           r.household_no, r.grid_code, a.full_text AS address, r.tags
    FROM resident r JOIN standard_address a ON a.id = r.address_id
    WHERE r.id = :id"""


def resident_card(resident_id: int) -> dict[str, Any] | None:
    """Row-level security limits this to the caller's township: another township's id finds nothing."""
    with get_engine().connect() as conn:
        row = conn.execute(text(CARD), {"id": resident_id}).mappings().first()
    return dict(row) if row else None


def resident_secrets(resident_id: int) -> dict[str, bytes | None] | None:
    with get_engine().connect() as conn:
        row = conn.execute(text(
            "SELECT name_enc, id_number_enc, phone_enc FROM resident WHERE id = :id"), {"id": resident_id}).first()
    if row is None:
        return None
    return {"name": bytes(row[0]), "id_number": bytes(row[1]), "phone": None if row[2] is None else bytes(row[2])}


LIST = """
    SELECT r.id, r.name_masked, r.id_number_masked, r.phone_masked, r.gender, r.birth_year, r.relation,
           r.household_no, r.grid_code, r.tags, a.full_text AS address, count(*) OVER () AS total
    FROM resident r JOIN standard_address a ON a.id = r.address_id
    WHERE (CAST(:village AS text) IS NULL OR r.grid_code LIKE :village || '%')
      AND (CAST(:grids AS text[]) IS NULL OR r.grid_code = ANY(CAST(:grids AS text[])))
      AND (CAST(:id_hmac AS bytea) IS NULL OR r.id_number_hmac = :id_hmac)
    ORDER BY r.grid_code, r.household_no, r.id
    LIMIT :limit OFFSET :offset"""


def list_residents(*, village: str | None, grids: list[str] | None, id_hmac: bytes | None,
                   limit: int, offset: int) -> tuple[int, list[dict[str, Any]]]:
    """(total, one page of masked rows); row-level security keeps it inside the caller's township."""
    params = {"village": village, "grids": grids, "id_hmac": id_hmac, "limit": limit, "offset": offset}
    with get_engine().connect() as conn:
        rows = [dict(r) for r in conn.execute(text(LIST), params).mappings()]
    total = int(rows[0].pop("total")) if rows else 0
    for row in rows[1:]:
        row.pop("total")
    return total, rows

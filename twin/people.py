"""Residents (人): masked by default; unmasking needs a permission and a stated reason, and is audited."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from geodata.errors import Forbidden, NotFound, ValidationFailed
from geodata.protect import ID_NUMBER_CONTEXT, NAME_CONTEXT, PHONE_CONTEXT, DataProtector, load_key
from geodata.repositories import people
from geodata.settings import get_settings
from twin.auth import Permission, Principal, audit

MIN_REASON_CHARS = 4
SPECIAL_GROUP_TAGS = {"elderly_alone", "disabled", "key_care", "low_income"}


@dataclass(frozen=True)
class UnmaskRequest:
    reason: str
    client_ip: str | None = None


@lru_cache(maxsize=1)
def _protector() -> DataProtector:
    settings = get_settings()
    configured = settings.data_key.get_secret_value() if settings.data_key else None
    return DataProtector(load_key(configured, settings.data_dir, create=False))


def resident_card(principal: Principal, resident_id: int, unmask: UnmaskRequest | None = None) -> dict[str, Any]:
    """A resident's card: masked fields; special-group tags only for roles that handle them."""
    if not principal.can(Permission.PERSONAL_MASKED):
        raise Forbidden("your role may not see individual residents")
    card = people.resident_card(resident_id)
    if card is None:  # outside the caller's jurisdiction looks exactly like non-existent
        raise NotFound("no such resident in your jurisdiction")
    card = {"id": card["id"], "name": card["name_masked"], "id_number": card["id_number_masked"],
            "phone": card["phone_masked"], "gender": card["gender"], "birth_year": card["birth_year"],
            "relation": card["relation"], "address": card["address"], "grid_code": card["grid_code"],
            "tags": [t for t in card["tags"] or [] if t in SPECIAL_GROUP_TAGS]
            if principal.can(Permission.PERSONAL_UNMASK) else [], "masked": True}
    if unmask is not None:
        card.update(_unmask(principal, resident_id, unmask))
    return card


def _unmask(principal: Principal, resident_id: int, request: UnmaskRequest) -> dict[str, Any]:
    if not principal.can(Permission.PERSONAL_UNMASK):
        audit(principal, "unmask", object_type="resident", object_id=str(resident_id), outcome="denied",
              client_ip=request.client_ip)
        raise Forbidden("your role may not unmask personal data")
    reason = request.reason.strip()
    if len(reason) < MIN_REASON_CHARS:
        raise ValidationFailed("state the reason for unmasking (at least 4 characters) / 请填写查看原因")
    secrets = people.resident_secrets(resident_id)
    if secrets is None:
        raise NotFound("no such resident in your jurisdiction")
    p = _protector()
    clear = {
        "name": p.decrypt(secrets["name"] or b"", context=NAME_CONTEXT),
        "id_number": p.decrypt(secrets["id_number"] or b"", context=ID_NUMBER_CONTEXT),
        "phone": None if secrets["phone"] is None else p.decrypt(secrets["phone"], context=PHONE_CONTEXT),
        "masked": False,
    }
    # who, what, why — never the values themselves
    audit(principal, "unmask", object_type="resident", object_id=str(resident_id), client_ip=request.client_ip,
          detail={"reason": reason, "fields": ["name", "id_number", "phone"]})
    return clear

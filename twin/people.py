"""Residents (人): masked by default; unmasking needs a permission and a stated reason, and is audited."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from geodata.codes import is_valid_id_number
from geodata.errors import Forbidden, NotFound, ValidationFailed
from geodata.protect import ID_NUMBER_CONTEXT, NAME_CONTEXT, PHONE_CONTEXT, DataProtector, load_key
from geodata.repositories import admin, people
from geodata.settings import get_settings
from twin.auth import COUNTY_CODE, Permission, Principal, audit

MIN_REASON_CHARS = 4
MAX_PAGE = 200
SPECIAL_GROUP_TAGS = {"elderly_alone", "disabled", "key_care", "low_income"}


@dataclass(frozen=True)
class UnmaskRequest:
    reason: str
    client_ip: str | None = None


@dataclass(frozen=True)
class ResidentQuery:
    """A search of the resident registry: by village (12 digits) or grid cell, or one exact ID number."""

    village: str | None = None
    grid: str | None = None
    id_number: str | None = None
    limit: int = 50
    offset: int = 0

    def __post_init__(self) -> None:
        if self.village is not None and not (len(self.village) == 12 and self.village.isdigit()):
            raise ValidationFailed("村（社区）代码应为12位数字 / a village code has 12 digits")
        if self.grid is not None and not (12 < len(self.grid) <= 15 and self.grid.isdigit()):
            raise ValidationFailed("网格代码格式不正确 / malformed grid code")
        if self.id_number is not None and not is_valid_id_number(self.id_number):
            raise ValidationFailed("身份证号码无效 / not a valid ID number")
        if not 1 <= self.limit <= MAX_PAGE or self.offset < 0:
            raise ValidationFailed(f"每页1至{MAX_PAGE}条 / limit must be 1..{MAX_PAGE}, offset ≥ 0")


@lru_cache(maxsize=1)
def _protector() -> DataProtector:
    settings = get_settings()
    configured = settings.data_key.get_secret_value() if settings.data_key else None
    return DataProtector(load_key(configured, settings.data_dir, create=False))


def search_residents(principal: Principal, query: ResidentQuery, client_ip: str | None = None) -> dict[str, Any]:
    """One page of masked residents inside the caller's jurisdiction: the database limits a commander to
    their township (row-level security); a grid worker is limited here to their grid cells or village."""
    if not principal.can(Permission.PERSONAL_MASKED):
        raise Forbidden("your role may not see individual residents")
    village, grids = query.village, [query.grid] if query.grid else None
    if principal.role == "grid_worker":
        narrowed = _grid_worker_scope(principal, village, grids)
        if narrowed is None:  # asked outside their grid cells: nothing, and the search is still audited
            audit(principal, "search", object_type="resident", client_ip=client_ip,
                  detail={"village": query.village, "grid": query.grid, "id_number": query.id_number, "total": 0})
            return {"total": 0, "limit": query.limit, "offset": query.offset, "items": []}
        village, grids = narrowed
    id_hmac = _protector().lookup_hash(query.id_number) if query.id_number else None
    total, rows = people.list_residents(village=village, grids=grids, id_hmac=id_hmac,
                                        limit=query.limit, offset=query.offset)
    # a search of personal data is itself audited: what was asked (the ID number only masked), how many
    audit(principal, "search", object_type="resident", client_ip=client_ip,
          detail={"village": query.village, "grid": query.grid, "id_number": query.id_number, "total": total})
    return {"total": total, "limit": query.limit, "offset": query.offset,
            "items": [_masked(row, principal) for row in rows]}


def villages_for(principal: Principal) -> list[dict[str, Any]]:
    """The villages whose residents the caller may list: the county, their township, or their village."""
    if not principal.can(Permission.PERSONAL_MASKED):
        return []
    prefix = principal.village_code if principal.role == "grid_worker" else principal.town_code
    return admin.villages(prefix or COUNTY_CODE)


def _masked(row: dict[str, Any], principal: Principal) -> dict[str, Any]:
    return {"id": row["id"], "name": row["name_masked"], "id_number": row["id_number_masked"],
            "phone": row["phone_masked"], "gender": row["gender"], "birth_year": row["birth_year"],
            "relation": row["relation"], "household_no": row["household_no"], "address": row["address"],
            "grid_code": row["grid_code"],
            "tags": [t for t in row.get("tags") or [] if t in SPECIAL_GROUP_TAGS]
            if principal.can(Permission.PERSONAL_UNMASK) else [], "masked": True}


def resident_card(principal: Principal, resident_id: int, unmask: UnmaskRequest | None = None, *,
                  client_ip: str | None = None) -> dict[str, Any]:
    """A resident's card: masked fields; special-group tags only for roles that handle them."""
    if not principal.can(Permission.PERSONAL_MASKED):
        raise Forbidden("your role may not see individual residents")
    card = people.resident_card(resident_id)
    if card is None:  # outside the caller's jurisdiction looks exactly like non-existent
        raise NotFound("no such resident in your jurisdiction")
    if principal.role == "grid_worker" and _grid_worker_scope(principal, None, [card["grid_code"]]) is None:
        raise NotFound("no such resident in your jurisdiction")
    card = _masked(card, principal)
    if unmask is not None:
        card.update(_unmask(principal, resident_id, unmask))
    else:
        audit(principal, "view", object_type="resident", object_id=str(resident_id), client_ip=client_ip)
    return card


def _grid_worker_scope(principal: Principal, village: str | None, grids: list[str] | None
                       ) -> tuple[str | None, list[str] | None] | None:
    """(village, grid cells) a grid worker's search is narrowed to, or None when it asks outside them:
    their assigned cells, or every cell of their village when none are assigned."""
    own = list(principal.grid_codes)
    if own:
        wanted = [g for g in grids or own if g in own and g.startswith(village or "")]
        return (None, wanted) if wanted else None
    mine = principal.village_code or "-"
    if village not in (None, mine) or (grids and not all(g.startswith(mine) for g in grids)):
        return None
    return mine, grids


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

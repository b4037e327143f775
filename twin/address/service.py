"""Standard-address matching and reverse geocoding for the API and the pages.

The matcher is built from the library in memory (twin.address.matcher) once per data version of the
library and per data scope, and rebuilt when either changes; answers use the DESIGN.md address object:
``{"code", "full_text", "components": {province … room}, "score", "lon", "lat"}``."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from geodata import db
from geodata.errors import Forbidden, ValidationFailed
from geodata.repositories import addresses
from geodata.repositories.tiles import data_versions
from twin.address.matcher import LibraryAddress, Matcher, bare_number
from twin.address.parse import Components
from twin.address.score import Decision
from twin.auth import Permission, Principal

PROVINCE, CITY, COUNTY = "浙江省", "绍兴市", "新昌县"
# Former towns merged into today's (Xinchang's 2019 township reform): still written on old records.
TOWN_ALIASES = {"大市聚镇": "沃洲镇", "梅渚镇": "澄潭街道"}
HTTP_KEYS = ("province", "city", "county", "town", "community", "road", "house_number", "estate", "building",
             "unit", "room")
MAX_QUERY = 200
MAX_BATCH = 1000
MAX_LIMIT = 20
MAX_RADIUS_M = 2000.0


@dataclass
class _Built:
    lock: threading.Lock = field(default_factory=threading.Lock)
    matchers: dict[str, tuple[tuple[int, ...], Matcher]] = field(default_factory=dict)


_built = _Built()


def _matcher() -> Matcher:
    scope = db.current_scope() or "-"
    version = data_versions(("standard_address",))
    with _built.lock:
        held = _built.matchers.get(scope)
        if held is None or held[0] != version:
            _built.matchers[scope] = (version, build_matcher())
        return _built.matchers[scope][1]


def build_matcher() -> Matcher:
    """The matcher over the active library visible in the current data scope."""
    library = (_record(row) for row in addresses.active_addresses())
    return Matcher.build(library, province=PROVINCE, city=CITY, county=COUNTY, town_aliases=TOWN_ALIASES)


def _record(row: dict[str, Any]) -> LibraryAddress:
    components = Components(
        province=row["province"], city=row["city"], county=row["county"], town=row["town"],
        community=row["community"], group=bare_number(row["group_name"]), road=row["road"],
        house_number=bare_number(row["house_number"]), estate=row["estate"], building=bare_number(row["building"]),
        unit=bare_number(row["unit"]), room=bare_number(row["room"]))
    return LibraryAddress(code=row["code"], full_text=row["full_text"], components=components,
                          lon=float(row["lon"]), lat=float(row["lat"]))


def _check(principal: Principal | None) -> None:
    if principal is None or not principal.can(Permission.MAP_VIEW):
        raise Forbidden("没有使用地址库的权限 / you may not use the address library")


def _address(a: LibraryAddress, score_value: float | None) -> dict[str, Any]:
    c = a.components
    return {"code": a.code, "full_text": a.full_text,
            "components": {k: _display(c, k) for k in HTTP_KEYS},
            "score": None if score_value is None else round(score_value, 4), "lon": a.lon, "lat": a.lat}


def _display(c: Components, key: str) -> str | None:
    value = getattr(c, key)
    suffix = {"house_number": "号", "building": "幢", "unit": "单元", "room": "室"}.get(key)
    return f"{value}{suffix}" if value is not None and suffix else value


def _answer(decision: Decision[LibraryAddress]) -> dict[str, Any]:
    return {"match": None if decision.match is None else _address(decision.match, decision.candidates[0][1]),
            "candidates": [_address(a, s) for a, s in decision.candidates]}


def match(principal: Principal | None, queries: list[str], limit: int = 5) -> list[dict[str, Any]]:
    _check(principal)
    if not queries or len(queries) > MAX_BATCH:
        raise ValidationFailed(f"每次1至{MAX_BATCH}条地址 / send 1 to {MAX_BATCH} addresses")
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationFailed(f"limit 应为1至{MAX_LIMIT} / limit must be 1..{MAX_LIMIT}")
    bad = [i for i, q in enumerate(queries) if not isinstance(q, str) or not q.strip() or len(q) > MAX_QUERY]
    if bad:
        raise ValidationFailed(f"第{bad[0] + 1}条地址为空或过长（最多{MAX_QUERY}字）/ "
                               f"query {bad[0] + 1} is empty or longer than {MAX_QUERY} characters")
    matcher = _matcher()
    out = []
    for q in queries:
        answer = _answer(matcher.match(q))
        answer["candidates"] = answer["candidates"][:limit]
        out.append(answer)
    return out


def reverse(principal: Principal | None, lon: float, lat: float, radius_m: float = 200.0,
            limit: int = 5) -> dict[str, Any]:
    _check(principal)
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise ValidationFailed("经纬度超出范围 / lon/lat out of range")
    if not 0 < radius_m <= MAX_RADIUS_M or not 1 <= limit <= MAX_LIMIT:
        raise ValidationFailed(f"radius 为0至{MAX_RADIUS_M:.0f}米，limit 为1至{MAX_LIMIT} / "
                               f"radius must be 0..{MAX_RADIUS_M:.0f} m and limit 1..{MAX_LIMIT}")
    rows = addresses.nearest(lon, lat, radius_m, limit)
    found = [{**_address(_record(r), None), "distance_m": round(r["distance_m"], 1)} for r in rows]
    return {"match": found[0] if found else None, "candidates": found}

"""Residents are masked by default; unmasking needs the permission and a reason, and is audited."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from geodata import db
from geodata.codes import is_valid_id_number
from geodata.errors import Forbidden, NotFound, ValidationFailed
from twin.auth import Principal
from twin.people import UnmaskRequest, resident_card


@pytest.fixture(scope="module")
def two_residents(demo_database) -> tuple[int, str, int]:
    """A resident of the most populous township, that township, and a resident of another one."""
    with demo_database["engine"].connect() as conn:
        town = conn.execute(text("SELECT left(grid_code, 9) t FROM resident GROUP BY t ORDER BY count(*) DESC"
                                 " LIMIT 1")).scalar_one()
        own = conn.execute(text("SELECT min(id) FROM resident WHERE left(grid_code, 9) = :t"), {"t": town}).scalar()
        other = conn.execute(text("SELECT min(id) FROM resident WHERE left(grid_code, 9) <> :t"),
                             {"t": town}).scalar()
    return own, town, other


def principal(role: str, jurisdiction: str) -> Principal:
    return Principal(username=f"t-{role}", role=role, display_name=role, jurisdiction_code=jurisdiction)


def test_masked_by_default(two_residents) -> None:
    own, town, _ = two_residents
    commander = principal("commander", town)
    with db.scoped(commander.data_scope):
        card = resident_card(commander, own)
    assert card["masked"] and "*" in card["name"] and card["id_number"][6:14] == "********"


def test_unmask_needs_a_reason_and_is_audited(two_residents, demo_database) -> None:
    own, town, _ = two_residents
    commander = principal("commander", town)
    with db.scoped(commander.data_scope):
        with pytest.raises(ValidationFailed):
            resident_card(commander, own, UnmaskRequest(reason=" "))
        card = resident_card(commander, own, UnmaskRequest(reason="入户核查 home visit"))
    assert not card["masked"] and is_valid_id_number(card["id_number"])
    with demo_database["engine"].connect() as conn:
        entry = conn.execute(text("SELECT username, detail FROM audit_log WHERE action = 'unmask' "
                                  "AND object_id = :i ORDER BY id DESC LIMIT 1"), {"i": str(own)}).one()
    assert entry[0] == "t-commander" and entry[1]["reason"] == "入户核查 home visit"
    assert card["id_number"] not in str(entry[1])


def test_another_townships_resident_does_not_exist_for_a_commander(two_residents) -> None:
    _, town, other = two_residents
    commander = principal("commander", town)
    with db.scoped(commander.data_scope), pytest.raises(NotFound):
        resident_card(commander, other)


@pytest.mark.parametrize("role", ["kiosk", "leader", "planner", "auditor", "sysadmin"])
def test_roles_without_individual_access_are_refused(two_residents, role: str) -> None:
    own, _, _ = two_residents
    who = principal(role, "330624")
    with db.scoped(who.data_scope), pytest.raises(Forbidden):
        resident_card(who, own, UnmaskRequest(reason="curious"))

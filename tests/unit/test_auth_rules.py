"""Roles, permissions, password rules and token scopes: pure rules, no database."""

from __future__ import annotations

import stat

import pyotp
import pytest
from pydantic import SecretStr

from geodata.errors import AccountLocked, AuthFailed, CockpitError, SecondFactorRequired, ValidationFailed
from geodata.settings import Settings
from twin.auth import (
    ANONYMOUS,
    DEMO_USERS,
    ROLE_PERMISSIONS,
    ROLES,
    Permission,
    Principal,
    check_scopes,
    demo_password,
    generate_password,
    validate_jurisdiction,
    validate_password,
)
from twin.auth.audit import scrub
from twin.auth.login import matching_step

P = Permission
EXPECTED = {
    "leader": {P.MAP_VIEW, P.PERSONAL_AGGREGATE},
    "commander": {P.MAP_VIEW, P.PERSONAL_MASKED, P.PERSONAL_UNMASK, P.INCIDENT_HANDLE, P.EVENT_HANDLE, P.QUERY_RUN,
                  P.EXPORT},
    "grid_worker": {P.MAP_VIEW, P.PERSONAL_MASKED, P.EVENT_HANDLE},
    "planner": {P.MAP_VIEW, P.PERSONAL_AGGREGATE, P.QUERY_RUN, P.EXPORT},
    "dataadmin": {P.MAP_VIEW, P.IMPORT, P.FEED_INGEST},
    "sysadmin": {P.USERS_MANAGE},
    "auditor": {P.AUDIT_READ},
    "kiosk": {P.MAP_VIEW},
}


def principal(role: str, jurisdiction: str = "330624", scopes: tuple[str, ...] | None = None) -> Principal:
    return Principal(username=f"u-{role}", role=role, display_name=role, jurisdiction_code=jurisdiction,
                     token_scopes=scopes)


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(role: str) -> None:
    assert ROLE_PERMISSIONS[role] == EXPECTED[role]
    p = principal(role)
    assert {perm for perm in Permission if p.can(perm)} == EXPECTED[role]


def test_every_role_has_a_permission_set() -> None:
    assert set(ROLE_PERMISSIONS) == set(ROLES)


def test_duties_are_separated() -> None:
    sysadmin, auditor, kiosk = principal("sysadmin"), principal("auditor"), principal("kiosk")
    assert not sysadmin.can(P.MAP_VIEW) and not sysadmin.can(P.AUDIT_READ)
    assert not auditor.can(P.USERS_MANAGE) and not auditor.can(P.MAP_VIEW)
    assert not any(kiosk.can(p) for p in (P.PERSONAL_MASKED, P.PERSONAL_UNMASK, P.PERSONAL_AGGREGATE))
    assert not any(principal(r).can(P.USERS_MANAGE) for r in ROLES if r != "sysadmin")


def test_token_scopes_narrow_the_role() -> None:
    scoped = principal("commander", "330624001", scopes=("map.view",))
    assert scoped.can(P.MAP_VIEW)
    assert not scoped.can(P.EXPORT)
    assert scoped.permissions == {P.MAP_VIEW}


def test_token_scopes_never_widen_the_role() -> None:
    assert not principal("kiosk", scopes=("export",)).can(P.EXPORT)


def test_unknown_role_can_do_nothing() -> None:
    assert not any(principal("intruder").can(p) for p in Permission)


def test_town_code_and_data_scope() -> None:
    assert principal("leader").town_code is None and principal("leader").data_scope == "county"
    commander = principal("commander", "330624001")
    assert commander.town_code == "330624001" and commander.data_scope == "330624001"
    worker = principal("grid_worker", "330624001002")
    assert worker.town_code == "330624001" and worker.village_code == "330624001002"
    assert principal("sysadmin").data_scope is None and principal("auditor").data_scope is None


def test_a_commander_with_a_broken_jurisdiction_sees_nothing_rather_than_everything() -> None:
    assert principal("commander", "").data_scope is None


def test_anonymous_is_none() -> None:
    assert ANONYMOUS is None


def test_scopes_must_be_a_subset_of_the_role() -> None:
    assert check_scopes("commander", ["map.view", "export"]) == ("export", "map.view")
    assert check_scopes("commander", None) is None
    with pytest.raises(ValidationFailed, match="beyond"):
        check_scopes("kiosk", ["map.view", "export"])
    with pytest.raises(ValidationFailed, match="unknown scope"):
        check_scopes("leader", ["map.everything"])
    with pytest.raises(ValidationFailed, match="at least one scope"):
        check_scopes("leader", [])


@pytest.mark.parametrize(("password", "reason"), [
    ("Sh0rt!pass", "at least 12"),
    ("alllowercaseletters", "three of"),
    ("ALLUPPER12345", "three of"),
    ("MyNameIsAlice-2024", "username"),
    ("P@ssw0rd2024!", "too common"),
    ("Xinchang2025!", "too common"),
    ("Aa1!Aa1!Aa1!Aa1!", "too common"),
    (" Leading-space-9Q", "space"),
    ("Aa1!" * 40, "at most"),
])
def test_password_rules(password: str, reason: str) -> None:
    with pytest.raises(ValidationFailed, match=reason):
        validate_password(password, "alice")


def test_password_messages_are_bilingual() -> None:
    with pytest.raises(ValidationFailed) as info:
        validate_password("short", "alice")
    assert "密码" in info.value.user_message and "password" in info.value.user_message


@pytest.mark.parametrize("password", ["Correct-Horse-7-Battery", "tea&bearings2025X", "新昌大佛寺Visit2025"])
def test_good_passwords_pass(password: str) -> None:
    validate_password(password, "alice")


def test_generated_passwords_pass_for_every_demo_user() -> None:
    for _ in range(20):
        password = generate_password()
        for user in DEMO_USERS:
            validate_password(password, user.username)


@pytest.mark.parametrize(("role", "code", "ok"), [
    ("leader", "330624", True),
    ("leader", "330624001", False),
    ("commander", "330624001", True),
    ("commander", "330624", False),
    ("commander", "330624999", False),
    ("grid_worker", "330624001001", True),
    ("grid_worker", "330624001", False),
    ("sysadmin", "330624", True),
    ("superuser", "330624", False),
])
def test_jurisdiction_level_must_suit_the_role(role: str, code: str, ok: bool) -> None:
    if ok:
        validate_jurisdiction(role, code)
    else:
        with pytest.raises(ValidationFailed):
            validate_jurisdiction(role, code)


def test_grid_codes_must_lie_in_the_village() -> None:
    validate_jurisdiction("grid_worker", "330624001001", ["330624001001003"])
    with pytest.raises(ValidationFailed, match="15-digit"):
        validate_jurisdiction("grid_worker", "330624001001", ["330624001002003"])
    with pytest.raises(ValidationFailed, match="only grid workers"):
        validate_jurisdiction("leader", "330624", ["330624001001003"])


def test_demo_users_one_per_role_and_a_commander_per_township() -> None:
    names = [u.username for u in DEMO_USERS]
    assert len(names) == len(set(names))
    for role in ("leader", "planner", "dataadmin", "sysadmin", "auditor", "kiosk"):
        assert role in names
    commanders = [u for u in DEMO_USERS if u.role == "commander"]
    assert len(commanders) == 12
    assert all(u.username == f"cmd-{u.jurisdiction_code}" and len(u.jurisdiction_code) == 9 for u in commanders)
    workers = [u for u in DEMO_USERS if u.role == "grid_worker"]
    assert len(workers) == 1 and workers[0].username == f"grid-{workers[0].jurisdiction_code}"
    for user in DEMO_USERS:
        validate_jurisdiction(user.role, user.jurisdiction_code)


def test_demo_password_is_generated_once_and_kept_private(tmp_path) -> None:
    settings = Settings(data_dir=tmp_path, demo_password=None)
    first, path, generated = demo_password(settings)
    assert generated and path is not None and path.name == "demo-password.txt"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again, _, generated_again = demo_password(settings)
    assert again == first and not generated_again


def test_configured_demo_password_wins(tmp_path) -> None:
    settings = Settings(data_dir=tmp_path, demo_password=SecretStr("Configured-Demo-2025"))
    assert demo_password(settings) == ("Configured-Demo-2025", None, False)
    assert not (tmp_path / "keys").exists()


def test_audit_details_are_scrubbed() -> None:
    cleaned = scrub({"password": "hunter2", "nested": {"access_token": "abc"}, "note": "身份证 33062419800101123X",
                     "phone": "call 13812345678", "rows": 3})
    assert cleaned["password"] == "[redacted]" and cleaned["nested"]["access_token"] == "[redacted]"
    assert "19800101" not in cleaned["note"] and "330624********123X" in cleaned["note"]
    assert cleaned["phone"] == "call 138****5678" and cleaned["rows"] == 3


def test_totp_accepts_one_step_of_drift_only() -> None:
    from datetime import UTC, datetime, timedelta

    secret = pyotp.random_base32()
    now = datetime(2026, 1, 1, 12, 0, 10, tzinfo=UTC)
    totp = pyotp.TOTP(secret)
    assert matching_step(secret, totp.at(now), now) == totp.timecode(now)
    assert matching_step(secret, totp.at(now - timedelta(seconds=30)), now) == totp.timecode(now) - 1
    assert matching_step(secret, totp.at(now - timedelta(seconds=90)), now) is None


def test_auth_errors_map_to_401_and_423() -> None:
    assert AuthFailed("x").http_status == 401
    assert issubclass(AccountLocked, AuthFailed) and AccountLocked("x").http_status == 423
    assert issubclass(SecondFactorRequired, AuthFailed) and SecondFactorRequired("x").http_status == 401
    assert issubclass(AuthFailed, CockpitError)

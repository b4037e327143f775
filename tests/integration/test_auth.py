"""Login, lockout, second factor, tokens, user creation, audit and demo users on a real database."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyotp
import pytest
from sqlalchemy import text

from geodata.errors import AccountLocked, AuthFailed, Conflict, Forbidden, SecondFactorRequired, ValidationFailed
from twin.auth import (
    DEMO_USERS,
    LOCKOUT,
    Permission,
    Principal,
    audit,
    authenticate,
    create_demo_users,
    create_user,
    issue_token,
    load_principal,
    principal_from_token,
    search_audit,
    set_totp,
)

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "Tea-Bearings-2025"
SYSADMIN = Principal("test-sysadmin", "sysadmin", "sysadmin", "330624")
AUDITOR = Principal("test-auditor", "auditor", "auditor", "330624")


@pytest.fixture(scope="module")
def db(demo_database):
    return demo_database


def unique(prefix: str = "u") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def user(db) -> str:
    name = unique("cmdr")
    create_user(name, PASSWORD, "commander", "330624001", "测试指挥员")
    return name


def audit_rows(db, username: str | None, action: str | None = None) -> list[dict]:
    rows = search_audit(AUDITOR, username=username, action=action, limit=1000)
    return sorted(rows, key=lambda r: r["id"])


def test_right_password_gives_the_principal(user: str) -> None:
    p = authenticate(user, PASSWORD, client_ip="10.1.2.3")
    assert (p.username, p.role, p.jurisdiction_code, p.town_code) == (user, "commander", "330624001", "330624001")
    assert p.token_scopes is None and p.can(Permission.INCIDENT_HANDLE)


def test_login_is_audited_with_the_client_address(db, user: str) -> None:
    authenticate(user, PASSWORD, client_ip="10.1.2.3")
    row = audit_rows(db, user, "login")[-1]
    assert (row["outcome"], row["client_ip"], row["role"]) == ("ok", "10.1.2.3", "commander")


def test_username_is_case_insensitive(user: str) -> None:
    assert authenticate(user.upper(), PASSWORD).username == user


def test_wrong_password_fails_with_the_generic_message(db, user: str) -> None:
    with pytest.raises(AuthFailed) as info:
        authenticate(user, "Wrong-Password-1")
    assert not isinstance(info.value, AccountLocked)
    row = audit_rows(db, user, "login")[-1]
    assert row["outcome"] == "failed" and row["detail"]["reason"] == "bad_password"
    assert "Wrong-Password-1" not in str(row)


def test_unknown_user_fails_exactly_like_a_wrong_password(db, user: str) -> None:
    with pytest.raises(AuthFailed) as wrong:
        authenticate(user, "Wrong-Password-1")
    ghost = unique("ghost")
    with pytest.raises(AuthFailed) as unknown:
        authenticate(ghost, "Wrong-Password-1")
    assert type(unknown.value) is type(wrong.value)
    assert unknown.value.user_message == wrong.value.user_message
    row = audit_rows(db, ghost, "login")[-1]
    assert (row["outcome"], row["detail"]["reason"]) == ("failed", "unknown_user")
    assert "Wrong-Password-1" not in str(row)


def test_five_failures_lock_the_account_and_the_lock_expires(db, user: str) -> None:
    t0 = datetime.now(UTC)
    for i in range(LOCKOUT.max_failures - 1):
        with pytest.raises(AuthFailed) as info:
            authenticate(user, "Wrong-Password-1", now=t0 + timedelta(seconds=i))
        assert not isinstance(info.value, AccountLocked)
    with pytest.raises(AccountLocked):
        authenticate(user, "Wrong-Password-1", now=t0 + timedelta(seconds=10))
    with pytest.raises(AccountLocked):  # even the right password is refused while locked
        authenticate(user, PASSWORD, now=t0 + timedelta(minutes=5))
    assert load_principal(user, now=t0 + timedelta(minutes=5)) is None
    assert audit_rows(db, user, "login")[-1]["outcome"] == "locked"
    later = t0 + LOCKOUT.duration + timedelta(seconds=11)
    assert authenticate(user, PASSWORD, now=later).username == user


def test_a_success_resets_the_failure_count(user: str) -> None:
    t0 = datetime.now(UTC)
    for i in range(LOCKOUT.max_failures - 1):
        with pytest.raises(AuthFailed):
            authenticate(user, "Wrong-Password-1", now=t0 + timedelta(seconds=i))
    authenticate(user, PASSWORD, now=t0 + timedelta(seconds=5))
    with pytest.raises(AuthFailed) as info:
        authenticate(user, "Wrong-Password-1", now=t0 + timedelta(seconds=6))
    assert not isinstance(info.value, AccountLocked)


def test_failures_outside_the_window_do_not_add_up(user: str) -> None:
    t0 = datetime.now(UTC)
    for i in range(LOCKOUT.max_failures - 1):
        with pytest.raises(AuthFailed):
            authenticate(user, "Wrong-Password-1", now=t0 + timedelta(seconds=i))
    with pytest.raises(AuthFailed) as info:
        authenticate(user, "Wrong-Password-1", now=t0 + LOCKOUT.window + timedelta(minutes=1))
    assert not isinstance(info.value, AccountLocked)


def test_unknown_users_are_locked_too(db) -> None:
    ghost = unique("ghost")
    errors = []
    for _ in range(LOCKOUT.max_failures + 1):
        with pytest.raises(AuthFailed) as info:
            authenticate(ghost, "Wrong-Password-1")
        errors.append(type(info.value))
    assert errors[: LOCKOUT.max_failures - 1] == [AuthFailed] * (LOCKOUT.max_failures - 1)
    assert errors[-2:] == [AccountLocked, AccountLocked]
    assert audit_rows(db, ghost, "login")[-1]["outcome"] == "locked"


@pytest.fixture
def admin_with_totp(db) -> tuple[str, str]:
    name = unique("admin")
    create_user(name, PASSWORD, "sysadmin", "330624", "系统管理员")
    uri = set_totp(name, SYSADMIN)
    return name, pyotp.parse_uri(uri).secret


def test_totp_enrolment_returns_a_provisioning_uri_and_is_audited(db, admin_with_totp) -> None:
    name, secret = admin_with_totp
    assert len(secret) >= 16
    row = audit_rows(db, name, None)
    assert not any(secret in str(r) for r in row)
    assert search_audit(AUDITOR, username=SYSADMIN.username, action="user.totp_set", limit=1000)


def test_totp_secret_is_stored_encrypted(db, admin_with_totp) -> None:
    name, secret = admin_with_totp
    with db["engine"].connect() as conn:
        blob = conn.execute(text("SELECT totp_secret_enc FROM app_user WHERE username = :u"), {"u": name}).scalar()
    assert blob and secret.encode() not in bytes(blob)


def test_admin_with_totp_needs_the_code(admin_with_totp) -> None:
    name, secret = admin_with_totp
    with pytest.raises(SecondFactorRequired):
        authenticate(name, PASSWORD)
    with pytest.raises(AuthFailed) as info:
        authenticate(name, PASSWORD, totp_code="000000" if pyotp.TOTP(secret).now() != "000000" else "111111")
    assert not isinstance(info.value, SecondFactorRequired)
    p = authenticate(name, PASSWORD, totp_code=pyotp.TOTP(secret).now())
    assert p.role == "sysadmin" and p.can(Permission.USERS_MANAGE)


def test_a_totp_code_is_accepted_once(admin_with_totp) -> None:
    name, secret = admin_with_totp
    now = datetime.now(UTC)
    code = pyotp.TOTP(secret).at(now)
    authenticate(name, PASSWORD, totp_code=code, now=now)
    with pytest.raises(AuthFailed):
        authenticate(name, PASSWORD, totp_code=code, now=now)


def test_wrong_password_is_refused_before_the_second_factor(admin_with_totp) -> None:
    name, secret = admin_with_totp
    with pytest.raises(AuthFailed) as info:
        authenticate(name, "Wrong-Password-1", totp_code=pyotp.TOTP(secret).now())
    assert not isinstance(info.value, SecondFactorRequired)


def test_only_sysadmins_or_the_user_set_totp(user: str) -> None:
    with pytest.raises(Forbidden):
        set_totp(user, AUDITOR)
    me = authenticate(user, PASSWORD)
    assert set_totp(user, me).startswith("otpauth://totp/")


def test_token_round_trip(user: str) -> None:
    p = authenticate(user, PASSWORD)
    token, expires_in = issue_token(p)
    assert expires_in == 3600 and PASSWORD not in token
    assert principal_from_token(token) == p


def test_token_expires(user: str) -> None:
    token, ttl = issue_token(authenticate(user, PASSWORD), ttl_seconds=120)
    assert principal_from_token(token, now=datetime.now(UTC) + timedelta(seconds=60)).username == user
    with pytest.raises(AuthFailed):
        principal_from_token(token, now=datetime.now(UTC) + timedelta(seconds=ttl + 1))


def test_tampered_token_is_refused(db, user: str) -> None:
    token, _ = issue_token(authenticate(user, PASSWORD), scopes=["map.view"])
    payload, _, signature = token.rpartition(".")
    for forged in (payload[:-2] + ("AA" if payload[-2:] != "AA" else "BB") + "." + signature,
                   payload + "." + signature[::-1], "not-a-token", ""):
        with pytest.raises(AuthFailed):
            principal_from_token(forged)


def test_token_scopes_are_applied_and_checked(user: str) -> None:
    p = authenticate(user, PASSWORD)
    token, _ = issue_token(p, scopes=["map.view", "incident.handle"])
    scoped = principal_from_token(token)
    assert scoped.token_scopes == ("incident.handle", "map.view")
    assert scoped.can(Permission.INCIDENT_HANDLE) and not scoped.can(Permission.EXPORT)
    with pytest.raises(ValidationFailed):
        issue_token(p, scopes=["users.manage"])
    with pytest.raises(ValidationFailed):  # a scoped token cannot mint a wider one
        issue_token(scoped, scopes=["export"])


def test_token_of_a_locked_user_is_refused(user: str) -> None:
    token, _ = issue_token(authenticate(user, PASSWORD))
    for _ in range(LOCKOUT.max_failures):
        with pytest.raises(AuthFailed):
            authenticate(user, "Wrong-Password-1")
    with pytest.raises(AuthFailed):
        principal_from_token(token)


def test_token_issue_is_audited_without_the_token(db, user: str) -> None:
    token, _ = issue_token(authenticate(user, PASSWORD), scopes=["map.view"])
    row = audit_rows(db, user, "token.issue")[-1]
    assert row["detail"]["scopes"] == ["map.view"] and token not in str(row)


def test_load_principal_reflects_the_current_account(user: str) -> None:
    p = load_principal(user)
    assert p is not None and p.role == "commander" and p.token_scopes is None
    assert load_principal(unique("nobody")) is None


@pytest.mark.parametrize(("kwargs", "error", "message"), [
    ({"role": "superuser"}, ValidationFailed, "unknown role"),
    ({"role": "commander", "jurisdiction_code": "330624"}, ValidationFailed, "township"),
    ({"role": "grid_worker", "jurisdiction_code": "330624001"}, ValidationFailed, "village"),
    ({"role": "leader", "jurisdiction_code": "330624001"}, ValidationFailed, "county-wide"),
    ({"password": "short"}, ValidationFailed, "12"),
    ({"username": "X"}, ValidationFailed, "username"),
    ({"display_name": " "}, ValidationFailed, "display name"),
])
def test_create_user_validation(db, kwargs: dict, error: type[Exception], message: str) -> None:
    args = {"username": unique("new"), "password": PASSWORD, "role": "leader", "jurisdiction_code": "330624",
            "display_name": "新用户", **kwargs}
    with pytest.raises(error, match=message):
        create_user(**args)
    name = args["username"].strip().lower()
    if len(name) >= 3:
        row = audit_rows(db, None, "user.create")
        assert any(r["object_id"] == name and r["outcome"] == "failed" for r in row)


def test_duplicate_username_is_a_conflict(user: str) -> None:
    with pytest.raises(Conflict):
        create_user(user, PASSWORD, "leader", "330624", "again")


def test_only_user_managers_create_users(db) -> None:
    name = unique("new")
    with pytest.raises(Forbidden):
        create_user(name, PASSWORD, "leader", "330624", "x", actor=AUDITOR)
    create_user(name, PASSWORD, "leader", "330624", "x", actor=SYSADMIN)
    row = [r for r in audit_rows(db, SYSADMIN.username, "user.create") if r["object_id"] == name][-1]
    assert row["outcome"] == "ok" and row["role"] == "sysadmin"
    denied = [r for r in audit_rows(db, AUDITOR.username, "user.create") if r["object_id"] == name]
    assert denied and denied[-1]["outcome"] == "denied"


def test_grid_worker_with_grid_codes(db) -> None:
    name = unique("grid")
    create_user(name, PASSWORD, "grid_worker", "330624001001", "网格员", grid_codes=["330624001001002"])
    p = authenticate(name, PASSWORD)
    assert p.grid_codes == ("330624001001002",) and p.town_code == "330624001"


def test_audit_search_needs_audit_read(db) -> None:
    with pytest.raises(Forbidden):
        search_audit(SYSADMIN)
    with pytest.raises(Forbidden):
        search_audit(None)
    assert search_audit(AUDITOR, action="audit.search", outcome="denied", username=SYSADMIN.username)


def test_audit_search_filters_by_time(db, user: str) -> None:
    before = datetime.now(UTC) - timedelta(seconds=1)
    audit(load_principal(user), "export", object_type="query", detail={"rows": 3})
    rows = search_audit(AUDITOR, username=user, action="export", since=before)
    assert len(rows) == 1 and rows[0]["detail"] == {"rows": 3}
    assert not search_audit(AUDITOR, username=user, action="export", until=before)


def test_audit_entries_are_append_only_for_the_app(db) -> None:
    from sqlalchemy.exc import ProgrammingError

    from geodata.db import get_engine

    with pytest.raises(ProgrammingError), get_engine().begin() as conn:
        conn.execute(text("UPDATE audit_log SET outcome = 'ok' WHERE outcome = 'failed'"))


def test_demo_users_are_created_idempotently_and_reset(db) -> None:
    password = "Demo-Cockpit-2025"
    names = create_demo_users(password)
    assert set(names) == {u.username for u in DEMO_USERS}
    leader = authenticate("leader", password)
    token, _ = issue_token(leader)
    with pytest.raises(AuthFailed):
        authenticate("leader", "Wrong-Password-1")
    assert create_demo_users("Other-Demo-Pass-2026") == names
    assert authenticate("leader", "Other-Demo-Pass-2026").role == "leader"
    with pytest.raises(AuthFailed):
        authenticate("leader", password)
    with pytest.raises(AuthFailed):  # the reset voided tokens issued with the old password
        principal_from_token(token)
    commander = authenticate("cmd-330624001", "Other-Demo-Pass-2026")
    assert commander.town_code == "330624001"
    with db["engine"].connect() as conn:
        flags = conn.execute(text("SELECT bool_and(is_demo), count(*) FROM app_user WHERE username = ANY(:n)"),
                             {"n": names}).one()
    assert flags == (True, len(names))


def test_demo_users_leave_a_real_account_with_a_demo_name_alone(db) -> None:
    with db["engine"].begin() as conn:
        conn.execute(text("UPDATE app_user SET is_demo = false WHERE username = 'kiosk'"))
    try:
        create_demo_users("Demo-Cockpit-2025")  # creates kiosk first if this test runs alone
        with db["engine"].begin() as conn:
            conn.execute(text("UPDATE app_user SET is_demo = false WHERE username = 'kiosk'"))
        names = create_demo_users("Third-Demo-Pass-2027")
        assert "kiosk" not in names
        with pytest.raises(AuthFailed):
            authenticate("kiosk", "Third-Demo-Pass-2027")
    finally:
        with db["engine"].begin() as conn:
            conn.execute(text("UPDATE app_user SET is_demo = true WHERE username = 'kiosk'"))


def test_weak_demo_password_is_refused(db) -> None:
    with pytest.raises(ValidationFailed, match="COCKPIT_DEMO_PASSWORD"):
        create_demo_users("demo")


def test_users_survive_a_demo_reload(scratch_database, demo_database) -> None:
    from geodata.db import make_engine
    from geodata.demo.loader import LoadReport, load
    from geodata.migrate import upgrade

    engine = make_engine(scratch_database())
    try:
        upgrade(engine)
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO app_user (username, display_name, password_hash, role, jurisdiction_code,"
                              " failed_attempts, is_active, is_demo) "
                              "VALUES ('first-admin', 'a', 'x', 'sysadmin', '330624', 0, true, false)"))
        load(engine, demo_database["ctx"], LoadReport(), demo_database["params"])
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM app_user")).scalar_one() == 1
    finally:
        engine.dispose()


def cli(*args: str, stdin: str, db) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("COCKPIT_") and k != "DATABASE_URL"}
    env = {**clean, "DATABASE_URL": db["url"], "COCKPIT_DATA_DIR": str(db["data_dir"])}
    return subprocess.run([sys.executable, "app.py", *args], cwd=ROOT, env=env, input=stdin, capture_output=True,
                          text=True, timeout=120, check=False)


def test_cli_creates_the_first_admin(db) -> None:
    name = unique("root")
    done = cli("users", "create", "--username", name, "--role", "sysadmin", "--jurisdiction", "330624",
               "--display-name", "首位管理员", "--password-stdin", stdin=PASSWORD + "\n", db=db)
    assert done.returncode == 0, done.stderr
    assert name in done.stdout and PASSWORD not in done.stdout + done.stderr
    p = authenticate(name, PASSWORD)
    assert p.role == "sysadmin" and p.display_name == "首位管理员"


def test_cli_rejects_a_weak_password_clearly(db) -> None:
    name = unique("root")
    done = cli("users", "create", "--username", name, "--role", "sysadmin", "--jurisdiction", "330624",
               "--password-stdin", stdin="password\n", db=db)
    assert done.returncode == 1 and "12" in done.stderr and "Traceback" not in done.stderr
    assert load_principal(name) is None


def test_cli_rejects_a_wrong_jurisdiction(db) -> None:
    done = cli("users", "create", "--username", unique("cmd"), "--role", "commander", "--jurisdiction", "330624",
               "--password-stdin", stdin=PASSWORD + "\n", db=db)
    assert done.returncode == 1 and "township" in done.stderr and "Traceback" not in done.stderr


def test_demo_load_creates_the_demo_users_and_prints_a_generated_password_once(scratch_database, tmp_path) -> None:
    from geodata.db import make_engine

    url = scratch_database()
    db = {"url": url, "data_dir": tmp_path}
    assert cli("db", "upgrade", stdin="", db=db).returncode == 0
    first = cli("demo", "load", "--scale", "0.01", stdin="", db=db)
    assert first.returncode == 0, first.stderr
    password = (tmp_path / "keys" / "demo-password.txt").read_text().strip()
    assert f"(shown once; kept in {tmp_path / 'keys' / 'demo-password.txt'}): {password}" in first.stdout
    assert "cmd-330624001" in first.stdout
    second = cli("demo", "load", "--scale", "0.01", stdin="", db=db)
    assert second.returncode == 0 and password not in second.stdout and "demo-password.txt" in second.stdout
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT username, is_demo FROM app_user")).all()
    finally:
        engine.dispose()
    assert len(rows) == len(DEMO_USERS) and all(is_demo for _, is_demo in rows)


def test_audit_retention_keeps_at_least_six_months(demo_database) -> None:
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import text

    from geodata.errors import ValidationFailed
    from twin.auth.audit import prune_audit

    engine = demo_database["engine"]
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO audit_log (at, action, outcome, detail) VALUES (:old, 'old', 'ok', '{}'), "
                          "(:recent, 'recent', 'ok', '{}')"),
                     {"old": datetime.now(UTC) - timedelta(days=400),
                      "recent": datetime.now(UTC) - timedelta(days=150)})
    with pytest.raises(ValidationFailed):
        prune_audit(3)
    assert prune_audit(12) >= 1
    with engine.connect() as conn:
        actions = set(conn.execute(text(
            "SELECT action FROM audit_log WHERE action IN ('old', 'recent', 'audit.prune')")).scalars())
    assert actions == {"recent", "audit.prune"}

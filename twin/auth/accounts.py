"""User accounts: creation with its rules, TOTP enrolment, loading the current principal."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime

import pyotp

from geodata.errors import Conflict, Forbidden, NotFound, ValidationFailed
from geodata.reference_data import townships, villages
from geodata.repositories import users as repo
from twin.auth.audit import audit
from twin.auth.keys import protector
from twin.auth.passwords import hash_password, validate_password
from twin.auth.roles import COUNTY_CODE, ROLES, Permission, Principal

USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{2,63}")
TOTP_ISSUER = "Xinchang Cockpit"


def normalise_username(username: str) -> str:
    return username.strip().lower()


def validate_username(username: str) -> None:
    if not USERNAME.fullmatch(username):
        raise ValidationFailed(
            "用户名须为 3–64 个小写字母、数字或 . _ -，以字母或数字开头 / the username must be 3-64 lower-case "
            "letters, digits, '.', '_' or '-', starting with a letter or digit")


def validate_jurisdiction(role: str, jurisdiction_code: str, grid_codes: Sequence[str] = ()) -> None:
    """Jurisdiction level must suit the role; codes are checked against the official code lists."""
    if role not in ROLES:
        raise ValidationFailed(f"未知角色 / unknown role {role!r}: choose one of {', '.join(ROLES)}")
    if role == "commander":
        if jurisdiction_code not in {t.code for t in townships()}:
            raise ValidationFailed(
                "乡镇指挥员的辖区须为本县乡镇街道的 9 位代码 / a commander's jurisdiction must be the 9-digit "
                f"code of one of the county's townships (got {jurisdiction_code!r})")
    elif role == "grid_worker":
        if jurisdiction_code not in {v.code for v in villages()}:
            raise ValidationFailed(
                "网格员的辖区须为本县村（社区）的 12 位代码 / a grid worker's jurisdiction must be the 12-digit "
                f"code of one of the county's villages or communities (got {jurisdiction_code!r})")
        bad = [g for g in grid_codes if not (len(g) == 15 and g.isdigit() and g.startswith(jurisdiction_code))]
        if bad:
            raise ValidationFailed(
                f"网格代码须为该村下的 15 位代码 / grid codes must be 15-digit codes within village "
                f"{jurisdiction_code}: {', '.join(bad[:5])}")
    elif jurisdiction_code != COUNTY_CODE:
        raise ValidationFailed(
            f"角色 {role} 的辖区须为全县 {COUNTY_CODE} / role {role} works county-wide: its jurisdiction must be "
            f"{COUNTY_CODE} (got {jurisdiction_code!r})")
    if grid_codes and role != "grid_worker":
        raise ValidationFailed("只有网格员可以分配网格 / only grid workers are assigned grid cells")


def create_user(username: str, password: str, role: str, jurisdiction_code: str, display_name: str, *,
                grid_codes: Sequence[str] = (), actor: Principal | None = None, is_demo: bool = False,
                client_ip: str | None = None) -> None:
    """Create an account. ``actor`` None means the system itself (command line, demo load).

    Raises Forbidden (actor lacks users.manage), ValidationFailed (a rule), Conflict (name taken).
    """
    username = normalise_username(username)
    jurisdiction_code = jurisdiction_code.strip()
    display_name = display_name.strip()
    codes = tuple(dict.fromkeys(g.strip() for g in grid_codes))
    who = {"actor": "system"} if actor is None else {}
    attempt = {"role": role, "jurisdiction_code": jurisdiction_code, "is_demo": is_demo, **who}
    if actor is not None and not actor.can(Permission.USERS_MANAGE):
        audit(actor, "user.create", object_type="app_user", object_id=username, outcome="denied",
              client_ip=client_ip, detail=attempt)
        raise Forbidden("只有系统管理员可以创建用户 / only system administrators may create users")
    try:
        validate_username(username)
        validate_jurisdiction(role, jurisdiction_code, codes)
        if not display_name or len(display_name) > 100:
            raise ValidationFailed("显示名称须为 1–100 个字符 / the display name must be 1-100 characters")
        validate_password(password, username)
    except ValidationFailed as exc:
        audit(actor, "user.create", object_type="app_user", object_id=username[:64], outcome="failed",
              client_ip=client_ip, detail={**attempt, "reason": exc.user_message})
        raise
    new = repo.NewUser(username=username, display_name=display_name, password_hash=hash_password(password),
                       role=role, jurisdiction_code=jurisdiction_code, grid_codes=codes, is_demo=is_demo)
    if not repo.insert_user(new, datetime.now(UTC)):
        audit(actor, "user.create", object_type="app_user", object_id=username, outcome="failed",
              client_ip=client_ip, detail={**attempt, "reason": "username taken"})
        raise Conflict(f"用户名已存在 / the username {username!r} is taken")
    audit(actor, "user.create", object_type="app_user", object_id=username, client_ip=client_ip,
          detail={**attempt, "grid_codes": list(codes)})


def set_totp(username: str, actor: Principal, *, client_ip: str | None = None) -> str:
    """Give ``username`` a new TOTP secret (replacing any old one); returns the otpauth:// URI to show
    once as a QR code. Allowed for system administrators and for users enrolling themselves."""
    username = normalise_username(username)
    if not (actor.can(Permission.USERS_MANAGE) or (actor.username == username and actor.token_scopes is None)):
        audit(actor, "user.totp_set", object_type="app_user", object_id=username, outcome="denied",
              client_ip=client_ip)
        raise Forbidden("无权为该用户设置动态口令 / you may not set a second factor for this user")
    secret = pyotp.random_base32()
    encrypted = protector().encrypt(secret, context=totp_context(username))
    if not repo.set_totp_secret(username, encrypted):
        raise NotFound(f"没有该用户 / no user {username!r}")
    audit(actor, "user.totp_set", object_type="app_user", object_id=username, client_ip=client_ip)
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=TOTP_ISSUER)


def totp_context(username: str) -> bytes:
    """Associated data binding an encrypted TOTP secret to its account (it cannot be moved to another)."""
    return b"totp:" + username.encode("utf-8")


def load_principal(username: str, *, now: datetime | None = None) -> Principal | None:
    """The current principal for a session: None if the user is gone, deactivated or locked."""
    record = repo.get_user(normalise_username(username))
    if record is None or not usable(record, now or datetime.now(UTC)):
        return None
    return principal_of(record)


def usable(record: repo.UserRecord, now: datetime) -> bool:
    return record.is_active and (record.locked_until is None or record.locked_until <= now)


def principal_of(record: repo.UserRecord, token_scopes: tuple[str, ...] | None = None) -> Principal:
    return Principal(username=record.username, role=record.role, display_name=record.display_name,
                     jurisdiction_code=record.jurisdiction_code or "", grid_codes=record.grid_codes,
                     token_scopes=token_scopes)

"""Demo users: one per role, a commander per township and one grid worker, all flagged ``is_demo``.

They share one password: COCKPIT_DEMO_PASSWORD, or (when unset) a random one generated on the first
demo load, printed once and kept in data_dir/keys/demo-password.txt (mode 0600).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from geodata.errors import ValidationFailed
from geodata.protect import read_or_create_secret
from geodata.reference_data import townships, villages
from geodata.repositories import users as repo
from geodata.settings import Settings
from twin.auth.accounts import validate_jurisdiction, validate_username
from twin.auth.audit import audit
from twin.auth.passwords import generate_password, hash_password, validate_password
from twin.auth.roles import COUNTY_CODE

DEMO_PASSWORD_FILE = "demo-password.txt"  # noqa: S105 - a file name, not a password
_COUNTY_WIDE = (
    ("leader", "leader", "县领导（演示）"),
    ("planner", "planner", "规划分析员（演示）"),
    ("dataadmin", "dataadmin", "数据管理员（演示）"),
    ("sysadmin", "sysadmin", "系统管理员（演示）"),
    ("auditor", "auditor", "安全审计员（演示）"),
    ("kiosk", "kiosk", "大屏展示（演示）"),
)


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    jurisdiction_code: str
    display_name: str


def demo_users() -> tuple[DemoUser, ...]:
    users = [DemoUser(name, role, COUNTY_CODE, title) for name, role, title in _COUNTY_WIDE]
    users += [DemoUser(f"cmd-{t.code}", "commander", t.code, f"{t.name}指挥员（演示）") for t in townships()]
    village = villages()[0]  # the first community of the county seat
    users.append(DemoUser(f"grid-{village.code}", "grid_worker", village.code, f"{village.name}网格员（演示）"))
    return tuple(users)


def create_demo_users(password: str) -> list[str]:
    """Create the demo users, or reset existing demo users to ``password``; returns their names.

    A non-demo account that happens to hold a demo name is left untouched (and not returned).
    """
    users = check_demo_password(password)  # everything is checked before anything is written
    password_hash = hash_password(password)  # one hash for all: they share the password anyway
    now = datetime.now(UTC)
    done: list[str] = []
    outcomes: dict[str, list[str]] = {}
    for user in users:
        outcome = repo.upsert_demo_user(repo.NewUser(
            username=user.username, display_name=user.display_name, password_hash=password_hash,
            role=user.role, jurisdiction_code=user.jurisdiction_code, is_demo=True), now)
        outcomes.setdefault(outcome, []).append(user.username)
        if outcome != "kept":
            done.append(user.username)
    audit(None, "user.demo_create", object_type="app_user", detail={"actor": "system", **outcomes})
    return done


def check_demo_password(password: str) -> tuple[DemoUser, ...]:
    """ValidationFailed when the demo password breaks the password rules for any demo user."""
    users = demo_users()
    for user in users:
        validate_username(user.username)
        validate_jurisdiction(user.role, user.jurisdiction_code)
        try:
            validate_password(password, user.username)
        except ValidationFailed as exc:
            raise ValidationFailed(f"COCKPIT_DEMO_PASSWORD: {exc.user_message}") from None
    return users


def demo_password(settings: Settings) -> tuple[str, Path | None, bool]:
    """(password, file it is kept in or None when configured, whether it was generated just now)."""
    if settings.demo_password:
        return settings.demo_password.get_secret_value(), None, False
    path = settings.data_dir / "keys" / DEMO_PASSWORD_FILE
    value, created = read_or_create_secret(path, generate_password)
    return value, path, created

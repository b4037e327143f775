"""Password login with lockout and an optional TOTP second factor. Every attempt is audited.

The failure message is the same whether or not the user exists, verification takes as long for an
unknown user, and unknown names are "locked" too (from their failures in the audit log), so that
neither the message, the timing nor the lockout reveals which accounts exist.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, NoReturn

import pyotp
from cryptography.exceptions import InvalidTag

from geodata.errors import AccountLocked, AuthFailed, SecondFactorRequired
from geodata.repositories import audit as audit_repo
from geodata.repositories import users as repo
from twin.auth.accounts import USERNAME, normalise_username, principal_of, totp_context
from twin.auth.audit import record as audit_record
from twin.auth.keys import protector
from twin.auth.passwords import MAX_LENGTH, burn_verification, hash_password, needs_rehash, verify_password
from twin.auth.roles import Principal

log = logging.getLogger(__name__)
AuditFn = Callable[..., None]


@dataclass(frozen=True)
class LockoutPolicy:
    max_failures: int = 5  # this many failures ...
    window: timedelta = timedelta(minutes=15)  # ... within this window ...
    duration: timedelta = timedelta(minutes=15)  # ... lock the account this long


LOCKOUT = LockoutPolicy()
TOTP_DRIFT_STEPS = 1  # accept the previous and the next 30-second code as well
GENERIC_FAILURE = "用户名或密码错误 / wrong username or password"


def _locked_message(policy: LockoutPolicy) -> str:
    minutes = int(policy.duration.total_seconds() // 60)
    return (f"登录失败次数过多，账号已锁定，请 {minutes} 分钟后再试 / too many failed logins: "
            f"the account is locked, try again in {minutes} minutes")


def authenticate(username: str, password: str, *, totp_code: str | None = None, client_ip: str | None = None,
                 now: datetime | None = None, policy: LockoutPolicy = LOCKOUT) -> Principal:
    """The principal for valid credentials; AuthFailed, AccountLocked or SecondFactorRequired otherwise.

    ``now`` and ``policy`` exist for tests (a clock and shorter windows); callers leave them alone.
    """
    now = now or datetime.now(UTC)
    name = normalise_username(username)[:64]
    user = repo.get_user(name) if USERNAME.fullmatch(name) else None

    def audit(outcome: str, reason: str | None = None, **extra: Any) -> None:
        detail = {"reason": reason, **extra} if reason else extra
        audit_record(name or None, user.role if user else None, "login", object_type="app_user",
                     object_id=name or None, outcome=outcome, client_ip=client_ip, detail=detail, at=now)

    if user is None:
        burn_verification(password)
        _unknown_user_failure(name, policy, now, audit)
    if not user.is_active:
        burn_verification(password)
        audit("failed", "inactive")
        raise AuthFailed(GENERIC_FAILURE)
    if user.locked_until is not None and user.locked_until > now:
        audit("locked", "locked", locked_until=user.locked_until.isoformat())
        raise AccountLocked(_locked_message(policy))
    if len(password) > MAX_LENGTH or not verify_password(user.password_hash, password):
        _count_failure(user, policy, now, audit, "bad_password")
    if user.totp_secret_enc is not None:
        _check_totp(user, totp_code, policy, now, audit)
    rehashed = hash_password(password) if needs_rehash(user.password_hash) else None
    repo.register_success(user.username, now, new_password_hash=rehashed)
    audit("ok", second_factor=user.totp_secret_enc is not None)
    return principal_of(user)


def _unknown_user_failure(name: str, policy: LockoutPolicy, now: datetime, audit: AuditFn) -> NoReturn:
    earlier = audit_repo.count_recent(name, "login", "failed", now - policy.window) if name else 0
    if earlier >= policy.max_failures:
        audit("locked", "locked")
        raise AccountLocked(_locked_message(policy))
    audit("failed", "unknown_user")
    if earlier + 1 >= policy.max_failures:
        raise AccountLocked(_locked_message(policy))
    raise AuthFailed(GENERIC_FAILURE)


def _count_failure(user: repo.UserRecord, policy: LockoutPolicy, now: datetime, audit: AuditFn,
                   reason: str) -> NoReturn:
    state = repo.register_failure(user.username, now, window=policy.window, threshold=policy.max_failures,
                                  lock_for=policy.duration)
    attempts = state.attempts if state else None
    if state is not None and state.locked_until is not None:
        audit("failed", reason, attempts=attempts, locked_until=state.locked_until.isoformat())
        raise AccountLocked(_locked_message(policy))
    audit("failed", reason, attempts=attempts)
    raise AuthFailed(GENERIC_FAILURE)


def _check_totp(user: repo.UserRecord, code: str | None, policy: LockoutPolicy, now: datetime,
                audit: AuditFn) -> None:
    if not code or not code.strip():
        audit("failed", "second_factor_required")
        raise SecondFactorRequired("请输入身份验证器中的 6 位动态口令 / enter the 6-digit code from your "
                                   "authenticator app")
    assert user.totp_secret_enc is not None
    try:
        secret = protector().decrypt(user.totp_secret_enc, context=totp_context(user.username))
    except InvalidTag:
        log.error("the TOTP secret of %s cannot be decrypted: was the personal-data key changed?", user.username)
        audit("failed", "totp_unreadable")
        raise AuthFailed("动态口令无法校验，请联系系统管理员 / the second factor cannot be checked: "
                         "ask a system administrator to reset it") from None
    step = matching_step(secret, code.strip(), now)
    if step is None:
        _count_failure(user, policy, now, audit, "bad_totp")
    elif not repo.accept_totp_step(user.username, step):
        _count_failure(user, policy, now, audit, "totp_reused")


def matching_step(secret: str, code: str, now: datetime) -> int | None:
    """The 30-second time step whose code equals ``code`` (within the allowed drift), else None."""
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    for offset in sorted(range(-TOTP_DRIFT_STEPS, TOTP_DRIFT_STEPS + 1), key=abs):
        if hmac.compare_digest(totp.generate_otp(current + offset), code):
            return current + offset
    return None

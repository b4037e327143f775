"""Password rules and hashing (argon2id)."""

from __future__ import annotations

import re
import secrets
import string
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from geodata.errors import ValidationFailed

MIN_LENGTH = 12
MAX_LENGTH = 128  # hashing is deliberately slow; unbounded input would be a denial-of-service lever
MIN_CLASSES = 3

# Exact matches (case-insensitive) and, after undoing common letter substitutions and trimming
# digits/symbols at either end, base words: "P@ssw0rd2024!" is "password".
COMMON_PASSWORDS = frozenset({
    "123456789012", "1234567890ab", "1qaz2wsx3edc", "1q2w3e4r5t6y", "qwertyuiop12", "qwertyuiopas",
    "abc123456789", "aa1234567890", "a1234567890b", "woaini131452", "zxcvbnm12345", "asdfghjkl123",
    "aaaaaaaaaaaa", "111111111111", "000000000000", "123123123123", "passwordpassword",
})
COMMON_WORDS = frozenset({
    "password", "passw0rd", "admin", "administrator", "root", "qwerty", "qwertyuiop", "welcome", "letmein",
    "iloveyou", "woaini", "changeme", "secret", "xinchang", "cockpit", "shaoxing", "zhejiang", "china",
    "abc", "test", "guest", "user", "demo", "dragon", "monkey", "sunshine", "master",
})
_LEET = str.maketrans({"@": "a", "4": "a", "0": "o", "1": "i", "!": "i", "3": "e", "$": "s", "5": "s", "7": "t"})
_CLASSES = (str.islower, str.isupper, str.isdigit, lambda c: not c.isalnum())


def validate_password(password: str, username: str) -> None:
    """Raise ValidationFailed with a bilingual reason when ``password`` breaks a rule."""
    if len(password) < MIN_LENGTH:
        raise ValidationFailed(f"密码至少 {MIN_LENGTH} 个字符 / the password must be at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise ValidationFailed(f"密码最多 {MAX_LENGTH} 个字符 / the password must be at most {MAX_LENGTH} characters")
    if password != password.strip():
        raise ValidationFailed("密码不能以空格开头或结尾 / the password must not start or end with a space")
    classes = sum(any(test(c) for c in password) for test in _CLASSES)
    if classes < MIN_CLASSES:
        raise ValidationFailed(
            "密码须包含小写字母、大写字母、数字、符号中的至少三类 / the password must mix at least three of: "
            "lower-case letters, upper-case letters, digits, symbols")
    name = username.strip().lower()
    if len(name) >= 3 and name in password.lower():
        raise ValidationFailed("密码不能包含用户名 / the password must not contain the username")
    if is_common(password):
        raise ValidationFailed("密码过于常见，容易被猜中 / the password is too common and easily guessed")


def is_common(password: str) -> bool:
    lowered = password.lower()
    if lowered in COMMON_PASSWORDS:
        return True
    core = re.sub(r"[^a-z]", "", lowered.strip(string.digits + string.punctuation + " ").translate(_LEET))
    return core in COMMON_WORDS or len(set(lowered)) <= 3


def generate_password(length: int = 20) -> str:
    """A random password that passes the rules for any username: groups of letters and digits."""
    alphabet = string.ascii_letters + string.digits
    while True:
        raw = "".join(secrets.choice(alphabet) for _ in range(length))
        candidate = "-".join(raw[i:i + 5] for i in range(0, length, 5))
        if all(any(test(c) for c in candidate) for test in _CLASSES[:3]) and not is_common(candidate):
            return candidate


@lru_cache(maxsize=1)
def _hasher() -> PasswordHasher:
    return PasswordHasher()  # argon2id, RFC 9106 low-memory profile defaults


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return _hasher().hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    try:
        return _hasher().check_needs_rehash(password_hash)
    except InvalidHashError:
        return False


def burn_verification(password: str) -> None:
    """Spend as long as a real verification, so that response time does not reveal unknown users."""
    verify_password(_dummy_hash(), password[:MAX_LENGTH])

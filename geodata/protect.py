"""Protection of personal data at rest: AES-GCM encryption, keyed hashes for lookup, masking."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from geodata.errors import ConfigurationError

NONCE_BYTES = 12
# One AES-GCM context (associated data) per field, so a ciphertext cannot be moved to another field.
NAME_CONTEXT = b"resident.name"
ID_NUMBER_CONTEXT = b"resident.id_number"
PHONE_CONTEXT = b"resident.phone"


@dataclass(frozen=True)
class DataProtector:
    key: bytes

    def __post_init__(self) -> None:
        if len(self.key) != 32:
            raise ConfigurationError("the personal-data key must be 32 bytes (base64-encoded in COCKPIT_DATA_KEY)")

    @property
    def _aead(self) -> AESGCM:
        return AESGCM(hashlib.sha256(b"enc:" + self.key).digest())

    def encrypt(self, plain: str, *, context: bytes = b"") -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        return nonce + self._aead.encrypt(nonce, plain.encode("utf-8"), context)

    def decrypt(self, blob: bytes, *, context: bytes = b"") -> str:
        return self._aead.decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], context).decode("utf-8")

    def lookup_hash(self, value: str) -> bytes:
        """Deterministic keyed hash: exact-match lookup without storing the value."""
        return hmac.new(hashlib.sha256(b"mac:" + self.key).digest(), value.upper().encode(), "sha256").digest()


def load_key(configured: str | None, data_dir: Path, *, create: bool) -> bytes:
    """The configured key, else (embedded/demo mode) a key kept in the data directory with mode 0600."""
    if configured:
        try:
            return base64.b64decode(configured, validate=True)
        except ValueError as exc:
            raise ConfigurationError("COCKPIT_DATA_KEY is not valid base64") from exc
    path = data_dir / "keys" / "personal-data.key"
    if path.exists():
        return base64.b64decode(path.read_text().strip())
    if not create:
        raise ConfigurationError("no personal-data key: set COCKPIT_DATA_KEY")
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = secrets.token_bytes(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(base64.b64encode(key).decode())
    return key


def read_or_create_secret(path: Path, make: Callable[[], str]) -> tuple[str, bool]:
    """The secret kept in ``path``; created from ``make()`` with mode 0600 when absent.

    Returns (secret, created). Two processes racing to create it both end up with the same value.
    """
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        value = make()
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as fh:
                fh.write(value + "\n")
            return value, True
    value = path.read_text(encoding="utf-8").strip()
    if not value:
        raise ConfigurationError(f"the secret file {path} is empty: delete it to have a new one generated")
    return value, False


MAX_NAME_STARS = 3  # 张* / 欧阳** style; a long (e.g. transliterated) name must not reveal its length


def mask_name(name: str) -> str:
    return name[0] + "*" * min(len(name) - 1, MAX_NAME_STARS) if len(name) > 1 else "*"


def mask_id_number(value: str) -> str:
    return value[:6] + "*" * 8 + value[-4:] if len(value) == 18 else "*" * len(value)


def mask_phone(value: str) -> str:
    return value[:3] + "****" + value[-4:] if len(value) == 11 else "*" * len(value)

"""Server-side secrets: the signing key for tokens and sessions, the key protecting TOTP secrets."""

from __future__ import annotations

import base64
import secrets

from geodata.protect import DataProtector, load_key, read_or_create_secret
from geodata.settings import get_settings

SERVER_SECRET_FILE = "server-secret.key"  # noqa: S105 - a file name


def server_secret() -> bytes:
    """COCKPIT_SECRET_KEY, else a random key kept (0600) in data_dir/keys/server-secret.key.

    Signs bearer tokens here and may sign session cookies in the web layer (with a different salt).
    Never hard-coded: a fresh installation gets its own key on first use.
    """
    settings = get_settings()
    if settings.secret_key:
        return settings.secret_key.get_secret_value().encode("utf-8")
    value, _created = read_or_create_secret(
        settings.data_dir / "keys" / SERVER_SECRET_FILE,
        lambda: base64.urlsafe_b64encode(secrets.token_bytes(32)).decode("ascii"),
    )
    return value.encode("ascii")


def protector() -> DataProtector:
    """The personal-data protector (COCKPIT_DATA_KEY, or the key file in the data directory)."""
    settings = get_settings()
    configured = settings.data_key.get_secret_value() if settings.data_key else None
    return DataProtector(load_key(configured, settings.data_dir, create=True))

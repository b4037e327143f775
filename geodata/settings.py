"""Application settings, read from the environment (``COCKPIT_`` prefix, plus ``DATABASE_URL``)."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ENV_PREFIX = "COCKPIT_"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="forbid", case_sensitive=False)

    database_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("DATABASE_URL", "COCKPIT_DATABASE_URL"),
        description="SQLAlchemy URL of an existing PostGIS database; unset = embedded local cluster.",
    )
    data_dir: Path = Field(default=PROJECT_ROOT / "var", description="DEM files, embedded cluster, keys.")
    embedded_port: int = Field(default=54329, ge=1024, le=65535)
    embedded_db: str = "cockpit"
    db_app_role: str = Field(default="cockpit_app", description="role the app acts as; '' = the login role itself")
    data_key: SecretStr | None = Field(
        default=None, description="Base64 key (32 bytes) protecting personal data; generated in demo mode."
    )
    demo_password: SecretStr | None = None
    secret_key: SecretStr | None = None
    environment: Literal["development", "production", "test"] = "development"
    log_level: str = "INFO"
    host: str = "127.0.0.1"
    port: int = 8050
    # web sessions and request hardening (cockpit/auth.py, cockpit/api/access.py, cockpit/api/headers.py)
    session_idle_minutes: float = Field(default=30, gt=0, description="sign out after this long without a request")
    session_max_hours: float = Field(default=12, gt=0, description="sign out this long after login, active or not")
    cookie_secure: bool | None = Field(
        default=None, description="Secure flag on the session cookie; unset = on in production (served over HTTPS)"
    )
    max_upload_mb: int = Field(default=50, gt=0, description="largest request body accepted")
    trusted_proxies: int = Field(
        default=0, ge=0, le=5,
        description="reverse proxies in front of the app whose X-Forwarded-For/-Proto are trusted (audit IPs, limits)",
    )
    login_rate_per_minute: int = Field(default=10, gt=0, description="login/token attempts per IP and per username")
    api_rate_per_minute: int = Field(default=600, gt=0, description="/api/ requests per caller")

    @model_validator(mode="before")
    @classmethod
    def _reject_unknown_env(cls, data: object) -> object:
        # pydantic-settings silently ignores unknown prefixed variables; a typo such as
        # COCKPIT_DATABSE_URL must fail loudly instead of falling back to defaults.
        known = {f"{ENV_PREFIX}{name}".upper() for name in cls.model_fields} | {"COCKPIT_DATABASE_URL"}
        unknown = sorted(k for k in os.environ if k.upper().startswith(ENV_PREFIX) and k.upper() not in known)
        # the test suite's and the benchmarks' own knobs are not the app's settings
        unknown = [k for k in unknown if not k.upper().startswith(("COCKPIT_TEST_", "COCKPIT_BENCH_"))]
        if unknown:
            raise ValueError(f"unknown settings in the environment: {', '.join(unknown)}")
        return data

    @property
    def embedded(self) -> bool:
        return self.database_url is None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()

from __future__ import annotations

import pytest
from pydantic import ValidationError

from geodata.db import normalise_url
from geodata.errors import ConfigurationError
from geodata.settings import Settings


def test_database_url_is_read_without_prefix(monkeypatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@h/db")
    assert Settings().database_url == "postgresql://u@h/db"
    assert not Settings().embedded


def test_unknown_prefixed_setting_is_an_error(monkeypatch) -> None:
    monkeypatch.setenv("COCKPIT_DATABSE_URL", "typo")
    with pytest.raises(ValidationError, match="COCKPIT_DATABSE_URL"):
        Settings()


def test_urls_are_normalised_to_psycopg3() -> None:
    assert normalise_url("postgres://u:p@h:5/d").startswith("postgresql+psycopg://u:p@h:5/d")
    with pytest.raises(ConfigurationError):
        normalise_url("mysql://u@h/d")

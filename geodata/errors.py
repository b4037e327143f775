"""One exception hierarchy; every error carries a message that is safe to show to a user."""

from __future__ import annotations


class CockpitError(Exception):
    """Base class. ``user_message`` never contains secrets, SQL or stack details."""

    http_status = 500
    code = "internal_error"

    def __init__(self, user_message: str, *, detail: str | None = None) -> None:
        super().__init__(user_message)
        self.user_message = user_message
        self.detail = detail


class ConfigurationError(CockpitError):
    code = "configuration_error"


class DatabaseUnavailable(CockpitError):
    http_status = 503
    code = "database_unavailable"


class MissingExtension(CockpitError):
    http_status = 503
    code = "missing_extension"


class ValidationFailed(CockpitError):
    http_status = 400
    code = "invalid_input"


class NotFound(CockpitError):
    http_status = 404
    code = "not_found"


class Forbidden(CockpitError):
    http_status = 403
    code = "forbidden"


class Conflict(CockpitError):
    http_status = 409
    code = "conflict"


class AuthFailed(CockpitError):
    """Bad credentials or token. The message never says whether the user exists."""

    http_status = 401
    code = "auth_failed"


class AccountLocked(AuthFailed):
    """Too many failed logins: the account is locked for a while."""

    http_status = 423
    code = "account_locked"


class SecondFactorRequired(AuthFailed):
    """The password was right, but this account also needs its TOTP code."""

    http_status = 401
    code = "second_factor_required"


class PayloadTooLarge(ValidationFailed):
    """A request with more items than one call may carry (e.g. an ingest batch over its limit)."""

    http_status = 413
    code = "payload_too_large"

"""The one place that maps CockpitError to HTTP responses."""

from __future__ import annotations

import logging

from flask import Flask, jsonify
from flask.typing import ResponseReturnValue

from geodata.errors import CockpitError

log = logging.getLogger(__name__)


def register_error_handlers(server: Flask) -> None:
    @server.errorhandler(CockpitError)
    def _cockpit_error(exc: CockpitError) -> ResponseReturnValue:
        if exc.http_status >= 500:
            log.error("%s: %s (%s)", exc.code, exc.user_message, exc.detail)
        return jsonify({"error": exc.code, "message": exc.user_message}), exc.http_status

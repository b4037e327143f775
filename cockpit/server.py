"""Create the Dash app: pages, HTTP routes, error handling. Nothing here touches the database."""

from __future__ import annotations

from pathlib import Path

import dash
from dash import Dash, html

from cockpit.api import errors, health
from geodata.settings import Settings

HERE = Path(__file__).resolve().parent
ASSETS = HERE.parent / "assets"


def create_app(settings: Settings) -> Dash:
    app = Dash(
        __name__,
        use_pages=True,
        pages_folder=str(HERE / "pages"),
        assets_folder=str(ASSETS),
        assets_ignore=_assets_ignore(),
        serve_locally=True,  # every script from this server: the cockpit runs offline in intranets
        title="新昌县数字孪生指挥驾驶舱",
        update_title="",
        suppress_callback_exceptions=False,
    )
    app.layout = html.Div([dash.page_container], id="app-root")
    server = app.server
    server.config["SECRET_KEY"] = settings.secret_key.get_secret_value() if settings.secret_key else None
    errors.register_error_handlers(server)
    health.register(server)
    _register_static(server)
    return app


def _assets_ignore() -> str:
    try:
        from cockpit.static import ASSETS_IGNORE
    except ImportError:  # the static module arrives with the map engine
        return r"vendor/.*"
    return ASSETS_IGNORE


def _register_static(server: object) -> None:
    try:
        from cockpit.static import register_static_routes
    except ImportError:
        return
    register_static_routes(server)  # type: ignore[arg-type]

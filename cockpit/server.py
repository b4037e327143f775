"""Create the Dash app: pages, HTTP routes, error handling. Nothing here touches the database."""

from __future__ import annotations

from pathlib import Path

import dash
from dash import Dash, Input, Output, dcc, html

from cockpit.api import errors, health, raster_tiles, tiles
from cockpit.static import ASSETS_IGNORE, ASSETS_PATH_IGNORE, register_static_routes
from geodata.settings import Settings

HERE = Path(__file__).resolve().parent
ASSETS = HERE.parent / "assets"


def _navigation() -> html.Nav:
    """Built from the page registry, so a new page module appears here by itself."""
    pages = sorted(dash.page_registry.values(), key=lambda p: p.get("order") or 0)
    return html.Nav([dcc.Link(p["name"], href=p["relative_path"], className="nav-link") for p in pages],
                    className="app-nav", id="app-nav")


def create_app(settings: Settings) -> Dash:
    app = Dash(
        __name__,
        use_pages=True,
        pages_folder=str(HERE / "pages"),
        assets_folder=str(ASSETS),
        assets_ignore=ASSETS_IGNORE,
        assets_path_ignore=ASSETS_PATH_IGNORE,
        serve_locally=True,  # every script from this server: the cockpit runs offline in intranets
        title="新昌县数字孪生指挥驾驶舱",
        update_title="",
        suppress_callback_exceptions=False,
    )
    app.layout = html.Div([
        dcc.Location(id="app-url"),
        dcc.Store(id="app-lang", data="zh"),
        _navigation(),
        dash.page_container,
    ], id="app-root")
    app.clientside_callback(
        "function (search) { return new URLSearchParams(search || '').get('lang') === 'en' ? 'en' : 'zh'; }",
        Output("app-lang", "data"), Input("app-url", "search"),
    )
    server = app.server
    server.config["SECRET_KEY"] = settings.secret_key.get_secret_value() if settings.secret_key else None
    errors.register_error_handlers(server)
    health.register(server)
    tiles.register(server)
    raster_tiles.register(server)
    register_static_routes(server)
    return app

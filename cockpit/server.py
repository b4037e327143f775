"""Create the Dash app: pages, HTTP routes, security wiring, error handling. Nothing here touches the database."""

from __future__ import annotations

from pathlib import Path

import dash
from dash import Dash, Input, Output, dcc, html
from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from cockpit import auth, dash_guard, ratelimit, security_headers
from cockpit.api import access, errors, health, login, raster_tiles, readings, residents, tiles, token
from cockpit.csrf import FIELD as CSRF_FIELD
from cockpit.csrf import csrf_token
from cockpit.i18n import t
from cockpit.static import ASSETS_IGNORE, ASSETS_PATH_IGNORE, register_static_routes
from geodata.settings import Settings
from twin.auth import server_secret

HERE = Path(__file__).resolve().parent
ASSETS = HERE.parent / "assets"
LIMITERS = "cockpit_limiters"  # server.extensions key: {"login": …, "api": …} (tests reset them)


def _navigation() -> html.Nav:
    """Built from the page registry, so a new page module appears here by itself — for those who may see it."""
    principal = auth.current_principal()
    links: list[dash.development.base_component.Component] = [
        dcc.Link(p["name"], href=p["relative_path"], className="nav-link")
        for p in dash_guard.visible_pages(principal)
    ]
    if principal is not None:
        links.append(html.Span(principal.display_name, className="nav-user", id="app-user"))
        links.append(html.Form([
            dcc.Input(type="hidden", name=CSRF_FIELD, value=csrf_token(), id="app-logout-csrf"),
            html.Button(t("nav.logout"), type="submit", className="nav-link nav-logout", id="app-logout"),
        ], action="/logout", method="post", className="nav-logout-form", id="app-logout-form"))
    return html.Nav(links, className="app-nav", id="app-nav")


def _shell() -> html.Div:
    """The layout around every page; a function, so the navigation fits the signed-in user."""
    return html.Div([
        dcc.Location(id="app-url"),
        dcc.Store(id="app-lang", data="zh"),
        _navigation(),
        html.Div(id=dash_guard.NOTICE_ID, className="app-notice", role="alert"),
        dash.page_container,
    ], id="app-root")


def trust_proxies(server: Flask, hops: int) -> None:
    """Take the client address from X-Forwarded-For, for exactly ``hops`` reverse proxies of ours:
    trusting more would let a client forge the address that lands in the audit log."""
    if hops:
        server.wsgi_app = ProxyFix(server.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]


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
        on_error=dash_guard.on_callback_error,  # callback errors → a notice, never a stack trace
    )
    dash_guard.guard_pages()
    app.layout = _shell
    app.clientside_callback(
        "function (search) { return new URLSearchParams(search || '').get('lang') === 'en' ? 'en' : 'zh'; }",
        Output("app-lang", "data"), Input("app-url", "search"),
    )
    server = app.server
    trust_proxies(server, settings.trusted_proxies)
    server.config["SECRET_KEY"] = server_secret()  # Flask signs the session with its own salt
    server.config["COCKPIT_SETTINGS"] = settings
    limiters = {"login": ratelimit.SlidingWindow(settings.login_rate_per_minute),
                "api": ratelimit.SlidingWindow(settings.api_rate_per_minute)}
    server.extensions[LIMITERS] = limiters

    errors.register_error_handlers(server)
    security_headers.install(app, settings)
    health.register(server)
    tiles.register(server)
    raster_tiles.register(server)
    readings.register(server)
    residents.register(server)
    register_static_routes(server)
    login.register(server, limiters["login"])
    token.register(server, limiters["login"])
    # after Dash's own first-request hooks (which build the validation layout), before any view serves it
    server.before_request(lambda: dash_guard.strip_validation_layout(app))
    rules = access.default_rules(app.config.routes_pathname_prefix, dash_guard.callback_allowed)
    access.install(server, rules, limiters["api"])
    return app

"""Create the Dash app: pages, HTTP routes, security wiring, error handling. Nothing here touches the database."""

from __future__ import annotations

from pathlib import Path

import dash
from dash import ClientsideFunction, Dash, Input, Output, dcc, html
from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from cockpit import auth, dash_guard, ratelimit, security_headers
from cockpit.api import access, address, errors, health, login, raster_tiles, readings, residents, tiles, token
from cockpit.csrf import FIELD as CSRF_FIELD
from cockpit.csrf import csrf_token
from cockpit.i18n import lang_of, remember_lang, t
from cockpit.static import ASSETS_IGNORE, ASSETS_PATH_IGNORE, register_static_routes
from geodata.settings import Settings
from twin.auth import server_secret

HERE = Path(__file__).resolve().parent
ASSETS = HERE.parent / "assets"
LIMITERS = "cockpit_limiters"  # server.extensions key: {"login": …, "api": …} (tests reset them)


def _navigation() -> html.Nav:
    """Built from the page registry, so a new page module appears here by itself — for those who may see it."""
    principal = auth.current_principal()
    lang = lang_of(None)
    links: list[dash.development.base_component.Component] = [
        dcc.Link(page_name(p, lang), href=p["relative_path"], className="nav-link")
        for p in dash_guard.visible_pages(principal)
    ]
    tools: list[dash.development.base_component.Component] = [
        # the href gets the current path clientside; the choice is remembered in a cookie (cockpit/i18n.py)
        html.A(t("nav.other_lang", lang), href="?lang=" + ("zh" if lang == "en" else "en"),
               className="nav-link nav-lang", id="app-lang-switch", lang="zh" if lang == "en" else "en"),
    ]
    if principal is not None:
        tools.append(html.Span(principal.display_name, className="nav-user", id="app-user"))
        tools.append(html.Form([
            dcc.Input(type="hidden", name=CSRF_FIELD, value=csrf_token(), id="app-logout-csrf"),
            html.Button(t("nav.logout", lang), type="submit", className="nav-link nav-logout", id="app-logout"),
        ], action="/logout", method="post", className="nav-logout-form", id="app-logout-form"))
    return html.Nav([
        html.Span(t("app.short_title", lang), className="nav-brand"),
        html.Div(links, className="nav-pages", id="app-nav-pages"),
        html.Div(tools, className="nav-tools"),
    ], className="app-nav", id="app-nav")


def page_name(page: dict, lang: str) -> str:
    return str(page.get("name_en") or page["name"]) if lang == "en" else str(page["name"])


def _shell() -> html.Div:
    """The layout around every page; a function, so the navigation fits the signed-in user."""
    return html.Div([
        dcc.Location(id="app-url"),
        dcc.Store(id="app-lang", data="zh"),
        _navigation(),
        html.Div(id=dash_guard.NOTICE_ID, className="app-notice", role="alert"),
        html.Div(dash.page_container, className="app-main"),
    ], id="app-root", lang="en" if lang_of(None) == "en" else "zh-CN")


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
    app.clientside_callback(ClientsideFunction("shell", "language"),
                            Output("app-lang", "data"), Output("app-lang-switch", "href"),
                            Input("app-url", "search"), Input("app-url", "pathname"))
    server = app.server
    trust_proxies(server, settings.trusted_proxies)
    server.config["SECRET_KEY"] = server_secret()  # Flask signs the session with its own salt
    server.config["COCKPIT_SETTINGS"] = settings
    limiters = {"login": ratelimit.SlidingWindow(settings.login_rate_per_minute),
                "api": ratelimit.SlidingWindow(settings.api_rate_per_minute)}
    server.extensions[LIMITERS] = limiters

    errors.register_error_handlers(server)
    server.after_request(remember_lang)
    security_headers.install(app, settings)
    health.register(server)
    tiles.register(server)
    raster_tiles.register(server)
    readings.register(server)
    residents.register(server)
    address.register(server)
    register_static_routes(server)
    login.register(server, limiters["login"])
    token.register(server, limiters["login"])
    # after Dash's own first-request hooks (which build the validation layout), before any view serves it
    server.before_request(lambda: dash_guard.strip_validation_layout(app))
    rules = access.default_rules(app.config.routes_pathname_prefix, dash_guard.callback_allowed)
    access.install(server, rules, limiters["api"])
    return app

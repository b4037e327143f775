"""The one access-rule registry: every Flask endpoint is public, for any signed-in user, or needs permissions.

A ``before_request`` hook looks up the rule of ``request.endpoint`` and refuses the request before any view
runs: 401 (JSON, or a redirect to the login page for browser navigation) without a principal, 403 without
the permission. An endpoint without a rule is refused too (fail closed) and logged, and
tests/integration/test_access_rules.py enumerates ``url_map`` so a route added without a rule fails the
suite. The table is in ``default_rules``; routes added later get their line there.

Public means "a login page needs it": the login form itself, health, static code (Dash's component suites,
the assets folder, fonts, the loaders.gl workers, the favicon) and the token exchange. Data never is.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import urlsplit

from flask import Flask, g, request
from flask.typing import ResponseReturnValue

from cockpit import auth, ratelimit
from geodata import db
from geodata.errors import AuthFailed, Forbidden
from twin.auth import Permission, Principal
from twin.tiles import catalogue

log = logging.getLogger(__name__)

Level = Literal["public", "authenticated", "permission"]
Condition = Callable[[Principal], bool]  # a further condition on the request (reads flask.request)
EXTENSION = "cockpit_access"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass(frozen=True)
class Rule:
    level: Level
    permissions: frozenset[Permission] = frozenset()  # all of them
    condition: Condition | None = None
    note: str = ""

    def allows(self, principal: Principal) -> bool:
        if not all(principal.can(p) for p in self.permissions):
            return False
        return self.condition is None or self.condition(principal)

    def describe(self) -> str:
        what = {"public": "public", "authenticated": "authenticated"}.get(self.level) or \
            "requires(" + ", ".join(sorted(p.value for p in self.permissions)) + ")"
        return f"{what}{' + ' + self.note if self.note else ''}"


PUBLIC = Rule("public")
AUTHENTICATED = Rule("authenticated")


def requires(*permissions: Permission, condition: Condition | None = None, note: str = "") -> Rule:
    return Rule("permission", frozenset(permissions), condition, note)


@dataclass
class AccessRules:
    rules: dict[str, Rule] = field(default_factory=dict)

    def declare(self, endpoint: str, rule: Rule) -> None:
        if endpoint in self.rules and self.rules[endpoint] != rule:
            raise ValueError(f"endpoint {endpoint!r} already has a different access rule")
        self.rules[endpoint] = rule

    def get(self, endpoint: str) -> Rule | None:
        return self.rules.get(endpoint)

    def undeclared(self, server: Flask) -> list[str]:
        return sorted({r.endpoint for r in server.url_map.iter_rules() if r.endpoint not in self.rules})


def rules_of(server: Flask) -> AccessRules:
    registry: AccessRules = server.extensions[EXTENSION]
    return registry


# -- the table -----------------------------------------------------------------------------------------
def personal_tile_layers() -> frozenset[str]:
    return frozenset(s.id for s in catalogue() if s.personal)


def may_see_tile_layer(principal: Principal) -> bool:
    """Tiles of personal-data layers (population, addresses) need aggregate or masked personal-data rights."""
    layer = (request.view_args or {}).get("layer")
    if layer not in personal_tile_layers():
        return True
    return principal.can(Permission.PERSONAL_AGGREGATE) or principal.can(Permission.PERSONAL_MASKED)


def default_rules(dash_prefix: str, callback_check: Condition) -> dict[str, Rule]:
    p = dash_prefix  # Dash names its endpoints after their URL rules
    map_view = requires(Permission.MAP_VIEW)
    tiles = requires(Permission.MAP_VIEW, condition=may_see_tile_layer,
                     note="personal layers need personal.aggregate or personal.masked")
    return {
        # what the login page and the browser's start-up need
        "login": PUBLIC,
        "logout": PUBLIC,  # CSRF-checked; signing out of nothing just shows the login page
        "auth_token": PUBLIC,  # the credential exchange for machine clients (rate-limited)
        "healthz": PUBLIC,  # no personal or operational detail in it
        "_dash_assets.static": PUBLIC,
        f"{p}_dash-component-suites/<string:package_name>/<path:fingerprinted_path>": PUBLIC,
        f"{p}_favicon.ico": PUBLIC,
        "cockpit_worker": PUBLIC,
        "cockpit_worker_latest": PUBLIC,
        "cockpit_font": PUBLIC,
        "static": AUTHENTICATED,  # Flask's default static folder: there is none, nothing to give away
        # Dash: the page shell, its layout and callbacks
        p: AUTHENTICATED,
        f"{p}<path:path>": AUTHENTICATED,
        f"{p}_dash-layout": AUTHENTICATED,
        f"{p}_dash-dependencies": AUTHENTICATED,
        f"{p}_reload-hash": AUTHENTICATED,
        f"{p}_dash-update-component": Rule("authenticated", condition=callback_check,
                                           note="the permission of each page whose components it touches"),
        # map data
        "tile_index": map_view,
        "tilejson": tiles,
        "vector_tile": tiles,
        "terrain_png": map_view,
        "basemap_png": map_view,
        # the standard-address library (row-level security scopes a commander's library)
        "address_match": map_view,
        "address_match_batch": map_view,
        "address_reverse": map_view,
        # the resident registry (jurisdiction: twin.people + row-level security)
        "residents_search": requires(Permission.PERSONAL_MASKED),
        "resident_card": requires(Permission.PERSONAL_MASKED),
        "resident_unmask": requires(Permission.PERSONAL_MASKED, Permission.PERSONAL_UNMASK),
        # live data: feeds post readings with a feed.ingest token; the cockpit reads them
        "readings_ingest": requires(Permission.FEED_INGEST),
        "indicators": map_view,
        "sensors": map_view,
    }


# -- the hook ------------------------------------------------------------------------------------------
def install(server: Flask, rules: dict[str, Rule], api_limit: ratelimit.SlidingWindow) -> AccessRules:
    registry = AccessRules()
    for endpoint, rule in rules.items():
        registry.declare(endpoint, rule)
    server.extensions[EXTENSION] = registry

    @server.before_request
    def _check_access() -> ResponseReturnValue | None:
        db.set_scope(None)  # worker threads are reused: never inherit the previous request's data scope
        g.access_checked = True
        endpoint = request.endpoint
        if endpoint is None:
            return None  # no route matched: Flask answers 404/405 itself, and nothing is served
        rule = registry.get(endpoint)
        if rule is None:
            log.error("no access rule for endpoint %r (%s %s): refused", endpoint, request.method, request.path)
            raise Forbidden("这个地址没有访问规则，已拒绝 / this address has no access rule and is refused")
        if rule.level == "public":
            return None
        principal = auth.current_principal()  # AuthFailed for a bad bearer token
        if principal is None:
            raise AuthFailed("请先登录 / please sign in")
        _refuse_cross_site_writes()  # before anything reads the body of a forged request
        if not rule.allows(principal):
            raise Forbidden("没有访问权限 / you are not allowed to see this")
        if request.path.startswith("/api/"):
            ratelimit.check(api_limit, f"api:{principal.username}")
        return None

    return registry


def _refuse_cross_site_writes() -> None:
    """Cookie-authenticated writes must come from our own pages (defence in depth beside SameSite=Lax)."""
    if request.method not in UNSAFE_METHODS or g.get("auth_method") != "session":
        return
    if request.headers.get("Sec-Fetch-Site") == "cross-site":
        raise Forbidden("拒绝跨站请求 / cross-site request refused")
    origin = request.headers.get("Origin")
    if origin and urlsplit(origin).netloc != request.host:  # "null" (sandboxed frames) is refused too
        raise Forbidden("拒绝跨站请求 / cross-site request refused")


def table(registry: AccessRules, endpoints: Iterable[str] | None = None) -> list[tuple[str, str]]:
    """(endpoint, rule) rows for documentation and reports."""
    names = sorted(endpoints if endpoints is not None else registry.rules)
    return [(name, registry.rules[name].describe() if name in registry.rules else "NO RULE") for name in names]

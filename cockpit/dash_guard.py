"""Authorisation inside Dash: pages, their callbacks, the validation layout and callback errors.

* Each page needs a permission: ``dash.register_page(..., permission=Permission.X)``, default map.view.
  A page's layout is wrapped so that a caller without it gets a "no access" panel instead of the page.
* Each callback request is checked against the pages whose components it touches: component ids are
  namespaced per page (``<PREFIX>-…``, DESIGN.md convention 2), so a callback touching ``countymap-…``
  needs the map page's permission even when posted by hand. Ids outside every page and the app shell are
  refused (fail closed).
* Dash embeds a "validation layout" (every page's layout, built once on the first request) in the index
  page's config. Built from real data it would hand one user's data, and the first caller's CSRF token,
  to everybody; it is reduced to component types and ids before it is ever served.
* Errors raised in callbacks become a notice in the page shell: the safe ``user_message`` of a
  CockpitError, a generic message for anything else (logged with its traceback, never sent).
"""

from __future__ import annotations

import copy
import functools
import logging
import sys
from collections.abc import Callable, Iterator
from typing import Any

import dash
from dash import html
from dash.development.base_component import Component
from flask import g, has_request_context, request

from cockpit import auth
from cockpit.i18n import lang_of, t
from geodata import db
from geodata.errors import CockpitError, ValidationFailed
from twin.auth import Permission, Principal

log = logging.getLogger(__name__)

DEFAULT_PAGE_PERMISSION = Permission.MAP_VIEW
NOTICE_ID = "app-notice"
SHELL_PREFIXES = ("app-", "_pages_")  # the app shell (cockpit/server.py) and Dash's own page router
GUARDED = "_cockpit_guarded"


def page_permission(page: dict[str, Any]) -> Permission:
    return Permission(page.get("permission") or DEFAULT_PAGE_PERMISSION)


def page_prefix(page: dict[str, Any]) -> str:
    module = sys.modules.get(page["module"])
    prefix = getattr(module, "PREFIX", None)
    if not prefix:
        raise RuntimeError(f"page {page['module']} has no PREFIX: its component ids cannot be authorised")
    return str(prefix)


def visible_pages(principal: Principal | None) -> list[dict[str, Any]]:
    pages = sorted(dash.page_registry.values(), key=lambda p: p.get("order") or 0)
    return [p for p in pages if principal is not None and principal.can(page_permission(p))]


# -- page layouts ----------------------------------------------------------------------------------------
def guard_pages() -> None:
    for page in dash.page_registry.values():
        layout = page["layout"]
        if callable(layout) and not getattr(layout, GUARDED, False):
            page["layout"] = _guarded(layout, page_permission(page))


def _guarded(layout: Callable[..., Any], permission: Permission) -> Callable[..., Any]:
    @functools.wraps(layout)
    def guarded(**kwargs: Any) -> Any:
        if not _in_access_checked_request():
            return _validation_only(layout, kwargs)
        principal = auth.current_principal()
        if principal is None or not principal.can(permission):
            lang = lang_of(kwargs.get("lang"))
            return html.Div(html.P(t("error.forbidden", lang), className="hint", id="app-forbidden"),
                            className="page")
        return layout(**kwargs)

    setattr(guarded, GUARDED, True)
    return guarded


def _in_access_checked_request() -> bool:
    # Dash builds its validation layout in its own before_request hook, which runs before access.py's.
    return has_request_context() and bool(g.get("access_checked"))


def _validation_only(layout: Callable[..., Any], kwargs: dict[str, Any]) -> Any:
    """The layout's component tree for Dash's validation, read with no data scope and then stripped."""
    try:
        with db.scoped(None):
            return skeleton(layout(**kwargs))
    except Exception:  # an empty page only weakens Dash's dev-time id checks for that page
        log.warning("page layout failed while building the validation layout", exc_info=True)
        return html.Div()


def skeleton(tree: Any) -> Any:
    """Keep component types, ids and nesting; drop every other property (data, text, tokens)."""
    for component in _components(tree):
        wildcards = [k for k in vars(component) if k.startswith(("data-", "aria-"))]
        for prop in [*component._prop_names, *wildcards]:
            if prop not in ("id", "children") and hasattr(component, prop):
                delattr(component, prop)
        children = getattr(component, "children", None)
        if children is not None:
            kept = [c for c in (children if isinstance(children, list | tuple) else [children])
                    if isinstance(c, Component)]
            component.children = kept
    return tree if isinstance(tree, Component) else html.Div()


def _components(tree: Any) -> Iterator[Component]:
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, list | tuple):
            stack.extend(node)
        elif isinstance(node, Component):
            yield node
            stack.append(getattr(node, "children", None))


def strip_validation_layout(app: dash.Dash) -> None:
    """Called on every request after Dash's own hooks: cheap once done."""
    layout = app.validation_layout
    if layout is not None and not getattr(layout, GUARDED, False):
        stripped = skeleton(copy.deepcopy(layout))  # a copy: the tree may share objects with app.layout
        setattr(stripped, GUARDED, True)
        app.validation_layout = stripped


# -- callbacks -------------------------------------------------------------------------------------------
def callback_allowed(principal: Principal) -> bool:
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("output"), str) \
            or not isinstance(body.get("outputs"), (dict, list)) \
            or not all(isinstance(body.get(k, []), list) for k in ("inputs", "state")):
        # Dash would fail on it deep inside its dispatcher (a 500); say what is wrong instead
        raise ValidationFailed("回调请求格式不正确 / malformed callback request")
    if body["output"] not in dash.get_app().callback_map:
        raise ValidationFailed("没有这个回调 / no such callback")
    prefixes = {page_prefix(p): page_permission(p) for p in dash.page_registry.values()}
    for component_id in set(_ids(body.get("outputs"))) | set(_ids(body.get("inputs"))) | set(_ids(body.get("state"))):
        if component_id.startswith(SHELL_PREFIXES):
            continue
        owner = next((perm for prefix, perm in prefixes.items() if component_id.startswith(prefix + "-")), None)
        if owner is None:
            log.warning("callback touches %r, which belongs to no page: refused", component_id)
            return False
        if not principal.can(owner):
            return False
    return True


def _ids(spec: Any) -> Iterator[str]:
    """Component ids in a callback request's outputs/inputs/state (nested lists for wildcards)."""
    if isinstance(spec, list):
        for item in spec:
            yield from _ids(item)
    elif isinstance(spec, dict) and "id" in spec:
        cid = spec["id"]
        if isinstance(cid, dict):  # pattern-matching id: its string values carry the namespace
            yield from (v for v in cid.values() if isinstance(v, str))
        else:
            yield str(cid)


def on_callback_error(err: Exception) -> None:
    """Dash(on_error=…): the callback's outputs stay as they were; the shell shows what went wrong."""
    lang = lang_of(_lang())
    if isinstance(err, CockpitError):
        if err.http_status >= 500:
            log.error("callback: %s: %s (%s)", err.code, err.user_message, err.detail)
        message = err.user_message
    else:
        log.error("callback failed", exc_info=err)
        message = t("error.callback", lang)
    dash.set_props(NOTICE_ID, {"children": message, "className": "app-notice visible"})


def _lang() -> str | None:
    try:
        return dash.ctx.states.get("app-lang.data")
    except Exception:  # outside a callback context
        return None

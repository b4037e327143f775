"""县域一张图 — the county map: terrain, boundaries, labels, network and thematic layers."""

from __future__ import annotations

from typing import Any

import dash
from dash import Input, Output, State, html

from cockpit import auth
from cockpit.components import deckmap
from cockpit.components.attrs import with_attrs
from cockpit.components.county_data import map_inputs
from cockpit.i18n import lang_of, t
from cockpit.static import WORKER_LOAD_OPTIONS
from geodata.errors import CockpitError
from layers.base import MapParams, Mode, Theme
from layers.registry import county_map
from twin import map_data
from twin.auth import Permission

dash.register_page(__name__, path="/map", name="县域一张图", name_en="County map",
                   title="县域一张图 · 新昌县数字孪生驾驶舱", order=1)

PREFIX = "countymap"


def _params(query: dict[str, str]) -> MapParams:
    theme: Theme = "light" if query.get("theme") == "light" else "dark"
    mode: Mode = "2d" if query.get("mode") == "2d" else "3d"
    return MapParams(theme=theme, mode=mode, lang=lang_of(query.get("lang")))


def _may_see_personal() -> bool:
    principal = auth.current_principal()
    return principal is not None and (principal.can(Permission.PERSONAL_AGGREGATE)
                                      or principal.can(Permission.PERSONAL_MASKED))


def layout(**query: str) -> html.Div:
    params = _params(query)
    personal = _may_see_personal()
    built = county_map(params, map_inputs(personal), WORKER_LOAD_OPTIONS, personal=personal)
    return with_attrs(html.Div(
        [
            html.Header([
                html.H1(t("map.title", params.lang)),
                html.Span(t("data.synthetic", params.lang), className="badge-synthetic"),
            ], className="cockpit-header"),
            html.Main([
                deckmap.deck_map(PREFIX, built, deckmap.COUNTY_HOME, params),
                with_attrs(html.Aside(
                    html.P(t("map.click_hint", params.lang), className="hint"),
                    id=f"{PREFIX}-card", className="feature-card",
                ), aria_live="polite"),
            ], className="map-page-main"),
        ],
        className=f"page map-page theme-{params.theme}",
    ), data_lang=params.lang)


deckmap.register_callbacks(PREFIX)


@dash.callback(
    Output(f"{PREFIX}-card", "children"),
    Input(deckmap.ids(PREFIX)["deck"], "clickInfo"),
    State("app-lang", "data"),
    prevent_initial_call=True,
)
def show_card(click: dict[str, Any] | None, lang: str | None) -> Any:
    props = (click or {}).get("properties") or {}
    if (click or {}).get("layerId") != "villages" or not props.get("code"):
        return dash.no_update
    try:
        card = map_data.area_card(auth.current_principal(), str(props["code"]))
    except CockpitError as exc:
        return html.P(exc.user_message, className="error")
    return _card(card, lang)


def _card(card: dict[str, Any], lang: str | None) -> html.Div:
    rows = [
        (t("card.code", lang), card["code"]),
        (t("card.parent", lang), card.get("parent_name") or ""),
        (t("card.area", lang), f"{card['area_km2']:.2f} km²"),
        (t("card.residents", lang), f"{card['residents']:,}"),
        (t("card.households", lang), f"{card['households']:,}"),
        (t("card.grid_cells", lang), f"{card['grid_cells']:,}"),
    ]
    return with_attrs(html.Div([
        html.H2(card["name"], id=f"{PREFIX}-card-name"),
        html.Dl([item for k, v in rows for item in (html.Dt(k), html.Dd(v))]),
        html.P(t("data.synthetic", lang), className="badge-synthetic"),
    ], id=f"{PREFIX}-card-body"), data_code=card["code"])

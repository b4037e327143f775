"""驾驶舱总览 — the leaders' video-wall screen: the 3D county map between the plan indicators and live
operations, refreshed every two seconds, with an automatic tour of preset views.

Refreshing is cheap for the server: every screen asks "has anything changed since version V?" and gets
204 (no update) unless the shared aggregate (twin.overview.live_state) has a newer version. Only then
are the panels rendered and sent."""

from __future__ import annotations

import threading
from typing import Any

import dash
from dash import ClientsideFunction, Input, Output, State, clientside_callback, dcc, html
from dash.exceptions import PreventUpdate

from cockpit.components import charts, deckmap
from cockpit.components import overview_panels as panels
from cockpit.components.attrs import with_attrs
from cockpit.components.charts import CONFIG
from cockpit.components.county_data import map_inputs
from cockpit.components.overview_strings import STRINGS  # noqa: F401  (registers the page's UI strings)
from cockpit.i18n import lang_of, t
from cockpit.static import WORKER_LOAD_OPTIONS
from layers import emergency
from layers.base import MapParams
from layers.registry import county_map
from twin.overview import LiveState, live_state

dash.register_page(__name__, path="/", name="驾驶舱总览", name_en="Overview", title="新昌县数字孪生指挥驾驶舱",
                   order=0)

PREFIX = "overview"
REFRESH_MS = 2000
TOUR_MS = 15000
WALL_LAYERS = ("terrain", "basemap", "warnings", "parcels", "township-boundaries", "county-outline", "sensors",
               "incidents", "sensor-alarms", "township-labels", "neighbour-labels")
HOME = deckmap.View(longitude=120.93, latitude=29.43, zoom=9.7, pitch=50, bearing=-8)


def layout(lang: str | None = None, tour: str | None = None, **_query: str) -> html.Div:
    """``?tour=off`` keeps the map still (a screen used for briefings, or a test that measures it)."""
    lang = lang_of(lang)
    state = live_state()
    params = MapParams(theme="dark", mode="3d", lang=lang)
    return html.Div([
        html.Header([
            html.H1(t("overview.title", lang)),
            html.Span(t("data.synthetic", lang), className="badge-synthetic"),
            html.Div(id=f"{PREFIX}-clock", className="ov-clock"),
            html.Div(panels.weather(state, lang), id=f"{PREFIX}-weather", className="ov-weather"),
            html.Div(panels.freshness(state, lang), id=f"{PREFIX}-freshness"),
            with_attrs(html.Button(t("tour.running", lang), id=f"{PREFIX}-tour-toggle", className="ov-tour-button",
                                   type="button", title=t("tour.hint", lang)), aria_pressed="false"),
        ], className="ov-header"),
        html.Div([
            html.Section([html.H2(t("overview.kpis", lang)),
                          html.Div(panels.kpis(PREFIX, state, lang), id=f"{PREFIX}-kpis", className="ov-kpi-grid")],
                         className="ov-panel ov-left"),
            html.Section([
                html.Div([
                    deckmap.deck_map(PREFIX, _map_layers(params, state), HOME, params, compact=True,
                                     wait_for_scale=True),
                    html.Div(id=f"{PREFIX}-tour-caption", className="ov-tour-caption"),
                ], className="ov-map"),
                html.Div([
                    html.Div([html.H2(t("overview.trend", lang)),
                              dcc.Graph(id=f"{PREFIX}-trend", figure=panels.trend_figure(state, lang), config=CONFIG,
                                        className="ov-graph")], className="ov-panel ov-trend"),
                    html.Div([html.H2(t("overview.feeds", lang)),
                              html.Div(panels.feeds(state, lang), id=f"{PREFIX}-feeds", className="ov-feeds")],
                             className="ov-panel ov-feeds-panel"),
                ], className="ov-strip"),
            ], className="ov-centre"),
            html.Section([
                html.Div([html.H2(t("overview.totals", lang)),
                          html.Div(panels.totals(state, lang), id=f"{PREFIX}-totals", className="ov-row")],
                         className="ov-panel"),
                html.Div([html.H2(t("overview.warnings", lang)),
                          html.Div(panels.warnings(state, lang), id=f"{PREFIX}-warnings", className="ov-row")],
                         className="ov-panel"),
                html.Div([html.H2(t("overview.incidents", lang)),
                          html.Div(panels.incidents_today(state, lang), id=f"{PREFIX}-incidents-today",
                                   className="ov-row"),
                          dcc.Graph(id=f"{PREFIX}-incidents", figure=panels.incidents_figure(state, lang),
                                    config=CONFIG, className="ov-graph")], className="ov-panel ov-grow"),
                html.Div([html.H2(t("overview.events", lang)),
                          html.Div([dcc.Graph(id=f"{PREFIX}-events-gauge", figure=panels.events_gauge(state, lang),
                                              config=CONFIG, className="ov-gauge"),
                                    html.Div(panels.events(state, lang), id=f"{PREFIX}-events",
                                             className="ov-row ov-wrap")], className="ov-events")],
                         className="ov-panel"),
                html.Div([html.H2(t("overview.alarms", lang)),
                          html.Div(panels.alarms(state, lang), id=f"{PREFIX}-alarms")], className="ov-panel ov-grow"),
                html.Div([html.H2(t("overview.park", lang)),
                          html.Div(panels.park(state, lang), id=f"{PREFIX}-park", className="ov-row")],
                         className="ov-panel"),
            ], className="ov-right"),
        ], className="ov-body"),
        dcc.Store(id=f"{PREFIX}-version", data=state.version),
        dcc.Store(id=f"{PREFIX}-layers-signature", data=state.map_signature),
        dcc.Store(id=f"{PREFIX}-tour", data=_tour(state, lang)),
        dcc.Store(id=f"{PREFIX}-scale"),  # set by the first clock tick (overview.js)
        dcc.Interval(id=f"{PREFIX}-tick", interval=REFRESH_MS),
        dcc.Interval(id=f"{PREFIX}-tour-tick", interval=TOUR_MS, disabled=tour == "off"),
        dcc.Interval(id=f"{PREFIX}-clock-tick", interval=1000),
    ], className="page ov-page theme-dark", id=f"{PREFIX}-page")


def _map_layers(params: MapParams, state: LiveState) -> list[tuple[Any, dict[str, Any]]]:
    built = county_map(params, map_inputs(personal=False, alarms=state.alarms, warnings=state.area_warnings,
                                            incidents=state.open_incidents),
                       WORKER_LOAD_OPTIONS, personal=False)
    return [(spec, layer) for spec, layer in built if spec.id in WALL_LAYERS]


def _live_layers(state: LiveState, lang: str) -> dict[str, Any]:
    params = MapParams(theme="dark", mode="3d", lang=lang_of(lang))
    return {"sensor-alarms": emergency.build_alarms(params, state.alarms),
            "warnings": emergency.build_warnings(params, state.area_warnings),
            "incidents": emergency.build_incidents(params, state.open_incidents)}


def _tour(state: LiveState, lang: str | None) -> list[dict[str, Any]]:
    """Preset views: the county, the park, the worst open incident, the township with most open events."""
    stops = [{"caption": t("tour.county", lang), "view": HOME.as_dict("3d")}]
    targets = state.tour
    if targets.get("park"):
        p = targets["park"]
        stops.append({"caption": p["name"], "view": deckmap.View(p["lon"], p["lat"], 13.2, 55, 20).as_dict("3d")})
    if targets.get("incident"):
        i = targets["incident"]
        stops.append({"caption": f"{t('tour.incident', lang)}：{i['title']}",
                      "view": deckmap.View(i["lon"], i["lat"], 13.0, 50, -15).as_dict("3d")})
    if targets.get("township"):
        w = targets["township"]
        stops.append({"caption": t("tour.township", lang).format(name=w["name"], n=w["open_events"]),
                      "view": deckmap.View(w["lon"], w["lat"], 11.6, 45, 10).as_dict("3d")})
    return stops


deckmap.register_callbacks(PREFIX)


@dash.callback(
    Output(f"{PREFIX}-version", "data"),
    Output(f"{PREFIX}-kpis", "children"), Output(f"{PREFIX}-weather", "children"),
    Output(f"{PREFIX}-freshness", "children"), Output(f"{PREFIX}-totals", "children"),
    Output(f"{PREFIX}-warnings", "children"), Output(f"{PREFIX}-incidents-today", "children"),
    Output(f"{PREFIX}-incidents", "figure"), Output(f"{PREFIX}-events", "children"),
    Output(f"{PREFIX}-events-gauge", "figure"), Output(f"{PREFIX}-alarms", "children"),
    Output(f"{PREFIX}-park", "children"), Output(f"{PREFIX}-feeds", "children"),
    Output(f"{PREFIX}-trend", "figure"), Output(f"{PREFIX}-tour", "data"),
    Output(deckmap.ids(PREFIX)["live"], "data"), Output(f"{PREFIX}-layers-signature", "data"),
    Input(f"{PREFIX}-tick", "n_intervals"),
    State(f"{PREFIX}-version", "data"), State("app-lang", "data"), State(f"{PREFIX}-scale", "data"),
    State(f"{PREFIX}-layers-signature", "data"),
)
def refresh(_tick: int | None, shown: str | None, lang: str | None, scale: float | None,
            layers_shown: str | None) -> tuple[Any, ...]:
    state = live_state()
    if state.version == shown:
        raise PreventUpdate  # the common case: nothing new, nothing sent
    panels_out, live = _rendered(state, lang_of(lang), round(scale or 1.0, 2))
    # A new layer list makes deck.gl rebuild every layer (and reload the terrain): send the map's live
    # layers only when what they show has changed, not on every new reading.
    return (*panels_out, dash.no_update if state.map_signature == layers_shown else live, state.map_signature)


_render_lock = threading.Lock()
_renders: dict[tuple[str, str, float], tuple[tuple[Any, ...], dict[str, Any]]] = {}


def _rendered(state: LiveState, lang: str, scale: float) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """The panels for one version, language and screen scale, rendered once and handed to every screen
    showing that combination (as plain JSON-ready dicts, so each answer only serialises them)."""
    key = (state.version, lang, scale)
    with _render_lock:
        if key not in _renders:
            if len(_renders) > 32:
                _renders.clear()
            outputs = (state.version, panels.kpis(PREFIX, state, lang), panels.weather(state, lang),
                       panels.freshness(state, lang), panels.totals(state, lang),
                       panels.warnings(state, lang), panels.incidents_today(state, lang),
                       charts.scaled(panels.incidents_figure(state, lang), scale).to_plotly_json(),
                       panels.events(state, lang),
                       charts.scaled(panels.events_gauge(state, lang), scale).to_plotly_json(),
                       panels.alarms(state, lang), panels.park(state, lang), panels.feeds(state, lang),
                       charts.scaled(panels.trend_figure(state, lang), scale).to_plotly_json(),
                       _tour(state, lang))
            _renders[key] = (outputs, _live_layers(state, lang))
        return _renders[key]


# once, when the first clock tick has measured the screen: the county fitted to this map
clientside_callback(ClientsideFunction("overview", "home"),
                    Output(deckmap.ids(PREFIX)["deck"], "viewState", allow_duplicate=True),
                    Input(f"{PREFIX}-scale", "data"), State(f"{PREFIX}-tour", "data"),
                    State(deckmap.ids(PREFIX)["deck"], "id"), prevent_initial_call=True)
clientside_callback(ClientsideFunction("overview", "scale"), Output(f"{PREFIX}-scale", "data"),
                    Output(deckmap.ids(PREFIX)["scale"], "data"),
                    Input(f"{PREFIX}-clock-tick", "n_intervals"), State(f"{PREFIX}-scale", "data"),
                    prevent_initial_call=True)


@dash.callback(
    Output(f"{PREFIX}-trend", "figure", allow_duplicate=True),
    Output(f"{PREFIX}-incidents", "figure", allow_duplicate=True),
    Output(f"{PREFIX}-events-gauge", "figure", allow_duplicate=True),
    Input(f"{PREFIX}-scale", "data"), State("app-lang", "data"),
    prevent_initial_call=True,
)
def rescale_charts(scale: float | None, lang: str | None) -> tuple[Any, ...]:
    """Plotly sizes its text in pixels: redraw the charts once the screen's scale is known (4K: ×2)."""
    if not scale or abs(scale - 1.0) < 0.05:
        raise PreventUpdate
    state, lang = live_state(), lang_of(lang)
    return tuple(charts.scaled(fig, scale) for fig in (panels.trend_figure(state, lang),
                                                        panels.incidents_figure(state, lang),
                                                        panels.events_gauge(state, lang)))


clientside_callback(ClientsideFunction("overview", "clock"), Output(f"{PREFIX}-clock", "children"),
                    Input(f"{PREFIX}-clock-tick", "n_intervals"), State("app-lang", "data"))
clientside_callback(
    ClientsideFunction("overview", "tour"),
    Output(deckmap.ids(PREFIX)["deck"], "viewState", allow_duplicate=True),
    Output(f"{PREFIX}-tour-caption", "children"),
    Input(f"{PREFIX}-tour-tick", "n_intervals"), State(f"{PREFIX}-tour", "data"),
    State(deckmap.ids(PREFIX)["deck"], "id"),
    prevent_initial_call=True,
)
clientside_callback(
    ClientsideFunction("overview", "toggleTour"),
    Output(f"{PREFIX}-tour-toggle", "children"), Output(f"{PREFIX}-tour-toggle", "aria-pressed"),
    Input(f"{PREFIX}-tour-toggle", "n_clicks"), Input(f"{PREFIX}-clock-tick", "n_intervals"),
    State("app-lang", "data"),
)

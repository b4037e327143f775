"""The one map component every page uses: deck.gl through deckgl-dash, plus our controls.

Everything that only changes what the browser shows — layer visibility, zoom ranges, the 2D/3D
switch, the compass, tooltips — runs in clientside callbacks (assets/js/deckmap.js), so panning and
hovering cause no server traffic. Pages get ``clickInfo`` as a callback input for feature cards and
may replace ``layers`` when their data changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dash import ClientsideFunction, Input, Output, State, clientside_callback, dcc, html
from deckgl_dash import DeckGL

from cockpit.components.attrs import with_attrs
from cockpit.i18n import t
from layers.base import LayerSpec, MapParams

EVENTS = ["click", "hover", "viewStateChange"]
MODE_LAYERS = ("terrain", "basemap")  # shown by the 2D/3D switch, not by the layer switcher


@dataclass(frozen=True)
class View:
    longitude: float
    latitude: float
    zoom: float
    pitch: float = 45
    bearing: float = 0

    def as_dict(self, mode: str) -> dict[str, float]:
        # In 3D deck.gl keeps the camera at a fixed height above sea level, not above the relief:
        # past about z15.5 it would sink into the hills (up to ~1,000 m here) and show nothing.
        return {"longitude": self.longitude, "latitude": self.latitude, "zoom": self.zoom,
                "pitch": self.pitch if mode == "3d" else 0, "bearing": self.bearing if mode == "3d" else 0,
                "minZoom": 7, "maxZoom": 15.5 if mode == "3d" else 18, "maxPitch": 60}


# The whole county, shifted east so it sits clear of the control panels on the right.
COUNTY_HOME = View(longitude=121.06, latitude=29.41, zoom=9.6, pitch=45, bearing=-10)


def ids(prefix: str) -> dict[str, str]:
    """Component ids of one map instance (namespaced per page)."""
    names = ("deck", "layers", "live", "scale", "switcher", "legend", "tooltip", "mode", "reset", "compass", "meta",
             "home")
    return {n: f"{prefix}-map-{n}" for n in names}


def layer_meta(specs: list[LayerSpec], lang: str) -> list[dict[str, Any]]:
    """What the clientside callbacks need to know of each layer (no data)."""
    return [{"id": s.id, "title": s.title(lang), "group": s.group, "minZoom": s.min_zoom, "maxZoom": s.max_zoom,
             "tooltip": s.tooltip, "visible": s.default_visible, "flatOnly": s.flat_only} for s in specs]


def legend_panel(specs: list[LayerSpec], lang: str) -> list[html.Div]:
    rows = []
    for spec in specs:
        for item in spec.legend:
            r, g, b, a = item.color
            swatch_style = {"backgroundColor": f"rgba({r},{g},{b},{a / 255:.2f})"}
            rows.append(with_attrs(html.Div(
                [html.Span(className=f"legend-swatch legend-{item.shape}", style=swatch_style),
                 html.Span(item.label(lang), className="legend-label")],
                className="legend-row",
            ), data_layer=spec.id))
    return rows


def deck_map(prefix: str, layers: list[tuple[LayerSpec, dict[str, Any]]], view: View, params: MapParams,
             *, height: str = "100%", compact: bool = False, wait_for_scale: bool = False) -> html.Div:
    """The map, its layer switcher, legend, tooltip, compass/reset and 2D/3D controls.

    ``compact`` (the video wall): the switcher starts folded and the legend stays. Pages that refresh
    some layers write them, by id, into the ``live`` store; they replace the static ones.
    ``wait_for_scale``: no layer is drawn until the page writes the ``scale`` store (and, with it, its
    fitted view), so that no tile is loaded for a view that is about to change."""
    i = ids(prefix)
    specs = [spec for spec, _ in layers]
    lang = params.lang
    switchable = [s for s in specs if s.id not in MODE_LAYERS]
    return html.Div(
        [
            DeckGL(
                id=i["deck"], layers=[], initial_view_state=view.as_dict(params.mode), controller=True,
                enable_events=EVENTS, tooltip=False,
                style={"position": "absolute", "inset": "0", "width": "100%", "height": "100%"},
            ),
            dcc.Store(id=i["layers"], data=[_gated(spec, layer) for spec, layer in layers]),
            dcc.Store(id=i["live"], data={}),
            dcc.Store(id=i["scale"], data=None if wait_for_scale else 1),  # text/marker size factor (4K: 2)
            dcc.Store(id=i["meta"], data=layer_meta(specs, lang)),
            dcc.Store(id=i["home"], data={"3d": view.as_dict("3d"), "2d": view.as_dict("2d")}),
            html.Div(id=i["tooltip"], className="map-tooltip", role="tooltip", style={"display": "none"}),
            html.Div([
                html.Div([
                    dcc.RadioItems(
                        id=i["mode"], value=params.mode, inline=True, className="map-mode",
                        options=[{"label": "3D", "value": "3d"}, {"label": "2D", "value": "2d"}],
                    ),
                    with_attrs(html.Button(
                        html.Span("▲", id=i["compass"], className="compass-needle"), id=i["reset"],
                        className="map-button", title=t("map.reset", lang),
                    ), aria_label=t("map.reset", lang)),
                ], className="map-toolbar"),
                html.Details([
                    html.Summary(t("map.layers", lang)),
                    dcc.Checklist(
                        id=i["switcher"], className="layer-switcher",
                        options=[{"label": s.title(lang) + (t("map.flat_only", lang) if s.flat_only else ""),
                                  "value": s.id} for s in switchable],
                        value=[s.id for s in switchable if s.default_visible],
                    ),
                ], open=not compact, className="map-panel"),
                html.Details([html.Summary(t("map.legend", lang)), html.Div(legend_panel(specs, lang), id=i["legend"])],
                             open=not compact, className="map-panel"),
            ], className="map-controls" + (" map-controls-compact" if compact else "")),
        ],
        className=f"deck-map theme-{params.theme}", style={"position": "relative", "height": height},
        id=f"{prefix}-map",
    )


def _gated(spec: LayerSpec, layer: dict[str, Any]) -> dict[str, Any]:
    """Zoom gating for inline layers happens in the browser (deckgl-dash's visibleMinZoom)."""
    if spec.min_zoom and layer.get("@@type") not in ("MVTLayer", "TileLayer", "TerrainLayer"):
        return {**layer, "visibleMinZoom": spec.min_zoom}
    return layer


def register_callbacks(prefix: str) -> None:
    """Clientside wiring for one map instance; call once per page at import time."""
    i = ids(prefix)
    clientside_callback(
        ClientsideFunction("deckmap", "visibleLayers"),
        Output(i["deck"], "layers"),
        Input(i["layers"], "data"), Input(i["live"], "data"), Input(i["switcher"], "value"),
        Input(i["mode"], "value"), Input(i["scale"], "data"), State(i["meta"], "data"),
    )
    clientside_callback(
        ClientsideFunction("deckmap", "trackView"),
        Output(i["compass"], "style"), Output(i["deck"], "viewState", allow_duplicate=True),
        Input(i["deck"], "viewState"), State(i["deck"], "id"), State(i["mode"], "value"),
        prevent_initial_call=True,
    )
    clientside_callback(
        ClientsideFunction("deckmap", "tooltip"),
        Output(i["tooltip"], "children"), Output(i["tooltip"], "style"),
        Input(i["deck"], "hoverInfo"), State(i["meta"], "data"),
    )
    # deckgl-dash reports camera moves through its ``viewState`` prop and from then on follows that prop
    # (a later ``initialViewState`` is ignored), so programmatic moves write ``viewState`` too.
    clientside_callback(
        ClientsideFunction("deckmap", "resetView"),
        Output(i["deck"], "viewState", allow_duplicate=True),
        Input(i["reset"], "n_clicks"), Input(i["mode"], "value"), State(i["home"], "data"), State(i["deck"], "id"),
        prevent_initial_call=True,
    )
